/**
 * The hot schedule ([9/12], docs/performance.md "Booking rush"): 100 patients at one 20-token session, once
 * with 100 requests in flight and once with 2, on two identical sessions of the same server. If the
 * attempts on one session queued behind each other's locks, answers per second would fall as more arrive
 * at once; `hotRatio` = answers/s with 100 in flight ÷ answers/s with 2 (target ≥ 0.5), and `hotP99Ms` is
 * the p99 latency with 100 in flight (target ≤ 200 ms).
 */
import type pg from 'pg';
import { resolveSession } from '../src/server/modules/identity/session.service.js';
import type { RunningServer } from '../src/server/server.js';
import { runHttpLoad } from './booking-load.js';
import { makeBenchPatients, releaseScheduleSets } from './booking-setup.js';
import { verify } from './booking-verify.js';
import { knob } from './smoke.js';
import { percentile, progress, round, tally } from './stats.js';

const PATIENTS = knob('BENCH_HOT_PATIENTS', 100, 20);
const CAPACITY = knob('BENCH_HOT_CAPACITY', 20, 5);
const WIDE = knob('BENCH_HOT_CONCURRENCY', 100, 20);
const NARROW = 2;

export interface HotResult {
  hotAnswersPerSec: number;
  hotAnswersPerSec2: number;
  hotRatio: number;
  hotP99Ms: number;
  hotOverbooked: number;
  hotLostAcks: number;
  hotServerErrors: number;
}

/** Warms the server's session cache, as patients who had the page open before the release minute did. */
export async function warmSessions(server: RunningServer, tokens: readonly string[]): Promise<void> {
  for (let i = 0; i < tokens.length; i += 200)
    await Promise.all(tokens.slice(i, i + 200).map((token) => resolveSession(server.ctx, token)));
}

export async function runHotPhase(
  server: RunningServer,
  direct: pg.Pool,
  admin: { phone: string; password: string },
  patientOffset: number,
  warm: boolean,
): Promise<HotResult> {
  const [wideSet, narrowSet] = await releaseScheduleSets(
    server.url,
    admin,
    { schedules: 0, perSchedule: 0, hotCapacity: CAPACITY },
    2,
  );
  const patients = await makeBenchPatients(server.ctx, 2 * PATIENTS, {
    sessions: true,
    offset: patientOffset,
  });
  if (warm)
    await warmSessions(
      server,
      patients.map((p) => p.token),
    );
  const run = async (scheduleId: string, from: number, concurrency: number) => {
    const attempts = patients.slice(from, from + PATIENTS).map((p) => ({ token: p.token, scheduleId }));
    const load = await runHttpLoad({ baseUrl: server.url, concurrency, attempts });
    const acked = load.results.filter((r) => r.status === 201).map((r) => r.id!);
    const verdict = await verify(direct, [scheduleId], acked);
    const outcomes = tally(load.results.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.code}`)));
    const latencies = load.results.map((r) => r.ms);
    progress(
      `hot, ${concurrency} in flight: ${JSON.stringify(outcomes)} in ${Math.round(load.wallMs)} ms; ` +
        `p50 ${round(percentile(latencies, 0.5), 1)} ms, p99 ${round(percentile(latencies, 0.99), 1)} ms; ` +
        `verdict ${JSON.stringify(verdict)}`,
    );
    return {
      perSec: PATIENTS / (load.wallMs / 1000),
      p99: percentile(latencies, 0.99),
      verdict,
      serverErrors: load.results.filter((r) => r.status === 0 || r.status >= 500).length,
    };
  };
  // Narrow first, so the wide phase does not start behind the narrow one's leftovers.
  const narrow = await run(narrowSet!.hot.id, PATIENTS, NARROW);
  const wide = await run(wideSet!.hot.id, 0, WIDE);
  return {
    hotAnswersPerSec: round(wide.perSec, 1),
    hotAnswersPerSec2: round(narrow.perSec, 1),
    hotRatio: round(wide.perSec / narrow.perSec, 2),
    hotP99Ms: round(wide.p99, 1),
    hotOverbooked: wide.verdict.overbooked + narrow.verdict.overbooked,
    hotLostAcks: wide.verdict.lostAcks + narrow.verdict.lostAcks,
    hotServerErrors: wide.serverErrors + narrow.serverErrors,
  };
}
