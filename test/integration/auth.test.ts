import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeToCurrent } from '../../src/shared/consent.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: true });
});
afterAll(async () => t.close());

const login = (body: object) => t.request('POST', '/api/v1/auth/login', { body });

describe('login by password', () => {
  it('answers a token and the user for a demo account', async () => {
    const res = await login({ phone: '13900000001', password: 'Demo@2026' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(body.user).toMatchObject({ name: '陈建国', roles: ['doctor'] });
    const me = await t.request('GET', '/api/v1/me', { token: body.token });
    expect(me.json()).toMatchObject({ phone: '139****0001', roles: ['doctor'], realNameVerified: false });
    expect(me.json().institutionId).toBeTruthy();
  });

  it('refuses a wrong password with 401 INVALID_CREDENTIALS as problem+json', async () => {
    const res = await login({ phone: '13800000003', password: 'wrong-password' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS', title: '手机号或密码错误' });
    expect(res.json().type).toMatch(/^https:\/\//);
  });

  it('DJ-3: locks the phone after 5 failures; the 6th try fails even with the right password', async () => {
    const phone = '13400000001';
    for (let i = 1; i <= 5; i++) {
      const res = await login({ phone, password: `bad-${i}` });
      expect(res.statusCode, `attempt ${i}`).toBe(401);
    }
    const sixth = await login({ phone, password: 'Demo@2026' });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().code).toBe('LOGIN_LOCKED');
    // Another phone is not affected.
    expect((await login({ phone: '13500000001', password: 'Demo@2026' })).statusCode).toBe(200);
    // 15 minutes later the lock has run out.
    t.clock.advance(15 * 60_000 + 1000);
    expect((await login({ phone, password: 'Demo@2026' })).statusCode).toBe(200);
  });

  it('a success resets the failure count', async () => {
    const phone = '13600000001';
    for (let i = 0; i < 4; i++) expect((await login({ phone, password: 'nope' })).statusCode).toBe(401);
    expect((await login({ phone, password: 'Demo@2026' })).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login({ phone, password: 'nope' })).statusCode).toBe(401);
    expect((await login({ phone, password: 'Demo@2026' })).statusCode).toBe(200);
  });

  it('an unknown phone gets the same answer as a wrong password', async () => {
    const res = await login({ phone: '13999999999', password: 'whatever' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('INVALID_CREDENTIALS');
  });
});

describe('login by SMS code', () => {
  it('registers a patient on first login (手机号验证码登录即注册) and echoes devCode in demo mode', async () => {
    const otp = await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13811110001' } });
    expect(otp.statusCode).toBe(202);
    const { devCode } = otp.json();
    expect(devCode).toMatch(/^\d{6}$/);
    expect(t.sms.lastTo('13811110001')?.params.code).toBe(devCode);
    const res = await login({ phone: '13811110001', otp: devCode, consent: agreeToCurrent() });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.roles).toEqual(['patient']);
    // The code works once.
    expect((await login({ phone: '13811110001', otp: devCode })).statusCode).toBe(401);
  });

  it('refuses a code after 5 minutes (moved clock)', async () => {
    const otp = await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13811110002' } });
    const { devCode } = otp.json();
    t.clock.advance(5 * 60_000 + 1000);
    const res = await login({ phone: '13811110002', otp: devCode });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('INVALID_CREDENTIALS');
    const account = await t.ctx.db
      .selectFrom('account')
      .select('id')
      .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13811110002'))
      .executeTakeFirst();
    expect(account).toBeUndefined();
  });

  it('accepts a code just inside 5 minutes', async () => {
    const otp = await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13811110003' } });
    t.clock.advance(5 * 60_000 - 1000);
    expect(
      (await login({ phone: '13811110003', otp: otp.json().devCode, consent: agreeToCurrent() })).statusCode,
    ).toBe(200);
  });

  it('limits how often a phone gets a code', async () => {
    expect((await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13811110004' } })).statusCode).toBe(
      202,
    );
    const again = await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13811110004' } });
    expect(again.statusCode).toBe(429);
    expect(again.json().code).toBe('OTP_TOO_FREQUENT');
    t.clock.advance(61_000);
    expect((await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13811110004' } })).statusCode).toBe(
      202,
    );
  });

  it('5 wrong codes lock the phone too', async () => {
    const phone = '13811110005';
    const { devCode } = (await t.request('POST', '/api/v1/auth/otp', { body: { phone } })).json();
    const wrong = devCode === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await login({ phone, otp: wrong })).statusCode).toBe(401);
    const res = await login({ phone, otp: devCode });
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('LOGIN_LOCKED');
  });

  it('answers 503 SMS_UNAVAILABLE when the SMS provider fails', async () => {
    t.sms.failNext = 1;
    const res = await t.request('POST', '/api/v1/auth/otp', { body: { phone: '13811110006' } });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('SMS_UNAVAILABLE');
  });
});

describe('sessions (DJ-4)', () => {
  it('logout revokes the token: it is then refused with 401', async () => {
    const token = await t.login('13800000001');
    expect((await t.request('GET', '/api/v1/me', { token })).statusCode).toBe(200);
    const out = await t.request('POST', '/api/v1/auth/logout', { token });
    expect(out.statusCode).toBe(204);
    const replay = await t.request('GET', '/api/v1/me', { token });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('UNAUTHENTICATED');
  });

  it('stores only the hash of a token', async () => {
    const token = await t.login('13800000003');
    const rows = await t.ctx.db.selectFrom('auth_session').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === token || r.token_hash.includes(token))).toBe(false);
  });

  it('ends a staff session idle for more than 30 minutes', async () => {
    const token = await t.login('13700000001');
    t.clock.advance(29 * 60_000);
    expect((await t.request('GET', '/api/v1/me', { token })).statusCode).toBe(200);
    t.clock.advance(29 * 60_000);
    expect((await t.request('GET', '/api/v1/me', { token })).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    expect((await t.request('GET', '/api/v1/me', { token })).statusCode).toBe(401);
  });

  it('refuses a made-up or malformed token', async () => {
    expect((await t.request('GET', '/api/v1/me', { token: 'x'.repeat(43) })).statusCode).toBe(401);
    expect(
      (await t.request('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } })).statusCode,
    ).toBe(401);
    expect((await t.request('GET', '/api/v1/me')).statusCode).toBe(401);
  });
});

describe('problem+json and HTTP basics', () => {
  it('validation failures are 400 VALIDATION_FAILED naming the fields, in Chinese', async () => {
    const res = await login({ phone: '123', password: 'x' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: '请求参数校验失败' });
    expect(body.fields).toContainEqual(
      expect.objectContaining({ field: 'body.phone', message: '格式不正确' }),
    );
    const neither = await login({ phone: '13800000001' });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().code).toBe('VALIDATION_FAILED');
  });

  it('bad JSON is a 400, not a 500', async () => {
    const res = await t.request('POST', '/api/v1/auth/login', {
      body: '{"phone":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await t.request('GET', '/api/v1/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('API responses carry no-store and security headers', async () => {
    const res = await t.request('GET', '/healthz');
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await login({ phone: '13800000001', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('publishes the OpenAPI document with the identity routes', async () => {
    const res = await t.request('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me/dependents']),
    );
    expect((await t.request('GET', '/api/docs/')).statusCode).toBe(200);
  });

  it('a patient calling a staff-only route… and staff calling a patient route are refused (DJ-9)', async () => {
    const doctor = await t.login('13900000002');
    const res = await t.request('GET', '/api/v1/me/dependents', { token: doctor });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });
});
