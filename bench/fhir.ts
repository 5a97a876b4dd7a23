/**
 * `npm run bench:fhir` — FHIR R4 read and search over real HTTP on PostgreSQL ([6/12]): the real server
 * (demo region) on a fresh database, grown to 1 000 and then 64 000 demo-like patients with a year of
 * results each (bench/fhir-setup.ts), and at each size the same measurements, in interleaved rounds:
 * patients reading their own Patient and Observations (`GET /fhir/R4/Patient/{id}`,
 * `GET /fhir/R4/Observation/{id}`, mixed), patients searching their results
 * (`Observation?patient=…&code=http://loinc.org|8480-6&_sort=-date&_count=20` and
 * `Observation?patient=…&date=ge…&_sort=-date&_count=20`), and the same reads as raw SQL (the ceiling,
 * bench/fhir-ceiling.ts); then searches one at a time, and a doctor reading and searching the few patients
 * who authorised them. Every answer is checked (status, type, id, the exact page, order, that nothing of
 * another patient appears) and every patient read must have left its `record.read` audit row. Progress goes
 * to stderr; the last line of stdout is one JSON object. Exits non-zero on any wrong answer.
 * Method and results: docs/performance.md.
 */
import os from 'node:os';
import pg from 'pg';
import { loadConfig } from '../src/server/platform/config.js';
import { type Database, openDatabase } from '../src/server/platform/db/database.js';
import { type RunningServer, startServer } from '../src/server/server.js';
import { shanghaiDate } from '../src/shared/identity.js';
import { benchDatabase, serverVersion } from './bench-db.js';
import { type PhaseCost, startPhase } from './cpu.js';
import { auditSwitch } from './fhir-ablate.js';
import { type CeilingRead, runReadCeiling } from './fhir-ceiling.js';
import { type FhirLoader, type FhirRequest, type LoadOutput, startFhirLoader } from './fhir-load.js';
import { type BenchPerson, growPopulation, regionRefs, tableCounts, vacuumAnalyze } from './fhir-setup.js';
import { profiled } from './profile.js';
import { countQueries } from './query-count.js';
import { knob, SMOKE } from './smoke.js';
import { percentile, progress, round, shuffle, tally } from './stats.js';

const env = process.env;
/** Population sizes, grown in this order in the same database. */
const SIZES = (env.BENCH_SIZES || (SMOKE ? '100,200' : '1000,64000')).split(',').map(Number);
const READS = knob('BENCH_READS', 12_000, 120);
const SEARCHES = knob('BENCH_SEARCHES', 6000, 60);
const SERIAL_SEARCHES = knob('BENCH_SERIAL_SEARCHES', 500, 10);
const CONCURRENCY = knob('BENCH_CONCURRENCY', 48, 8);
/** Patients who read, sampled across the population at each size (all of them when fewer). */
const READERS = knob('BENCH_READERS', 4000, 30);
/** Unmeasured requests before each size's phases (twice as many at the first: a cold server). */
const WARMUP = knob('BENCH_WARMUP', 3000, 20);
/** Each size's reads and searches (and ceiling, and diagnosis) in this many interleaved rounds. */
const ROUNDS = knob('BENCH_ROUNDS', 3, 1);
const POOL_SIZE = knob('BENCH_POOL_SIZE', 20, 20);
const DOCTOR_GRANTS = knob('BENCH_DOCTOR_GRANTS', 20, 3);
const DOCTOR_REQUESTS = knob('BENCH_DOCTOR_REQUESTS', 1200, 30);
const PAGE = 20;
const BP = '8480-6';
/** 陈建国 (P001), cardiology at 云川医院 (YC-H01). */
const DOCTOR = { phone: '13900000001', password: 'Demo@2026', code: 'P001' };
const TARGET_READS_PER_SEC = 1300;
const TARGET_P50_RATIO = 1.3;
/** Diagnosis only: each size also runs the read phase with audit inserts not sent (bench/fhir-ablate.ts). */
const SKIP_AUDIT = env.BENCH_SKIP_AUDIT === '1';

