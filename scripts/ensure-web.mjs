// Builds the web app (dist/web) when it is missing or older than its sources, so `npm start` serves
// the current SPA without rebuilding on every start. Runs from `prepare` (npm ci) and `start`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// YUNYI_WEB_OUT (a folder under the project) builds elsewhere than dist/web; vite.config.ts reads it too.
const out = `${process.env.YUNYI_WEB_OUT || 'dist/web'}/index.html`;
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const sources = Math.max(newest('src/web'), newest('src/shared'), statSync('vite.config.ts').mtimeMs);
if (existsSync(out) && statSync(out).mtimeMs >= sources && !process.argv.includes('--force')) process.exit(0);
if (!existsSync('node_modules/vite')) {
  console.warn('vite is not installed (production install?): skipping the web build');
  process.exit(0);
}
console.log('building the web app (dist/web)…');
// Always a production bundle, whoever calls this: Vitest sets NODE_ENV=test, which builds React's dev mode.
const r = spawnSync(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.config.ts', '--logLevel', 'warn'],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
);
process.exit(r.status ?? 1);
