/**
 * [10/12] Intrusion alerts (DJ-17), exports and bulk reads rate-limited per account (DJ-30), staff routes
 * and consoles by address (DJ-19). Each detector raises exactly one alert at its threshold (with evidence,
 * never a phone), none below it; only the security administrator reads and handles alerts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let zhang: string; // 张伟, patient
let chen: string; // 陈建国, doctor
let secAdmin: string; // 许文静, security_admin
let sysAdmin: string; // 秦建华, system_admin
let auditAdmin: string; // 曹振宇, audit_admin
let zhangPatient: string;

const PRIVATE_ONLY = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  [zhang, chen, secAdmin, sysAdmin, auditAdmin] = await Promise.all(
    ['13800000001', '13900000001', '13300000002', '13300000001', '13300000003'].map((p) => t.login(p)),
  );
  zhangPatient = (
    await t.ctx.db.selectFrom('patient').select('id').where('name', '=', '张伟').executeTakeFirstOrThrow()
  ).id;
}, 240_000);

afterAll(async () => {
  await t?.close();
});

const from = (ip: string, method: 'GET' | 'POST', url: string, token?: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    remoteAddress: ip,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload ? { payload } : {}),
  });

const alertsOf = (kind: string) =>
  t.ctx.db.selectFrom('security_alert').selectAll().where('kind', '=', kind).orderBy('raised_at').execute();

const auditOf = (action: string) =>
  t.ctx.db.selectFrom('audit_event').selectAll().where('action', '=', action).execute();

describe('DJ-17 detectors', () => {
  it('DJ-17: brute force across accounts from one address raises one alert at the threshold, none below', async () => {
    t.ctx.config.security.alerts.bruteForceAccounts = 3;
    const ip = '198.51.100.7';
    const fail = (phone: string) =>
      from(ip, 'POST', '/api/v1/auth/login', undefined, { phone, password: 'Wrong@2026x' });
    expect((await fail('13800000001')).statusCode).toBe(401);
    expect((await fail('13800009002')).statusCode).toBe(401);
    // The same phone again is not another account.
    expect((await fail('13800009002')).statusCode).toBe(401);
    expect(await alertsOf('brute_force')).toHaveLength(0);
    expect((await fail('13800009003')).statusCode).toBe(401);
    expect((await fail('13800009004')).statusCode).toBe(401);
    const alerts = await alertsOf('brute_force');
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert!.subject_address).toBe(ip);
    expect(alert!.evidence).toMatchObject({ threshold: 3, addresses: [ip] });
    expect((alert!.evidence as { count: number }).count).toBeGreaterThanOrEqual(3);
    // Known accounts by id only; never a phone (DJ-10).
    const zhangAccount = await t.ctx.db
      .selectFrom('account')
      .select('id')
      .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13800000001'))
      .executeTakeFirstOrThrow();
    expect((alert!.evidence as { ids: string[] }).ids).toContain(zhangAccount.id);
    expect(JSON.stringify(alert!.evidence)).not.toMatch(/1380000|138\*/);
    // The outbox carries it for later notification.
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '=', 'security.alert_raised')
      .execute();
    expect(events.map((e) => (e.payload as { alertId: string }).alertId)).toContain(alert!.id);
    // Another address below the threshold: nothing.
    await from('198.51.100.8', 'POST', '/api/v1/auth/login', undefined, {
      phone: '13800009005',
      password: 'Wrong@2026x',
    });
    expect(await alertsOf('brute_force')).toHaveLength(1);
  });

  it('DJ-17: one account refused on enumerationIds different patient ids raises one alert', async () => {
    t.ctx.config.security.alerts.enumerationIds = 3;
    const probe = () => from('127.0.0.1', 'GET', `/api/v1/patients/${randomUUID()}/archive`, zhang);
    const first = await probe();
    expect([403, 404]).toContain(first.statusCode);
    await probe();
    expect(await alertsOf('id_enumeration')).toHaveLength(0);
    await probe();
    await probe();
    const alerts = await alertsOf('id_enumeration');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.evidence).toMatchObject({ threshold: 3 });
    expect((alerts[0]!.evidence as { count: number }).count).toBeGreaterThanOrEqual(3);
    expect((alerts[0]!.evidence as { ids: string[] }).ids).toHaveLength(4);
    t.ctx.config.security.alerts.enumerationIds = 10;
  });

  it('DJ-17: a staff login from a new network alerts once; the first login and patients never', async () => {
    const login = (phone: string, ip: string) =>
      from(ip, 'POST', '/api/v1/auth/login', undefined, { phone, password: 'Demo@2026' });
    // The pharmacist's first login ever (from TEST-NET-2): recorded, no alert.
    expect((await login('13700000001', '198.51.100.20')).statusCode).toBe(200);
    expect(await alertsOf('new_network')).toHaveLength(0);
    expect((await login('13700000001', '203.0.113.5')).statusCode).toBe(200);
    expect((await login('13700000001', '203.0.113.9')).statusCode).toBe(200);
    const alerts = await alertsOf('new_network');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.evidence).toMatchObject({
      addresses: ['203.0.113.5'],
      details: { network: 'test-net-3', knownNetworks: 'test-net-2' },
    });
    // A patient moving between networks: nothing.
    await login('13800000002', '198.51.100.20');
    await login('13800000002', '203.0.113.5');
    expect(await alertsOf('new_network')).toHaveLength(1);
  });
});

