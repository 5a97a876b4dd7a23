/**
 * What other modules may ask of visits (style.md: a module owns its tables; others call these functions
 * with their own executor or transaction).
 */

import type { VisitType } from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { departmentFacts } from '../directory/directory.api.js';
import { doctorFacts, firstVisitRefusal } from './doctor-eligibility.js';
import { icd10Name, searchIcd10 } from './icd10.js';
import { icdCategory } from './visit.rules.js';
import { visitEvent } from './visit-store.js';

/** The online visit an appointment became, while it is still live (not yet ended); undefined otherwise. */
export async function liveVisitOfAppointment(
  db: Executor,
  appointmentId: string,
): Promise<string | undefined> {
  const visit = await db
    .selectFrom('visit')
    .select('id')
    .where('appointment_id', '=', appointmentId)
    .where('status', 'in', ['requested', 'paid', 'waiting', 'in_progress'])
    .executeTakeFirst();
  return visit?.id;
}

/**
 * Appends a step of another module's work to the visit's timeline (VISIT-5, RX-11): every prescription
 * step (rx_saved, rx_signed, rx_reviewed, rx_revised, rx_fulfilment_chosen, rx_paid, rx_dispensed,
 * rx_shipped, rx_delivered, rx_received, rx_refunded, rx_expired) shows there for org_admin and the
 * regulator. Pass the command scope (`cmd`: its transaction and its `now`) or a transaction and `at`.
 * Details hold ids and short facts, never a full phone or ID number (DJ-10).
 */
export async function recordVisitEvent(
  to: Executor | { trx: Executor; now: Date },
  visitId: string,
  kind: string,
  actor: Actor,
  details: Record<string, unknown> = {},
  at?: Date,
): Promise<void> {
  const scoped = 'trx' in to && 'now' in to;
  const db = scoped ? to.trx : (to as Executor);
  const when = at ?? (scoped ? to.now : undefined);
  if (!when) throw new Error('recordVisitEvent: pass cmd, or a transaction and `at`');
  await visitEvent(db, visitId, kind, actor, when, details);
}

/**
 * RX-9: ICD-10 categories of the chronic conditions a long-term prescription (长期处方) may serve, after
 * 长期处方管理规范（试行）2021 and the common 门诊慢特病 lists: hypertension and hypertensive disease
 * (I10–I15), diabetes (E10–E14), ischaemic heart disease (I20–I25), heart failure (I50), atrial
 * fibrillation (I48), cerebrovascular sequelae (I69), COPD (J44), asthma (J45), chronic kidney disease
 * (N18), lipid disorders (E78), hypothyroidism / hyperthyroidism (E03, E05), gout (M10), osteoporosis
 * (M80–M81), rheumatoid arthritis (M05–M06), Parkinson's disease (G20), epilepsy (G40), chronic viral
 * hepatitis (B18), benign prostatic hyperplasia (N40). Pure: a category is the code's first 3 characters.
 */
const CHRONIC_CATEGORIES = new Set([
  ...['I10', 'I11', 'I12', 'I13', 'I15'],
  ...['E10', 'E11', 'E12', 'E13', 'E14'],
  ...['I20', 'I21', 'I22', 'I23', 'I24', 'I25', 'I48', 'I50', 'I69'],
  ...['J44', 'J45', 'N18', 'E78', 'E03', 'E05', 'M10', 'M80', 'M81', 'M05', 'M06'],
  ...['G20', 'G40', 'B18', 'N40'],
]);

export function isChronicDiagnosis(icd10: string): boolean {
  return CHRONIC_CATEGORIES.has(icdCategory(icd10));
}

/** What prescribing needs to know of a visit (VISIT-6, PILOT-4, RX-1, RX-5, RX-9). */
export interface PrescribingVisit {
  id: string;
  type: VisitType;
  status: string;
  completedAt: Date | null;
  practitionerId: string | null;
  patientId: string;
  institutionId: string;
  departmentId: string;
  guardianRequired: boolean;
  guardianConfirmedAt: Date | null;
  /** A first_visit whose institution × specialty pilot scope is open now and whose doctor still qualifies (PILOT-1, PILOT-2, PILOT-4). */
  pilotInScope: boolean;
  /** The record's diagnoses (medical_record.content.diagnoses), draft or signed. */
  diagnoses: { icd10: string; name: string }[];
  /**
   * RX-9: the visit follows up a chronic condition diagnosed offline: the linked offline_diagnosis (or,
   * for a follow-up whose uploaded evidence the doctor accepted, the condition it named) is chronic.
   */
  followsChronicDiagnosis: boolean;
}

