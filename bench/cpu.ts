import { readFileSync } from 'node:fs';
import type pg from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime (ms) of a thread or process from /proc (Linux only; null elsewhere). */
function procCpuMs(path: string): number | null {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** CPU used so far by this process's main thread: the server's event loop, not the load worker. */
const mainThreadCpuMs = () => procCpuMs(`/proc/self/task/${process.pid}/stat`);

const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU of the PostgreSQL backends connected to the bench database (same machine only), by pid. */
async function backendsCpuMs(db: pg.Pool): Promise<Map<number, number>> {
  const rows = await db.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  const out = new Map<number, number>();
  for (const { pid } of rows.rows) {
    const ms = procCpuMs(`/proc/${pid}/stat`);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

/** What one phase of the bench cost, in total: round trips and CPU (null where /proc is unreadable). */
export interface PhaseCost {
  queries: number;
  /** The main thread: the server's event loop (API phase) or the raw-SQL client (ceiling). */
  mainThreadMs: number | null;
  /** The rest of this process: the HTTP load worker, GC and libuv threads. */
  otherThreadsMs: number | null;
  /** PostgreSQL backends of the bench database (not its background writer, WAL writer, …). */
  postgresMs: number | null;
}

/**
 * Starts measuring a phase. CPU time is less disturbed than wall time by other work on a shared
 * machine, so the report gives both.
 */
export async function startPhase(db: pg.Pool, queries: () => number) {
  const backends = await backendsCpuMs(db);
  const q0 = queries();
  const main0 = mainThreadCpuMs();
  const proc0 = processCpuMs();
  return {
    async stop(): Promise<PhaseCost> {
      const q = queries() - q0;
      const main = mainThreadCpuMs();
      const proc = processCpuMs();
      const after = await backendsCpuMs(db);
      let postgres = 0;
      for (const [pid, ms] of after) postgres += ms - (backends.get(pid) ?? 0);
      const mainMs = main === null || main0 === null ? null : main - main0;
      return {
        queries: q,
        mainThreadMs: mainMs,
        otherThreadsMs: mainMs === null ? null : proc - proc0 - mainMs,
        postgresMs: after.size === 0 ? null : postgres,
      };
    },
  };
}
