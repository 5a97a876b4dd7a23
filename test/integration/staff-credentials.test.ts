/**
 * Staff passwords (DJ-2) and the second factor (DJ-6) through the API. TOTP codes are made by `otpauth`, a
 * library independent of the server's otplib, from the otpauth:// URL the server hands out.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setInitialPassword } from '../../src/server/modules/identity/credentials.service.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp; // demo mode: demoSkip on
let p: TestApp; // production mode: a second factor is asked of everyone who needs one
beforeAll(async () => {
  t = await createTestApp({ seed: true });
  p = await createTestApp({ seed: true, demo: false });
}, 300_000);
afterAll(async () => {
  await Promise.all([t?.close(), p?.close()]);
});

const PASSWORD = 'Demo@2026';
const login = (app: TestApp, phone: string, password = PASSWORD) =>
  app.request('POST', '/api/v1/auth/login', { body: { phone, password } });
const answer = (app: TestApp, body: object) =>
  app.request('POST', '/api/v1/auth/login/second-factor', { body });

async function accountId(app: TestApp, phone: string): Promise<string> {
  const row = await app.ctx.db
    .selectFrom('account')
    .select('id')
    .where('phone_bidx', '=', app.ctx.cipher.blindIndex('phone', phone))
    .executeTakeFirstOrThrow();
  return row.id;
}

async function auditActions(app: TestApp, accountIdValue: string, prefix: string) {
  return app.ctx.db
    .selectFrom('audit_event')
    .select(['action', 'outcome', 'details'])
    .where('actor_id', '=', accountIdValue)
    .where('action', 'like', `${prefix}%`)
    .orderBy('id')
    .execute();
}

/** Enrols TOTP for a logged-in account; returns the authenticator as the `otpauth` library reads it. */
async function enrolTotp(app: TestApp, token: string): Promise<OTPAuth.TOTP> {
  const begin = await app.request('POST', '/api/v1/me/totp', { token });
  expect(begin.statusCode).toBe(200);
  const totp = OTPAuth.URI.parse(begin.json().otpauthUrl) as OTPAuth.TOTP;
  expect(totp).toBeInstanceOf(OTPAuth.TOTP);
  const code = totp.generate({ timestamp: app.clock.now().getTime() });
  const confirm = await app.request('POST', '/api/v1/me/totp/confirm', { token, body: { code } });
  expect(confirm.statusCode).toBe(204);
  return totp;
}