describe('DJ-30 exports and bulk reads', () => {
  it('DJ-30: exports beyond the hourly limit are refused with EXPORT_RATE_LIMITED, audited, one alert', async () => {
    t.ctx.config.security.alerts.exportsPerHour = 2;
    const exportIt = () =>
      from('127.0.0.1', 'GET', `/api/v1/patients/${zhangPatient}/export?format=fhir`, zhang);
    expect((await exportIt()).statusCode).toBe(200);
    expect((await exportIt()).statusCode).toBe(200);
    expect(await alertsOf('export_volume')).toHaveLength(0);
    const refused = await exportIt();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'EXPORT_RATE_LIMITED', title: '导出次数超过限制' });
    expect((await exportIt()).statusCode).toBe(429);
    expect(await alertsOf('export_volume')).toHaveLength(1);
    const audited = await auditOf('security.export_refused');
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({ outcome: 'failure', ip: '127.0.0.1' });
    t.ctx.config.security.alerts.exportsPerHour = 20;
  });

  it('DJ-30: staff reads of many patients alert beyond bulkReadsPerHour and are refused beyond twice', async () => {
    t.ctx.config.security.alerts.bulkReadsPerHour = 2;
    t.ctx.config.security.alerts.enumerationIds = 100;
    const read = (id: string) => from('127.0.0.1', 'GET', `/api/v1/patients/${id}/archive`, chen);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await read(ids[0]!);
    await read(ids[1]!);
    await read(ids[1]!); // the same patient again is not another
    expect(await alertsOf('bulk_read')).toHaveLength(0);
    expect((await read(ids[2]!)).statusCode).not.toBe(429);
    expect(await alertsOf('bulk_read')).toHaveLength(1);
    expect((await read(ids[3]!)).statusCode).not.toBe(429);
    const refused = await read(ids[4]!);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('BULK_READ_RATE_LIMITED');
    // A patient already read within the hour is still readable.
    expect((await read(ids[0]!)).statusCode).not.toBe(429);
    const alerts = await alertsOf('bulk_read');
    expect(alerts).toHaveLength(1);
    expect((alerts[0]!.evidence as { ids: string[] }).ids).toEqual(expect.arrayContaining(ids.slice(0, 4)));
    expect(await auditOf('security.bulk_read_refused')).toHaveLength(1);
    t.ctx.config.security.alerts.bulkReadsPerHour = 300;
    t.ctx.config.security.alerts.enumerationIds = 10;
  });
});

describe('DJ-19 staff routes and consoles by address', () => {
  it('DJ-19: a staff route from 203.0.113.5 is refused while a patient route from it works', async () => {
    const saved = t.ctx.config.security.consoleRanges;
    t.ctx.config.security.consoleRanges = PRIVATE_ONLY;
    t.ctx.config.security.alerts.bruteForceAccounts = 3;
    try {
      const outside = '203.0.113.5';
      const staff = await from(outside, 'GET', '/api/v1/security/alerts', secAdmin);
      expect(staff.statusCode).toBe(403);
      expect(staff.json()).toMatchObject({
        code: 'ADDRESS_NOT_ALLOWED',
        title: '当前网络地址不允许访问管理功能',
      });
      // Refused before authentication: no token needed to be refused.
      expect((await from(outside, 'GET', '/api/v1/security/alerts')).json().code).toBe('ADDRESS_NOT_ALLOWED');
      // A doctor on a route patients share: refused too.
      const doctor = await from(outside, 'GET', `/api/v1/patients/${zhangPatient}/archive`, chen);
      expect(doctor.json().code).toBe('ADDRESS_NOT_ALLOWED');
      // The patient on the same route from the same address.
      expect((await from(outside, 'GET', `/api/v1/patients/${zhangPatient}/archive`, zhang)).statusCode).toBe(
        200,
      );
      // From inside, the staff route answers.
      expect((await from('10.1.2.3', 'GET', '/api/v1/security/alerts', secAdmin)).statusCode).toBe(200);
      const audited = await auditOf('access.address_refused');
      expect(audited.length).toBeGreaterThanOrEqual(3);
      expect(audited[0]).toMatchObject({ outcome: 'failure', ip: outside });
      expect(audited[0]!.details).toMatchObject({ address: outside, code: 'ADDRESS_NOT_ALLOWED' });
      // Repeated: one alert on the address.
      const alerts = await alertsOf('address_refused');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.subject_address).toBe(outside);
    } finally {
      t.ctx.config.security.consoleRanges = saved;
    }
  });

  it('DJ-19: a console page is refused from outside the ranges; patient pages are not', async () => {
    const saved = t.ctx.config.security.consoleRanges;
    t.ctx.config.security.consoleRanges = PRIVATE_ONLY;
    try {
      for (const path of ['/clinic', '/security/alerts', '/audit', '/admin/doctors']) {
        const res = await from('203.0.113.77', 'GET', path);
        expect(res.statusCode, path).toBe(403);
        expect(res.json().code).toBe('ADDRESS_NOT_ALLOWED');
      }
      expect((await from('203.0.113.77', 'GET', '/patient/home')).statusCode).not.toBe(403);
      expect((await from('203.0.113.77', 'GET', '/clinical-notes')).statusCode).not.toBe(403);
      expect((await from('192.168.1.10', 'GET', '/clinic')).statusCode).not.toBe(403);
    } finally {
      t.ctx.config.security.consoleRanges = saved;
    }
  });
});

