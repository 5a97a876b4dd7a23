/**
 * `npm run bench:booking` — thousands of patients booking the same few hundred tokens at once, against
 * the real server over real HTTP on PostgreSQL, then the same transaction as raw SQL for a ceiling.
 * Progress goes to stderr; the last line of stdout is one JSON object. Exits non-zero when any token was
 * given twice (overbooked), a client's answer and the database disagree (lostAcks), or an attempt got a
 * 5xx. Method and results: docs/performance.md.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import pg from 'pg';
import { loadConfig } from '../src/server/platform/config.js';
import { type Database, openDatabase } from '../src/server/platform/db/database.js';
import { type RunningServer, startServer } from '../src/server/server.js';
import { benchDatabase, serverVersion } from './bench-db.js';
import { type CeilingAttempt, runCeiling } from './booking-ceiling.js';
import { clusterResult, clusterRushes, type RushRun, summariseRush } from './booking-cluster.js';
import { runHotPhase, warmSessions } from './booking-hot.js';
import { type Attempt, runHttpLoad } from './booking-load.js';
import {
  type BenchPatient,
  type BenchSchedule,
  makeBenchPatients,
  patientOffset,
  releaseScheduleSets,
  type ScheduleSet,
  type SetShape,
} from './booking-setup.js';
import { verify } from './booking-verify.js';
import { clusterEnv, NODES } from './cluster-bench.js';
import { type PhaseCost, startPhase } from './cpu.js';
import { profiled } from './profile.js';
import { countQueries } from './query-count.js';
import { knob, SMOKE } from './smoke.js';
import { percentile, progress, round, shuffle, tally } from './stats.js';

const env = process.env;
/** Full run, smoke run (BENCH_SMOKE=1: the same phases and checks with tiny counts). */
const ATTEMPTS = knob('BENCH_ATTEMPTS', 5000, 200);
const CONCURRENCY = knob('BENCH_CONCURRENCY', 1000, 50);
/** The server's pool and the ceiling's: the app's default (10 and 40 measured no better on 2 cores). */
const POOL_SIZE = knob('BENCH_POOL_SIZE', 20, 20);
const HOT_SHARE = knob('BENCH_HOT_SHARE', 0.3, 0.3);
/** 1: the patients' sessions are in the server's session cache, as after opening the page before the release minute. */
const WARM = knob('BENCH_WARM_SESSIONS', 1, 1) === 1;
/** Fewer tokens than attempts, so a smoke run still races for them and refuses most. */
const SHAPE: SetShape = SMOKE
  ? { schedules: 5, perSchedule: 4, hotCapacity: 5 }
  : { schedules: 50, perSchedule: 10, hotCapacity: 20 };
const ADMIN = { phone: '13600000001', password: 'Demo@2026' };
/** BENCH_NODES=2: three more sets, for the cluster's rushes (node 0 alone, both nodes direct, the front). */
const CLUSTER_SETS = NODES > 1 ? 3 : 0;

const queries = countQueries();

/** Which schedule each attempt targets: HOT_SHARE of them the hot one, the rest round-robin, shuffled. */
function plan(set: ScheduleSet, attempts: number): BenchSchedule[] {
  const hot = Math.round(attempts * HOT_SHARE);
  const targets = Array.from({ length: attempts }, (_, i) =>
    i < hot ? set.hot : set.spread[i % set.spread.length]!,
  );
  return shuffle(targets, 20_260_001);
}

const idsOf = (set: ScheduleSet) => [...set.spread.map((s) => s.id), set.hot.id];
const ms = (v: number) => round(v, 1);

function describeCost(cost: PhaseCost, mainThread: string): string {
  const each = (v: number | null) => (v === null ? '?' : round(v / ATTEMPTS, 2));
  return (
    `per attempt ${round(cost.queries / ATTEMPTS, 1)} queries; CPU ms: ${mainThread} ${each(cost.mainThreadMs)}, ` +
    `other threads ${each(cost.otherThreadsMs)}, PostgreSQL ${each(cost.postgresMs)}`
  );
}

