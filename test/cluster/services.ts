/**
 * The cluster tier's outside services ([9/12]): the machine's NATS and Redis (never stopped here), and
 * private instances on free ports for the tests that take a service away and bring it back. A service that
 * does not answer fails the test that needs it — this tier exists to run against the real engines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BusLog } from '../../src/server/platform/nats-bus.js';

// One PostgreSQL database per file (test/support/db.ts): this tier always runs on the server.
process.env.TEST_DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';

export const NATS_URL = process.env.TEST_NATS_URL || 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

function answers(url: string, ms = 3000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('error', () => done(false));
    s.connect(Number(u.port), u.hostname, () => done(true));
  });
}

/** Throws unless the service answers: the cluster tier does not skip (.ci/run starts NATS and Redis). */
export async function requireService(name: 'NATS' | 'Redis', url: string): Promise<void> {
  if (!(await answers(url)))
    throw new Error(`${name} does not answer at ${url}: the cluster tier needs it (.ci/run starts it)`);
}

/** A log that keeps its lines, to see what a bus or the rate limiter said. */
export function memoryLog(): BusLog & { lines: string[]; said(text: string): boolean } {
  const lines: string[] = [];
  const put = (level: string) => (obj: object, msg: string) =>
    lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  return {
    lines,
    info: put('info'),
    warn: put('warn'),
    error: put('error'),
    said: (text) => lines.some((l) => l.includes(text)),
  };
}

/** Polls until `check` holds; fails with `what` after `ms` (a wait for a condition, not a speed claim). */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A private nats-server or redis-server on its own port, stopped and started again on the same port. */
export interface OwnService {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

async function ownService(
  scheme: string,
  command: string,
  args: (port: number, dir: string) => string[],
): Promise<OwnService> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), `yunyi-${command}-`));
  const url = `${scheme}://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const service: OwnService = {
    url,
    async start() {
      child = spawn(command, args(port, dir), { stdio: 'ignore' });
      await until(`${command} on port ${port}`, () => answers(url, 200));
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL'); // as a crash: no goodbye to the clients
      await exited;
    },
    async dispose() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

export const ownNats = () =>
  ownService('nats', 'nats-server', (port) => ['-a', '127.0.0.1', '-p', String(port)]);

export const ownRedis = () =>
  ownService('redis', 'redis-server', (port, dir) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]);
