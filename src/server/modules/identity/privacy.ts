import argon2 from 'argon2';
import type { AppContext } from '../../platform/context.js';
import { maskPhone } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { announceSessionsRevoked } from './session-cache.js';

/**
 * Identity's part of retention and of the patient's deletion request ([10/12]; DJ-16, REC-1, REC-4;
 * 个人信息保护法 第四十七条). Identity owns these tables; modules/privacy calls only these functions.
 */

/** Expired SMS codes, a day after they expired (the attempts are in the audit). */
export async function purgeExpiredOtpCodes(db: Executor, before: Date): Promise<number> {
  const res = await db.deleteFrom('otp_code').where('expires_at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Sessions that expired or were revoked before `before` (logins and logouts are in the audit). */
export async function purgeEndedSessions(db: Executor, before: Date): Promise<number> {
  const res = await db
    .deleteFrom('auth_session')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Failure counters not touched since `before` whose lock (if any) is over at `now`. */
export async function purgeLoginGuards(db: Executor, before: Date, now: Date): Promise<number> {
  const res = await db
    .deleteFrom('login_guard')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The account a deletion request is about: its own patient record and how it may re-confirm. */
export interface AccountForDeletion {
  accountId: string;
  phone: string;
  hasPassword: boolean;
  status: string;
  /** The account holder's own patient record (null before real-name verification). */
  patientId: string | null;
}

export async function accountForDeletion(
  ctx: AppContext,
  db: Executor,
  accountId: string,
): Promise<AccountForDeletion | undefined> {
  const row = await db
    .selectFrom('account')
    .select(['id', 'phone_enc', 'password_hash', 'status'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  const patient = await db
    .selectFrom('patient')
    .select('id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return {
    accountId: row.id,
    phone: ctx.cipher.decrypt(row.phone_enc),
    hasPassword: row.password_hash !== null,
    status: row.status,
    patientId: patient?.id ?? null,
  };
}

/** Checks the account's password (re-confirmation of a deletion request). */
export async function checkAccountPassword(
  db: Executor,
  accountId: string,
  password: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('account')
    .select('password_hash')
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row?.password_hash) return false;
  return argon2.verify(row.password_hash, password).catch(() => false);
}

/** What identity holds of an account and its patient record, counted for the preview. */
export interface IdentityFootprint {
  preferences: number;
  consents: number;
  healthCards: number;
  familyLinks: number;
  sessions: number;
  allergies: number;
}

export async function identityFootprint(
  db: Executor,
  accountId: string,
  patientId: string | null,
): Promise<IdentityFootprint> {
  const count = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
    Number((await q.executeTakeFirstOrThrow()).n);
  const pid = patientId ?? '00000000-0000-0000-0000-000000000000';
  return {
    preferences: await count(
      db
        .selectFrom('account_preference')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId),
    ),
    consents: await count(
      db
        .selectFrom('account_consent')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId),
    ),
    healthCards: await count(
      db
        .selectFrom('health_card')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('patient_id', '=', pid),
    ),
    familyLinks: await count(
      db
        .selectFrom('family_proxy')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => eb.or([eb('proxy_account_id', '=', accountId), eb('patient_id', '=', pid)])),
    ),
    sessions: await count(
      db
        .selectFrom('auth_session')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId),
    ),
    allergies: await count(
      db
        .selectFrom('patient_allergy')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('patient_id', '=', pid)
        .where('removed_at', 'is', null),
    ),
  };
}

/** A consent as noted in the deletion request before it is removed. */
export interface NotedConsent {
  version: string;
  terms: boolean;
  privacy: boolean;
  sensitive: boolean;
  agreedAt: string;
}

/**
 * Removes what identity may remove of a patient who asked (个人信息保护法 第四十七条) and closes the account
 * so it can no longer log in: preferences, consents (returned first, to be noted), the health card,
 * family-proxy links both ways, sessions (revoked at once on every node), codes and failure counters of the
 * phone. The account row stays as a closed marker — status `closed`, no name, no password, the phone
 * replaced by its masked form and the blind index released, so the phone may register a new, empty account.
 * The patient record (name, ID number) stays with the medical records (REC-1, REC-4).
 */
export async function forgetAccountIdentity(
  ctx: AppContext,
  db: Executor,
  account: AccountForDeletion,
  _now: Date,
): Promise<{ consents: NotedConsent[]; sessionIds: string[] }> {
  const { accountId, patientId } = account;
  const consents = await db
    .selectFrom('account_consent')
    .select(['version', 'terms', 'privacy', 'sensitive', 'agreed_at'])
    .where('account_id', '=', accountId)
    .orderBy('agreed_at')
    .execute();
  await db.deleteFrom('account_consent').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_preference').where('account_id', '=', accountId).execute();
  if (patientId) {
    await db.deleteFrom('health_card').where('patient_id', '=', patientId).execute();
    await db.deleteFrom('family_proxy').where('patient_id', '=', patientId).execute();
  }
  await db.deleteFrom('family_proxy').where('proxy_account_id', '=', accountId).execute();
  const sessions = await db
    .selectFrom('auth_session')
    .select('id')
    .where('account_id', '=', accountId)
    .execute();
  await db.deleteFrom('auth_session').where('account_id', '=', accountId).execute();
  // Every credential goes with the password (DJ-2/DJ-6 tables): earlier password hashes, the authenticator,
  // recovery codes and pending second-factor challenges.
  for (const table of ['password_history', 'account_totp', 'recovery_code', 'mfa_challenge'] as const) {
    await db.deleteFrom(table).where('account_id', '=', accountId).execute();
  }
  const phoneBidx = ctx.cipher.blindIndex('phone', account.phone);
  await db.deleteFrom('otp_code').where('phone_bidx', '=', phoneBidx).execute();
  await db.deleteFrom('login_guard').where('phone_bidx', '=', phoneBidx).execute();
  await db
    .updateTable('account')
    .set({
      status: 'closed',
      name: '',
      password_hash: null,
      // `accountPhone` answers '' for a closed account, so no SMS is sent to it any more.
      phone_enc: ctx.cipher.encrypt(''),
      phone_bidx: `closed:${accountId}`,
    })
    .where('id', '=', accountId)
    .execute();
  return {
    consents: consents.map((c) => ({
      version: c.version,
      terms: c.terms,
      privacy: c.privacy,
      sensitive: c.sensitive,
      agreedAt: new Date(c.agreed_at).toISOString(),
    })),
    sessionIds: sessions.map((s) => s.id),
  };
}

/** After the commit: every API node drops the closed account's sessions from its cache at once. */
export function announceAccountClosed(ctx: AppContext, accountId: string, sessionIds: string[]): void {
  announceSessionsRevoked(ctx, { sessionIds, accountIds: [accountId] });
}

/** The phone as the audit may show it (DJ-10). */
export const maskedPhoneOf = (account: AccountForDeletion) => maskPhone(account.phone);
