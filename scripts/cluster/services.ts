/**
 * A private NATS (with JetStream) or Redis for one test file or one cluster: on a free port, data under a
 * temporary directory, never the machine's shared instances (a fault test stops and kills these). The
 * port stays the same across `stop()`/`kill()` and `start()`, so clients reconnect to the same URL;
 * NATS keeps its JetStream store across a restart (the same -sd), Redis keeps nothing (no persistence:
 * what a node keeps there must survive losing it).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Child, freePort, portAnswers, spawnChild, stopChild, waitFor } from './process.js';

export interface ServiceHandle {
  url: string;
  /** Graceful stop (SIGTERM), waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port (and store); waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and deletes its temporary store and log (also done when the process exits). */
  remove(): Promise<void>;
}

const tempDirs = new Set<string>();
let cleaning = false;

/** The temporary stores go when the process exits (their services are killed by then: process.ts). */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  if (!cleaning) {
    cleaning = true;
    process.on('exit', () => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

function service(
  name: string,
  port: number,
  dir: string,
  command: string,
  args: string[],
  url: string,
): Promise<ServiceHandle> {
  const logFile = path.join(dir, `${name}.log`);
  let child: Child | null = null;
  const start = async () => {
    if (child?.alive()) return;
    child = spawnChild(command, args, { logFile, cwd: dir });
    await waitFor(`${name} on port ${port}`, () => portAnswers(port), { child, logFile, timeoutMs: 20_000 });
  };
  const handle: ServiceHandle = {
    url,
    start,
    async stop() {
      if (child) await stopChild(child, 'SIGTERM', 10_000);
    },
    async kill() {
      if (child) await stopChild(child, 'SIGKILL', 10_000);
    },
    async remove() {
      if (child) await stopChild(child, 'SIGTERM', 10_000);
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
  return start().then(() => handle);
}

/** `nats-server -js -sd <tmp>` on 127.0.0.1 (nats-server 2.9 here: nothing that needs 2.10). */
export async function startNats(opts: { port?: number } = {}): Promise<ServiceHandle> {
  const port = opts.port || (await freePort());
  const dir = tempDir('yunyi-nats-');
  const store = path.join(dir, 'jetstream');
  mkdirSync(store);
  return service(
    'nats-server',
    port,
    dir,
    'nats-server',
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store],
    `nats://127.0.0.1:${port}`,
  );
}

/** `redis-server` on 127.0.0.1 without persistence, as the machine's own runs. */
export async function startRedis(opts: { port?: number } = {}): Promise<ServiceHandle> {
  const port = opts.port || (await freePort());
  const dir = tempDir('yunyi-redis-');
  return service(
    'redis-server',
    port,
    dir,
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    `redis://127.0.0.1:${port}`,
  );
}