const queries = countQueries();
const audit = SKIP_AUDIT ? auditSwitch() : null;
const ms = (v: number) => round(v, 2);
const load1 = () => round(os.loadavg()[0]!, 2);

async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T & { code?: string } };
}

interface Reader extends BenchPerson {
  observationId: string;
  bpCount: number;
  recentCount: number;
}

/** The readers of one size: a fixed-seed sample, with one of their observations and their page sizes. */
async function readersOf(db: pg.Pool, people: BenchPerson[], size: number, since: Date): Promise<Reader[]> {
  const sample = shuffle([...people], 20_260_610 + size).slice(0, Math.min(READERS, people.length));
  const ids = sample.map((p) => p.patientId);
  const obs = await db.query<{ patient_id: string; id: string }>(
    `select distinct on (patient_id) patient_id, id from observation
      where patient_id = any($1) order by patient_id, md5(id::text)`,
    [ids],
  );
  const counts = await db.query<{ patient_id: string; bp: number; recent: number }>(
    `select patient_id, count(*) filter (where code = $2)::int as bp,
            count(*) filter (where effective_at >= $3)::int as recent
       from observation where patient_id = any($1) group by patient_id`,
    [ids, BP, since],
  );
  const obsOf = new Map(obs.rows.map((r) => [r.patient_id, r.id]));
  const countOf = new Map(counts.rows.map((r) => [r.patient_id, r]));
  return sample.map((p) => {
    const c = countOf.get(p.patientId);
    const observationId = obsOf.get(p.patientId);
    if (!c || !observationId) throw new Error(`bench patient ${p.n} has no observations`);
    return { ...p, observationId, bpCount: c.bp, recentCount: c.recent };
  });
}

const readRequests = (readers: Reader[], count: number): FhirRequest[] =>
  Array.from({ length: count }, (_, i) => {
    const r = readers[Math.floor(i / 2) % readers.length]!;
    return i % 2 === 0
      ? {
          path: `/fhir/R4/Patient/${r.patientId}`,
          token: r.token,
          check: { kind: 'read', type: 'Patient', id: r.patientId },
        }
      : {
          path: `/fhir/R4/Observation/${r.observationId}`,
          token: r.token,
          check: { kind: 'read', type: 'Observation', id: r.observationId },
        };
  });

/** The same reads, for the raw-SQL ceiling (fhir-ceiling.ts). */
const ceilingReads = (readers: Reader[], count: number): CeilingRead[] =>
  Array.from({ length: count }, (_, i) => {
    const r = readers[Math.floor(i / 2) % readers.length]!;
    return { ...r, observationId: i % 2 === 0 ? null : r.observationId };
  });

const searchRequests = (readers: Reader[], count: number, sinceDay: string, since: Date): FhirRequest[] =>
  Array.from({ length: count }, (_, i) => {
    const r = readers[(Math.floor(i / 2) * 7) % readers.length]!;
    return i % 2 === 0
      ? {
          path: `/fhir/R4/Observation?patient=${r.patientId}&code=${encodeURIComponent(`http://loinc.org|${BP}`)}&_sort=-date&_count=${PAGE}`,
          token: r.token,
          check: { kind: 'search', patients: [r.patientId], expected: Math.min(PAGE, r.bpCount), code: BP },
        }
      : {
          path: `/fhir/R4/Observation?patient=${r.patientId}&date=ge${sinceDay}&_sort=-date&_count=${PAGE}`,
          token: r.token,
          check: {
            kind: 'search',
            patients: [r.patientId],
            expected: Math.min(PAGE, r.recentCount),
            since: since.toISOString(),
          },
        };
  });

