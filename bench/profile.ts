import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * A CPU profile of this thread (the server's) while `fn` runs, written to `path` when set (open it in
 * Chrome DevTools or speedscope); without a path, just runs `fn`.
 */
export async function profiled<T>(path: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!path) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path, JSON.stringify(profile));
    session.disconnect();
  }
}