describe('DJ-2: passwords that must change', () => {
  it('DJ-2: the first login with an initial password must change it; only /me/password, /me and logout answer', async () => {
    const phone = '13900000002';
    const id = await accountId(t, phone);
    const other = (await login(t, phone)).json().token as string;
    await t.ctx.db
      .transaction()
      .execute((trx) => setInitialPassword(t.ctx, trx, id, 'Init#Pass2026', t.clock.now()));
    // Setting an initial password ends the account's sessions.
    expect((await t.request('GET', '/api/v1/me', { token: other })).statusCode).toBe(401);
    expect((await login(t, phone)).statusCode).toBe(401);

    const first = await login(t, phone, 'Init#Pass2026');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ passwordChangeRequired: true, user: { id } });
    const token = first.json().token as string;
    expect((await t.request('GET', '/api/v1/me', { token })).statusCode).toBe(200);
    expect((await t.request('GET', '/api/v1/me/security', { token })).json()).toMatchObject({
      passwordChangeRequired: true,
      policy: { minLength: 8, minClasses: 3, maxAgeDays: 90, historyCount: 5 },
    });
    const refused = await t.request('GET', '/api/v1/me/preferences', { token });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await t.request('POST', '/api/v1/me/totp', { token })).json().code).toBe(
      'PASSWORD_CHANGE_REQUIRED',
    );

    // A second session of the same account, to see it end with the change.
    const second = (await login(t, phone, 'Init#Pass2026')).json().token as string;
    const weak = await t.request('POST', '/api/v1/me/password', {
      token,
      body: { current: 'Init#Pass2026', next: 'abc' },
    });
    expect(weak.statusCode).toBe(422);
    expect(weak.json()).toMatchObject({ code: 'PASSWORD_POLICY', rules: ['too_short', 'too_few_classes'] });
    expect(weak.json().messages[0]).toMatchObject({ rule: 'too_short', zh: expect.stringContaining('8') });
    const same = await t.request('POST', '/api/v1/me/password', {
      token,
      body: { current: 'Init#Pass2026', next: 'Init#Pass2026' },
    });
    expect(same.json().rules).toEqual(['reused']);
    const phoneIn = await t.request('POST', '/api/v1/me/password', {
      token,
      body: { current: 'Init#Pass2026', next: `Aa!${phone}` },
    });
    expect(phoneIn.json().rules).toEqual(['contains_phone']);

    const ok = await t.request('POST', '/api/v1/me/password', {
      token,
      body: { current: 'Init#Pass2026', next: 'Fresh#Start2026' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.request('POST', '/api/v1/me/totp', { token })).statusCode).toBe(200);
    expect((await t.request('GET', '/api/v1/me', { token: second })).statusCode).toBe(401);
    const again = await login(t, phone, 'Fresh#Start2026');
    expect(again.json().passwordChangeRequired).toBeUndefined();
    const row = await t.ctx.db
      .selectFrom('account')
      .select(['password_must_change', 'password_changed_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ password_must_change: false, password_changed_at: t.clock.now() });
    const audits = await auditActions(t, id, 'auth.password.change');
    expect(audits.map((a) => a.outcome)).toEqual(['failure', 'failure', 'failure', 'success']);
  }, 120_000);

  it('DJ-2: a password older than 90 days must be changed at the next login (test clock)', async () => {
    const phone = '13700000003';
    expect((await login(t, phone)).json().passwordChangeRequired).toBeUndefined();
    const before = t.clock.now();
    try {
      t.clock.advance(89 * 86_400_000);
      expect((await login(t, phone)).json().passwordChangeRequired).toBeUndefined();
      t.clock.advance(2 * 86_400_000);
      const res = await login(t, phone);
      expect(res.statusCode).toBe(200);
      expect(res.json().passwordChangeRequired).toBe(true);
      const token = res.json().token as string;
      expect((await t.request('GET', '/api/v1/me/security', { token })).json().passwordExpiresAt).toBe(
        new Date(before.getTime() + 90 * 86_400_000).toISOString(),
      );
      expect((await t.request('GET', '/api/v1/me/preferences', { token })).json().code).toBe(
        'PASSWORD_CHANGE_REQUIRED',
      );
      const changed = await t.request('POST', '/api/v1/me/password', {
        token,
        body: { current: PASSWORD, next: 'Autumn#Leaves91' },
      });
      expect(changed.statusCode).toBe(204);
      expect((await login(t, phone, 'Autumn#Leaves91')).json().passwordChangeRequired).toBeUndefined();
    } finally {
      t.clock.set(before.toISOString());
    }
  });

  it('DJ-2: none of the last 5 passwords may be used again; the 6th back may', async () => {
    const phone = '13700000004';
    const token = (await login(t, phone)).json().token as string;
    let current = PASSWORD;
    const change = (next: string) =>
      t.request('POST', '/api/v1/me/password', { token, body: { current, next } });
    const used = ['Hist#One2026', 'Hist#Two2026', 'Hist#Three2026', 'Hist#Four2026', 'Hist#Five2026'];
    for (const next of used) {
      expect((await change(next)).statusCode, next).toBe(204);
      current = next;
    }
    // The newest five (the current one among them) are refused.
    for (const old of used) {
      const res = await change(old);
      expect(res.statusCode, old).toBe(422);
      expect(res.json().rules).toEqual(['reused']);
    }
    // The seed's password is the sixth back: allowed again.
    expect((await change(PASSWORD)).statusCode).toBe(204);
    current = PASSWORD;
    // History now, newest first: Demo, Five, Four, Three, Two | One — One has left the window.
    expect((await change('Hist#Two2026')).json().rules).toEqual(['reused']);
    expect((await change('Hist#One2026')).statusCode).toBe(204);
  }, 300_000); // argon2id (64 MiB) for every hash and every history check

  it('DJ-2: a common password is refused even when it has every class (case-insensitive)', async () => {
    const token = (await login(t, '13700000005')).json().token as string;
    for (const next of ['P@ssw0rd', 'p@SSW0RD']) {
      const res = await t.request('POST', '/api/v1/me/password', {
        token,
        body: { current: PASSWORD, next },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().rules).toEqual(['common']);
    }
  });

  it('DJ-2: a wrong current password is refused and counts towards the lock', async () => {
    const phone = '13700000006';
    const token = (await login(t, phone)).json().token as string;
    const res = await t.request('POST', '/api/v1/me/password', {
      token,
      body: { current: 'not-it', next: 'Whatever#2026' },
    });
    expect(res.json()).toMatchObject({ code: 'PASSWORD_POLICY', rules: ['wrong_current'] });
    const guard = await t.ctx.db
      .selectFrom('login_guard')
      .select('failures')
      .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', phone))
      .executeTakeFirst();
    expect(guard?.failures).toBe(1);
  });

  it('DJ-2: a patient may set a password under the lighter policy (8 characters, 2 classes, not common)', async () => {
    const token = (await login(t, '13800000002')).json().token as string;
    const security = (await t.request('GET', '/api/v1/me/security', { token })).json();
    expect(security).toMatchObject({
      isStaff: false,
      secondFactorRequired: false,
      policy: { minLength: 8, minClasses: 2, maxAgeDays: 0 },
      passwordExpiresAt: null,
    });
    const common = await t.request('POST', '/api/v1/me/password', {
      token,
      body: { current: PASSWORD, next: 'password1' },
    });
    expect(common.json().rules).toEqual(['common']);
    const ok = await t.request('POST', '/api/v1/me/password', {
      token,
      body: { current: PASSWORD, next: 'lina2026home' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await login(t, '13800000002', 'lina2026home')).json().passwordChangeRequired).toBeUndefined();
  }, 120_000);
});

describe('DJ-6: second factor', () => {
  it('DJ-6: demo mode lets an administrator without an enrolled factor in with the password and says so', async () => {
    const res = await login(t, '13300000001');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ secondFactorSkipped: 'demo' });
    const security = (await t.request('GET', '/api/v1/me/security', { token: res.json().token })).json();
    expect(security).toMatchObject({
      secondFactorRequired: true,
      secondFactorReason: 'role',
      demoSkip: true,
    });
    // A doctor (no institution setting) needs none: nothing skipped.
    expect((await login(t, '13900000001')).json().secondFactorSkipped).toBeUndefined();
  });

  it('DJ-6: an org_admin enrols TOTP (otpauth URL); from then on the login asks for it, even in demo mode', async () => {
    const phone = '13600000001';
    const id = await accountId(t, phone);
    const token = (await login(t, phone)).json().token as string;
    const totp = await enrolTotp(t, token);
    expect(totp.issuer).toBe('云医 Yunyi');
    expect(totp.label).toBe('136****0001');
    const stored = await t.ctx.db
      .selectFrom('account_totp')
      .select('secret_enc')
      .where('account_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_enc).not.toContain(totp.secret.base32);

    t.clock.advance(30_000);
    const first = await login(t, phone);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ mfaRequired: true, methods: ['totp', 'sms'] });
    expect(first.json().token).toBeUndefined();
    const code = totp.generate({ timestamp: t.clock.now().getTime() });
    const done = await answer(t, { challengeId: first.json().challengeId, method: 'totp', code });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ user: { id, roles: ['org_admin'] } });
    expect((await t.request('GET', '/api/v1/me', { token: done.json().token })).statusCode).toBe(200);

    // DJ-6: the challenge is single use.
    const reuse = await answer(t, { challengeId: first.json().challengeId, method: 'totp', code });
    expect(reuse.json().code).toBe('MFA_CHALLENGE_INVALID');

    // DJ-6: the same code (same time step) is never accepted twice for the account: replay refused.
    const second = await login(t, phone);
    const replay = await answer(t, { challengeId: second.json().challengeId, method: 'totp', code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('INVALID_CREDENTIALS');
    t.clock.advance(30_000);
    const next = totp.generate({ timestamp: t.clock.now().getTime() });
    expect(
      (await answer(t, { challengeId: second.json().challengeId, method: 'totp', code: next })).statusCode,
    ).toBe(200);

    const audits = await auditActions(t, id, 'auth.');
    expect(audits.map((a) => `${a.action}:${a.outcome}`)).toEqual(
      expect.arrayContaining([
        'auth.totp.enrol:success',
        'auth.totp.confirm:success',
        'auth.second_factor.challenge:success',
        'auth.second_factor:success',
        'auth.second_factor:failure',
      ]),
    );
    const refusals = audits.filter((a) => a.action === 'auth.second_factor' && a.outcome === 'failure');
    expect(refusals.map((a) => (a.details as { reason: string }).reason)).toEqual([
      'challenge_used',
      'totp_replayed',
    ]);
  });

  it('DJ-6: a challenge expires (config.security.mfa.challengeTtlMs)', async () => {
    const phone = '13600000001';
    const challenge = (await login(t, phone)).json();
    t.clock.advance(t.ctx.config.security.mfa.challengeTtlMs + 1000);
    const res = await answer(t, { challengeId: challenge.challengeId, method: 'totp', code: '123456' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('MFA_CHALLENGE_INVALID');
  });

  it('DJ-6, DJ-3: wrong codes count towards the phone lock', async () => {
    const phone = '13300000002';
    const token = (await login(t, phone)).json().token as string;
    await enrolTotp(t, token);
    t.clock.advance(30_000);
    const challenge = (await login(t, phone)).json();
    const max = t.ctx.config.auth.maxFailures;
    for (let i = 1; i <= max; i++) {
      const res = await answer(t, { challengeId: challenge.challengeId, method: 'totp', code: '000000' });
      expect(res.statusCode, `attempt ${i}`).toBe(401);
      expect(res.json().code).toBe('INVALID_CREDENTIALS');
    }
    const locked = await login(t, phone);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('LOGIN_LOCKED');
    const after = await answer(t, { challengeId: challenge.challengeId, method: 'totp', code: '000000' });
    expect(after.json().code).toBe('LOGIN_LOCKED');
    t.clock.advance(t.ctx.config.auth.lockoutMs + 1000);
  });

  it('DJ-6: recovery codes: ten, shown once, stored as hashes, each works once', async () => {
    const phone = '13300000003';
    const id = await accountId(t, phone);
    const token = (await login(t, phone)).json().token as string;
    await enrolTotp(t, token);
    const res = await t.request('POST', '/api/v1/me/recovery-codes', { token });
    expect(res.statusCode).toBe(200);
    const codes = res.json().codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await t.ctx.db
      .selectFrom('recovery_code')
      .select('code_hash')
      .where('account_id', '=', id)
      .execute();
    expect(stored.map((s) => s.code_hash)).not.toContain(codes[0]);

    const challenge = (await login(t, phone)).json();
    expect(challenge.methods).toEqual(['totp', 'sms', 'recovery']);
    const ok = await answer(t, {
      challengeId: challenge.challengeId,
      method: 'recovery',
      code: codes[0]!.toUpperCase(),
    });
    expect(ok.statusCode).toBe(200);
    const again = (await login(t, phone)).json();
    const reused = await answer(t, { challengeId: again.challengeId, method: 'recovery', code: codes[0] });
    expect(reused.statusCode).toBe(401);
    expect(
      (await t.request('GET', '/api/v1/me/security', { token: ok.json().token })).json().recoveryCodesLeft,
    ).toBe(9);
  });

  it('DJ-6: without an enrolled factor (production mode) the SMS code is the second factor', async () => {
    const phone = '13500000001';
    const first = await login(p, phone);
    expect(first.json()).toMatchObject({ mfaRequired: true, methods: ['sms'], phone: '135****0001' });
    const totpRefused = await answer(p, {
      challengeId: first.json().challengeId,
      method: 'totp',
      code: '123456',
    });
    expect(totpRefused.json().code).toBe('MFA_METHOD_UNAVAILABLE');
    const sent = await p.request('POST', '/api/v1/auth/login/second-factor/sms', {
      body: { challengeId: first.json().challengeId },
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ sent: true }); // no devCode outside demo mode
    const code = /\d{6}/.exec(JSON.stringify(p.sms.lastTo(phone)?.params))![0];
    expect(
      (await answer(p, { challengeId: first.json().challengeId, method: 'sms', code: '000000' })).statusCode,
    ).toBe(401);
    const ok = await answer(p, { challengeId: first.json().challengeId, method: 'sms', code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().token).toBeTruthy();
    // An SMS code alone is not a staff login that needs a second factor.
    p.clock.advance(p.ctx.config.auth.otpResendIntervalMs + 1000);
    const otp = await p.request('POST', '/api/v1/auth/otp', { body: { phone } });
    expect(otp.statusCode).toBe(202);
    const smsCode = /\d{6}/.exec(JSON.stringify(p.sms.lastTo(phone)?.params))![0];
    const smsOnly = await p.request('POST', '/api/v1/auth/login', { body: { phone, otp: smsCode } });
    expect(smsOnly.statusCode).toBe(403);
    expect(smsOnly.json().code).toBe('PASSWORD_LOGIN_REQUIRED');
  });

  it("DJ-6: doctors need a second factor when their institution's setting says so", async () => {
    const doctor = '13900000001';
    expect((await login(p, doctor)).json().token).toBeTruthy();
    const admin = await login(p, '13600000001');
    const code = await smsCodeFor(p, admin.json().challengeId, '13600000001');
    const adminToken = (
      await answer(p, { challengeId: admin.json().challengeId, method: 'sms', code })
    ).json().token as string;
    const institutionId = (await p.request('GET', '/api/v1/me', { token: adminToken })).json().institutionId;
    expect(
      (
        await p.request('GET', `/api/v1/institutions/${institutionId}/mfa-policy`, { token: adminToken })
      ).json(),
    ).toMatchObject({ doctors: false, pharmacists: false });
    const set = await p.request('PUT', `/api/v1/institutions/${institutionId}/mfa-policy`, {
      token: adminToken,
      body: { doctors: true },
    });
    expect(set.json()).toMatchObject({ doctors: true, pharmacists: false });
    expect((await login(p, doctor)).json()).toMatchObject({ mfaRequired: true, methods: ['sms'] });
    // Another institution's administrator may neither read nor set it.
    const other = await login(p, '13600000002');
    const otherCode = await smsCodeFor(p, other.json().challengeId, '13600000002');
    const otherToken = (
      await answer(p, { challengeId: other.json().challengeId, method: 'sms', code: otherCode })
    ).json().token as string;
    const refused = await p.request('PUT', `/api/v1/institutions/${institutionId}/mfa-policy`, {
      token: otherToken,
      body: { doctors: false },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('DJ-6: the security administrator resets a second factor; the sessions end, the login falls back to SMS', async () => {
    const { resetSecondFactor } = await import('../../src/server/modules/identity/credentials.service.js');
    const phone = '13600000002';
    const id = await accountId(p, phone);
    const first = await login(p, phone);
    p.clock.advance(p.ctx.config.auth.otpResendIntervalMs + 1000);
    const token = (
      await answer(p, {
        challengeId: first.json().challengeId,
        method: 'sms',
        code: await smsCodeFor(p, first.json().challengeId, phone),
      })
    ).json().token as string;
    await enrolTotp(p, token);
    expect((await login(p, phone)).json().methods).toEqual(['totp', 'sms']);
    const security = await accountId(p, '13300000002');
    await resetSecondFactor(
      p.ctx,
      id,
      { accountId: security, role: 'security_admin', ip: null },
      'lost phone',
    );
    expect((await p.request('GET', '/api/v1/me', { token })).statusCode).toBe(401);
    expect((await login(p, phone)).json().methods).toEqual(['sms']);
    const audit = await p.ctx.db
      .selectFrom('audit_event')
      .select(['actor_id', 'details'])
      .where('action', '=', 'auth.second_factor.reset')
      .where('resource_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(security);
  });
});

/** Sends the SMS code of a challenge (production mode: read from the in-memory SMS sender). */
async function smsCodeFor(app: TestApp, challengeId: string, phone: string): Promise<string> {
  app.clock.advance(app.ctx.config.auth.otpResendIntervalMs + 1000);
  const sent = await app.request('POST', '/api/v1/auth/login/second-factor/sms', { body: { challengeId } });
  expect(sent.statusCode).toBe(200);
  return /\d{6}/.exec(JSON.stringify(app.sms.lastTo(phone)?.params))![0];
}
