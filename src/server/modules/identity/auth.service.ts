import argon2 from 'argon2';
import { sql } from 'kysely';
import type { ConsentBody } from '../../../shared/consent.js';
import type { LoginAnswer, SessionGranted } from '../../../shared/credentials.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext, Role } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskPhone } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { noteLoginFailure, noteStaffLogin } from '../security/detectors.js';
import { agreedConsent, consentRequired, recordConsent, validConsent } from './consent.service.js';
import { type LoginGate, loginGate, startSecondFactor } from './credentials.service.js';
import { identityErrors } from './identity.errors.js';
import { consumeOtp, issueOtp } from './otp.service.js';
import { createSession, revokeSession } from './session.service.js';
import { announceSessionsRevoked } from './session-cache.js';

const invalidCredentials = () => identityErrors.invalidCredentials();
export const loginLocked = (until: Date) =>
  identityErrors.loginLocked('连续失败次数过多，该手机号已被暂时锁定，请稍后再试。', {
    lockedUntil: until.toISOString(),
  });

// argon2id with the library's defaults (m=64 MiB, t=3, p=4); verification time flattens timing between
// known and unknown phones because we verify against this dummy hash when the account does not exist.
export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });
let dummyHash: Promise<string> | undefined;

export async function requestLoginOtp(
  ctx: AppContext,
  phone: string,
  actor: Actor,
): Promise<{ devCode?: string }> {
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    const { code } = await issueOtp(ctx, trx, phone, 'login');
    await audit({ action: 'auth.otp.request', details: { phone: maskPhone(phone) } });
    return ctx.config.demo ? { devCode: code } : {};
  });
}

export async function lockedUntil(db: Executor, phoneBidx: string, now: Date): Promise<Date | null> {
  const guard = await db
    .selectFrom('login_guard')
    .select('locked_until')
    .where('phone_bidx', '=', phoneBidx)
    .executeTakeFirst();
  return guard?.locked_until && guard.locked_until.getTime() > now.getTime() ? guard.locked_until : null;
}

/**
 * DJ-3: counts a failure atomically; the max-th consecutive failure locks the phone. A lock that has run
 * out starts the count again.
 */
async function registerFailure(
  ctx: AppContext,
  db: Executor,
  phoneBidx: string,
  now: Date,
): Promise<Date | null> {
  const lockUntil = new Date(now.getTime() + ctx.config.auth.lockoutMs);
  const max = ctx.config.auth.maxFailures;
  const row = await sql<{ locked_until: Date | null }>`
    insert into login_guard (phone_bidx, failures, locked_until, updated_at)
    values (${phoneBidx}, 1, ${max <= 1 ? lockUntil : null}, ${now})
    on conflict (phone_bidx) do update set
      failures = case when login_guard.locked_until is not null and login_guard.locked_until <= ${now}
                      then 1 else login_guard.failures + 1 end,
      locked_until = case
        when login_guard.locked_until is not null and login_guard.locked_until <= ${now} then null
        when login_guard.failures + 1 >= ${max} then ${lockUntil}::timestamptz
        else login_guard.locked_until end,
      updated_at = ${now}
    returning locked_until`.execute(db);
  return row.rows[0]?.locked_until ?? null;
}

/**
 * A refused login, audited (DJ-12) in one command with what it changes: a failure counted towards the
 * lock (DJ-3) commits with its audit row or not at all.
 */
export async function refuseLogin(
  ctx: AppContext,
  actor: Actor,
  accountId: string | null,
  phone: string,
  reason: string,
  count?: { phoneBidx: string },
  /** DJ-6: a refused second factor is audited as `auth.second_factor`, and counts like a wrong password. */
  action = 'auth.login',
): Promise<Date | null> {
  return runCommand(ctx, { ...actor, accountId: accountId ?? actor.accountId }, async (cmd) => {
    const lock = count ? await registerFailure(ctx, cmd.trx, count.phoneBidx, cmd.now) : null;
    await cmd.audit({
      action,
      outcome: 'failure',
      resourceType: 'account',
      resourceId: accountId,
      details: { phone: maskPhone(phone), reason },
    });
    // DJ-17: failed logins on many phones from one address raise an alert (counted with the refusal).
    if (reason !== 'consent_required') {
      const bidx = count?.phoneBidx ?? ctx.cipher.blindIndex('phone', phone);
      await noteLoginFailure(ctx, cmd.trx, actor.ip, bidx, accountId, cmd.now);
    }
    return lock;
  });
}

