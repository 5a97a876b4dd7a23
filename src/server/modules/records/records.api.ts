/**
 * What other modules may ask of records (style.md: a module owns its tables; others call these functions
 * with their own transaction, so the archive changes in the same commit as what caused it):
 * - visits: `recordOnlineEncounter` when a visit's record is signed (an encounter of class VR with its
 *   diagnoses), `recordStaffDiagnosis` when a hospital doctor enters an offline diagnosis;
 * - hl7: `upsertHisEncounter`, `upsertHisDiagnoses`, `upsertHisReport` — idempotent by the sender's
 *   reference, a corrected result replacing its values in place (REC-4: nothing is deleted);
 * - the FHIR providers and the export: the read functions at the end.
 */
import { sql } from 'kysely';
import type { AbnormalFlag } from '../../../shared/records.js';
import type { Executor } from '../../platform/db/database.js';
import type { ReportSignature } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import {
  effectiveFlag,
  icd10Category,
  isChronic,
  type ObservationCategory,
  type ReportKind,
} from './records.rules.js';

/** The audit entry of a read of clinical data (DJ-12): remote diagnosis's image and ECG viewers use it too. */
export { type RecordRead, recordRead } from './care-access.js';
export { effectiveFlag, flagMark, isChronic, reportCategory } from './records.rules.js';

/** A diagnosis as the sender names it: ICD-10 (national clinical edition) and its name. */
export interface DiagnosisInput {
  icd10: string;
  name: string;
}

/** Whether an upsert inserted its row (Postgres: a fresh row version has no deleting transaction). */
const inserted = sql<boolean>`(xmax = 0)`.as('inserted');

const normaliseIcd = (code: string) => code.trim().toUpperCase();

/** The local time a `YYYY-MM-DD` day starts in Asia/Shanghai. */
const shanghaiDayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

// --- Writes: visits

export interface OnlineEncounter {
  visitId: string;
  patientId: string;
  institutionId: string;
  departmentId: string | null;
  practitionerId: string;
  startedAt: Date;
  endedAt: Date;
  reason?: string | null;
  diagnoses: DiagnosisInput[];
}

/**
 * An online visit whose record was signed (REC-1): one encounter of class VR (virtual), finished, keyed by
 * the visit id, and its diagnoses as `encounter-diagnosis` (chronic ones marked). Called by visits in the
 * signing transaction; a second call for the same visit changes nothing.
 */
