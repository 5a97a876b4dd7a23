/**
 * An account's preferences ([8/12]): 长辈模式 and the current 就诊人, kept per account on the server so a
 * new phone or a new login keeps them. From ELDERLY_AGE the mode is on until the account holder answers
 * "是否开启长辈模式？", which the home page asks once; the answer is kept, whichever it was.
 */
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { actsForPatient } from './identity.api.js';
import { ageOn, ELDERLY_AGE, type Preferences, type PreferencesBody } from './identity.rules.js';
import { requirePatientAccess } from './patient-access.js';

async function ownPatient(db: Executor, accountId: string) {
  return db
    .selectFrom('patient')
    .select(['id', 'birth_date'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

async function preferencesOf(db: Executor, accountId: string, now: Date): Promise<Preferences> {
  const [row, own] = await Promise.all([
    db
      .selectFrom('account_preference')
      .select(['elderly_mode', 'current_patient_id'])
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
    ownPatient(db, accountId),
  ]);
  // The age is known once the account holder is real-name verified (ID-2: from the ID number).
  const elderly = own?.birth_date ? ageOn(String(own.birth_date), now) >= ELDERLY_AGE : false;
  const answered = row?.elderly_mode !== null && row?.elderly_mode !== undefined;
  // ID-6: a proxy revoked since it was chosen no longer counts; the app acts for oneself again.
  const current = row?.current_patient_id ?? null;
  const currentPatientId = current && (await actsForPatient(db, accountId, current)) ? current : null;
  return {
    elderlyMode: answered ? row.elderly_mode === true : elderly,
    elderlyModeAnswered: answered,
    askElderlyMode: !answered && elderly,
    currentPatientId,
  };
}

export async function getPreferences(ctx: AppContext, auth: AuthContext): Promise<Preferences> {
  return preferencesOf(ctx.db, auth.accountId, ctx.clock.now());
}

/**
 * Changes what the body names. A current 就诊人 must be oneself or a patient with an active proxy (ID-6,
 * else NOT_YOUR_PATIENT, the same answer for unknown ids); oneself is kept as null.
 */
export async function setPreferences(
  ctx: AppContext,
  auth: AuthContext,
  body: PreferencesBody,
  actor: Actor,
): Promise<Preferences> {
  let current: string | null | undefined = body.currentPatientId;
  if (current) {
    const relation = await requirePatientAccess(ctx.db, auth, current);
    if (relation === 'self') current = null;
  }
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const changes = {
      ...(body.elderlyMode !== undefined
        ? { elderly_mode: body.elderlyMode, elderly_mode_answered_at: now }
        : {}),
      ...(current !== undefined ? { current_patient_id: current } : {}),
      updated_at: now,
    };
    await trx
      .insertInto('account_preference')
      .values({
        account_id: auth.accountId,
        elderly_mode: null,
        elderly_mode_answered_at: null,
        current_patient_id: null,
        ...changes,
      })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(changes))
      .execute();
    await audit({
      action: 'preferences.update',
      resourceType: 'account',
      resourceId: auth.accountId,
      ...(current ? { patientId: current } : {}),
    });
    return preferencesOf(trx, auth.accountId, now);
  });
}