/** The visit as prescribing sees it; undefined when there is none. `lock` takes the row for the caller's transaction. */
export async function prescribingVisit(
  db: Executor,
  visitId: string,
  now: Date,
  lock = false,
): Promise<PrescribingVisit | undefined> {
  let q = db.selectFrom('visit').selectAll().where('id', '=', visitId);
  if (lock) q = q.forUpdate();
  const v = await q.executeTakeFirst();
  if (!v) return undefined;
  const record = await db
    .selectFrom('medical_record')
    .select('content')
    .where('visit_id', '=', visitId)
    .executeTakeFirst();
  const raw = (record?.content as { diagnoses?: unknown } | undefined)?.diagnoses;
  const diagnoses = Array.isArray(raw)
    ? raw
        .filter((d): d is { icd10: string; name?: string } => typeof d?.icd10 === 'string')
        .map((d) => ({ icd10: d.icd10, name: typeof d.name === 'string' ? d.name : '' }))
    : [];
  let chronicCode: string | null = null;
  if (v.offline_diagnosis_id) {
    const dx = await db
      .selectFrom('offline_diagnosis')
      .select('icd10')
      .where('id', '=', v.offline_diagnosis_id)
      .executeTakeFirst();
    chronicCode = dx?.icd10 ?? null;
  } else if (v.type === 'follow_up' && v.evidence_accepted_at && v.condition_code) {
    chronicCode = v.condition_code;
  }
  let pilotInScope = false;
  if (v.type === 'first_visit' && v.practitioner_id) {
    const facts = await doctorFacts(db, v.practitioner_id, v.institution_id, now);
    const dept = (await departmentFacts(db, [v.department_id])).get(v.department_id);
    pilotInScope =
      !!facts &&
      !!dept &&
      (await firstVisitRefusal(db, facts, v.practitioner_id, v.institution_id, dept.specialty, now)) === null;
  }
  return {
    id: v.id,
    type: v.type as VisitType,
    status: v.status,
    completedAt: v.completed_at,
    practitionerId: v.practitioner_id,
    patientId: v.patient_id,
    institutionId: v.institution_id,
    departmentId: v.department_id,
    guardianRequired: v.guardian_required,
    guardianConfirmedAt: v.guardian_confirmed_at,
    pilotInScope,
    diagnoses,
    followsChronicDiagnosis: chronicCode !== null && isChronicDiagnosis(chronicCode),
  };
}

/** Prescribing and recording allergies stay open this long after a visit is completed (issue [5/12] §3). */
export const AFTER_VISIT_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a practitioner is seeing the patient now: a visit of theirs with the patient in progress, or
 * completed less than 24 h ago (the care relationship that lets a doctor record an allergy, SEC-1).
 */
export async function hasLiveVisitWith(
  db: Executor,
  practitionerId: string,
  patientId: string,
  now: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('visit')
    .select('id')
    .where('practitioner_id', '=', practitionerId)
    .where('patient_id', '=', patientId)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'in_progress'),
        eb.and([
          eb('status', '=', 'completed'),
          eb('completed_at', '>=', new Date(now.getTime() - AFTER_VISIT_MS)),
        ]),
      ]),
    )
    .executeTakeFirst();
  return !!row;
}

/** The type of a visit (follow_up, first_visit, …), as prescriptions show it; undefined when there is none. */
export async function visitTypeOf(db: Executor, visitId: string): Promise<VisitType | undefined> {
  const v = await db.selectFrom('visit').select('type').where('id', '=', visitId).executeTakeFirst();
  return v?.type as VisitType | undefined;
}

/** A practitioner's online visits with one patient, as the records access check weighs them (SEC-1). */
export interface CareVisit {
  patientId: string;
  /** A visit is still going (paid, waiting, in progress): the relationship holds until it ends. */
  open: boolean;
  /** When the last completed (or referred-offline) visit ended; null when none did within the window. */
  endedAt: Date | null;
}

/**
 * The visit relationships of a practitioner ([6/12], SEC-1): patients with an online visit of theirs that is
 * open (paid, waiting, in progress) or that ended — completed, or referred offline after they saw the
 * patient — after `since` (now minus the care window: the relationship ends at the end of the window,
 * exclusive, like an authorisation at its expiry). A cancelled or expired visit never met the
 * doctor and makes none. One row per patient; only `patientId` when given. Served by visit_practitioner.
 */
export async function careVisits(
  db: Executor,
  practitionerId: string,
  since: Date,
  patientId?: string,
): Promise<CareVisit[]> {
  let q = db
    .selectFrom('visit')
    .select((eb) => [
      'patient_id',
      eb.fn
        .max(eb.case().when('status', 'in', ['paid', 'waiting', 'in_progress']).then(1).else(0).end())
        .as('open'),
      eb.fn
        .max(
          eb
            .case()
            .when('status', 'in', ['completed', 'referred_offline'])
            .then(eb.fn.coalesce('completed_at', 'ended_at'))
            .else(null)
            .end(),
        )
        .as('ended_at'),
    ])
    .where('practitioner_id', '=', practitionerId)
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['paid', 'waiting', 'in_progress']),
        eb.and([
          eb('status', 'in', ['completed', 'referred_offline']),
          eb(eb.fn.coalesce('completed_at', 'ended_at'), '>', since),
        ]),
      ]),
    )
    .groupBy('patient_id');
  if (patientId) q = q.where('patient_id', '=', patientId);
  const rows = await q.execute();
  return rows.map((r) => ({
    patientId: r.patient_id,
    open: Number(r.open) === 1,
    endedAt: r.ended_at ? new Date(r.ended_at as unknown as string | Date) : null,
  }));
}