export async function recordOnlineEncounter(
  trx: Executor,
  input: OnlineEncounter,
  now: Date,
): Promise<{ encounterId: string }> {
  const inserted = await trx
    .insertInto('encounter')
    .values({
      id: newId(),
      patient_id: input.patientId,
      class: 'VR',
      status: 'finished',
      institution_id: input.institutionId,
      department_id: input.departmentId,
      practitioner_id: input.practitionerId,
      started_at: input.startedAt,
      ended_at: input.endedAt,
      reason: input.reason ?? null,
      source: 'online',
      source_ref: input.visitId,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['institution_id', 'source', 'source_ref']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('encounter')
      .select('id')
      .where('institution_id', '=', input.institutionId)
      .where('source', '=', 'online')
      .where('source_ref', '=', input.visitId)
      .executeTakeFirstOrThrow();
    return { encounterId: existing.id };
  }
  await insertDiagnoses(trx, {
    patientId: input.patientId,
    encounterId: inserted.id,
    institutionId: input.institutionId,
    practitionerId: input.practitionerId,
    source: 'online',
    sourceRef: input.visitId,
    recordedAt: input.endedAt,
    onsetDate: null,
    diagnoses: input.diagnoses,
    now,
  });
  return { encounterId: inserted.id };
}

export interface StaffDiagnosis {
  /** The offline_diagnosis row it mirrors (its id is the archive row's reference). */
  offlineDiagnosisId: string;
  patientId: string;
  institutionId: string;
  practitionerId: string | null;
  icd10: string;
  name: string;
  /** The day it was made, YYYY-MM-DD (Asia/Shanghai). */
  diagnosedAt: string;
}

/**
 * A diagnosis a hospital doctor made offline and entered on the platform (VISIT-1): on the archive as an
 * encounter diagnosis without an encounter (no visit was fed in), dated the day it was made.
 */
export async function recordStaffDiagnosis(trx: Executor, input: StaffDiagnosis, now: Date): Promise<void> {
  const at = shanghaiDayStart(input.diagnosedAt);
  await insertDiagnoses(trx, {
    patientId: input.patientId,
    encounterId: null,
    institutionId: input.institutionId,
    practitionerId: input.practitionerId,
    source: 'staff',
    sourceRef: input.offlineDiagnosisId,
    recordedAt: at.getTime() < now.getTime() ? at : now,
    onsetDate: input.diagnosedAt,
    diagnoses: [{ icd10: input.icd10, name: input.name }],
    now,
  });
}

async function insertDiagnoses(
  trx: Executor,
  d: {
    patientId: string;
    encounterId: string | null;
    institutionId: string | null;
    practitionerId: string | null;
    source: 'his' | 'online' | 'staff' | 'seed';
    sourceRef: string;
    recordedAt: Date;
    onsetDate: string | null;
    diagnoses: DiagnosisInput[];
    now: Date;
  },
): Promise<string[]> {
  const seen = new Set<string>();
  const rows = d.diagnoses.flatMap((x) => {
    const code = normaliseIcd(x.icd10);
    if (!code || seen.has(code)) return [];
    seen.add(code);
    return [
      {
        id: newId(),
        patient_id: d.patientId,
        encounter_id: d.encounterId,
        icd10: code,
        name: x.name.trim() || code,
        category: 'encounter-diagnosis' as const,
        clinical_status: 'active' as const,
        chronic: isChronic(code),
        onset_date: d.onsetDate,
        recorded_at: d.recordedAt,
        institution_id: d.institutionId,
        practitioner_id: d.practitionerId,
        source: d.source,
        source_ref: d.sourceRef,
        updated_at: d.now,
      },
    ];
  });
  if (rows.length === 0) return [];
  const out = await trx
    .insertInto('diagnosis')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['patient_id', 'source', 'source_ref', 'icd10'])
        .where('source_ref', 'is not', null)
        .doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          encounter_id: eb.ref('excluded.encounter_id'),
          practitioner_id: eb.ref('excluded.practitioner_id'),
          clinical_status: 'active',
          updated_at: eb.ref('excluded.updated_at'),
        })),
    )
    .returning('id')
    .execute();
  return out.map((r) => r.id);
}

// --- Writes: hospital systems (HL7 v2)

export interface HisEncounter {
  institutionId: string;
  /** PV1-19 visit number. */
  sourceRef: string;
  patientId: string;
  class: 'AMB' | 'IMP' | 'EMER';
  status: 'in-progress' | 'finished' | 'cancelled';
  departmentId?: string | null;
  practitionerId?: string | null;
  startedAt: Date;
  endedAt?: Date | null;
  reason?: string | null;
}

/**
 * An offline encounter from a hospital system (ADT^A01/A04 admit or register, A08 update, A03 discharge):
 * created once per (institution, visit number), updated by later messages. An ended encounter is not
 * reopened by a late A08 without an end. Returns the row's id and whether it was new.
 */
