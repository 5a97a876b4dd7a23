import type pg from 'pg';
import { type Attempt, type LoadOutput, runHttpLoad } from './booking-load.js';
import type { BenchPatient, BenchSchedule, ScheduleSet } from './booking-setup.js';
import { verify } from './booking-verify.js';
import {
  type BenchCluster,
  type ClusterPhaseCost,
  startBenchCluster,
  startClusterPhase,
} from './cluster-bench.js';
import { HttpConnection } from './http-client.js';
import { percentile, progress, round, tally } from './stats.js';

/** How a rush reaches the API: which processes, and through what. */
export type RushVia = 'in-process' | 'node 0' | 'direct' | 'front';

/** One booking rush of the comparison, on its own schedule set and patients. */
export interface RushRun {
  nodes: number;
  via: RushVia;
  attemptsPerSec: number;
  bookingsPerSec: number;
  /** The same-run ceiling's wall time ÷ this rush's (same attempts, same concurrency): as `ratio`. */
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  booked: number;
  overbooked: number;
  lostAcks: number;
  /** Attempts that got a 5xx or a network error. */
  serverErrors: number;
  /** CPU per attempt (ms): the API processes, the front (nginx), PostgreSQL; null in process (see `cpu`). */
  cpuMsPerAttempt: { nodes: number; front: number; postgres: number } | null;
  wallMs: number;
}

const ms = (v: number) => round(v, 1);

