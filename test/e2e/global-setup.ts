/**
 * Once per run, before any journey file starts: rebuild dist/web if src/web changed since the last build
 * (the project's own scripts/ensure-web.mjs), so the journeys never pass on a stale bundle. Done here and
 * not in each file because files run two at a time: vite empties dist/web while it builds, which would
 * break the pages of a file already running against it.
 */
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  const build = spawnSync(process.execPath, ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building dist/web failed');
}