/** Each patient authorises the doctor (all categories, 30 days) through the API, as in the app. */
async function authorise(base: string, patients: Reader[], practitionerId: string): Promise<void> {
  for (const p of patients) {
    const res = await api(base, 'POST', '/me/authorisations', { practitionerId, days: 30 }, p.token);
    if (res.status !== 201) throw new Error(`authorisation answered ${res.status} ${res.body.code}`);
  }
  progress(`${patients.length} patients authorised 陈建国 (all categories, 30 days)`);
}

/**
 * The doctor's requests, in thirds: read one of a patient's Observations; search one patient's systolic
 * pressures; search the systolic pressures of all their patients (no patient parameter: the care-access
 * list decides, and nothing of anyone else may appear).
 */
function doctorRequests(granted: Reader[], token: string): FhirRequest[] {
  const ids = granted.map((g) => g.patientId);
  const bpTotal = granted.reduce((s, g) => s + g.bpCount, 0);
  const code = encodeURIComponent(`http://loinc.org|${BP}`);
  return Array.from({ length: DOCTOR_REQUESTS }, (_, i): FhirRequest => {
    const g = granted[i % granted.length]!;
    if (i % 3 === 0)
      return {
        path: `/fhir/R4/Observation/${g.observationId}`,
        token,
        check: { kind: 'read', type: 'Observation', id: g.observationId },
      };
    if (i % 3 === 1)
      return {
        path: `/fhir/R4/Observation?patient=${g.patientId}&code=${code}&_sort=-date&_count=${PAGE}`,
        token,
        check: { kind: 'search', patients: [g.patientId], expected: Math.min(PAGE, g.bpCount), code: BP },
      };
    return {
      path: `/fhir/R4/Observation?code=${code}&_sort=-date&_count=${PAGE}`,
      token,
      check: { kind: 'search', patients: ids, expected: Math.min(PAGE, bpTotal), code: BP },
    };
  });
}

interface PhaseResult {
  requests: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  cost: PhaseCost;
  wrong: number;
  /** Answers with status 200 (each one a read of patient data, so each leaves one audit row). */
  ok200: number;
  problems: Record<string, number>;
  latencies: number[];
  /**
   * PostgreSQL blocks the phase read outside shared_buffers (OS page cache or disk) and found in them
   * (pg_stat_database; backends report about once a second, so approximate).
   */
  blocks: { hit: number; read: number };
  /** Requests per second of each round (one entry for a single phase). */
  rounds: number[];
}

const sumOrNull = (values: (number | null)[]) =>
  values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + v!, 0);
const median = (values: number[]) => percentile(values, 0.5);

/** Rounds of one phase as one result: the median round's rate, latencies and costs pooled. */
function combine(parts: PhaseResult[]): PhaseResult {
  const latencies = parts.flatMap((p) => p.latencies);
  const problems: Record<string, number> = {};
  for (const p of parts)
    for (const [k, n] of Object.entries(p.problems)) problems[k] = (problems[k] ?? 0) + n;
  const rounds = parts.map((p) => p.perSec);
  return {
    requests: parts.reduce((a, p) => a + p.requests, 0),
    perSec: median(rounds),
    p50Ms: ms(percentile(latencies, 0.5)),
    p99Ms: ms(percentile(latencies, 0.99)),
    cost: {
      queries: parts.reduce((a, p) => a + p.cost.queries, 0),
      mainThreadMs: sumOrNull(parts.map((p) => p.cost.mainThreadMs)),
      otherThreadsMs: sumOrNull(parts.map((p) => p.cost.otherThreadsMs)),
      postgresMs: sumOrNull(parts.map((p) => p.cost.postgresMs)),
    },
    wrong: parts.reduce((a, p) => a + p.wrong, 0),
    ok200: parts.reduce((a, p) => a + p.ok200, 0),
    problems,
    latencies,
    blocks: {
      hit: parts.reduce((a, p) => a + p.blocks.hit, 0),
      read: parts.reduce((a, p) => a + p.blocks.read, 0),
    },
    rounds,
  };
}

