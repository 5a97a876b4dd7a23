/**
 * Staff passwords (DJ-2) and the second factor (DJ-6).
 *
 * DJ-2: a staff password has at least `minLength` characters of `minClasses` of the four classes, is not on
 * the bundled list of common passwords (@zxcvbn-ts/language-common, compared case-insensitively), does not
 * contain the phone number, and is neither the current password nor one of the newest `historyCount`
 * (config.security.password). An initial password (a new or reset account) and one older than `maxAgeDays`
 * must be changed at the next login: that session is good only for POST /me/password (access.ts). A
 * patient (SMS login) may set a password under the lighter patient policy, which never expires.
 *
 * DJ-6: after the password, a second factor — TOTP (RFC 6238, otplib), an SMS code as fallback, or a
 * recovery code — for the administrator, regulator and insurer roles always, for doctors and pharmacists
 * when their institution says so, and for anyone who enrolled an authenticator. Demo mode
 * (`mfa.demoSkip`) lets an account with nothing enrolled in with the password alone and says so.
 */
import { randomInt } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import {
  type AccountSecurity,
  type InstitutionMfaPolicy,
  type InstitutionMfaPolicyBody,
  MFA_ROLES,
  type PasswordPolicy,
  type PasswordRule,
  passwordRuleText,
  passwordShapeProblems,
  type RecoveryCodes,
  type SecondFactorBody,
  type SecondFactorChallenge,
  type SecondFactorMethod,
  type SessionGranted,
  type TotpEnrolment,
} from '../../../shared/credentials.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { sm3Hex } from '../../platform/crypto/hash.js';
import { maskPhone } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts } from '../directory/directory.api.js';
import { hashPassword, lockedUntil, loginLocked, openSession, refuseLogin } from './auth.service.js';
import { identityErrors } from './identity.errors.js';
import { consumeOtp, issueOtp } from './otp.service.js';
import { isStaff } from './session.service.js';
import { announceSessionsRevoked } from './session-cache.js';

const DAY_MS = 86_400_000;
/** TOTP codes of the step before and after the current one are accepted (a phone's clock drifts). */
const TOTP_TOLERANCE_S = 30;
export const RECOVERY_CODE_COUNT = 10;

// --- DJ-2: the password policy.

let common: Set<string> | undefined;

