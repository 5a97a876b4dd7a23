/**
 * 智能监管's nightly batch (INS-4): once per business day, after `insurance.nightlyHour` (Asia/Shanghai),
 * every rule runs again over the previous day's settlements with everything known by then — what the
 * online screen could not see: a doctor's hourly volume made of settlements that were pending when they
 * were screened, a visit that ended without being completed after its prescription was settled, a
 * settlement whose screen failed. Hits become alerts with source `batch`; a hit the screen already raised
 * has the same dedupe key and raises nothing.
 *
 * Several nodes and restarts: each day's batch runs under a transaction-level advisory lock (a node that
 * finds it taken leaves the day to the node that holds it) and, in the same transaction, checks and writes
 * the day's run marker (insurance_batch_run, unique per job and business day): a day is run once across
 * nodes and restarts. A node also remembers the last day it saw done, so it does not ask again each loop.
 * An explicit run (`opts.day`) runs anyway, raises nothing already raised (dedupe keys) and leaves the
 * marker alone.
 */
import { sql } from 'kysely';
import { systemActor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { orderRefs } from '../payments/payments.api.js';
import { prescriptionsOfFulfilments } from '../prescriptions/prescriptions.api.js';
import { visitOutcomes } from '../visits/visits.api.js';
import {
  type CheckedSettlement,
  doctorHourlyVolume,
  type Hit,
  noCompletedVisit,
  outOfRegionHighValue,
  overDayLimit,
  overlappingSupply,
} from './fraud.rules.js';
import {
  CLAIM_WINDOW_MS,
  places,
  prescriptionsSettled,
  priorClaims,
  priorSupplies,
  raiseAlerts,
  SUPPLY_LOOKBACK_MS,
} from './fraud.service.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { shanghaiDay } from './policy-store.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** A visit may end after its prescription was settled: the batch looks back this far for rule 3. */
const VISIT_LOOKBACK_DAYS = 7;
const LOCK_KEY = 'insurance.fraud_batch';

/** The last business day each app (node) saw done: a cache of the marker, per app (tests run many apps). */
const lastRun = new WeakMap<AppContext, string>();

export interface FraudBatchResult {
  day: string;
  settlements: number;
  raised: number;
}

const startOf = (day: string) => new Date(`${day}T00:00:00+08:00`);

/**
 * The nightly fraud batch for the previous business day, when it is due on this node: after
 * `nightlyHour` and not yet run for that day. `opts.day` runs a given day now (a rerun, an operator's
 * request, a test). Answers what it did, or null when it was not due or another node holds the batch.
 */
export async function runFraudBatch(
  ctx: AppContext,
  _rt?: InsuranceRuntime,
  opts: { day?: string } = {},
): Promise<FraudBatchResult | null> {
  const now = ctx.clock.now();
  let day = opts.day;
  if (!day) {
    const hour = new Date(now.getTime() + 8 * HOUR_MS).getUTCHours();
    if (hour < ctx.config.insurance.nightlyHour) return null;
    day = shanghaiDay(new Date(now.getTime() - DAY_MS));
    if (lastRun.get(ctx) === day) return null;
  }
  const theDay = day;
  let doneBefore = false;
  const result = await runCommand(ctx, systemActor, async (cmd) => {
    const lock = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_xact_lock(hashtextextended(${`${LOCK_KEY}:${theDay}`}, 0)) as ok`.execute(
      cmd.trx,
    );
    if (!lock.rows[0]?.ok) return null;
    // The day's marker, read and written under the lock in this transaction: another node, or this one
    // before a restart, that ran the day has committed it (or rolled back with it).
    const done = await cmd.trx
      .selectFrom('insurance_batch_run')
      .select('run_at')
      .where('job', '=', LOCK_KEY)
      .where('business_date', '=', theDay)
      .executeTakeFirst();
    if (done && !opts.day) {
      doneBefore = true;
      return null;
    }
    const { hits, settlements } = await batchHits(cmd.trx, ctx, theDay);
    const raised = await raiseAlerts(cmd, hits, 'batch');
    const details = { day: theDay, settlements, hits: hits.length, raised };
    // Only the nightly run marks the day: an explicit run may be of a day not yet over (today), whose
    // nightly run must still happen.
    if (!opts.day)
      await cmd.trx
        .insertInto('insurance_batch_run')
        .values({ job: LOCK_KEY, business_date: theDay, run_at: cmd.now, details: JSON.stringify(details) })
        .execute();
    await cmd.audit({
      action: 'insurance.fraud_batch',
      resourceType: 'insurance_alert',
      details: { ...details, rerun: !!opts.day },
    });
    return { day: theDay, settlements, raised };
  });
  // Done, now or before (the marker is committed). When another node held the lock the day is not cached:
  // the next loop reads its marker, or runs the day if that node rolled back.
  if ((result || doneBefore) && !opts.day) lastRun.set(ctx, theDay);
  return result;
}

interface BatchSettlement {
  id: string;
  order_id: string;
  patient_id: string;
  practitioner_id: string | null;
  institution_id: string;
  total_fen: number;
  settled_at: Date;
}

/** Every rule's hits over the settlements of `day` (and, for rule 3, the days before it). */
async function batchHits(
  db: Executor,
  ctx: AppContext,
  day: string,
): Promise<{ hits: Hit[]; settlements: number }> {
  const t = ctx.config.insurance;
  const from = startOf(day);
  const to = new Date(from.getTime() + DAY_MS);
  const rows: BatchSettlement[] = (
    await db
      .selectFrom('insurance_settlement')
      .select([
        'id',
        'order_id',
        'patient_id',
        'practitioner_id',
        'institution_id',
        'total_fen',
        'settled_at',
      ])
      .where('status', '=', 'settled')
      .where('settled_at', '>=', new Date(from.getTime() - VISIT_LOOKBACK_DAYS * DAY_MS))
      .where('settled_at', '<', to)
      .orderBy('settled_at')
      .orderBy('id')
      .execute()
  ).map((r) => ({ ...r, settled_at: r.settled_at! }));
  if (rows.length === 0) return { hits: [], settlements: 0 };
  const ofDay = rows.filter((r) => r.settled_at >= from);

  const lines = await db
    .selectFrom('insurance_settlement_line')
    .select(['settlement_id', 'line', 'kind', 'item_code', 'item_name', 'days_supply'])
    .where(
      'settlement_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('settlement_id')
    .orderBy('line')
    .execute();
  const where = await places(
    db,
    rows.map((r) => r.institution_id),
  );
  const regions = new Map(
    (
      await db
        .selectFrom('insured_person')
        .select(['patient_id', 'insuring_region_name'])
        .where('patient_id', 'in', [...new Set(rows.map((r) => r.patient_id))])
        .execute()
    ).map((p) => [p.patient_id, p.insuring_region_name]),
  );
  // Which prescription each prescription order paid for (payments → prescriptions), and its visit now.
  const refs = await orderRefs(
    db,
    rows.map((r) => r.order_id),
  );
  const fulfilmentOf = (orderId: string) => {
    const ref = refs.get(orderId);
    return ref?.purpose === 'prescription' ? ref.refId : undefined;
  };
  const rx = await prescriptionsOfFulfilments(
    db,
    rows.map((r) => fulfilmentOf(r.order_id)).filter((id): id is string => !!id),
  );
  const rxOf = (orderId: string) => {
    const f = fulfilmentOf(orderId);
    return f ? rx.get(f) : undefined;
  };
  const visits = await visitOutcomes(
    db,
    [...rx.values()].map((p) => p.visitId),
  );

  const checked = (r: BatchSettlement): CheckedSettlement => {
    const p = rxOf(r.order_id);
    return {
      settlementId: r.id,
      patientId: r.patient_id,
      practitionerId: r.practitioner_id,
      institutionId: r.institution_id,
      institutionName: where.get(r.institution_id)?.name ?? '',
      institutionDistrict: where.get(r.institution_id)?.district ?? '',
      // The person's insuring region as linked; unknown (no link) never counts as out of region.
      insuringRegionName: regions.get(r.patient_id) ?? where.get(r.institution_id)?.district ?? '',
      totalFen: r.total_fen,
      at: r.settled_at,
      prescriptionId: p?.prescriptionId ?? null,
      visitId: p?.visitId ?? null,
      // The date of death is the platform's (1101, with the person's e-voucher): the online screen's rule.
      deathDate: null,
      lines: lines
        .filter((l) => l.settlement_id === r.id)
        .map((l) => ({
          line: l.line,
          kind: l.kind,
          itemCode: l.item_code,
          itemName: l.item_name,
          daysSupply: l.days_supply,
        })),
    };
  };

  const hits: Hit[] = [];
  // 3. no_completed_visit over the look-back: a settled prescription whose visit ended uncompleted.
  for (const r of rows) {
    const s = checked(r);
    if (s.prescriptionId)
      hits.push(...noCompletedVisit(s, s.visitId ? visits.get(s.visitId) : undefined, 'batch'));
  }
  if (ofDay.length === 0) return { hits, settlements: 0 };

  const patients = [...new Set(ofDay.map((r) => r.patient_id))];
  const supplies = await priorSupplies(db, patients, new Date(from.getTime() - SUPPLY_LOOKBACK_MS), to);
  const claims = await priorClaims(
    db,
    patients,
    t.outOfRegionHighValueFen,
    new Date(from.getTime() - CLAIM_WINDOW_MS),
    to,
  );
  for (const r of ofDay) {
    const s = checked(r);
    const before = <T extends { settlementId: string; at: Date }>(list: T[] | undefined) =>
      (list ?? []).filter((x) => x.settlementId !== s.settlementId && x.at.getTime() <= s.at.getTime());
    hits.push(...overlappingSupply(s, before(supplies.get(s.patientId))));
    hits.push(...overDayLimit(s, t.maxDaysSupply));
    hits.push(...outOfRegionHighValue(s, before(claims.get(s.patientId)), t));
  }
  // 4. doctor_hourly_volume: any 60 minutes ending on the day (the hour before it included).
  const doctors = [...new Set(ofDay.map((r) => r.practitioner_id).filter((id): id is string => !!id))];
  const settled = await prescriptionsSettled(
    db,
    doctors,
    new Date(from.getTime() - HOUR_MS + 1),
    new Date(to.getTime() - 1),
  );
  for (const [practitionerId, list] of settled) {
    hits.push(...doctorHourlyVolume(practitionerId, list, t.doctorHourlyLimit, from));
  }
  return { hits, settlements: ofDay.length };
}
