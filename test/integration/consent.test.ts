import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeToCurrent, CONSENT_VERSION } from '../../src/shared/consent.js';
import { createTestApp, type TestApp } from '../support/app.js';

// [8/12] SEC-1 (个人信息保护法 第二十八、二十九条): SMS sign-up needs agreement to the user agreement and
// privacy policy plus the separate consent for sensitive personal information; recorded with its version.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: true });
});
afterAll(async () => t.close());

const login = (body: object) => t.request('POST', '/api/v1/auth/login', { body });
const code = async (phone: string): Promise<string> =>
  (await t.request('POST', '/api/v1/auth/otp', { body: { phone } })).json().devCode;
const accountOf = (phone: string) =>
  t.ctx.db
    .selectFrom('account')
    .select('id')
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', phone))
    .executeTakeFirst();
const consentsOf = (accountId: string) =>
  t.ctx.db.selectFrom('account_consent').selectAll().where('account_id', '=', accountId).execute();

describe('SEC-1: consent at SMS sign-up', () => {
  it('SEC-1: a new phone without consent gets PRIVACY_CONSENT_REQUIRED and no account; the same code works after agreeing', async () => {
    const phone = '13822220001';
    const otp = await code(phone);
    const refused = await login({ phone, otp });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      code: 'PRIVACY_CONSENT_REQUIRED',
      currentVersion: CONSENT_VERSION,
    });
    expect(await accountOf(phone)).toBeUndefined();

    const res = await login({ phone, otp, consent: agreeToCurrent() });
    expect(res.statusCode).toBe(200);
    const account = await accountOf(phone);
    const rows = await consentsOf(account!.id);
    expect(rows).toEqual([
      expect.objectContaining({ version: CONSENT_VERSION, terms: true, privacy: true, sensitive: true }),
    ]);
    expect(rows[0]!.agreed_at.toISOString()).toBe(t.clock.now().toISOString());
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('resource_id', '=', account!.id)
      .where('action', '=', 'consent.agree')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ version: CONSENT_VERSION });

    const me = await t.request('GET', '/api/v1/me', { token: res.json().token });
    expect(me.json().consent).toMatchObject({
      currentVersion: CONSENT_VERSION,
      agreedVersion: CONSENT_VERSION,
      required: false,
    });
  });

  it('SEC-1: the sensitive-data consent is separate: terms and privacy alone do not create an account', async () => {
    const phone = '13822220002';
    const otp = await code(phone);
    const res = await login({ phone, otp, consent: { ...agreeToCurrent(), sensitive: false } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('PRIVACY_CONSENT_REQUIRED');
    expect(await accountOf(phone)).toBeUndefined();
  });

  it('SEC-1: consent to an outdated version does not create an account', async () => {
    const phone = '13822220003';
    const otp = await code(phone);
    const res = await login({ phone, otp, consent: { ...agreeToCurrent(), version: '2020-01-01' } });
    expect(res.json().code).toBe('PRIVACY_CONSENT_REQUIRED');
    expect(await accountOf(phone)).toBeUndefined();
  });

  it('a wrong code is still wrong credentials, whether or not the phone has an account (no enumeration)', async () => {
    const phone = '13822220004';
    await code(phone);
    const res = await login({ phone, otp: '000000' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('INVALID_CREDENTIALS');
  });
});

describe('SEC-1: asked again when the texts change', () => {
  it('SEC-1: an account whose recorded version is older is `required`; agreeing records the new version', async () => {
    const phone = '13822220005';
    const token = (await login({ phone, otp: await code(phone), consent: agreeToCurrent() })).json().token;
    const account = await accountOf(phone);
    // The texts moved on since this account agreed: its recorded version is an older one.
    await t.ctx.db
      .updateTable('account_consent')
      .set({ version: '2025-01-01' })
      .where('account_id', '=', account!.id)
      .execute();
    const before = (await t.request('GET', '/api/v1/me', { token })).json();
    expect(before.consent).toMatchObject({ agreedVersion: '2025-01-01', required: true });

    const refused = await t.request('POST', '/api/v1/me/consent', {
      token,
      body: { ...agreeToCurrent(), privacy: false },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('PRIVACY_CONSENT_REQUIRED');

    t.clock.advance(60_000);
    const agreed = await t.request('POST', '/api/v1/me/consent', { token, body: agreeToCurrent() });
    expect(agreed.statusCode).toBe(200);
    expect(agreed.json()).toMatchObject({ agreedVersion: CONSENT_VERSION, required: false });
    expect((await consentsOf(account!.id)).map((r) => r.version).sort()).toEqual([
      '2025-01-01',
      CONSENT_VERSION,
    ]);
    const after = (await t.request('GET', '/api/v1/me', { token })).json();
    expect(after.consent.required).toBe(false);
  });

  it('an existing account logs in by SMS without consent (only registration needs it)', async () => {
    const phone = '13822220005';
    const res = await login({ phone, otp: await code(phone) });
    expect(res.statusCode).toBe(200);
  });
});

describe('demo accounts', () => {
  it('SEC-1: seeded patients count as having agreed to the current version; staff are not asked', async () => {
    for (const phone of ['13800000001', '13800000002', '13800000003']) {
      const me = (await t.request('GET', '/api/v1/me', { token: await t.login(phone) })).json();
      expect(me.consent).toMatchObject({ agreedVersion: CONSENT_VERSION, required: false });
    }
    const doctor = (await t.request('GET', '/api/v1/me', { token: await t.login('13900000001') })).json();
    expect(doctor.consent).toBeUndefined();
  });

  it('a demo patient still logs in by SMS code without sending a consent', async () => {
    const res = await login({ phone: '13800000001', otp: await code('13800000001') });
    expect(res.statusCode).toBe(200);
  });
});
