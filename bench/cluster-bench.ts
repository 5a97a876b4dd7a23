import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { Cluster } from '../scripts/cluster/cluster.js';
import { knob } from './smoke.js';
import { progress } from './stats.js';

/**
 * The benchmarks against several API nodes ([9/12]): `BENCH_NODES=2` prepares the database as the one-node
 * run does (an in-process server: migrations, demo seed, schedules or visits through the API), then starts
 * the cluster launcher's child processes (scripts/cluster/cluster.ts) on that database, with NATS and
 * Redis, and drives them over HTTP/WebSocket. docs/performance.md, "Two nodes ([9/12])".
 */
export const NODES = knob('BENCH_NODES', 1, 1);
if (NODES !== 1 && NODES !== 2) throw new Error(`BENCH_NODES=${NODES}: only 1 and 2 are supported`);

/** The shared services of the machine (docs/operations.md); the bench's env may point elsewhere. */
export const CLUSTER_NATS_URL = process.env.BENCH_NATS_URL || 'nats://127.0.0.1:4222';
export const CLUSTER_REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

/** The settings every node of the comparison gets — the in-process one node too, so only the count differs. */
export const clusterEnv = () => ({ NATS_URL: CLUSTER_NATS_URL, REDIS_URL: CLUSTER_REDIS_URL });

/** The launcher's cluster (scripts/cluster/cluster.ts). */
export type BenchCluster = Cluster;

/**
 * Starts `nodes` API nodes on `databaseUrl` (already migrated and seeded by the bench's own server, which
 * must be closed first so it is not a third node running the background loops).
 */
export async function startBenchCluster(databaseUrl: string, nodes: number): Promise<BenchCluster> {
  // Imported only when asked for, so a one-node run never loads the launcher (or needs nginx).
  const launcher = await import('../scripts/cluster/cluster.js');
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'yunyi-bench-cluster-'));
  progress(`starting ${nodes} nodes and nginx; their logs in ${logDir}`);
  const t0 = performance.now();
  const cluster = await launcher.startCluster({
    logDir,
    nodes,
    databaseUrl,
    natsUrl: CLUSTER_NATS_URL,
    redisUrl: CLUSTER_REDIS_URL,
    env: { LOG_LEVEL: process.env.LOG_LEVEL || 'warn' },
  });
  progress(
    `cluster up in ${Math.round(performance.now() - t0)} ms: front ${cluster.url}, nodes ` +
      cluster.nodes.map((n) => `${n.id} ${n.url} (pid ${n.pid})`).join(', '),
  );
  return cluster;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime (ms) of a whole process (all its threads) from /proc; null when it is gone. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** The live child processes of `pid`, all threads' (needs CONFIG_PROC_CHILDREN; empty without it). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // Gone, or /proc without children files.
  }
  return out;
}

/** `pid` and every process under it. */
function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...childrenOf(out[i]!));
  return out;
}

/** CPU per process of the trees under `roots` now. */
function cpuOfTrees(roots: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const root of roots)
    for (const pid of tree(root)) {
      const ms = processCpuMs(pid);
      if (ms !== null) out.set(pid, ms);
    }
  return out;
}

async function backendsCpuMs(db: pg.Pool): Promise<Map<number, number>> {
  const rows = await db.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  const out = new Map<number, number>();
  for (const { pid } of rows.rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

const spent = (before: Map<number, number>, after: Map<number, number>) => {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
};

/** What one phase cost against the cluster: CPU of the node processes, of the rest (nginx), of PostgreSQL. */
export interface ClusterPhaseCost {
  /** The API nodes' processes (and anything they started), all threads. */
  nodesMs: number;
  /** This process's other children: the front (nginx) and whatever else the launcher runs. */
  frontMs: number;
  /** This process: the load generator's worker and the idle main thread. */
  benchMs: number;
  /** PostgreSQL backends of the bench database. */
  postgresMs: number;
}

/**
 * Starts measuring a phase against the cluster. Queries are not counted: they are sent by other processes
 * (bench/query-count.ts patches this process's pg only).
 */
export async function startClusterPhase(db: pg.Pool, cluster: BenchCluster) {
  const nodePids = cluster.nodes.map((n) => n.pid);
  const children = () => childrenOf(process.pid);
  const nodes0 = cpuOfTrees(nodePids);
  const all0 = cpuOfTrees(children());
  const self0 = process.cpuUsage();
  const pg0 = await backendsCpuMs(db);
  return {
    async stop(): Promise<ClusterPhaseCost> {
      const nodes1 = cpuOfTrees(nodePids);
      const all1 = cpuOfTrees(children());
      const self = process.cpuUsage(self0);
      const pg1 = await backendsCpuMs(db);
      const nodesMs = spent(nodes0, nodes1);
      return {
        nodesMs,
        frontMs: Math.max(0, spent(all0, all1) - nodesMs),
        benchMs: (self.user + self.system) / 1000,
        postgresMs: spent(pg0, pg1),
      };
    },
  };
}
