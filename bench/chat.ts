/**
 * `npm run bench:chat` — the visit chat over the real server's WebSocket (/ws) on PostgreSQL: N patients,
 * each in a follow-up visit with the same doctor, send M text messages at a steady pace; per message the
 * time to the sender's own echo and to the doctor's socket. Then every patient's connection drops, the
 * doctor writes to each visit over HTTP, and the patients resume after the last id they saw.
 * Progress goes to stderr; the last line of stdout is one JSON object. Exits non-zero when a message is
 * lost or duplicated (on a socket or in the database), or any error frame, 5xx or failed request appears.
 * Method and results: docs/performance.md.
 */
import os from 'node:os';
import pg from 'pg';
import { loadConfig } from '../src/server/platform/config.js';
import { type Database, openDatabase } from '../src/server/platform/db/database.js';
import { type RunningServer, startServer } from '../src/server/server.js';
import { benchDatabase, serverVersion } from './bench-db.js';
import { makeBenchPatients, patientOffset } from './booking-setup.js';
import {
  type ChatPatient,
  type ChatPhaseOutput,
  type ResumePhaseOutput,
  startChatLoad,
} from './chat-load.js';
import { giveOfflineDiagnoses, loginDoctor, openVisits } from './chat-setup.js';
import {
  type BenchCluster,
  clusterEnv,
  NODES,
  startBenchCluster,
  startClusterPhase,
} from './cluster-bench.js';
import { type PhaseCost, startPhase } from './cpu.js';
import { profiled } from './profile.js';
import { countQueries } from './query-count.js';
import { knob, SMOKE } from './smoke.js';
import { percentile, progress, round } from './stats.js';

const env = process.env;
/** Full run, smoke run (BENCH_SMOKE=1: the same phases and checks with tiny counts). */
const PATIENTS = knob('BENCH_PATIENTS', 200, 12);
const MESSAGES = knob('BENCH_MESSAGES', 20, 3);
const INTERVAL_MS = knob('BENCH_INTERVAL_MS', 50, 50);
const POOL_SIZE = knob('BENCH_POOL_SIZE', 20, 20);
const TIMEOUT_MS = knob('BENCH_TIMEOUT_MS', 120_000, 20_000);
/** BENCH_NODES=2: the two nodes' paced run (200 patients: 200 messages a second); 0 skips it. */
const PACED_INTERVAL_MS = knob('BENCH_PACED_INTERVAL_MS', 1000, 1000);
const DOCTOR_RESUME = env.BENCH_DOCTOR_RESUME === 'per-visit' ? 'per-visit' : 'one-frame';
/** 陈建国, chief cardiologist of 云川医院 (YC-H01), who offers online follow-ups. */
const DOCTOR = { phone: '13900000001', password: 'Demo@2026' };

const queries = countQueries();
const ms = (v: number) => round(v, 1);
const load1 = () => round(os.loadavg()[0]!, 2);

/** What a phase cost, in process (bench/cpu.ts) or against the cluster's processes (bench/cluster-bench.ts). */
interface RunCost {
  /** Round trips of every pg client in this process; null against the cluster (other processes send them). */
  queries: number | null;
  /** The server thread in process; the API nodes' processes (all threads) against the cluster. */
  serverMs: number | null;
  /** The rest: this process's other threads (clients, GC); against the cluster also the bench and nginx. */
  otherMs: number | null;
  postgresMs: number | null;
  /** What `serverMs` is, for the progress line. */
  server: string;
}
type Meter = () => Promise<{ stop(): Promise<RunCost> }>;

const inProcessMeter =
  (db: pg.Pool): Meter =>
  async () => {
    const phase = await startPhase(db, queries);
    return {
      async stop() {
        const c: PhaseCost = await phase.stop();
        return {
          queries: c.queries,
          serverMs: c.mainThreadMs,
          otherMs: c.otherThreadsMs,
          postgresMs: c.postgresMs,
          server: 'server thread',
        };
      },
    };
  };

