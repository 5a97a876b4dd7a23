import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import { sm3Hex } from '../../platform/crypto/hash.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { type SmsTemplate, SmsUnavailableError } from '../../platform/sms/sms.js';
import { identityErrors } from './identity.errors.js';

/** `account_delete`: re-confirms a patient's deletion request ([10/12], modules/privacy). */
/** `second_factor`: the SMS code of a staff login's second-factor challenge (DJ-6; ref_id: the challenge). */
export type OtpPurpose = 'login' | 'proxy_confirm' | 'account_delete' | 'second_factor' | 'contract_sign';

const DAILY_LIMIT_PER_PHONE = 10;
const codeHash = (id: string, code: string) => sm3Hex(`otp:${id}:${code}`);
const templateOf: Record<OtpPurpose, SmsTemplate> = {
  login: 'otp_login',
  proxy_confirm: 'otp_proxy_confirm',
  account_delete: 'otp_account_delete',
  second_factor: 'otp_login',
  // [12/12] the family-doctor agreement, confirmed by the signer's SMS code (FD-1).
  contract_sign: 'otp_contract_sign',
};

/**
 * Issues a 6-digit code valid for 5 minutes and sends it by SMS. Rate limited per phone: one per resend
 * interval and a daily cap. Returns the code only so demo mode can echo it.
 */
export async function issueOtp(
  ctx: AppContext,
  db: Executor,
  phone: string,
  purpose: OtpPurpose,
  refId: string | null = null,
): Promise<{ code: string; expiresAt: Date }> {
  const phoneBidx = ctx.cipher.blindIndex('phone', phone);
  const now = ctx.clock.now();
  const recent = await db
    .selectFrom('otp_code')
    // The resend interval is per purpose (a deletion request's code right after the login code is fine);
    // the daily cap counts every purpose.
    .select([
      sql<number>`count(*)`.as('today'),
      sql<Date | null>`max(created_at) filter (where purpose = ${purpose})`.as('last'),
    ])
    .where('phone_bidx', '=', phoneBidx)
    .where('created_at', '>', new Date(now.getTime() - 24 * 3600_000))
    .executeTakeFirstOrThrow();
  const last = recent.last ? new Date(recent.last) : null;
  if (last && now.getTime() - last.getTime() < ctx.config.auth.otpResendIntervalMs) {
    const wait = Math.ceil((ctx.config.auth.otpResendIntervalMs - (now.getTime() - last.getTime())) / 1000);
    throw identityErrors.otpTooFrequent(`请 ${wait} 秒后再获取验证码。`, { retryAfterSeconds: wait });
  }
  if (Number(recent.today) >= DAILY_LIMIT_PER_PHONE) {
    throw identityErrors.otpDailyLimit();
  }
  const id = newId();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + ctx.config.auth.otpTtlMs);
  await db
    .insertInto('otp_code')
    .values({
      id,
      phone_bidx: phoneBidx,
      purpose,
      code_hash: codeHash(id, code),
      ref_id: refId,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  try {
    await ctx.sms.send({ phone, template: templateOf[purpose], params: { code, minutes: '5' } });
  } catch (err) {
    if (err instanceof SmsUnavailableError) {
      throw identityErrors.smsUnavailable();
    }
    throw err;
  }
  return { code, expiresAt };
}

export type OtpCheck = 'ok' | 'wrong' | 'expired_or_missing';

/**
 * Checks a code against the newest unconsumed, unexpired code of that phone and purpose (and reference,
 * for proxy confirmations). A right code is consumed: it works once.
 */
export async function consumeOtp(
  ctx: AppContext,
  db: Executor,
  phone: string,
  purpose: OtpPurpose,
  code: string,
  refId: string | null = null,
): Promise<OtpCheck> {
  const now = ctx.clock.now();
  let q = db
    .selectFrom('otp_code')
    .select(['id', 'code_hash', 'expires_at'])
    .where('phone_bidx', '=', ctx.cipher.blindIndex('phone', phone))
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1);
  q = refId ? q.where('ref_id', '=', refId) : q;
  const row = await q.executeTakeFirst();
  if (!row || row.expires_at.getTime() <= now.getTime()) return 'expired_or_missing';
  if (row.code_hash !== codeHash(row.id, code)) {
    await db
      .updateTable('otp_code')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .execute();
    return 'wrong';
  }
  // Consume atomically: two concurrent logins with the same code cannot both succeed.
  const consumed = await db
    .updateTable('otp_code')
    .set({ consumed_at: now })
    .where('id', '=', row.id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(consumed.numUpdatedRows) === 1 ? 'ok' : 'expired_or_missing';
}