/** The numbers of one rush from its load output and verdict; `ratio` is filled in after the ceiling. */
export async function summariseRush(
  direct: pg.Pool,
  set: ScheduleSet,
  load: LoadOutput,
  label: { nodes: number; via: RushVia },
  cost: ClusterPhaseCost | null,
): Promise<RushRun> {
  const acked = load.results.filter((r) => r.status === 201).map((r) => r.id!);
  const outcomes = tally(load.results.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.code}`)));
  const verdict = await verify(direct, [...set.spread.map((s) => s.id), set.hot.id], acked);
  const n = load.results.length;
  const latencies = load.results.map((r) => r.ms);
  const per = (v: number) => round(v / Math.max(1, n), 2);
  const run: RushRun = {
    ...label,
    attemptsPerSec: ms(n / (load.wallMs / 1000)),
    bookingsPerSec: ms(acked.length / (load.wallMs / 1000)),
    ratio: 0,
    p50Ms: ms(percentile(latencies, 0.5)),
    p99Ms: ms(percentile(latencies, 0.99)),
    booked: acked.length,
    overbooked: verdict.overbooked,
    lostAcks: verdict.lostAcks,
    serverErrors: load.results.filter((r) => r.status === 0 || r.status >= 500).length,
    cpuMsPerAttempt: cost
      ? { nodes: per(cost.nodesMs), front: per(cost.frontMs), postgres: per(cost.postgresMs) }
      : null,
    wallMs: load.wallMs,
  };
  progress(
    `${label.nodes} node(s) ${label.via}: ${JSON.stringify(outcomes)} in ${Math.round(load.wallMs)} ms ` +
      `(${run.attemptsPerSec} attempts/s); verdict ${JSON.stringify(verdict)}` +
      (cost
        ? `; CPU ms per attempt: nodes ${run.cpuMsPerAttempt!.nodes}, front ${run.cpuMsPerAttempt!.front}, ` +
          `PostgreSQL ${run.cpuMsPerAttempt!.postgres}, bench ${per(cost.benchMs)}`
        : ''),
  );
  return run;
}

export interface ClusterRushInput {
  databaseUrl: string;
  direct: pg.Pool;
  /** Three fresh schedule sets and as many patient lists (with sessions): node 0 alone, direct, front. */
  sets: ScheduleSet[];
  patients: BenchPatient[][];
  plan: (set: ScheduleSet) => BenchSchedule[];
  concurrency: number;
  /** As the in-process run (BENCH_WARM_SESSIONS): each rush's sessions first in its nodes' caches. */
  warm: boolean;
}

/**
 * Puts each session in the session cache of every node at `urls` (GET /api/v1/me over HTTP, 100
 * connections a node), as patients who had the page open before the release minute: the in-process run
 * warms its cache directly (bench/booking-hot.ts `warmSessions`), a cluster node only over HTTP. Whatever
 * node the rush's connection or nginx picks then has the session. A cache entry lives
 * `YUNYI_SESSION_CACHE_MS` (30 s), so this runs right before each rush.
 */
export async function warmOverHttp(urls: string[], tokens: readonly string[]): Promise<void> {
  const t0 = performance.now();
  await Promise.all(
    urls.map(async (base) => {
      const url = new URL(base);
      const lanes = await Promise.all(
        Array.from({ length: 100 }, () => HttpConnection.open(url.hostname, Number(url.port))),
      );
      let next = 0;
      await Promise.all(
        lanes.map(async (c) => {
          while (next < tokens.length) {
            const token = tokens[next++]!;
            const res = await c.request('GET', '/api/v1/me', { authorization: `Bearer ${token}` });
            if (res.status !== 200) throw new Error(`GET /api/v1/me at ${base} answered ${res.status}`);
          }
          c.close();
        }),
      );
    }),
  );
  progress(
    `warmed ${tokens.length} sessions on ${urls.length} node(s) over HTTP in ${Math.round(performance.now() - t0)} ms`,
  );
}

/**
 * The rush against a 2-node cluster, three ways, each on its own schedule set: at node 0 alone (one node
 * of the same cluster — the same processes and settings, the second node idle), round-robin at both
 * nodes' own ports (`direct`: connection i to node i mod 2), and at the front (nginx, which picks the
 * node). The bench's in-process server must be closed before: it would be a third node.
 */
export async function clusterRushes(input: ClusterRushInput): Promise<RushRun[]> {
  let cluster: BenchCluster | null = null;
  try {
    cluster = await startBenchCluster(input.databaseUrl, 2);
    const c = cluster;
    const both = c.nodes.map((n) => n.url);
    const targets: { nodes: number; via: RushVia; urls: string[]; nodeUrls: string[] }[] = [
      { nodes: 1, via: 'node 0', urls: [c.nodes[0]!.url], nodeUrls: [c.nodes[0]!.url] },
      { nodes: 2, via: 'direct', urls: both, nodeUrls: both },
      { nodes: 2, via: 'front', urls: [c.url], nodeUrls: both },
    ];
    const runs: RushRun[] = [];
    for (const [k, target] of targets.entries()) {
      const set = input.sets[k]!;
      const attempts: Attempt[] = input.plan(set).map((s, i) => ({
        token: input.patients[k]![i]!.token,
        scheduleId: s.id,
      }));
      progress(`rush: ${target.nodes} node(s), ${target.via} (${target.urls.join(' ')})`);
      if (input.warm)
        await warmOverHttp(
          target.nodeUrls,
          attempts.map((a) => a.token),
        );
      const phase = await startClusterPhase(input.direct, c);
      const load = await runHttpLoad({
        baseUrl: target.urls[0]!,
        baseUrls: target.urls,
        concurrency: input.concurrency,
        attempts,
      });
      const cost = await phase.stop();
      runs.push(await summariseRush(input.direct, set, load, { nodes: target.nodes, via: target.via }, cost));
    }
    return runs;
  } finally {
    await cluster?.stop();
  }
}

/**
 * The JSON fields of the comparison. Headline (`attemptsPerSecByNodes`, `ratioByNodes`, `scaling`): today's
 * one node in process against the two nodes behind the front, as a deployment would run them; `byNodes` has
 * every rush, `node 0` and `direct` being the like-for-like pair (same processes, no proxy).
 */
export function clusterResult(runs: RushRun[], ceilingWallMs: number) {
  const byNodes = runs.map(({ wallMs, ...r }) => ({ ...r, ratio: round(ceilingWallMs / wallMs, 2) }));
  const one = byNodes.find((r) => r.via === 'in-process')!;
  const front = byNodes.find((r) => r.via === 'front');
  const node0 = byNodes.find((r) => r.via === 'node 0');
  const direct = byNodes.find((r) => r.via === 'direct');
  const scale = (a?: { attemptsPerSec: number }, b?: { attemptsPerSec: number }) =>
    a && b && a.attemptsPerSec > 0 ? round(b.attemptsPerSec / a.attemptsPerSec, 2) : null;
  return {
    attemptsPerSecByNodes: { '1': one.attemptsPerSec, '2': front?.attemptsPerSec ?? null },
    ratioByNodes: { '1': one.ratio, '2': front?.ratio ?? null },
    scaling: scale(one, front),
    scalingDirect: scale(node0, direct),
    byNodes,
  };
}