/** The i-th of n equal slices of a list. */
const slice = <T>(items: T[], i: number, n: number) =>
  items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n));

/** One measured phase: the load, its CPU and round trips, and every answer's verdict. */
async function measure(
  loader: FhirLoader,
  direct: pg.Pool,
  label: string,
  requests: FhirRequest[],
  opts: { concurrency: number; readers: readonly Reader[]; profile?: string },
): Promise<PhaseResult> {
  const { concurrency } = opts;
  await freshenSessions(direct, opts.readers);
  const blocks0 = await blocks(direct);
  const phase = await startPhase(direct, queries);
  const out: LoadOutput = await profiled(opts.profile, () => loader.run(requests, concurrency, label));
  const cost = await phase.stop();
  const blocks1 = await blocks(direct);
  const wrong = out.results.filter((r) => r.problem !== null);
  const problems = tally(wrong.map((r) => r.problem!));
  const latencies = out.results.map((r) => r.ms);
  const result: PhaseResult = {
    requests: requests.length,
    perSec: round(requests.length / (out.wallMs / 1000), 1),
    p50Ms: ms(percentile(latencies, 0.5)),
    p99Ms: ms(percentile(latencies, 0.99)),
    cost,
    wrong: wrong.length,
    ok200: out.results.filter((r) => r.status === 200).length,
    problems,
    latencies,
    blocks: { hit: blocks1.hit - blocks0.hit, read: blocks1.read - blocks0.read },
    rounds: [round(requests.length / (out.wallMs / 1000), 1)],
  };
  const each = (v: number | null) => (v === null ? '?' : round(v / requests.length, 3));
  progress(
    `${label}: ${result.perSec}/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (${requests.length} in ` +
      `${Math.round(out.wallMs)} ms, ${concurrency} connections, load ${load1()}); per request ` +
      `${round(cost.queries / requests.length, 2)} queries, CPU ms: server thread ${each(cost.mainThreadMs)}, ` +
      `load worker + GC ${each(cost.otherThreadsMs)}, PostgreSQL ${each(cost.postgresMs)}; blocks read ` +
      `outside shared_buffers ${blocksPer(result).readPerRequest}, hit ratio ${blocksPer(result).hitRatio}` +
      (wrong.length > 0 ? `; WRONG ${wrong.length}: ${JSON.stringify(problems)}` : ''),
  );
  return result;
}

/**
 * Marks the readers' sessions as just used. The server refreshes a session's `last_seen_at` at most once a
 * minute (session.service.ts): one UPDATE per active session per minute in production. Without this, that
 * write would land in one size's phases and not the other's (sessions made during a long growth are all
 * due at once), so each measured phase starts with every reader's session fresh.
 */
async function freshenSessions(direct: pg.Pool, readers: readonly Reader[]): Promise<void> {
  await direct.query('update auth_session set last_seen_at = $2 where account_id = any($1)', [
    readers.map((r) => r.accountId),
    new Date(),
  ]);
}

/** Shared-buffer hits and blocks read (from the OS page cache or disk) of the bench database so far. */
async function blocks(direct: pg.Pool): Promise<{ hit: number; read: number }> {
  const r = await direct.query<{ hit: string; read: string }>(
    'select blks_hit as hit, blks_read as read from pg_stat_database where datname = current_database()',
  );
  return { hit: Number(r.rows[0]!.hit), read: Number(r.rows[0]!.read) };
}

/** Audit rows of FHIR reads since `afterId` (DJ-12: every read of patient data leaves one). */
async function fhirReadsAudited(direct: pg.Pool, afterId: number): Promise<number> {
  const r = await direct.query<{ n: number }>(
    `select count(*)::int as n from audit_event
      where id > $1 and action = 'record.read' and details->>'channel' = 'fhir'`,
    [afterId],
  );
  return r.rows[0]!.n;
}
const lastAuditId = async (direct: pg.Pool) =>
  Number(
    (await direct.query<{ id: string | null }>('select max(id) as id from audit_event')).rows[0]!.id ?? 0,
  );

