/**
 * Who may see and act on a visit (DJ-9): the patient side (the patient or an active proxy), the visit's
 * practitioner (or, while nobody has taken an on-demand visit, practitioners of its department), and for
 * oversight the org_admin of the visit's institution and the regulator (VISIT-5).
 */
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import type { ParticipantRole } from './hub.js';

export interface VisitKeys {
  id: string;
  patient_id: string;
  practitioner_id: string | null;
  department_id: string;
  institution_id: string;
  status: string;
  type: string;
}

export type Viewer = ParticipantRole | 'oversight';

async function patientSide(db: Executor, auth: AuthContext, patientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('patient as p')
    .leftJoin('family_proxy as f', (j) =>
      j
        .onRef('f.patient_id', '=', 'p.id')
        .on('f.proxy_account_id', '=', auth.accountId)
        .on('f.status', '=', 'active'),
    )
    .select(['p.account_id', 'f.id as proxy_id'])
    .where('p.id', '=', patientId)
    .executeTakeFirst();
  return !!row && (row.account_id === auth.accountId || row.proxy_id !== null);
}

async function practitioner(db: Executor, practitionerId: string) {
  return db
    .selectFrom('practitioner')
    .select(['department_id', 'kind'])
    .where('id', '=', practitionerId)
    .executeTakeFirst();
}

/** The caller's role in the visit, or null when they have none. */
export async function participantRole(
  db: Executor,
  auth: AuthContext,
  v: VisitKeys,
): Promise<ParticipantRole | null> {
  if (auth.practitionerId) {
    if (v.practitioner_id === auth.practitionerId) return 'doctor';
    // An untaken on-demand visit is open to the department's practitioners of the right kind while it waits.
    if (v.practitioner_id === null && v.status === 'waiting') {
      const p = await practitioner(db, auth.practitionerId);
      const kindFits = v.type === 'nursing_consultation' ? p?.kind === 'nurse' : p?.kind === 'doctor';
      if (p?.department_id === v.department_id && kindFits) return 'doctor';
    }
  }
  if (auth.roles.includes('patient') && (await patientSide(db, auth, v.patient_id))) return 'patient';
  return null;
}

/** Participants, plus the institution's org_admin and the regulator for oversight. */
export async function viewerRole(db: Executor, auth: AuthContext, v: VisitKeys): Promise<Viewer> {
  const role = await participantRole(db, auth, v);
  if (role) return role;
  if (auth.roles.includes('regulator')) return 'oversight';
  if (auth.roles.includes('org_admin') && auth.institutionId === v.institution_id) return 'oversight';
  throw notParticipant();
}

export const notParticipant = () =>
  new AppError(403, 'NOT_A_PARTICIPANT', '无权查看该问诊', '只有问诊的患者方、接诊医生和监管人员可以查看。');

export async function requireParticipant(
  db: Executor,
  auth: AuthContext,
  v: VisitKeys,
): Promise<ParticipantRole> {
  const role = await participantRole(db, auth, v);
  if (!role) throw notParticipant();
  return role;
}

/** The visit's own practitioner (or a department colleague for an untaken on-demand visit). */
export async function requireDoctor(db: Executor, auth: AuthContext, v: VisitKeys): Promise<string> {
  const role = await participantRole(db, auth, v);
  if (role !== 'doctor' || !auth.practitionerId)
    throw new AppError(403, 'NOT_YOUR_VISIT', '不是您的问诊', '只有接诊医生可以执行此操作。');
  return auth.practitionerId;
}

export async function requirePatientSide(db: Executor, auth: AuthContext, v: VisitKeys): Promise<void> {
  if (!(await patientSide(db, auth, v.patient_id))) throw errors.notYourPatient();
}