const clusterMeter =
  (db: pg.Pool, cluster: BenchCluster): Meter =>
  async () => {
    const phase = await startClusterPhase(db, cluster);
    return {
      async stop() {
        const c = await phase.stop();
        return {
          queries: null,
          serverMs: c.nodesMs,
          otherMs: c.frontMs + c.benchMs,
          postgresMs: c.postgresMs,
          server: 'API nodes',
        };
      },
    };
  };

function describeCost(cost: RunCost, per: number, unit: string): string {
  const each = (v: number | null) => (v === null ? '?' : round(v / per, 3));
  return (
    `per ${unit} ${cost.queries === null ? '?' : round(cost.queries / per, 1)} queries; CPU ms: ${cost.server} ` +
    `${each(cost.serverMs)}, other threads (clients, GC${cost.queries === null ? ', nginx' : ''}) ` +
    `${each(cost.otherMs)}, PostgreSQL ${each(cost.postgresMs)}`
  );
}

/** Every message the patients sent is stored exactly once in the visit it was sent to. */
async function verifyStored(db: pg.Pool, visitIds: string[]) {
  const rows = await db.query<{ visit_id: string; client_id: string; n: number }>(
    `select visit_id, client_id, count(*)::int as n from visit_message
      where visit_id = any($1) and sender_role = 'patient' group by visit_id, client_id`,
    [visitIds],
  );
  const stored = new Map(rows.rows.map((r) => [`${r.visit_id} ${r.client_id}`, r.n]));
  let missing = 0;
  let duplicated = 0;
  visitIds.forEach((visitId, i) => {
    for (let k = 0; k < MESSAGES; k++) {
      const n = stored.get(`${visitId} bench-${i}-${k}`) ?? 0;
      if (n === 0) missing++;
      else duplicated += n - 1;
    }
  });
  const extra = rows.rows.filter((r) => !/^bench-\d+-\d+$/.test(r.client_id)).length;
  return { missing, duplicated: duplicated + extra };
}

/** After the resume each patient has exactly the messages stored after the id it resumed from. */
async function verifyResumed(db: pg.Pool, out: ResumePhaseOutput) {
  const rows = await db.query<{ visit_id: string; ids: string[] }>(
    'select visit_id, array_agg(id order by id) as ids from visit_message where visit_id = any($1) group by visit_id',
    [out.outcomes.map((o) => o.visitId)],
  );
  const idsOf = new Map(rows.rows.map((r) => [r.visit_id, r.ids.map(Number)]));
  let lost = 0;
  let duplicated = 0;
  let wrongLastId = 0;
  out.outcomes.forEach((o, i) => {
    const expected = (idsOf.get(o.visitId) ?? []).filter((id) => id > o.after);
    const got = new Set(o.received);
    lost += expected.filter((id) => !got.has(id)).length;
    // A copy of an id it already had before the drop, or the same id twice, is a duplicate.
    const want = new Set(expected);
    duplicated += o.received.length - got.size + [...got].filter((id) => !want.has(id)).length;
    const doctorId = out.doctorMessageIds[i];
    if (doctorId != null && !want.has(doctorId)) lost++;
    if (o.resumedLastId !== (expected.at(-1) ?? o.after)) wrongLastId++;
  });
  return { lost, duplicated, wrongLastId };
}

/** Where a run's sockets go: the in-process server, or the cluster's nodes directly (doctor on node 0). */
interface RunTarget {
  nodes: number;
  via: 'in-process' | 'direct';
  baseUrl: string;
  patientUrls?: string[];
  meter: Meter;
}