/** Per request: blocks read outside shared_buffers, and the share of block accesses that were hits. */
const blocksPer = (p: PhaseResult) => ({
  readPerRequest: round(p.blocks.read / p.requests, 2),
  hitRatio: round(p.blocks.hit / Math.max(1, p.blocks.hit + p.blocks.read), 3),
});

const cpuPer = (cost: PhaseCost, n: number) => ({
  queries: round(cost.queries / n, 2),
  serverMs: cost.mainThreadMs === null ? null : round(cost.mainThreadMs / n, 3),
  workerMs: cost.otherThreadsMs === null ? null : round(cost.otherThreadsMs / n, 3),
  postgresMs: cost.postgresMs === null ? null : round(cost.postgresMs / n, 3),
});

/**
 * The raw-SQL ceiling of the same reads (fhir-ceiling.ts), on a pool of the server's size while the server
 * idles; `cost.mainThreadMs` is then the client's CPU, and `wrong` the reads that found nothing.
 */
async function measureCeiling(
  pool: pg.Pool,
  direct: pg.Pool,
  label: string,
  reads: CeilingRead[],
): Promise<PhaseResult> {
  const blocks0 = await blocks(direct);
  const phase = await startPhase(direct, queries);
  const out = await runReadCeiling(pool, reads, CONCURRENCY);
  const cost = await phase.stop();
  const blocks1 = await blocks(direct);
  const perSec = round(reads.length / (out.wallMs / 1000), 1);
  const result: PhaseResult = {
    requests: reads.length,
    perSec,
    p50Ms: ms(percentile(out.latenciesMs, 0.5)),
    p99Ms: ms(percentile(out.latenciesMs, 0.99)),
    cost,
    wrong: out.missing,
    ok200: 0,
    problems: out.missing > 0 ? { 'ceiling: nothing found': out.missing } : {},
    latencies: out.latenciesMs,
    blocks: { hit: blocks1.hit - blocks0.hit, read: blocks1.read - blocks0.read },
    rounds: [perSec],
  };
  const c = cpuPer(cost, reads.length);
  progress(
    `${label}: ${perSec}/s, p50 ${result.p50Ms} ms (load ${load1()}); per read ${c.queries} queries, ` +
      `CPU ms: client ${c.serverMs}, PostgreSQL ${c.postgresMs}; blocks read outside shared_buffers ` +
      `${blocksPer(result).readPerRequest}, hit ratio ${blocksPer(result).hitRatio}` +
      (out.missing > 0 ? `; MISSING ${out.missing}` : ''),
  );
  return result;
}