/**
 * Login by password or SMS code. A first SMS login by an unknown phone registers a patient account
 * (手机号验证码登录即注册). Every attempt, good or bad, is audited (DJ-12).
 */
export async function login(
  ctx: AppContext,
  input: { phone: string; password?: string; otp?: string; consent?: ConsentBody },
  actor: Actor,
): Promise<LoginAnswer> {
  const now = ctx.clock.now();
  const phoneBidx = ctx.cipher.blindIndex('phone', input.phone);
  const locked = await lockedUntil(ctx.db, phoneBidx, now);
  if (locked) {
    await refuseLogin(ctx, actor, null, input.phone, 'locked');
    throw loginLocked(locked);
  }
  const account = await ctx.db
    .selectFrom('account')
    .select(['id', 'name', 'roles', 'password_hash', 'status'])
    .where('phone_bidx', '=', phoneBidx)
    .executeTakeFirst();

  const fail = async (reason: string): Promise<never> => {
    const lock = await refuseLogin(ctx, actor, account?.id ?? null, input.phone, reason, { phoneBidx });
    // The failing attempt itself is answered as wrong credentials; from the next try on, LOGIN_LOCKED.
    throw lock
      ? identityErrors.invalidCredentials('连续失败次数过多，该手机号已被暂时锁定，请稍后再试。', {
          lockedUntil: lock.toISOString(),
        })
      : invalidCredentials();
  };

  if (input.password !== undefined) {
    dummyHash ??= hashPassword('yunyi-dummy-password');
    const hash = account?.password_hash ?? (await dummyHash);
    const ok = await argon2.verify(hash, input.password).catch(() => false);
    if (!ok || !account?.password_hash) return fail('bad_password');
  } else {
    // SEC-1: an SMS login that would register a new account needs the consent first. The code is checked
    // in a transaction that a missing consent rolls back, so the same code works once the person agrees —
    // and only someone holding the right code learns that the phone has no account yet.
    const consentMissing = !account && !validConsent(input.consent);
    let refusedForConsent = false;
    const check = await ctx.db
      .transaction()
      .execute(async (trx) => {
        const result = await consumeOtp(ctx, trx, input.phone, 'login', input.otp ?? '');
        if (result === 'ok' && consentMissing) {
          refusedForConsent = true;
          throw consentRequired();
        }
        return result;
      })
      .catch(async (error: unknown) => {
        if (!refusedForConsent) throw error;
        await refuseLogin(ctx, actor, null, input.phone, 'consent_required');
        throw error;
      });
    if (check !== 'ok') return fail(check === 'wrong' ? 'bad_otp' : 'otp_expired');
  }
  if (account && account.status !== 'active') {
    // A lock is the security administrator's, a disable the system administrator's (DJ-8): told apart.
    const locked = account.status === 'locked';
    await refuseLogin(ctx, actor, account.id, input.phone, locked ? 'locked_by_admin' : 'disabled');
    throw locked ? identityErrors.accountLocked() : identityErrors.accountDisabled();
  }
  // DJ-2, DJ-6: a staff password that must change, and the second factor (credentials.service.ts).
  const gate: LoginGate = account
    ? await loginGate(ctx, account.id, input.password !== undefined ? 'password' : 'otp', now)
    : { kind: 'session', passwordChangeRequired: false };
  if (gate.kind === 'password_required') {
    await refuseLogin(ctx, actor, account!.id, input.phone, 'second_factor_needs_password');
    throw identityErrors.passwordLoginRequired();
  }
  if (gate.kind === 'challenge') return startSecondFactor(ctx, actor, account!, input.phone, gate.methods);

  // The account is known only inside the command (a first OTP login registers it): its audit rows name
  // it as the actor, so they are written with recordAudit in the command's transaction.
  return runCommand(ctx, actor, async ({ trx }) => {
    let user = account;
    if (!user) {
      const id = newId();
      await trx
        .insertInto('account')
        .values({
          id,
          phone_enc: ctx.cipher.encrypt(input.phone),
          phone_bidx: phoneBidx,
          name: '',
          roles: ['patient'],
          institution_id: null,
          practitioner_id: null,
          password_hash: null,
          created_at: now,
        })
        .onConflict((oc) => oc.column('phone_bidx').doNothing())
        .execute();
      // A concurrent first login may have registered the phone a moment earlier: use that account.
      user = await trx
        .selectFrom('account')
        .select(['id', 'name', 'roles', 'password_hash', 'status'])
        .where('phone_bidx', '=', phoneBidx)
        .executeTakeFirstOrThrow();
      await recordAudit(
        trx,
        { ...actor, accountId: user.id, role: 'patient' },
        {
          action: 'account.register',
          resourceType: 'account',
          resourceId: user.id,
          details: { phone: maskPhone(input.phone), via: 'otp' },
        },
        now,
      );
    }
    // SEC-1: a new account's consent (checked above), or an existing account agreeing again at login.
    if (
      validConsent(input.consent) &&
      (await agreedConsent(trx, user.id))?.version !== input.consent.version
    ) {
      await recordConsent(trx, actor, user.id, input.consent, now);
    }
    return openSession(ctx, trx, actor, user, input.phone, now, {
      method: input.password !== undefined ? 'password' : 'otp',
      passwordChangeRequired: gate.passwordChangeRequired,
      ...(gate.secondFactorSkipped ? { secondFactorSkipped: gate.secondFactorSkipped } : {}),
    });
  });
}

