import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';

export type PatientRelation = 'self' | 'proxy';

/**
 * The access check for acting as or for a patient (ID-6, DJ-9): the patient themself, or an account
 * with an active family proxy. A pending adult proxy (not yet confirmed by SMS) may not act.
 * Other modules call this before touching a patient's data; staff access by care relationship is added
 * by the modules that create care relationships.
 */
export async function requirePatientAccess(
  db: Executor,
  auth: AuthContext,
  patientId: string,
): Promise<PatientRelation> {
  const patient = await db
    .selectFrom('patient')
    .select(['id', 'account_id'])
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (patient?.account_id === auth.accountId) return 'self';
  if (patient) {
    const proxy = await db
      .selectFrom('family_proxy')
      .select('status')
      .where('proxy_account_id', '=', auth.accountId)
      .where('patient_id', '=', patientId)
      .where('status', '<>', 'revoked')
      .executeTakeFirst();
    if (proxy?.status === 'active') return 'proxy';
    if (proxy?.status === 'pending_confirmation') {
      throw errors.notYourPatient('该就诊人尚未通过短信验证码确认授权，确认后才能代其办理。');
    }
  }
  // Unknown and foreign patients get the same answer, so ids cannot be probed.
  throw errors.notYourPatient();
}

/** The patient record of an account (set once the account holder is real-name verified). */
export async function ownPatientId(db: Executor, accountId: string): Promise<string | null> {
  const row = await db
    .selectFrom('patient')
    .select('id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.id ?? null;
}
