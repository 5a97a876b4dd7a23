/**
 * 智能监管 (INS-4): fraud and misuse rules on every settlement and in a nightly batch; alerts with their
 * evidence; a confirmed hit blocks its subject from settlement until cleared. (helper D)
 *
 * The rules are pure (fraud.rules.ts); this file gathers what they look at — the patient's earlier
 * supplies and claims, the doctor's insured prescriptions of the hour, the visit's state — from our own
 * settlements and, for other modules' facts, through their apis; and raises hits as alerts, once per
 * dedupe key (`insert … on conflict do nothing`), so the online screen and the batch never double one.
 */
import { sql } from 'kysely';
import type { CommandScope } from '../../platform/command.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts } from '../directory/directory.api.js';
import { visitOutcomes } from '../visits/visits.api.js';
import type { SettlementFacts } from './facts.js';
import {
  afterDeath,
  type CheckedSettlement,
  doctorHourlyVolume,
  type Hit,
  noCompletedVisit,
  outOfRegionHighValue,
  overDayLimit,
  overlappingSupply,
  type PrescriptionSettled,
  type PriorClaim,
  type PriorSupply,
} from './fraud.rules.js';
import { insuranceErrors } from './insurance.errors.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** How far back an earlier supply may still overlap (a year covers any supply the rules let through). */
export const SUPPLY_LOOKBACK_MS = 366 * DAY_MS;
/** out_of_region_high_value counts claims within 30 days. */
export const CLAIM_WINDOW_MS = 30 * DAY_MS;

