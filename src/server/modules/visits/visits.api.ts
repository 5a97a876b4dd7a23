/**
 * What other modules may ask of visits (style.md: a module owns its tables; others call these functions
 * with their own executor or transaction).
 */

import type { VisitType } from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { Executor } from '../../platform/db/database.js';
import { departmentFacts } from '../directory/directory.api.js';
import { doctorFacts, firstVisitRefusal } from './doctor-eligibility.js';
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
