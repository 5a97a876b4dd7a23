/**
 * Child processes of the cluster launcher: free ports, waiting for a port or a URL, stopping a child and
 * waiting for it to be gone. Every child is spawned in its own process group (`detached`), so Ctrl-C in
 * the terminal reaches only the launcher, which then stops the nodes in order (SIGTERM: graceful drain)
 * before nginx; a launcher that exits any other way kills what it started (`reapOnExit`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** A free TCP port on 127.0.0.1 (the kernel's pick; free when asked, so start the listener soon). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last lines of a log file, for an error message. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A child with its exit observed: `exited` settles once, whatever ends it. */
export interface Child {
  proc: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  alive(): boolean;
}

const live = new Set<Child>();
let reaping = false;

/** Kills every child still alive when the launcher's process exits (a crash or process.exit). */
function reapOnExit(): void {
  if (reaping) return;
  reaping = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c.pid, 'SIGKILL');
  });
}

/** Starts `command` in its own process group, stdout and stderr appended to `logFile`. */
export function spawnChild(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
): Child {
  reapOnExit();
  const fd = openSync(opts.logFile, 'a');
  const proc = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      running = false;
      live.delete(child);
      resolve(code);
    });
    proc.once('error', () => {
      running = false;
      live.delete(child);
      resolve(null);
    });
  });
  const child: Child = { proc, pid: proc.pid ?? -1, exited, alive: () => running };
  if (proc.pid !== undefined) live.add(child);
  // Not unref'd: a launcher waiting for its children to stop must not exit half way (and orphan them).
  return child;
}

/**
 * Signals the child's whole process group (it leads one: `detached`), so that helpers it forked (nginx's
 * workers) go with it; falls back to the child alone.
 */
function killGroup(pid: number, signal: NodeJS.Signals, orAlone = true): void {
  try {
    process.kill(-pid, signal);
  } catch {
    if (!orAlone) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Sends `signal` to the child and waits for its exit; after `graceMs` SIGKILL to its process group. Also
 * after a graceful exit: an nginx master that quit may leave a worker finishing a long connection.
 */
export async function stopChild(child: Child, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!child.alive()) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), graceMs);
  });
  const outcome = await Promise.race([child.exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    killGroup(child.pid, 'SIGKILL');
    await child.exited;
  } else killGroup(child.pid, 'SIGKILL', false); // what is left of its group, if anything (never a reused pid)
}

/** Polls `probe` until it says yes; fails when the child exits first or after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  opts: { child?: Child; logFile?: string; timeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.child && !opts.child.alive())
      throw new Error(`${what}: the process exited before it was ready\n${tail(opts.logFile ?? '')}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready after ${opts.timeoutMs} ms\n${tail(opts.logFile ?? '')}`);
    await sleep(100);
  }
}