/** Institutions' names and districts (directory), by id. */
export async function places(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { name: string; district: string }>> {
  const facts = await institutionFacts(db, ids);
  return new Map([...facts].map(([id, f]) => [id, { name: f.name, district: f.district }]));
}

const byKey = <T>(rows: T[], key: (r: T) => string) => {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
};

/**
 * Settled drug lines of these patients, settled in [since, until] (history for overlapping_supply), by
 * patient; only these drug codes when given. Served by insurance_settlement_patient.
 */
export async function priorSupplies(
  db: Executor,
  patientIds: readonly string[],
  since: Date,
  until: Date,
  itemCodes?: readonly string[],
): Promise<Map<string, (PriorSupply & { patientId: string })[]>> {
  if (patientIds.length === 0 || itemCodes?.length === 0) return new Map();
  let q = db
    .selectFrom('insurance_settlement as s')
    .innerJoin('insurance_settlement_line as l', 'l.settlement_id', 's.id')
    .select([
      's.id',
      's.patient_id',
      's.institution_id',
      's.settled_at',
      'l.item_code',
      'l.item_name',
      'l.days_supply',
    ])
    .where('s.patient_id', 'in', [...new Set(patientIds)])
    .where('s.status', '=', 'settled')
    .where('s.settled_at', '>=', since)
    .where('s.settled_at', '<=', until)
    .where('l.kind', '=', 'drug')
    .where('l.item_code', 'is not', null)
    .where('l.days_supply', '>', 0);
  if (itemCodes) q = q.where('l.item_code', 'in', [...new Set(itemCodes)]);
  const rows = await q.execute();
  const names = await places(
    db,
    rows.map((r) => r.institution_id),
  );
  return byKey(
    rows.map((r) => ({
      patientId: r.patient_id,
      settlementId: r.id,
      institutionId: r.institution_id,
      institutionName: names.get(r.institution_id)?.name ?? '',
      itemCode: r.item_code!,
      itemName: r.item_name,
      daysSupply: r.days_supply!,
      at: r.settled_at!,
    })),
    (r) => r.patientId,
  );
}

/** Settled claims of at least `minFen` of these patients in [since, until], with where they were made. */
export async function priorClaims(
  db: Executor,
  patientIds: readonly string[],
  minFen: number,
  since: Date,
  until: Date,
): Promise<Map<string, (PriorClaim & { patientId: string })[]>> {
  if (patientIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('insurance_settlement')
    .select(['id', 'patient_id', 'institution_id', 'total_fen', 'settled_at'])
    .where('patient_id', 'in', [...new Set(patientIds)])
    .where('status', '=', 'settled')
    .where('total_fen', '>=', minFen)
    .where('settled_at', '>=', since)
    .where('settled_at', '<=', until)
    .execute();
  const where = await places(
    db,
    rows.map((r) => r.institution_id),
  );
  return byKey(
    rows.map((r) => ({
      patientId: r.patient_id,
      settlementId: r.id,
      institutionName: where.get(r.institution_id)?.name ?? '',
      district: where.get(r.institution_id)?.district ?? '',
      totalFen: r.total_fen,
      at: r.settled_at!,
    })),
    (r) => r.patientId,
  );
}

/**
 * Insured prescriptions (settled settlements with a drug line) of these practitioners settled in
 * [since, until], by practitioner (doctor_hourly_volume). Served by insurance_settlement_practitioner.
 */
export async function prescriptionsSettled(
  db: Executor,
  practitionerIds: readonly string[],
  since: Date,
  until: Date,
): Promise<Map<string, (PrescriptionSettled & { practitionerId: string })[]>> {
  if (practitionerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('insurance_settlement as s')
    .select(['s.id', 's.practitioner_id', 's.settled_at'])
    .where('s.practitioner_id', 'in', [...new Set(practitionerIds)])
    .where('s.status', '=', 'settled')
    .where('s.settled_at', '>=', since)
    .where('s.settled_at', '<=', until)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('insurance_settlement_line as l')
          .select('l.line')
          .whereRef('l.settlement_id', '=', 's.id')
          .where('l.kind', '=', 'drug'),
      ),
    )
    .execute();
  return byKey(
    rows.map((r) => ({ practitionerId: r.practitioner_id!, settlementId: r.id, at: r.settled_at! })),
    (r) => r.practitionerId,
  );
}

/** One hit as an open alert row, unless its dedupe key was raised before; answers the new row's id. */
export async function insertAlert(
  trx: Executor,
  h: Hit,
  source: 'settlement' | 'batch' | 'seed',
  at: Date,
): Promise<string | undefined> {
  const row = await trx
    .insertInto('insurance_alert')
    .values({
      id: newId(),
      rule: h.rule,
      subject_kind: h.subjectKind,
      subject_id: h.subjectId,
      patient_id: h.patientId,
      practitioner_id: h.practitionerId,
      settlement_id: h.settlementId,
      dedupe_key: h.dedupeKey,
      evidence: JSON.stringify(h.evidence),
      source,
      status: 'open',
      created_at: at,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** What `insurance.alert_raised` records of a hit (ids and the rule; the evidence stays on the alert). */
export const raisedDetails = (h: Hit, source: string) => ({
  rule: h.rule,
  subjectKind: h.subjectKind,
  subjectId: h.subjectId,
  settlementId: h.settlementId,
  source,
});

/**
 * Raises hits as open alerts: one row per dedupe key (a key raised before — by the screen, the batch or
 * the seed, whatever its status now — raises nothing), each audited `insurance.alert_raised`. Answers
 * how many were new.
 */
export async function raiseAlerts(
  cmd: CommandScope,
  hits: readonly Hit[],
  source: 'settlement' | 'batch' | 'seed',
): Promise<number> {
  let raised = 0;
  for (const h of hits) {
    const id = await insertAlert(cmd.trx, h, source, cmd.now);
    if (!id) continue;
    raised += 1;
    await cmd.audit({
      action: 'insurance.alert_raised',
      resourceType: 'insurance_alert',
      resourceId: id,
      patientId: h.patientId,
      details: raisedDetails(h, source),
    });
  }
  return raised;
}

const hasDrug = (s: CheckedSettlement) => s.lines.some((l) => l.kind === 'drug');

/** Every rule's hits for one settlement at its settlement (INS-4), from the history before it. */
async function screenHits(cmd: CommandScope, facts: SettlementFacts): Promise<Hit[]> {
  const { trx } = cmd;
  const t = cmd.ctx.config.insurance;
  const at = facts.at;
  const place = (await places(trx, [facts.institutionId])).get(facts.institutionId);
  const s: CheckedSettlement = {
    settlementId: facts.settlementId,
    patientId: facts.patientId,
    practitionerId: facts.practitionerId,
    institutionId: facts.institutionId,
    institutionName: place?.name ?? '',
    institutionDistrict: facts.institutionDistrict,
    insuringRegionName: facts.person.insuringRegionName,
    totalFen: facts.totalFen,
    at,
    prescriptionId: facts.prescriptionId,
    visitId: facts.visitId,
    deathDate: facts.person.deathDate,
    lines: facts.lines.map((l) => ({
      line: l.line,
      kind: l.kind,
      itemCode: l.itemCode,
      itemName: l.itemName,
      daysSupply: l.daysSupply,
    })),
  };
  const notThis = <T extends { settlementId: string }>(rows: T[] | undefined) =>
    (rows ?? []).filter((r) => r.settlementId !== s.settlementId);
  const hits: Hit[] = [];

  // 1. overlapping_supply: this person's earlier supplies of the same drugs.
  const codes = s.lines.filter((l) => l.kind === 'drug' && l.itemCode).map((l) => l.itemCode!);
  if (codes.length > 0) {
    const prior = await priorSupplies(
      trx,
      [s.patientId],
      new Date(at.getTime() - SUPPLY_LOOKBACK_MS),
      at,
      codes,
    );
    hits.push(...overlappingSupply(s, notThis(prior.get(s.patientId))));
  }
  // 2. over_day_limit.
  hits.push(...overDayLimit(s, t.maxDaysSupply));
  // 3. no_completed_visit: the visit as visits has it now, in this transaction.
  if (s.prescriptionId) {
    const visit = s.visitId ? (await visitOutcomes(trx, [s.visitId])).get(s.visitId) : undefined;
    hits.push(...noCompletedVisit(s, visit, 'settlement'));
  }
  // 4. doctor_hourly_volume: the prescriber's insured prescriptions of the last 60 minutes, this one too.
  if (s.practitionerId && hasDrug(s)) {
    const settled = await prescriptionsSettled(
      trx,
      [s.practitionerId],
      new Date(at.getTime() - HOUR_MS + 1),
      at,
    );
    hits.push(
      ...doctorHourlyVolume(
        s.practitionerId,
        [...notThis(settled.get(s.practitionerId)), { settlementId: s.settlementId, at }],
        t.doctorHourlyLimit,
      ),
    );
  }
  // 5. out_of_region_high_value: only when this claim is itself one.
  if (s.totalFen >= t.outOfRegionHighValueFen && s.institutionDistrict !== s.insuringRegionName) {
    const claims = await priorClaims(
      trx,
      [s.patientId],
      t.outOfRegionHighValueFen,
      new Date(at.getTime() - CLAIM_WINDOW_MS),
      at,
    );
    hits.push(...outOfRegionHighValue(s, notThis(claims.get(s.patientId)), t));
  }
  // 6. after_death: the platform's record of the person (1101).
  hits.push(...afterDeath(s));
  return hits;
}

/**
 * Runs every rule on one settlement, in the settlement's command; hits become open alerts (source
 * `settlement`). A hit never refuses this settlement (INS-4: the insurer reviews it; a confirmed hit
 * blocks the next one). The screen runs under a savepoint: should it fail, its writes are undone, the
 * settlement still commits, and the nightly batch looks at the settlement again.
 */
export async function screenSettlement(cmd: CommandScope, facts: SettlementFacts): Promise<void> {
  await sql`savepoint insurance_fraud_screen`.execute(cmd.trx);
  try {
    const hits = await screenHits(cmd, facts);
    await raiseAlerts(cmd, hits, 'settlement');
    await sql`release savepoint insurance_fraud_screen`.execute(cmd.trx);
  } catch (err) {
    await sql`rollback to savepoint insurance_fraud_screen`.execute(cmd.trx);
    cmd.ctx.log.error(
      { err, settlementId: facts.settlementId },
      'fraud screen failed; the settlement stands and the nightly batch will screen it',
    );
  }
}

/**
 * Refuses settlement for a person or a doctor with a confirmed, uncleared hit (INS-4):
 * INSURANCE_BLOCKED_PATIENT / INSURANCE_BLOCKED_PRACTITIONER. Served by insurance_alert_block.
 */
export async function assertNotBlocked(
  db: Executor,
  subjects: { patientId: string; practitionerId: string | null },
): Promise<void> {
  const rows = await db
    .selectFrom('insurance_alert')
    .select('subject_kind')
    .where('status', '=', 'confirmed')
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_kind', '=', 'patient'), eb('subject_id', '=', subjects.patientId)]),
        ...(subjects.practitionerId
          ? [
              eb.and([
                eb('subject_kind', '=', 'practitioner'),
                eb('subject_id', '=', subjects.practitionerId),
              ]),
            ]
          : []),
      ]),
    )
    .execute();
  if (rows.some((r) => r.subject_kind === 'patient')) throw insuranceErrors.blockedPatient();
  if (rows.length > 0) throw insuranceErrors.blockedPractitioner();
}