/**
 * The end of every successful login — the password or SMS code alone, or after the second factor (DJ-6):
 * the phone's failure count cleared, a session (good only for changing the password when it must change,
 * DJ-2), audited. In the caller's command.
 */
export async function openSession(
  ctx: AppContext,
  trx: Executor,
  actor: Actor,
  user: { id: string; name: string; roles: string[] },
  phone: string,
  now: Date,
  how: {
    method: 'password' | 'otp' | 'totp' | 'sms' | 'recovery';
    passwordChangeRequired: boolean;
    secondFactorSkipped?: 'demo';
  },
): Promise<SessionGranted> {
  await trx
    .deleteFrom('login_guard')
    .where('phone_bidx', '=', ctx.cipher.blindIndex('phone', phone))
    .execute();
  const session = await createSession(
    ctx,
    trx,
    { id: user.id, roles: user.roles },
    { passwordChangeRequired: how.passwordChangeRequired },
  );
  // DJ-17: a staff login from a network the account has not used before raises an alert.
  await noteStaffLogin(ctx, trx, user.id, user.roles, actor.ip, now);
  await recordAudit(
    trx,
    { ...actor, accountId: user.id, role: user.roles[0] ?? null },
    {
      action: 'auth.login',
      resourceType: 'account',
      resourceId: user.id,
      details: {
        phone: maskPhone(phone),
        method: how.method,
        ...(how.passwordChangeRequired ? { passwordChangeRequired: true } : {}),
        ...(how.secondFactorSkipped ? { secondFactorSkipped: how.secondFactorSkipped } : {}),
      },
    },
    now,
  );
  return {
    token: session.token,
    user: { id: user.id, name: user.name, roles: user.roles as Role[] },
    ...(how.passwordChangeRequired ? { passwordChangeRequired: true } : {}),
    ...(how.secondFactorSkipped ? { secondFactorSkipped: how.secondFactorSkipped } : {}),
  };
}

export async function logout(ctx: AppContext, auth: AuthContext, actor: Actor): Promise<void> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await revokeSession(trx, auth.sessionId, now);
    await audit({ action: 'auth.logout', resourceType: 'account', resourceId: auth.accountId });
  });
  // After the commit, so no node re-reads and caches the session as it was before it.
  announceSessionsRevoked(ctx, { sessionIds: [auth.sessionId] });
}

/**
 * Disables an account (an administrator's or a regulator's decision): it can no longer log in (the login
 * refuses ACCOUNT_DISABLED), its sessions are revoked, and every API node drops them from its session
 * cache at once.
 */
export async function disableAccount(
  ctx: AppContext,
  accountId: string,
  actor: Actor,
  reason: string,
): Promise<void> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await trx.updateTable('account').set({ status: 'disabled' }).where('id', '=', accountId).execute();
    await trx
      .updateTable('auth_session')
      .set({ revoked_at: now })
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .execute();
    await audit({
      action: 'account.disable',
      resourceType: 'account',
      resourceId: accountId,
      details: { reason },
    });
  });
  announceSessionsRevoked(ctx, { accountIds: [accountId] });
}