describe('DJ-17 the security administrator handles alerts', () => {
  it('DJ-17: only security_admin reads alerts (others 403)', async () => {
    for (const token of [sysAdmin, auditAdmin, zhang, chen]) {
      expect((await t.request('GET', '/api/v1/security/alerts', { token })).statusCode).toBe(403);
    }
    const res = await t.request('GET', '/api/v1/security/alerts?status=open&kind=brute_force', {
      token: secAdmin,
    });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ kind: 'brute_force', status: 'open', severity: 'high' });
    const all = await t.request('GET', '/api/v1/security/alerts?limit=2', { token: secAdmin });
    expect(all.json().items).toHaveLength(2);
    expect(all.json().nextCursor).toEqual(expect.any(String));
    const next = await t.request('GET', `/api/v1/security/alerts?limit=2&cursor=${all.json().nextCursor}`, {
      token: secAdmin,
    });
    expect(next.json().items[0].id).not.toBe(all.json().items[1].id);
    expect((await auditOf('security.alerts_read')).length).toBeGreaterThanOrEqual(3);
  });

  it('DJ-17: acknowledge and close with a note, audited; a closed alert is 409', async () => {
    const [alert] = await alertsOf('brute_force');
    const ack = await t.request('POST', `/api/v1/security/alerts/${alert!.id}/acknowledge`, {
      token: secAdmin,
      body: { note: '已通知网络组封禁该地址' },
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', note: '已通知网络组封禁该地址' });
    const close = await t.request('POST', `/api/v1/security/alerts/${alert!.id}/close`, {
      token: secAdmin,
      body: { note: '已封禁，未发现成功登录' },
    });
    expect(close.json()).toMatchObject({ status: 'closed' });
    const again = await t.request('POST', `/api/v1/security/alerts/${alert!.id}/close`, {
      token: secAdmin,
      body: { note: 'x' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SECURITY_ALERT_CLOSED');
    expect(
      (await t.request('POST', `/api/v1/security/alerts/${alert!.id}/close`, { token: secAdmin, body: {} }))
        .statusCode,
    ).toBe(400);
    expect(await auditOf('security.alert_acknowledged')).toHaveLength(1);
    expect(await auditOf('security.alert_closed')).toHaveLength(1);
    expect(
      (
        await t.request('POST', `/api/v1/security/alerts/${randomUUID()}/acknowledge`, {
          token: secAdmin,
          body: { note: 'x' },
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('DJ-19 behind one proxy (TRUST_PROXY=1)', () => {
  it('DJ-19: the client is the address the proxy appended, not one the client wrote into X-Forwarded-For', async () => {
    const proxied = await createTestApp({ config: { trustProxy: 1 } });
    try {
      proxied.ctx.config.security.consoleRanges = PRIVATE_ONLY;
      const via = (forwardedFor: string) =>
        proxied.app.inject({
          method: 'GET',
          url: '/api/v1/security/alerts',
          remoteAddress: '10.0.0.2', // nginx
          headers: { 'x-forwarded-for': forwardedFor },
        });
      // An outside client that wrote a private address first: nginx appended its real one last.
      const spoofed = await via('10.9.9.9, 203.0.113.5');
      expect(spoofed.statusCode).toBe(403);
      expect(spoofed.json().code).toBe('ADDRESS_NOT_ALLOWED');
      // A client on the private network (whatever it wrote before): passes the address check, then needs a login.
      const inside = await via('203.0.113.5, 10.1.1.1');
      expect(inside.statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});