/** On the bundled list of 49 233 common passwords (compared case-insensitively). */
export function isCommonPassword(password: string): boolean {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

/** The numbers of the staff policy, or of the lighter patient policy (no expiry, no history). */
export function passwordPolicyOf(ctx: AppContext, staff: boolean): PasswordPolicy {
  const p = ctx.config.security.password;
  return staff
    ? {
        minLength: p.minLength,
        minClasses: p.minClasses,
        maxAgeDays: p.maxAgeDays,
        historyCount: p.historyCount,
      }
    : { minLength: p.patientMinLength, minClasses: p.patientMinClasses, maxAgeDays: 0, historyCount: 0 };
}

/** Whether `password` is the account's current password or one of its newest `historyCount` (argon2id). */
async function reusedPassword(
  db: Executor,
  accountId: string,
  password: string,
  historyCount: number,
): Promise<boolean> {
  const current = await db
    .selectFrom('account')
    .select('password_hash')
    .where('id', '=', accountId)
    .executeTakeFirst();
  const history =
    historyCount > 0
      ? await db
          .selectFrom('password_history')
          .select('password_hash')
          .where('account_id', '=', accountId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(historyCount)
          .execute()
      : [];
  const hashes = [...new Set([current?.password_hash, ...history.map((h) => h.password_hash)])].filter(
    (h): h is string => !!h,
  );
  const matches = await Promise.all(hashes.map((h) => argon2.verify(h, password).catch(() => false)));
  return matches.some(Boolean);
}

/**
 * DJ-2: the rules `password` breaks, in PASSWORD_RULES order (empty: acceptable). `staff` picks the
 * policy; `accountId` (an existing account) adds the history check (staff only).
 */
export async function checkPasswordPolicy(
  ctx: AppContext,
  db: Executor,
  input: { password: string; staff: boolean; phone?: string | null; accountId?: string | null },
): Promise<PasswordRule[]> {
  const policy = passwordPolicyOf(ctx, input.staff);
  const rules = passwordShapeProblems(input.password, policy, input.phone);
  if (isCommonPassword(input.password)) rules.push('common');
  if (
    input.accountId &&
    input.staff &&
    policy.historyCount > 0 &&
    (await reusedPassword(db, input.accountId, input.password, policy.historyCount))
  ) {
    rules.push('reused');
  }
  const order = ['too_short', 'too_long', 'too_few_classes', 'common', 'contains_phone', 'reused'];
  return rules.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** 422 PASSWORD_POLICY naming the rules broken, with their zh-CN and en texts. */
export function passwordPolicyError(rules: PasswordRule[], policy: PasswordPolicy) {
  const messages = rules.map((rule) => ({ rule, ...passwordRuleText(rule, policy) }));
  return identityErrors.passwordPolicy(messages.map((m) => m.zh).join(''), { rules, messages });
}

/** A password in the account's history (every password it is given, DJ-2). */
async function rememberPassword(db: Executor, accountId: string, hash: string, now: Date): Promise<void> {
  await db
    .insertInto('password_history')
    .values({ id: newId(), account_id: accountId, password_hash: hash, created_at: now })
    .execute();
}

async function revokeOtherSessions(
  db: Executor,
  accountId: string,
  now: Date,
  keep: string | null,
): Promise<number> {
  let q = db
    .updateTable('auth_session')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null);
  if (keep) q = q.where('id', '<>', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * DJ-2: sets the initial password of a new or reset staff account, in the caller's transaction: checked
 * against the policy's shape and the common list (422 PASSWORD_POLICY), stored as argon2id, kept in the
 * history, marked to be changed at the first login; the account's sessions are revoked — call
 * `announceSessionsRevoked(ctx, { accountIds: [accountId] })` after the commit. The caller audits.
 */
export async function setInitialPassword(
  ctx: AppContext,
  db: Executor,
  accountId: string,
  password: string,
  now: Date,
): Promise<void> {
  const rules = await checkPasswordPolicy(ctx, db, { password, staff: true });
  if (rules.length > 0) throw passwordPolicyError(rules, passwordPolicyOf(ctx, true));
  const hash = await hashPassword(password);
  await db
    .updateTable('account')
    .set({ password_hash: hash, password_changed_at: now, password_must_change: true })
    .where('id', '=', accountId)
    .execute();
  await rememberPassword(db, accountId, hash, now);
  await revokeOtherSessions(db, accountId, now, null);
}

// --- What the login needs to know about an account.

interface CredentialFacts {
  id: string;
  name: string;
  roles: string[];
  status: string;
  phoneEnc: string;
  phoneBidx: string;
  passwordHash: string | null;
  passwordMustChange: boolean;
  passwordChangedAt: Date | null;
  totpConfirmedAt: Date | null;
  totpPending: boolean;
  institutionDoctors: boolean;
  institutionPharmacists: boolean;
  recoveryLeft: number;
}

async function credentialFacts(db: Executor, accountId: string): Promise<CredentialFacts | undefined> {
  const r = await db
    .selectFrom('account as a')
    .leftJoin('account_totp as t', 't.account_id', 'a.id')
    .leftJoin('institution_mfa_policy as p', 'p.institution_id', 'a.institution_id')
    .select([
      'a.id',
      'a.name',
      'a.roles',
      'a.status',
      'a.phone_enc',
      'a.phone_bidx',
      'a.password_hash',
      'a.password_must_change',
      'a.password_changed_at',
      't.confirmed_at',
      't.pending_secret_enc',
      'p.doctors',
      'p.pharmacists',
      (eb) =>
        eb
          .selectFrom('recovery_code as r')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('r.account_id', '=', 'a.id')
          .where('r.used_at', 'is', null)
          .as('recovery_left'),
    ])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    name: r.name,
    roles: r.roles,
    status: r.status,
    phoneEnc: r.phone_enc,
    phoneBidx: r.phone_bidx,
    passwordHash: r.password_hash,
    passwordMustChange: r.password_must_change,
    passwordChangedAt: r.password_changed_at,
    totpConfirmedAt: r.confirmed_at,
    totpPending: r.pending_secret_enc !== null,
    institutionDoctors: r.doctors ?? false,
    institutionPharmacists: r.pharmacists ?? false,
    recoveryLeft: Number(r.recovery_left ?? 0),
  };
}

/** DJ-6: whether the account's login needs a second factor, and why. Patients never do. */
function secondFactorNeed(f: CredentialFacts): {
  required: boolean;
  reason: 'role' | 'institution' | 'enrolled' | null;
} {
  if (!isStaff(f.roles)) return { required: false, reason: null };
  if (f.roles.some((r) => (MFA_ROLES as readonly string[]).includes(r)))
    return { required: true, reason: 'role' };
  if (
    (f.roles.includes('doctor') && f.institutionDoctors) ||
    (f.roles.includes('pharmacist') && f.institutionPharmacists)
  ) {
    return { required: true, reason: 'institution' };
  }
  if (f.totpConfirmedAt) return { required: true, reason: 'enrolled' };
  return { required: false, reason: null };
}

/** DJ-2: when a staff password must be changed by age (null: no password, not staff, or no maximum age). */
function passwordExpiresAt(ctx: AppContext, f: CredentialFacts): Date | null {
  const maxAgeDays = ctx.config.security.password.maxAgeDays;
  if (!isStaff(f.roles) || !f.passwordHash || maxAgeDays <= 0 || !f.passwordChangedAt) return null;
  return new Date(f.passwordChangedAt.getTime() + maxAgeDays * DAY_MS);
}

/** DJ-2: an initial password, or one older than `maxAgeDays` (a password of unknown age counts as old). */
function passwordMustChange(ctx: AppContext, f: CredentialFacts, now: Date): boolean {
  if (!isStaff(f.roles) || !f.passwordHash) return false;
  if (f.passwordMustChange) return true;
  if (ctx.config.security.password.maxAgeDays <= 0) return false;
  const expires = passwordExpiresAt(ctx, f);
  return !expires || expires.getTime() <= now.getTime();
}

function methodsOf(f: CredentialFacts): SecondFactorMethod[] {
  const methods: SecondFactorMethod[] = f.totpConfirmedAt ? ['totp', 'sms'] : ['sms'];
  if (f.recoveryLeft > 0) methods.push('recovery');
  return methods;
}

export type LoginGate =
  | { kind: 'session'; passwordChangeRequired: boolean; secondFactorSkipped?: 'demo' }
  | { kind: 'challenge'; methods: SecondFactorMethod[] }
  | { kind: 'password_required' };

/**
 * What follows a right password or SMS code (auth.service.ts login): a session (flagged when the password
 * must change, DJ-2), a second-factor challenge (DJ-6), or — an SMS login of an account that needs a second
 * factor — a refusal: such an account logs in with its password and then the second factor.
 */
export async function loginGate(
  ctx: AppContext,
  accountId: string,
  method: 'password' | 'otp',
  now: Date,
): Promise<LoginGate> {
  const f = await credentialFacts(ctx.db, accountId);
  if (!f) return { kind: 'session', passwordChangeRequired: false };
  const passwordChangeRequired = passwordMustChange(ctx, f, now);
  if (!secondFactorNeed(f).required) return { kind: 'session', passwordChangeRequired };
  // Demo mode: nothing enrolled, nothing asked (the answer says so); once enrolled, always asked.
  if (!f.totpConfirmedAt && ctx.config.security.mfa.demoSkip) {
    return { kind: 'session', passwordChangeRequired, secondFactorSkipped: 'demo' };
  }
  if (method === 'otp') return { kind: 'password_required' };
  return { kind: 'challenge', methods: methodsOf(f) };
}

/** DJ-6: the password was right; the login waits for its second factor (no token yet). */
export async function startSecondFactor(
  ctx: AppContext,
  actor: Actor,
  account: { id: string; roles: string[] },
  phone: string,
  methods: SecondFactorMethod[],
): Promise<SecondFactorChallenge> {
  const who = { ...actor, accountId: account.id, role: account.roles[0] ?? null };
  return runCommand(ctx, who, async ({ trx, now, audit }) => {
    const id = newId();
    const expiresAt = new Date(now.getTime() + ctx.config.security.mfa.challengeTtlMs);
    await trx
      .insertInto('mfa_challenge')
      .values({ id, account_id: account.id, methods, created_at: now, expires_at: expiresAt })
      .execute();
    await audit({
      action: 'auth.second_factor.challenge',
      resourceType: 'account',
      resourceId: account.id,
      details: { phone: maskPhone(phone), methods, challengeId: id },
    });
    return {
      mfaRequired: true as const,
      challengeId: id,
      methods,
      expiresAt: expiresAt.toISOString(),
      phone: maskPhone(phone),
    };
  });
}

interface LiveChallenge {
  id: string;
  accountId: string;
  roles: string[];
  methods: SecondFactorMethod[];
  phone: string;
  phoneBidx: string;
}

/** A challenge that can still be answered, or 401 MFA_CHALLENGE_INVALID (audited). */
async function liveChallenge(
  ctx: AppContext,
  challengeId: string,
  actor: Actor,
  action: string,
): Promise<LiveChallenge> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom('mfa_challenge as c')
    .innerJoin('account as a', 'a.id', 'c.account_id')
    .select([
      'c.id',
      'c.account_id',
      'c.methods',
      'c.expires_at',
      'c.used_at',
      'a.roles',
      'a.phone_enc',
      'a.phone_bidx',
    ])
    .where('c.id', '=', challengeId)
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at.getTime() <= now.getTime()) {
    const reason = !row ? 'unknown_challenge' : row.used_at ? 'challenge_used' : 'challenge_expired';
    await runCommand(ctx, { ...actor, accountId: row?.account_id ?? actor.accountId }, ({ audit }) =>
      audit({
        action,
        outcome: 'failure',
        resourceType: 'account',
        resourceId: row?.account_id ?? null,
        details: { reason, challengeId },
      }),
    );
    throw identityErrors.secondFactorChallengeInvalid();
  }
  return {
    id: row.id,
    accountId: row.account_id,
    roles: row.roles,
    methods: row.methods as SecondFactorMethod[],
    phone: ctx.cipher.decrypt(row.phone_enc),
    phoneBidx: row.phone_bidx,
  };
}

/** DJ-6: sends the SMS code of a challenge (the fallback); demo mode echoes it like POST /auth/otp. */
export async function sendSecondFactorSms(
  ctx: AppContext,
  challengeId: string,
  actor: Actor,
): Promise<{ sent: boolean; devCode?: string }> {
  const ch = await liveChallenge(ctx, challengeId, actor, 'auth.second_factor.sms');
  const who = { ...actor, accountId: ch.accountId, role: ch.roles[0] ?? null };
  if (!ch.methods.includes('sms')) {
    throw identityErrors.secondFactorMethodUnavailable(undefined, { methods: ch.methods });
  }
  return runCommand(ctx, who, async ({ trx, audit }) => {
    const { code } = await issueOtp(ctx, trx, ch.phone, 'second_factor', ch.id);
    await audit({
      action: 'auth.second_factor.sms',
      resourceType: 'account',
      resourceId: ch.accountId,
      details: { phone: maskPhone(ch.phone), challengeId: ch.id },
    });
    return ctx.config.demo ? { sent: true, devCode: code } : { sent: true };
  });
}

/** A wrong answer: thrown inside the command to roll back the challenge's claim. */
class FactorRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const normaliseRecoveryCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
const recoveryHash = (accountId: string, code: string) =>
  sm3Hex(`recovery:${accountId}:${normaliseRecoveryCode(code)}`);

/**
 * DJ-6: a TOTP code for this secret, never a time step already used by the account (replay): the newest
 * accepted step is moved forward atomically, so two concurrent uses of one code cannot both pass.
 */
async function acceptTotp(
  db: Executor,
  accountId: string,
  secret: string,
  code: string,
  lastStep: number | null,
  now: Date,
): Promise<'ok' | 'wrong' | 'replayed'> {
  if (!/^[0-9]{6}$/.test(code)) return 'wrong';
  const step = await totpStep(secret, code, now, lastStep);
  if (step === null) {
    if (lastStep === null) return 'wrong';
    return (await totpStep(secret, code, now, null)) !== null ? 'replayed' : 'wrong';
  }
  const moved = await db
    .updateTable('account_totp')
    .set({ last_step: step, updated_at: now })
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1 ? 'ok' : 'replayed';
}

/** The RFC 6238 time step a code matches (now, or one step either side), after `afterStep`; null: none. */
async function totpStep(
  secret: string,
  code: string,
  now: Date,
  afterStep: number | null,
): Promise<number | null> {
  const result = await verifyTotp({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOTP_TOLERANCE_S,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/**
 * DJ-6: answers a challenge. A right code opens the session (once: the challenge is used); a wrong one is
 * 401 INVALID_CREDENTIALS and counts towards the phone's lock (DJ-3) like a wrong password.
 */
export async function answerSecondFactor(
  ctx: AppContext,
  body: SecondFactorBody,
  actor: Actor,
): Promise<SessionGranted> {
  const action = 'auth.second_factor';
  const ch = await liveChallenge(ctx, body.challengeId, actor, action);
  const who = { ...actor, accountId: ch.accountId, role: ch.roles[0] ?? null };
  const now = ctx.clock.now();
  const locked = await lockedUntil(ctx.db, ch.phoneBidx, now);
  if (locked) {
    await refuseLogin(ctx, who, ch.accountId, ch.phone, 'locked', undefined, action);
    throw loginLocked(locked);
  }
  if (!ch.methods.includes(body.method)) {
    await refuseLogin(ctx, who, ch.accountId, ch.phone, 'method_unavailable', undefined, action);
    throw identityErrors.secondFactorMethodUnavailable(undefined, { methods: ch.methods });
  }
  try {
    return await runCommand(ctx, who, async (cmd) => {
      const { trx } = cmd;
      // Claimed first: of two answers racing, one opens a session.
      const claimed = await trx
        .updateTable('mfa_challenge')
        .set({ used_at: cmd.now })
        .where('id', '=', ch.id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', cmd.now)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new FactorRefused('challenge_used');
      const f = await credentialFacts(trx, ch.accountId);
      if (f?.status !== 'active')
        throw new FactorRefused(f?.status === 'locked' ? 'locked_by_admin' : 'disabled');
      let extra: Record<string, unknown> = {};
      if (body.method === 'totp') {
        const totp = await trx
          .selectFrom('account_totp')
          .select(['secret_enc', 'last_step'])
          .where('account_id', '=', ch.accountId)
          .forUpdate()
          .executeTakeFirst();
        if (!totp?.secret_enc) throw new FactorRefused('totp_not_enrolled');
        const result = await acceptTotp(
          trx,
          ch.accountId,
          ctx.cipher.decrypt(totp.secret_enc),
          body.code.trim(),
          totp.last_step,
          cmd.now,
        );
        if (result !== 'ok') throw new FactorRefused(result === 'replayed' ? 'totp_replayed' : 'bad_totp');
      } else if (body.method === 'sms') {
        const result = await consumeOtp(ctx, trx, ch.phone, 'second_factor', body.code.trim(), ch.id);
        if (result !== 'ok')
          throw new FactorRefused(result === 'wrong' ? 'bad_sms_code' : 'sms_code_expired');
      } else {
        const used = await trx
          .updateTable('recovery_code')
          .set({ used_at: cmd.now })
          .where('account_id', '=', ch.accountId)
          .where('code_hash', '=', recoveryHash(ch.accountId, body.code))
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (Number(used.numUpdatedRows) !== 1) throw new FactorRefused('bad_recovery_code');
        extra = { recoveryCodesLeft: f.recoveryLeft - 1 };
      }
      await cmd.audit({
        action,
        resourceType: 'account',
        resourceId: ch.accountId,
        details: { method: body.method, challengeId: ch.id, ...extra },
      });
      return openSession(ctx, trx, who, f, ch.phone, cmd.now, {
        method: body.method,
        passwordChangeRequired: passwordMustChange(ctx, f, cmd.now),
      });
    });
  } catch (error) {
    if (!(error instanceof FactorRefused)) throw error;
    if (error.reason === 'challenge_used') {
      await refuseLogin(ctx, who, ch.accountId, ch.phone, error.reason, undefined, action);
      throw identityErrors.secondFactorChallengeInvalid();
    }
    if (error.reason === 'disabled' || error.reason === 'locked_by_admin') {
      await refuseLogin(ctx, who, ch.accountId, ch.phone, error.reason, undefined, action);
      throw error.reason === 'disabled' ? identityErrors.accountDisabled() : identityErrors.accountLocked();
    }
    const lock = await refuseLogin(
      ctx,
      who,
      ch.accountId,
      ch.phone,
      error.reason,
      { phoneBidx: ch.phoneBidx },
      action,
    );
    throw lock
      ? identityErrors.invalidCredentials('连续失败次数过多，该手机号已被暂时锁定，请稍后再试。', {
          lockedUntil: lock.toISOString(),
        })
      : identityErrors.invalidCredentials('验证码不正确或已使用。');
  }
}

// --- The account's own settings (/me/...).

/** DJ-2: POST /me/password. Clears the must-change flag; the account's other sessions end. */
export async function changePassword(
  ctx: AppContext,
  auth: AuthContext,
  input: { current?: string; next: string },
  actor: Actor,
): Promise<void> {
  const f = await credentialFacts(ctx.db, auth.accountId);
  if (!f) throw errors.unauthenticated();
  const staff = isStaff(f.roles);
  const policy = passwordPolicyOf(ctx, staff);
  const phone = ctx.cipher.decrypt(f.phoneEnc);
  if (f.passwordHash) {
    // DJ-3: a locked phone gets no more guesses at its current password here than at the login.
    const locked = await lockedUntil(ctx.db, f.phoneBidx, ctx.clock.now());
    if (locked) throw loginLocked(locked);
    const ok = input.current ? await argon2.verify(f.passwordHash, input.current).catch(() => false) : false;
    if (!ok) {
      // A wrong current password counts towards the phone's lock (DJ-3), as at login.
      await refuseLogin(
        ctx,
        actor,
        f.id,
        phone,
        'wrong_current',
        { phoneBidx: f.phoneBidx },
        'auth.password.change',
      );
      throw passwordPolicyError(['wrong_current'], policy);
    }
  }
  const rules = await checkPasswordPolicy(ctx, ctx.db, {
    password: input.next,
    staff,
    phone,
    accountId: f.id,
  });
  if (!staff && f.passwordHash && (await argon2.verify(f.passwordHash, input.next).catch(() => false))) {
    rules.push('reused');
  }
  if (rules.length > 0) {
    await runCommand(ctx, actor, ({ audit }) =>
      audit({
        action: 'auth.password.change',
        outcome: 'failure',
        resourceType: 'account',
        resourceId: f.id,
        details: { reason: 'policy', rules },
      }),
    );
    throw passwordPolicyError(rules, policy);
  }
  const hash = await hashPassword(input.next);
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await trx
      .updateTable('account')
      .set({ password_hash: hash, password_changed_at: now, password_must_change: false })
      .where('id', '=', f.id)
      .execute();
    await rememberPassword(trx, f.id, hash, now);
    await trx
      .updateTable('auth_session')
      .set({ password_change_required: false })
      .where('id', '=', auth.sessionId)
      .execute();
    const revoked = await revokeOtherSessions(trx, f.id, now, auth.sessionId);
    await audit({
      action: 'auth.password.change',
      resourceType: 'account',
      resourceId: f.id,
      details: {
        first: !f.passwordHash,
        wasRequired: auth.passwordChangeRequired === true,
        sessionsRevoked: revoked,
      },
    });
  });
  // After the commit: every node drops the account's sessions (this one is read again, now unflagged).
  announceSessionsRevoked(ctx, { accountIds: [f.id] });
}

/** DJ-6: POST /me/totp — a new secret, pending until a code confirms it (the old one works until then). */
export async function beginTotpEnrolment(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
): Promise<TotpEnrolment> {
  const f = await credentialFacts(ctx.db, auth.accountId);
  if (!f) throw errors.unauthenticated();
  const secret = generateSecret();
  const otpauthUrl = generateURI({
    issuer: ctx.config.security.mfa.issuer,
    label: maskPhone(ctx.cipher.decrypt(f.phoneEnc)),
    secret,
  });
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    await trx
      .insertInto('account_totp')
      .values({
        account_id: f.id,
        pending_secret_enc: ctx.cipher.encrypt(secret),
        pending_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet({
          pending_secret_enc: ctx.cipher.encrypt(secret),
          pending_at: now,
          updated_at: now,
        }),
      )
      .execute();
    await audit({
      action: 'auth.totp.enrol',
      resourceType: 'account',
      resourceId: f.id,
      details: { step: 'begin', replacing: f.totpConfirmedAt !== null },
    });
  });
  return { otpauthUrl, secret };
}

/** DJ-6: POST /me/totp/confirm — a code from the app makes the pending secret the account's authenticator. */
export async function confirmTotp(
  ctx: AppContext,
  auth: AuthContext,
  code: string,
  actor: Actor,
): Promise<void> {
  const refused = await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const row = await trx
      .selectFrom('account_totp')
      .select(['pending_secret_enc', 'confirmed_at'])
      .where('account_id', '=', auth.accountId)
      .forUpdate()
      .executeTakeFirst();
    const fail = async (reason: string) => {
      await audit({
        action: 'auth.totp.confirm',
        outcome: 'failure',
        resourceType: 'account',
        resourceId: auth.accountId,
        details: { reason },
      });
      return reason;
    };
    if (!row?.pending_secret_enc) return fail('not_pending');
    const step = await totpStep(ctx.cipher.decrypt(row.pending_secret_enc), code, now, null);
    if (step === null) return fail('bad_totp');
    await trx
      .updateTable('account_totp')
      .set({
        secret_enc: row.pending_secret_enc,
        confirmed_at: now,
        pending_secret_enc: null,
        pending_at: null,
        // The confirming code's step is used: it does not also log in.
        last_step: step,
        updated_at: now,
      })
      .where('account_id', '=', auth.accountId)
      .execute();
    await audit({
      action: 'auth.totp.confirm',
      resourceType: 'account',
      resourceId: auth.accountId,
      details: { replaced: row.confirmed_at !== null },
    });
    return null;
  });
  if (refused === 'not_pending') throw identityErrors.totpNotPending();
  if (refused) throw identityErrors.invalidTotp();
}

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`.toLowerCase();
}

/** DJ-6: POST /me/recovery-codes — ten new codes (the earlier ones stop working), shown this once. */
export async function generateRecoveryCodes(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
): Promise<RecoveryCodes> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const old = await trx
      .deleteFrom('recovery_code')
      .where('account_id', '=', auth.accountId)
      .executeTakeFirst();
    await trx
      .insertInto('recovery_code')
      .values(
        codes.map((code) => ({
          id: newId(),
          account_id: auth.accountId,
          code_hash: recoveryHash(auth.accountId, code),
          created_at: now,
        })),
      )
      .execute();
    await audit({
      action: 'auth.recovery_codes.generate',
      resourceType: 'account',
      resourceId: auth.accountId,
      details: { count: codes.length, replaced: Number(old.numDeletedRows) },
    });
  });
  return { codes };
}

/** DJ-2, DJ-6: GET /me/security — what the account-security page shows. */
export async function accountSecurity(ctx: AppContext, auth: AuthContext): Promise<AccountSecurity> {
  const f = await credentialFacts(ctx.db, auth.accountId);
  if (!f) throw errors.unauthenticated();
  const staff = isStaff(f.roles);
  const need = secondFactorNeed(f);
  const expires = passwordExpiresAt(ctx, f);
  return {
    isStaff: staff,
    passwordSet: f.passwordHash !== null,
    passwordChangedAt: f.passwordChangedAt?.toISOString() ?? null,
    passwordExpiresAt: expires?.toISOString() ?? null,
    passwordChangeRequired:
      auth.passwordChangeRequired === true || passwordMustChange(ctx, f, ctx.clock.now()),
    policy: passwordPolicyOf(ctx, staff),
    totpEnrolled: f.totpConfirmedAt !== null,
    totpEnrolledAt: f.totpConfirmedAt?.toISOString() ?? null,
    secondFactorRequired: need.required,
    secondFactorReason: need.reason,
    demoSkip: ctx.config.security.mfa.demoSkip,
    recoveryCodesLeft: f.recoveryLeft,
  };
}

// --- For the administrators' consoles.

/** DJ-6: forgets an account's authenticator (also one pending) and its recovery codes, in the caller's transaction. */
export async function clearSecondFactor(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('account_totp').where('account_id', '=', accountId).execute();
  await db.deleteFrom('recovery_code').where('account_id', '=', accountId).execute();
}

/**
 * DJ-6: the security administrator's reset of a second factor (a lost phone): authenticator and recovery
 * codes removed, the account's sessions revoked, audited. Its next login falls back to SMS (or, in demo
 * mode, to the password alone) and it may enrol again.
 */
export async function resetSecondFactor(
  ctx: AppContext,
  accountId: string,
  actor: Actor,
  reason?: string,
): Promise<void> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const exists = await trx
      .selectFrom('account')
      .select('id')
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!exists) throw errors.notFound('账号');
    await clearSecondFactor(trx, accountId);
    const revoked = await revokeOtherSessions(trx, accountId, now, null);
    await audit({
      action: 'auth.second_factor.reset',
      resourceType: 'account',
      resourceId: accountId,
      details: { ...(reason ? { reason } : {}), sessionsRevoked: revoked },
    });
  });
  announceSessionsRevoked(ctx, { accountIds: [accountId] });
}

// --- DJ-6: an institution's setting for its doctors and pharmacists.

function mayManagePolicy(auth: AuthContext, institutionId: string): boolean {
  return (
    auth.roles.includes('security_admin') ||
    (auth.roles.includes('org_admin') && auth.institutionId === institutionId)
  );
}

async function policyView(db: Executor, institutionId: string): Promise<InstitutionMfaPolicy> {
  const row = await db
    .selectFrom('institution_mfa_policy')
    .select(['doctors', 'pharmacists', 'updated_at'])
    .where('institution_id', '=', institutionId)
    .executeTakeFirst();
  return {
    institutionId,
    doctors: row?.doctors ?? false,
    pharmacists: row?.pharmacists ?? false,
    updatedAt: row?.updated_at.toISOString() ?? null,
  };
}

async function checkPolicyAccess(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  actor: Actor,
  action: string,
): Promise<void> {
  if (!(await institutionFacts(ctx.db, [institutionId])).has(institutionId)) throw errors.notFound('机构');
  if (!mayManagePolicy(auth, institutionId)) {
    await runCommand(ctx, actor, ({ audit }) =>
      audit({
        action,
        outcome: 'failure',
        resourceType: 'institution',
        resourceId: institutionId,
        details: { reason: 'not_this_institution' },
      }),
    );
    throw errors.forbidden('只有本机构管理员或安全管理员可以查看和设置本机构的二次验证要求。');
  }
}

export async function getInstitutionMfaPolicy(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  actor: Actor,
): Promise<InstitutionMfaPolicy> {
  await checkPolicyAccess(ctx, auth, institutionId, actor, 'institution.mfa_policy.read');
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    await audit({
      action: 'institution.mfa_policy.read',
      resourceType: 'institution',
      resourceId: institutionId,
    });
    return policyView(trx, institutionId);
  });
}

export async function setInstitutionMfaPolicy(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  body: InstitutionMfaPolicyBody,
  actor: Actor,
): Promise<InstitutionMfaPolicy> {
  await checkPolicyAccess(ctx, auth, institutionId, actor, 'institution.mfa_policy.set');
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const before = await policyView(trx, institutionId);
    const after = {
      doctors: body.doctors ?? before.doctors,
      pharmacists: body.pharmacists ?? before.pharmacists,
    };
    await trx
      .insertInto('institution_mfa_policy')
      .values({ institution_id: institutionId, ...after, updated_at: now, updated_by: auth.accountId })
      .onConflict((oc) =>
        oc.column('institution_id').doUpdateSet({ ...after, updated_at: now, updated_by: auth.accountId }),
      )
      .execute();
    await audit({
      action: 'institution.mfa_policy.set',
      resourceType: 'institution',
      resourceId: institutionId,
      details: { before: { doctors: before.doctors, pharmacists: before.pharmacists }, after },
    });
    return policyView(trx, institutionId);
  });
}