/**
 * An ICD-10 code as the visits catalogue knows it ([6/12], HL7 DG1): the catalogue's name of the code, or —
 * for an extension of the national clinical edition the catalogue does not list (I10.x00x002) — of the
 * first code of its category. Undefined when not even the category is known.
 */
export function icd10Known(code: string): { name: string } | undefined {
  const exact = icd10Name(code);
  if (exact) return { name: exact };
  const category = icdCategory(code);
  const first = searchIcd10(category, 1)[0];
  return first && icdCategory(first.code) === category ? { name: first.name } : undefined;
}

/** An offline diagnosis a hospital system sent (HL7 ADT DG1, source `his`). */
export interface HisOfflineDiagnosis {
  patientId: string;
  institutionId: string;
  departmentId: string | null;
  practitionerId: string | null;
  icd10: string;
  name: string;
  /** The day it was made, YYYY-MM-DD (Asia/Shanghai). */
  diagnosedAt: string;
}

/**
 * VISIT-1 ([6/12]): a diagnosis made at a physical institution and fed by its hospital system becomes the
 * offline diagnosis an online follow-up of that condition rests on — source `his`, the institution the feed
 * is registered for. Called by hl7 in the message's transaction; the same code on the same day at the same
 * institution is recorded once, so A01/A04 and A03 repeating a diagnosis (or a replay) add nothing.
 * Returns the row's id. The archive's copy is written by records (`upsertHisDiagnoses`), not here.
 */
export async function recordHisOfflineDiagnosis(
  trx: Executor,
  d: HisOfflineDiagnosis,
  now: Date,
): Promise<string> {
  const code = d.icd10.trim().toUpperCase();
  const existing = await trx
    .selectFrom('offline_diagnosis')
    .select('id')
    .where('patient_id', '=', d.patientId)
    .where('institution_id', '=', d.institutionId)
    .where('icd10', '=', code)
    .where('diagnosed_at', '=', d.diagnosedAt)
    .where('source', '=', 'his')
    .executeTakeFirst();
  if (existing) return existing.id;
  const id = newId();
  await trx
    .insertInto('offline_diagnosis')
    .values({
      id,
      patient_id: d.patientId,
      institution_id: d.institutionId,
      department_id: d.departmentId,
      practitioner_id: d.practitionerId,
      icd10: code,
      name: d.name,
      diagnosed_at: d.diagnosedAt,
      source: 'his',
      created_at: now,
    })
    .execute();
  return id;
}

/**
 * [12/12] The ICD-10 codes of a patient's offline diagnoses (VISIT-1), for the family doctor's package
 * eligibility (FD-2: the hypertension and diabetes packages need the condition diagnosed).
 */
export async function offlineDiagnosisCodes(db: Executor, patientId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('offline_diagnosis')
    .select('icd10')
    .where('patient_id', '=', patientId)
    .execute();
  return [...new Set(rows.map((r) => r.icd10))];
}

/** A visit as insurance settlement sees it ([7/12], INS-2/INS-3, INS-4): its kind, state and doctor. */
export interface VisitForInsurance {
  id: string;
  type: VisitType;
  status: string;
  patientId: string;
  practitionerId: string | null;
  institutionId: string;
}

/** The visit an order pays for, or a prescription was written in; undefined when there is none. */
export async function visitForInsurance(
  db: Executor,
  visitId: string,
): Promise<VisitForInsurance | undefined> {
  const v = await db
    .selectFrom('visit')
    .select(['id', 'type', 'status', 'patient_id', 'practitioner_id', 'institution_id'])
    .where('id', '=', visitId)
    .executeTakeFirst();
  return v
    ? {
        id: v.id,
        type: v.type as VisitType,
        status: v.status,
        patientId: v.patient_id,
        practitionerId: v.practitioner_id,
        institutionId: v.institution_id,
      }
    : undefined;
}

/** A visit's state as the insurer's fraud screen weighs it ([7/12], INS-4): how it stands and whose it is. */
export interface VisitOutcome {
  status: string;
  patientId: string;
  practitionerId: string | null;
  completedAt: Date | null;
  endedAt: Date | null;
}

/** Several visits' states at once, by id (absent ids are not in the map). */
export async function visitOutcomes(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, VisitOutcome>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('visit')
    .select(['id', 'status', 'patient_id', 'practitioner_id', 'completed_at', 'ended_at'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        status: r.status,
        patientId: r.patient_id,
        practitionerId: r.practitioner_id,
        completedAt: r.completed_at,
        endedAt: r.ended_at,
      },
    ]),
  );
}

/** [8/12] A doctor's page: ratings, completed visits and the online-visit fee (GET /doctors/{id}). */
export { doctorStats, onlineVisitFees } from './doctor-stats.service.js';
