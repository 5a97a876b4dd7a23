/**
 * Who may see and act on a visit (DJ-9): the patient side (the patient or an active proxy), the visit's
 * practitioner (or, while nobody has taken an on-demand visit, practitioners of its department), and for
 * supervision the org_admin of the visit's institution and the regulator (VISIT-5).
 */
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { practitionerFacts } from '../directory/directory.api.js';
import { actsForPatient } from '../identity/identity.api.js';
import type { ParticipantRole } from './hub.js';
import { visitErrors } from './visits.errors.js';

export interface VisitKeys {
  id: string;
  patient_id: string;
  practitioner_id: string | null;
  department_id: string;
  institution_id: string;
  status: string;
  type: string;
}

/** 监管 (glossary: supervision): the institution's org_admin and the regulator, who see but do not act. */
export type Viewer = ParticipantRole | 'supervision';

const patientSideOf = (db: Executor, auth: AuthContext, patientId: string) =>
  actsForPatient(db, auth.accountId, patientId);

/** The caller's role in the visit, or null when they have none. */
export async function participantRole(
  db: Executor,
  auth: AuthContext,
  v: VisitKeys,
  /** Whether the caller acts for the patient, when the caller's query already answered it (the chat's). */
  patientSide?: boolean,
): Promise<ParticipantRole | null> {
  if (auth.practitionerId) {
    if (v.practitioner_id === auth.practitionerId) return 'doctor';
    // An untaken on-demand visit is open to the department's practitioners of the right kind while it waits.
    if (v.practitioner_id === null && v.status === 'waiting') {
      const p = await practitionerFacts(db, auth.practitionerId);
      const kindFits = v.type === 'nursing_consultation' ? p?.kind === 'nurse' : p?.kind === 'doctor';
      if (p?.departmentId === v.department_id && kindFits) return 'doctor';
    }
  }
  if (auth.roles.includes('patient') && (patientSide ?? (await patientSideOf(db, auth, v.patient_id))))
    return 'patient';
  return null;
}

/** Participants, plus the institution's org_admin and the regulator for supervision. */
export async function viewerRole(db: Executor, auth: AuthContext, v: VisitKeys): Promise<Viewer> {
  const role = await participantRole(db, auth, v);
  if (role) return role;
  if (auth.roles.includes('regulator')) return 'supervision';
  if (auth.roles.includes('org_admin') && auth.institutionId === v.institution_id) return 'supervision';
  throw notParticipant();
}

export const notParticipant = (detail?: string) => visitErrors.notAParticipant(detail);

export async function requireParticipant(
  db: Executor,
  auth: AuthContext,
  v: VisitKeys,
  patientSide?: boolean,
): Promise<ParticipantRole> {
  const role = await participantRole(db, auth, v, patientSide);
  if (!role) throw notParticipant();
  return role;
}

/** The visit's own practitioner (or a department colleague for an untaken on-demand visit). */
export async function requireDoctor(db: Executor, auth: AuthContext, v: VisitKeys): Promise<string> {
  const role = await participantRole(db, auth, v);
  if (role !== 'doctor' || !auth.practitionerId) throw visitErrors.notYourVisit();
  return auth.practitionerId;
}

export async function requirePatientSide(db: Executor, auth: AuthContext, v: VisitKeys): Promise<void> {
  if (!(await patientSideOf(db, auth, v.patient_id))) throw errors.notYourPatient();
}