/** One chat phase and one resume phase on `patients`' visits; the numbers and the verdicts. */
async function chatRun(target: RunTarget, doctorToken: string, patients: ChatPatient[], intervalMs: number) {
  const direct = target.patientUrls ?? [target.baseUrl];
  progress(
    `run: ${target.nodes} node(s), ${target.via}; one message every ${intervalMs} ms per patient ` +
      `(offered ${round((patients.length * 1000) / intervalMs, 1)}/s)` +
      (target.patientUrls
        ? `; doctor at ${target.baseUrl}, patients round-robin at ${direct.join(' ')}`
        : ''),
  );
  // --- Load: the sockets in a worker thread.
  const load = startChatLoad({
    baseUrl: target.baseUrl,
    ...(target.patientUrls ? { patientUrls: target.patientUrls } : {}),
    doctorToken,
    patients,
    messages: MESSAGES,
    intervalMs,
    timeoutMs: TIMEOUT_MS,
    doctorResume: DOCTOR_RESUME,
  });
  await load.ready;

  let phase = await target.meter();
  const chat: ChatPhaseOutput = await profiled(
    target.via === 'in-process' ? env.BENCH_CPU_PROFILE : undefined,
    () => load.chat(),
  );
  const chatCost = await phase.stop();
  const messages = chat.sent;
  const messagesPerSec = chat.echoMs.length / (chat.wallMs / 1000);
  progress(
    `chat: ${messages} sent, ${chat.echoMs.length} echoed, ${chat.deliverMs.length} delivered to the doctor in ` +
      `${Math.round(chat.wallMs)} ms (${ms(messagesPerSec)}/s); echo p50 ${ms(percentile(chat.echoMs, 0.5))} ms, ` +
      `p99 ${ms(percentile(chat.echoMs, 0.99))} ms; delivery p50 ${ms(percentile(chat.deliverMs, 0.5))} ms, ` +
      `p99 ${ms(percentile(chat.deliverMs, 0.99))} ms`,
  );
  progress(`chat: ${describeCost(chatCost, Math.max(1, messages), 'message')}`);
  const visitIds = patients.map((p) => p.visitId);
  const stored = await verifyStored(benchPool!, visitIds);
  progress(
    `chat verdict: missing echoes ${chat.missingEchoes}, deliveries ${chat.missingDeliveries}; duplicate ` +
      `echoes ${chat.duplicateEchoes}, deliveries ${chat.duplicateDeliveries}, on the first resume of the ` +
      `sockets ${chat.duplicatesOnFollow}; stored ${JSON.stringify(stored)}`,
  );

  phase = await target.meter();
  const { output: resume, problems } = await load.resume();
  const resumeCost = await phase.stop();
  const resumeMs = resume.outcomes.flatMap((o) => (o.resumeMs === null ? [] : [o.resumeMs]));
  const n = patients.length;
  progress(
    `resume: doctor's HTTP posts ${JSON.stringify(resume.doctorStatuses)}; ${resumeMs.length}/${n} ` +
      `resumed, p50 ${ms(percentile(resumeMs, 0.5))} ms, p99 ${ms(percentile(resumeMs, 0.99))} ms; ` +
      `phase ${Math.round(resume.wallMs)} ms`,
  );
  progress(`resume: ${describeCost(resumeCost, n, 'patient (one doctor POST + one reconnect)')}`);
  const resumed = await verifyResumed(benchPool!, resume);
  progress(
    `resume verdict: ${JSON.stringify(resumed)}; doctor socket missing ${resume.doctorSocketMissing}, ` +
      `duplicates ${resume.doctorSocketDuplicates}`,
  );
  if (resumed.wrongLastId > 0)
    problems.push({ where: 'resume', code: `${resumed.wrongLastId} resumed frames with a wrong lastId` });
  if (resumeMs.length < n)
    problems.push({ where: 'resume', code: `${n - resumeMs.length} patients never resumed` });

  const lost =
    chat.missingEchoes + chat.missingDeliveries + stored.missing + resumed.lost + resume.doctorSocketMissing;
  const duplicated =
    chat.duplicateEchoes +
    chat.duplicateDeliveries +
    chat.duplicatesOnFollow +
    stored.duplicated +
    resumed.duplicated +
    resume.doctorSocketDuplicates;
  const cpu = (chatCost.serverMs ?? 0) + (chatCost.postgresMs ?? 0);
  return {
    fields: {
      messages,
      intervalMs,
      messagesPerSec: ms(messagesPerSec),
      echoP50Ms: ms(percentile(chat.echoMs, 0.5)),
      echoP99Ms: ms(percentile(chat.echoMs, 0.99)),
      deliverP50Ms: ms(percentile(chat.deliverMs, 0.5)),
      deliverP99Ms: ms(percentile(chat.deliverMs, 0.99)),
      resumeP50Ms: ms(percentile(resumeMs, 0.5)),
      resumeP99Ms: ms(percentile(resumeMs, 0.99)),
      lost,
      duplicated,
      cpuMsPerMessage: round(cpu / Math.max(1, messages), 2),
      queriesPerMessage:
        chatCost.queries === null ? null : round(chatCost.queries / Math.max(1, messages), 1),
    },
    problems,
  };
}