async function main(): Promise<number> {
  const started = performance.now();
  const load0 = load1();
  const bench = await benchDatabase('yunyi_bench_fhir');
  const pgVersion = await serverVersion(bench.url);
  progress(
    `machine: ${os.cpus().length} cpus, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `PostgreSQL ${pgVersion}; load ${os
        .loadavg()
        .map((l) => round(l, 2))
        .join(' ')}; ` +
      `database ${bench.owned ? 'fresh' : 'from DATABASE_URL'}`,
  );
  progress(
    `${SMOKE ? 'SMOKE run (numbers mean nothing): ' : ''}sizes ${SIZES.join(', ')}; reads ${READS}, ` +
      `searches ${SEARCHES} (+${SERIAL_SEARCHES} one at a time), ${CONCURRENCY} connections, ` +
      `readers ${READERS}, pool ${POOL_SIZE}` +
      (SKIP_AUDIT ? '; each read phase also run with audit inserts skipped (diagnosis)' : ''),
  );
  let server: RunningServer | null = null;
  let loader: FhirLoader | null = null;
  let database: Database | null = null;
  const direct = new pg.Pool({ connectionString: bench.url, max: 4 });
  const ceilingPool = new pg.Pool({ connectionString: bench.url, max: POOL_SIZE });
  let failures = 0;
  try {
    const config = loadConfig({
      ...env,
      DATABASE_URL: bench.url,
      YUNYI_DEMO: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: env.LOG_LEVEL || 'warn',
    });
    let t0 = performance.now();
    database = await openDatabase({ databaseUrl: bench.url, poolSize: POOL_SIZE });
    server = await startServer(config, { database });
    const ctx = server.ctx;
    progress(`server up at ${server.url} (migrate + demo seed ${Math.round(performance.now() - t0)} ms)`);
    const settings = await direct.query<{ name: string; setting: string; unit: string | null }>(
      `select name, setting, unit from pg_settings
        where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'work_mem')`,
    );
    const pgSettings = Object.fromEntries(
      settings.rows.map((s) => [s.name, s.unit ? `${s.setting} × ${s.unit}` : s.setting]),
    );

    loader = await startFhirLoader(server.url);
    const refs = await regionRefs(direct);
    const doctorLogin = await api<{ token: string }>(server.url, 'POST', '/auth/login', {
      phone: DOCTOR.phone,
      password: DOCTOR.password,
    });
    if (doctorLogin.status !== 200) throw new Error(`doctor login answered ${doctorLogin.status}`);
    const doctorToken = doctorLogin.body.token;
    const doctorPractitioner = (
      await direct.query<{ id: string }>('select id from practitioner where code = $1', [DOCTOR.code])
    ).rows[0]!.id;

    const now = ctx.clock.now();
    // The date search: results of the last six months (a day in Asia/Shanghai, as FHIR dates here are).
    const sinceDay = shanghaiDate(new Date(now.getTime() - 182 * 86_400_000));
    const since = new Date(`${sinceDay}T00:00:00+08:00`);

    // A kept database (DATABASE_URL) may hold an earlier run's patients: number this run's after them.
    const offset = bench.owned
      ? 0
      : (await direct.query<{ n: number }>('select count(*)::int as n from patient')).rows[0]!.n;
    const people: BenchPerson[] = [];
    let granted: Reader[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const [sizeIndex, size] of SIZES.entries()) {
      // --- Grow the population in place, then statistics as autovacuum would leave them.
      t0 = performance.now();
      const range = { from: people.length, to: size, offset };
      const grown = await growPopulation(ctx, direct, range, refs, (done) => {
        if (done % 16_000 === 0 || done === size) progress(`grow: ${done}/${size} patients`);
      });
      people.push(...grown);
      await vacuumAnalyze(direct);
      const counts = await tableCounts(direct);
      progress(`size ${size}: ${JSON.stringify(counts)} (grown in ${Math.round(performance.now() - t0)} ms)`);

      const readers = await readersOf(direct, people, size, since);
      const reads = readRequests(readers, READS);
      const searches = searchRequests(readers, SEARCHES, sinceDay, since);
      const serial = searchRequests(shuffle([...readers], 7 + size), SERIAL_SEARCHES, sinceDay, since);
      const last = sizeIndex === SIZES.length - 1;
      const profile = last ? env.BENCH_CPU_PROFILE : undefined;
      const profilePhase = env.BENCH_CPU_PROFILE_PHASE === 'search' ? 'search' : 'read';

      // Warm-up (not measured): JIT, the pool's connections, the caches.
      const warmup = sizeIndex === 0 ? 2 * WARMUP : WARMUP;
      const warm = await loader.run(
        shuffle(
          [...readRequests(readers, warmup / 2), ...searchRequests(readers, warmup / 2, sinceDay, since)],
          size,
        ),
        CONCURRENCY,
        `warm-up ${size}`,
      );
      const warmWrong = warm.results.filter((r) => r.problem !== null);
      if (warmWrong.length > 0) {
        failures += warmWrong.length;
        progress(`warm-up ${size}: WRONG ${JSON.stringify(tally(warmWrong.map((r) => r.problem!)))}`);
      }

      // --- Patients: reads, searches under load, the raw-SQL ceiling of the reads (and, for diagnosis,
      // the reads without their audit insert), in interleaved rounds so that other work on the machine
      // weighs on each alike; then searches one at a time. Every answered read must have its audit row.
      const loadAtStart = load1();
      const parts = { read: [] as PhaseResult[], search: [] as PhaseResult[], ceiling: [] as PhaseResult[] };
      const noAuditParts: PhaseResult[] = [];
      const allCeilingReads = ceilingReads(readers, READS);
      let audited = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const tag = ROUNDS > 1 ? ` (round ${r + 1}/${ROUNDS})` : '';
        const withProfile = (phase: string) => (r === 0 && profilePhase === phase ? profile : undefined);
        const auditFrom = await lastAuditId(direct);
        parts.read.push(
          await measure(loader, direct, `read ${size}${tag}`, slice(reads, r, ROUNDS), {
            concurrency: CONCURRENCY,
            readers,
            profile: withProfile('read'),
          }),
        );
        parts.search.push(
          await measure(loader, direct, `search ${size}${tag}`, slice(searches, r, ROUNDS), {
            concurrency: CONCURRENCY,
            readers,
            profile: withProfile('search'),
          }),
        );
        audited += await fhirReadsAudited(direct, auditFrom);
        parts.ceiling.push(
          await measureCeiling(
            ceilingPool,
            direct,
            `ceiling ${size}${tag}, the same reads as raw SQL`,
            slice(allCeilingReads, r, ROUNDS),
          ),
        );
        if (audit) {
          audit.skip(true);
          noAuditParts.push(
            await measure(
              loader,
              direct,
              `read ${size}${tag}, audit inserts skipped (diagnosis)`,
              slice(reads, r, ROUNDS),
              { concurrency: CONCURRENCY, readers },
            ),
          );
          audit.skip(false);
        }
      }
      const read = combine(parts.read);
      const search = combine(parts.search);
      const ceiling = combine(parts.ceiling);
      const readNoAudit = noAuditParts.length > 0 ? combine(noAuditParts) : null;
      const one = await measure(loader, direct, `search one at a time ${size}`, serial, {
        concurrency: 1,
        readers,
      });
      if (read.ok200 + search.ok200 !== audited)
        progress(`FAIL: ${read.ok200 + search.ok200} reads answered, ${audited} audited`);
      failures +=
        read.wrong +
        search.wrong +
        one.wrong +
        ceiling.wrong +
        (readNoAudit?.wrong ?? 0) +
        Math.abs(read.ok200 + search.ok200 - audited);
      const summary = (p: PhaseResult) =>
        `${p.perSec}/s (rounds ${p.rounds.join(', ')}), p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms`;
      progress(`size ${size}: read ${summary(read)}; search ${summary(search)}; ceiling ${summary(ceiling)}`);

      // --- A doctor with a few authorisations (授权调阅): the same patients at every size.
      let doctor: PhaseResult | null = null;
      // Its expectations (the doctor's patients are exactly these) hold in a fresh database only.
      if (DOCTOR_REQUESTS > 0 && bench.owned) {
        if (granted.length === 0) {
          granted = readers.slice(0, DOCTOR_GRANTS);
          await authorise(server.url, granted, doctorPractitioner);
        }
        doctor = await measure(loader, direct, `doctor ${size}`, doctorRequests(granted, doctorToken), {
          concurrency: CONCURRENCY,
          readers: granted,
        });
        failures += doctor.wrong;
      }

      rows.push({
        size,
        counts,
        read,
        search,
        one,
        doctor,
        readNoAudit,
        ceiling,
        load: loadAtStart,
      });
    }

    const at = (
      key: 'read' | 'search' | 'one' | 'doctor' | 'readNoAudit' | 'ceiling',
      f: (p: PhaseResult) => unknown,
    ) => rows.map((r) => (r[key] ? f(r[key] as PhaseResult) : null));
    const first = rows[0]!;
    const lastRow = rows.at(-1)!;
    const p50Ratio = round((lastRow.search as PhaseResult).p50Ms / (first.search as PhaseResult).p50Ms, 2);
    const cpuOf = (p: PhaseResult) => ((p.cost.mainThreadMs ?? 0) + (p.cost.postgresMs ?? 0)) / p.requests;
    const searchCpuRatio = round(
      cpuOf(lastRow.search as PhaseResult) / cpuOf(first.search as PhaseResult),
      2,
    );
    const serialP50Ratio = round((lastRow.one as PhaseResult).p50Ms / (first.one as PhaseResult).p50Ms, 2);
    const readsPerSec = at('read', (p) => p.perSec) as number[];
    const ceilingPerSec = at('ceiling', (p) => p.perSec) as number[];
    const result = {
      sizes: SIZES,
      patients: rows.map((r) => (r.counts as Record<string, number>).patients),
      observations: rows.map((r) => (r.counts as Record<string, number>).observations),
      readsPerSec,
      readRounds: at('read', (p) => p.rounds),
      readP50Ms: at('read', (p) => p.p50Ms),
      readP99Ms: at('read', (p) => p.p99Ms),
      searchesPerSec: at('search', (p) => p.perSec),
      searchRounds: at('search', (p) => p.rounds),
      searchP50Ms: at('search', (p) => p.p50Ms),
      searchP99Ms: at('search', (p) => p.p99Ms),
      serialSearchP50Ms: at('one', (p) => p.p50Ms),
      serialSearchP99Ms: at('one', (p) => p.p99Ms),
      p50Ratio,
      serialP50Ratio,
      searchCpuRatio,
      targets: { readsPerSec: TARGET_READS_PER_SEC, p50Ratio: TARGET_P50_RATIO },
      met: {
        readsPerSec: Math.min(...readsPerSec) >= TARGET_READS_PER_SEC,
        p50Ratio: p50Ratio <= TARGET_P50_RATIO,
      },
      ceilingReadsPerSec: ceilingPerSec,
      readRatio: readsPerSec.map((v, i) => round(v / ceilingPerSec[i]!, 2)),
      cpuPerRead: at('read', (p) => cpuPer(p.cost, p.requests)),
      cpuPerCeilingRead: at('ceiling', (p) => cpuPer(p.cost, p.requests)),
      blocksPerRead: at('read', blocksPer),
      blocksPerSearch: at('search', blocksPer),
      cpuPerSearch: at('search', (p) => cpuPer(p.cost, p.requests)),
      doctorPerSec: at('doctor', (p) => p.perSec),
      doctorP50Ms: at('doctor', (p) => p.p50Ms),
      cpuPerDoctorRequest: at('doctor', (p) => cpuPer(p.cost, p.requests)),
      concurrency: CONCURRENCY,
      wrong: failures,
      machine: {
        cpus: os.cpus().length,
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: pgVersion,
        ...pgSettings,
      },
      load1: [load0, load1()],
      loadAtSizes: rows.map((r) => r.load),
      seconds: Math.round((performance.now() - started) / 1000),
      ...(SKIP_AUDIT
        ? {
            readsPerSecNoAudit: at('readNoAudit', (p) => p.perSec),
            cpuPerReadNoAudit: at('readNoAudit', (p) => cpuPer(p.cost, p.requests)),
          }
        : {}),
      ...(SMOKE ? { smoke: true } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (failures > 0) progress(`FAIL: ${failures} wrong answers (see above)`);
    return failures > 0 ? 1 : 0;
  } finally {
    await loader?.close();
    await server?.close();
    await database?.close();
    await direct.end();
    await ceilingPool.end();
    await bench.drop();
    if (bench.owned) progress('dropped the bench database');
  }
}

process.exitCode = await main();