async function main(): Promise<number> {
  const bench = await benchDatabase('yunyi_bench');
  progress(
    `machine: ${os.cpus().length} cpus, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `PostgreSQL ${await serverVersion(bench.url)}; database ${bench.owned ? 'fresh' : 'from DATABASE_URL'}`,
  );
  progress(
    `${SMOKE ? 'SMOKE run (numbers mean nothing): ' : ''}attempts ${ATTEMPTS}, in flight ${CONCURRENCY}, ` +
      `pool ${POOL_SIZE}, hot share ${HOT_SHARE}`,
  );
  let server: RunningServer | null = null;
  let database: Database | null = null;
  const direct = new pg.Pool({ connectionString: bench.url, max: POOL_SIZE });
  try {
    // --- Setup: the real server on the bench database, schedules through the API, patients in bulk.
    const config = loadConfig({
      ...env,
      DATABASE_URL: bench.url,
      YUNYI_DEMO: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: env.LOG_LEVEL || 'warn',
      // Compared with the cluster, the one node gets the same NATS and Redis, so only the count differs.
      ...(NODES > 1 ? clusterEnv() : {}),
    });
    let t0 = performance.now();
    database = await openDatabase({ databaseUrl: bench.url, poolSize: POOL_SIZE });
    server = await startServer(config, { database });
    progress(`server up at ${server.url} (migrate + demo seed ${Math.round(performance.now() - t0)} ms)`);

    t0 = performance.now();
    const [apiSet, ceilingSet, ...clusterSets] = (await releaseScheduleSets(
      server.url,
      ADMIN,
      SHAPE,
      2 + CLUSTER_SETS,
    )) as [ScheduleSet, ScheduleSet, ...ScheduleSet[]];
    progress(
      `released ${2 + CLUSTER_SETS} × ${SHAPE.schedules + 1} schedules (${SHAPE.schedules * SHAPE.perSchedule + SHAPE.hotCapacity} ` +
        `tokens each) through the API in ${Math.round(performance.now() - t0)} ms; ` +
        `fee ${apiSet.hot.feeFen} fen, so a booking is a payment hold`,
    );

    t0 = performance.now();
    const offset = bench.owned ? 0 : patientOffset();
    const patients = await makeBenchPatients(server.ctx, ATTEMPTS, { sessions: true, offset });
    const ceilingPatients = await makeBenchPatients(server.ctx, ATTEMPTS, {
      sessions: false,
      offset: offset + ATTEMPTS,
    });
    const clusterPatients: BenchPatient[][] = [];
    for (let k = 0; k < CLUSTER_SETS; k++)
      clusterPatients.push(
        await makeBenchPatients(server.ctx, ATTEMPTS, {
          sessions: true,
          offset: offset + (2 + k) * ATTEMPTS,
        }),
      );
    if (CLUSTER_SETS > 0)
      progress(`made ${CLUSTER_SETS} × ${ATTEMPTS} more patients with sessions, for the cluster`);
    progress(
      `made ${2 * ATTEMPTS} verified patients (${ATTEMPTS} with sessions) in ${Math.round(performance.now() - t0)} ms`,
    );

    // --- The product: POST /api/v1/appointments over HTTP, one distinct patient per attempt.
    const attempts: Attempt[] = plan(apiSet, ATTEMPTS).map((s, i) => ({
      token: patients[i]!.token,
      scheduleId: s.id,
    }));
    if (WARM) {
      await warmSessions(
        server,
        patients.map((p) => p.token),
      );
      progress(`sessions warm in the server's cache (BENCH_WARM_SESSIONS=1)`);
    }
    let phase = await startPhase(direct, queries);
    const load = await profiled(env.BENCH_CPU_PROFILE, () =>
      runHttpLoad({ baseUrl: server!.url, concurrency: CONCURRENCY, attempts }),
    );
    const apiCost = await phase.stop();
    const acked = load.results.filter((r) => r.status === 201).map((r) => r.id!);
    const outcomes = tally(load.results.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.code}`)));
    progress(`API: ${JSON.stringify(outcomes)} in ${Math.round(load.wallMs)} ms`);
    progress(`API: ${describeCost(apiCost, 'server thread')}`);
    if (env.BENCH_RESULTS) {
      // One line per attempt, for plotting latency over time or by target.
      const hotId = apiSet.hot.id;
      const lines = load.results.map((r, i) =>
        JSON.stringify({ ...r, hot: attempts[i]!.scheduleId === hotId }),
      );
      await writeFile(env.BENCH_RESULTS, `${lines.join('\n')}\n`);
    }
    const apiVerdict = await verify(direct, idsOf(apiSet), acked);
    progress(`API verdict: ${JSON.stringify(apiVerdict)}`);
    // --- The hot schedule (bench/booking-hot.ts): 100 in flight against 2 in flight on one session.
    const hot = await runHotPhase(server, direct, ADMIN, offset + (2 + CLUSTER_SETS) * ATTEMPTS, WARM);
    const inProcessRun: RushRun | null =
      NODES > 1 ? await summariseRush(direct, apiSet, load, { nodes: 1, via: 'in-process' }, null) : null;

    await server.close();
    server = null;
    await database.close();
    database = null;

    // --- BENCH_NODES=2: the same rush against a 2-node cluster on this database (bench/booking-cluster.ts).
    const clusterRuns =
      NODES > 1
        ? await clusterRushes({
            databaseUrl: bench.url,
            direct,
            sets: clusterSets,
            patients: clusterPatients,
            plan: (s) => plan(s, ATTEMPTS),
            concurrency: CONCURRENCY,
            warm: WARM,
          })
        : [];

    // --- The ceiling: the same transaction as raw SQL, fresh schedules, fresh patients.
    const ceilingAttempts: CeilingAttempt[] = plan(ceilingSet, ATTEMPTS).map((schedule, i) => ({
      schedule,
      patientId: ceilingPatients[i]!.patientId,
      accountId: ceilingPatients[i]!.accountId,
    }));
    progress('ceiling: raw SQL booking transactions');
    phase = await startPhase(direct, queries);
    const ceiling = await runCeiling(direct, ceilingAttempts, CONCURRENCY);
    const ceilingCost = await phase.stop();
    const ceilingVerdict = await verify(direct, idsOf(ceilingSet), ceiling.ids);
    progress(
      `ceiling: booked ${ceiling.booked}, full ${ceiling.full}, errors ${JSON.stringify(ceiling.errors)} in ` +
        `${Math.round(ceiling.wallMs)} ms; p50 ${ms(percentile(ceiling.latenciesMs, 0.5))} ms, ` +
        `p99 ${ms(percentile(ceiling.latenciesMs, 0.99))} ms`,
    );
    progress(`ceiling: ${describeCost(ceilingCost, 'client')}`);
    progress(`ceiling verdict: ${JSON.stringify(ceilingVerdict)}`);

    const bookingsPerSec = acked.length / (load.wallMs / 1000);
    const ceilingTps = ceiling.booked / (ceiling.wallMs / 1000);
    const latencies = load.results.map((r) => r.ms);
    const result = {
      attempts: ATTEMPTS,
      booked: acked.length,
      overbooked: apiVerdict.overbooked,
      lostAcks: apiVerdict.lostAcks,
      bookingsPerSec: ms(bookingsPerSec),
      p50Ms: ms(percentile(latencies, 0.5)),
      p99Ms: ms(percentile(latencies, 0.99)),
      ceilingTps: ms(ceilingTps),
      ratio: round(ceilingTps > 0 ? bookingsPerSec / ceilingTps : 0, 2),
      attemptsPerSec: ms(ATTEMPTS / (load.wallMs / 1000)),
      queriesPerAttempt: round(apiCost.queries / ATTEMPTS, 1),
      serverCpuMsPerAttempt: apiCost.mainThreadMs === null ? null : round(apiCost.mainThreadMs / ATTEMPTS, 2),
      ...hot,
      nodes: NODES,
      ...(inProcessRun ? clusterResult([inProcessRun, ...clusterRuns], ceiling.wallMs) : {}),
      ...(SMOKE ? { smoke: true } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    const serverErrors =
      load.results.filter((r) => r.status === 0 || r.status >= 500).length + hot.hotServerErrors;
    if (serverErrors > 0) progress(`FAIL: ${serverErrors} attempts got a 5xx or a network error`);
    const hotFailed = hot.hotOverbooked > 0 || hot.hotLostAcks > 0;
    if (result.overbooked > 0 || result.lostAcks > 0 || hotFailed)
      progress('FAIL: overbooked or lost acknowledgements');
    const clusterFailed = clusterRuns.some((r) => r.overbooked > 0 || r.lostAcks > 0 || r.serverErrors > 0);
    if (clusterFailed) progress('FAIL: a cluster rush overbooked, lost an acknowledgement or got a 5xx');
    return result.overbooked > 0 || result.lostAcks > 0 || hotFailed || serverErrors > 0 || clusterFailed
      ? 1
      : 0;
  } finally {
    await server?.close();
    await database?.close();
    await direct.end();
    await bench.drop();
    if (bench.owned) progress('dropped the bench database');
  }
}

process.exitCode = await main();