type RunResult = Awaited<ReturnType<typeof chatRun>>;

/** The pool the verifications read with (set in main). */
let benchPool: pg.Pool | null = null;

async function main(): Promise<number> {
  const loadBefore = load1();
  const bench = await benchDatabase('yunyi_bench_chat');
  progress(
    `machine: ${os.cpus().length} cpus, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `PostgreSQL ${await serverVersion(bench.url)}; database ${bench.owned ? 'fresh' : 'from DATABASE_URL'}; ` +
      `load average ${os
        .loadavg()
        .map((l) => round(l, 2))
        .join(' ')}`,
  );
  progress(
    `${SMOKE ? 'SMOKE run (numbers mean nothing): ' : ''}patients ${PATIENTS}, ${MESSAGES} messages each, one every ${INTERVAL_MS} ms ` +
      `(offered ${round((PATIENTS * 1000) / INTERVAL_MS, 1)}/s), pool ${POOL_SIZE}; the doctor resumes ${DOCTOR_RESUME}` +
      (NODES > 1
        ? `; then 2 nodes the same way and paced at one every ${PACED_INTERVAL_MS} ms` +
          ` (${round((PATIENTS * 1000) / PACED_INTERVAL_MS, 1)}/s)`
        : ''),
  );
  let server: RunningServer | null = null;
  let database: Database | null = null;
  let cluster: BenchCluster | null = null;
  const direct = new pg.Pool({ connectionString: bench.url, max: 4 });
  benchPool = direct;
  try {
    // --- Setup: the real server on the bench database with the demo region; visits through the API.
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

    // One set of patients and visits per run: the one node's, and with BENCH_NODES=2 the cluster's two.
    const sets = NODES > 1 ? (PACED_INTERVAL_MS > 0 ? 3 : 2) : 1;
    t0 = performance.now();
    const offset = bench.owned ? 0 : patientOffset();
    const patients = await makeBenchPatients(server.ctx, sets * PATIENTS, { sessions: true, offset });
    const doctor = await loginDoctor(server.url, DOCTOR.phone, DOCTOR.password);
    await giveOfflineDiagnoses(server.ctx, patients, doctor.practitionerId);
    progress(
      `made ${sets * PATIENTS} verified patients with an offline I10 diagnosis in ${Math.round(performance.now() - t0)} ms`,
    );
    t0 = performance.now();
    const chatPatients = await openVisits(server.url, patients, doctor);
    progress(
      `${sets * PATIENTS} follow-ups requested, paid on the sim cashier and started by the doctor over HTTP in ` +
        `${Math.round(performance.now() - t0)} ms`,
    );
    const setOf = (k: number) => chatPatients.slice(k * PATIENTS, (k + 1) * PATIENTS);

    const runs: { nodes: number; via: string; paced?: true; run: RunResult }[] = [];
    const one = await chatRun(
      { nodes: 1, via: 'in-process', baseUrl: server.url, meter: inProcessMeter(direct) },
      doctor.token,
      setOf(0),
      INTERVAL_MS,
    );
    runs.push({ nodes: 1, via: 'in-process', run: one });

    if (NODES > 1) {
      // The bench's server would be a third node: close it before the cluster starts on the database.
      await server.close();
      server = null;
      await database.close();
      database = null;
      cluster = await startBenchCluster(bench.url, 2);
      const target: RunTarget = {
        nodes: 2,
        via: 'direct',
        baseUrl: cluster.nodes[0]!.url,
        patientUrls: cluster.nodes.map((n) => n.url),
        meter: clusterMeter(direct, cluster),
      };
      runs.push({ nodes: 2, via: 'direct', run: await chatRun(target, doctor.token, setOf(1), INTERVAL_MS) });
      if (PACED_INTERVAL_MS > 0)
        runs.push({
          nodes: 2,
          via: 'direct',
          paced: true,
          run: await chatRun(target, doctor.token, setOf(2), PACED_INTERVAL_MS),
        });
    }

    const lost = runs.reduce((s, r) => s + r.run.fields.lost, 0);
    const duplicated = runs.reduce((s, r) => s + r.run.fields.duplicated, 0);
    const problems = runs.flatMap((r) =>
      r.run.problems.map((p) => ({ ...p, where: `${r.nodes}n ${p.where}` })),
    );
    const loadAfter = load1();
    const result = {
      patients: PATIENTS,
      ...one.fields,
      lost,
      duplicated,
      load1: [loadBefore, loadAfter],
      nodes: NODES,
      ...(NODES > 1 ? clusterFields(runs) : {}),
      ...(SMOKE ? { smoke: true } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    for (const p of problems.slice(0, 20)) progress(`problem: ${p.where}: ${p.code}`);
    if (problems.length > 20) progress(`… and ${problems.length - 20} more problems`);
    const failed = lost > 0 || duplicated > 0 || problems.length > 0;
    if (failed) progress(`FAIL: lost ${lost}, duplicated ${duplicated}, problems ${problems.length}`);
    return failed ? 1 : 0;
  } finally {
    await cluster?.stop();
    await server?.close();
    await database?.close();
    await direct.end();
    await bench.drop();
    if (bench.owned) progress('dropped the bench database');
  }
}

/**
 * BENCH_NODES=2: the one node against the two at the same pace (`scaling`, aiming at ≥ 0.5), the paced
 * two-node run's p99 (the slower of echo and delivery, aiming at ≤ 100 ms at 200 msg/s), every run.
 */
function clusterFields(runs: { nodes: number; via: string; paced?: true; run: RunResult }[]) {
  const one = runs.find((r) => r.nodes === 1)!.run.fields;
  const two = runs.find((r) => r.nodes === 2 && !r.paced)?.run.fields;
  const paced = runs.find((r) => r.paced)?.run.fields;
  const scaling = two && one.messagesPerSec > 0 ? round(two.messagesPerSec / one.messagesPerSec, 2) : null;
  const pacedP99Ms = paced ? Math.max(paced.echoP99Ms, paced.deliverP99Ms) : null;
  return {
    messagesPerSecByNodes: { '1': one.messagesPerSec, '2': two?.messagesPerSec ?? null },
    scaling,
    pacedMessagesPerSec: paced?.messagesPerSec ?? null,
    pacedP99Ms,
    met: {
      scaling: scaling !== null && scaling >= 0.5,
      pacedP99Ms: pacedP99Ms !== null && pacedP99Ms <= 100,
    },
    byNodes: runs.map((r) => ({
      nodes: r.nodes,
      via: r.via,
      ...(r.paced ? { paced: true } : {}),
      ...r.run.fields,
    })),
  };
}

process.exitCode = await main();