export async function upsertHisEncounter(
  trx: Executor,
  e: HisEncounter,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const row = await trx
    .insertInto('encounter')
    .values({
      id: newId(),
      patient_id: e.patientId,
      class: e.class,
      status: e.status,
      institution_id: e.institutionId,
      department_id: e.departmentId ?? null,
      practitioner_id: e.practitionerId ?? null,
      started_at: e.startedAt,
      ended_at: e.endedAt ?? null,
      reason: e.reason ?? null,
      source: 'his',
      source_ref: e.sourceRef,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['institution_id', 'source', 'source_ref']).doUpdateSet((eb) => ({
        patient_id: eb.ref('excluded.patient_id'),
        class: eb.ref('excluded.class'),
        status: sql<
          'in-progress' | 'finished' | 'cancelled'
        >`case when encounter.status = 'finished' and excluded.status = 'in-progress' then encounter.status else excluded.status end`,
        department_id: sql<string | null>`coalesce(excluded.department_id, encounter.department_id)`,
        practitioner_id: sql<string | null>`coalesce(excluded.practitioner_id, encounter.practitioner_id)`,
        started_at: eb.ref('excluded.started_at'),
        ended_at: sql<Date | null>`coalesce(excluded.ended_at, encounter.ended_at)`,
        reason: sql<string | null>`coalesce(excluded.reason, encounter.reason)`,
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returning(['id', inserted])
    .executeTakeFirstOrThrow();
  return { id: row.id, created: row.inserted };
}

export interface HisDiagnoses {
  patientId: string;
  encounterId: string | null;
  institutionId: string;
  practitionerId?: string | null;
  /** The encounter's visit number (DG1 rows of one message share it). */
  sourceRef: string;
  recordedAt: Date;
  onsetDate?: string | null;
  diagnoses: DiagnosisInput[];
}

/** DG1 diagnoses of an encounter: one row per (patient, visit number, code); a resend updates the name. */
export async function upsertHisDiagnoses(trx: Executor, d: HisDiagnoses, now: Date): Promise<string[]> {
  return insertDiagnoses(trx, {
    patientId: d.patientId,
    encounterId: d.encounterId,
    institutionId: d.institutionId,
    practitionerId: d.practitionerId ?? null,
    source: 'his',
    sourceRef: `${d.institutionId}:${d.sourceRef}`,
    recordedAt: d.recordedAt,
    onsetDate: d.onsetDate ?? null,
    diagnoses: d.diagnoses,
    now,
  });
}

type ReportStatus =
  | 'registered'
  | 'partial'
  | 'preliminary'
  | 'final'
  | 'amended'
  | 'corrected'
  | 'cancelled';
type ObservationStatus = 'registered' | 'preliminary' | 'final' | 'amended' | 'corrected' | 'cancelled';

export interface ReportInput {
  patientId: string;
  institutionId: string;
  /** OBR-3 filler order number: a corrected result (OBR-25 C) with the same one replaces the report. */
  sourceRef: string;
  encounterId?: string | null;
  kind: ReportKind;
  codeSystem: string;
  code: string;
  name: string;
  status: ReportStatus;
  effectiveAt: Date;
  issuedAt: Date;
  performerName?: string | null;
  verifierName?: string | null;
  findings?: string | null;
  conclusion?: string | null;
  signature?: ReportSignature | null;
  source?: 'his' | 'seed' | 'remote';
}

export interface ObservationInput {
  category: ObservationCategory;
  codeSystem: string;
  code: string;
  name: string;
  valueNum?: number | null;
  valueText?: string | null;
  unit?: string | null;
  refLow?: number | null;
  refHigh?: number | null;
  refText?: string | null;
  /** The sender's flag; computed from the range when absent (records.rules `effectiveFlag`). */
  flag?: AbnormalFlag | null;
  status: ObservationStatus;
  effectiveAt?: Date;
}

/**
 * A lab or examination report with its results (ORU^R01), idempotent by (institution, filler order number).
 * A resent or corrected report updates the report and each result in place, matched by its code; a result
 * the correction no longer carries is marked cancelled (REC-4: nothing is deleted). Returns the report id,
 * whether it was new, and the result ids in input order.
 */
export async function upsertHisReport(
  trx: Executor,
  input: { report: ReportInput; observations: ObservationInput[] },
  now: Date,
): Promise<{ reportId: string; created: boolean; observationIds: string[] }> {
  const r = input.report;
  const source = r.source ?? 'his';
  const values = {
    patient_id: r.patientId,
    encounter_id: r.encounterId ?? null,
    kind: r.kind,
    code_system: r.codeSystem,
    code: r.code,
    name: r.name,
    status: r.status,
    effective_at: r.effectiveAt,
    issued_at: r.issuedAt,
    institution_id: r.institutionId,
    performer_name: r.performerName ?? null,
    verifier_name: r.verifierName ?? null,
    findings: r.findings ?? null,
    conclusion: r.conclusion ?? null,
    signature: r.signature ? JSON.stringify(r.signature) : null,
    source,
    source_ref: r.sourceRef,
    updated_at: now,
  };
  const row = await trx
    .insertInto('diagnostic_report')
    .values({ id: newId(), ...values, created_at: now })
    .onConflict((oc) => oc.columns(['institution_id', 'source_ref']).doUpdateSet(values))
    .returning(['id', inserted])
    .executeTakeFirstOrThrow();
  const created = row.inserted;
  const existing = created
    ? []
    : await trx
        .selectFrom('observation')
        .select(['id', 'code_system', 'code'])
        .where('report_id', '=', row.id)
        .execute();
  const byCode = new Map(existing.map((o) => [`${o.code_system}|${o.code}`, o.id]));
  const kept = new Set<string>();
  const ids: string[] = [];
  const fresh = [];
  for (const o of input.observations) {
    const v = observationValues(
      r.patientId,
      row.id,
      o,
      r.effectiveAt,
      source === 'seed' ? 'seed' : 'his',
      now,
    );
    const id = byCode.get(`${o.codeSystem}|${o.code}`);
    if (id && !kept.has(id)) {
      kept.add(id);
      ids.push(id);
      await trx.updateTable('observation').set(v).where('id', '=', id).execute();
    } else {
      const nid = newId();
      ids.push(nid);
      fresh.push({ id: nid, ...v, created_at: now });
    }
  }
  if (fresh.length > 0) await trx.insertInto('observation').values(fresh).execute();
  const dropped = existing.map((o) => o.id).filter((id) => !kept.has(id));
  if (dropped.length > 0)
    await trx
      .updateTable('observation')
      .set({ status: 'cancelled', updated_at: now })
      .where('id', 'in', dropped)
      .execute();
  return { reportId: row.id, created, observationIds: ids };
}

function observationValues(
  patientId: string,
  reportId: string | null,
  o: ObservationInput,
  defaultAt: Date,
  source: 'his' | 'seed' | 'device' | 'staff',
  now: Date,
) {
  const num = o.valueNum ?? null;
  return {
    patient_id: patientId,
    report_id: reportId,
    category: o.category,
    code_system: o.codeSystem,
    code: o.code,
    name: o.name,
    value_num: num,
    value_text: o.valueText ?? null,
    unit: o.unit ?? null,
    ref_low: o.refLow ?? null,
    ref_high: o.refHigh ?? null,
    ref_text: o.refText ?? null,
    flag: effectiveFlag(o.flag ?? null, num, o.refLow, o.refHigh),
    status: o.status,
    effective_at: o.effectiveAt ?? defaultAt,
    source,
    updated_at: now,
  };
}

/**
 * Results without a report (home blood pressure, a nurse's vital signs), appended in one statement. The
 * seed and the staff entry of measurements use it.
 */
export async function addObservations(
  trx: Executor,
  patientId: string,
  observations: (ObservationInput & { effectiveAt: Date })[],
  source: 'seed' | 'device' | 'staff',
  now: Date,
): Promise<string[]> {
  if (observations.length === 0) return [];
  const rows = observations.map((o) => ({
    id: newId(),
    ...observationValues(patientId, null, o, o.effectiveAt, source, now),
    created_at: now,
  }));
  await trx.insertInto('observation').values(rows).execute();
  return rows.map((r) => r.id);
}

// --- Reads (the FHIR providers, the export, other modules)

/** A patient's chronic conditions, one per ICD-10 code: the first time each was diagnosed. */
export async function chronicConditionRows(db: Executor, patientId: string) {
  const rows = await db
    .selectFrom('diagnosis')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('chronic', '=', true)
    .where('clinical_status', '=', 'active')
    .orderBy('recorded_at')
    .orderBy('id')
    .execute();
  const first = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!first.has(r.icd10)) first.set(r.icd10, r);
  return [...first.values()];
}

/** Whether the patient has an active chronic diagnosis in an ICD-10 category (`I10`, `E11`). */
export async function hasChronicCondition(
  db: Executor,
  patientId: string,
  category: string,
): Promise<boolean> {
  const rows = await chronicConditionRows(db, patientId);
  return rows.some((r) => icd10Category(r.icd10) === icd10Category(category));
}

/** The health profile (history, lifestyle) and vaccinations of a patient, newest vaccination first. */
export async function archiveFacts(db: Executor, patientId: string) {
  const [profile, vaccinations] = await Promise.all([
    db.selectFrom('health_profile').selectAll().where('patient_id', '=', patientId).executeTakeFirst(),
    db
      .selectFrom('vaccination')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('given_on', 'desc')
      .orderBy('id', 'desc')
      .execute(),
  ]);
  return { profile: profile ?? null, vaccinations };
}

/**
 * A hospital encounter by the sender's visit number ([6/12], hl7): an A03 without an admit time keeps the
 * start it had, and an ORU with PV1-19 links its reports to the encounter. Undefined when none was fed.
 */
export async function hisEncounterByRef(
  db: Executor,
  institutionId: string,
  sourceRef: string,
): Promise<{ id: string; patientId: string; startedAt: Date; status: string } | undefined> {
  const r = await db
    .selectFrom('encounter')
    .select(['id', 'patient_id', 'started_at', 'status'])
    .where('institution_id', '=', institutionId)
    .where('source', '=', 'his')
    .where('source_ref', '=', sourceRef)
    .executeTakeFirst();
  return r ? { id: r.id, patientId: r.patient_id, startedAt: r.started_at, status: r.status } : undefined;
}
