import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/server/modules/identity/session.service.js';
import { newId } from '../../src/server/platform/ids.js';
import type { HealthCard, VerifiedHealthCard } from '../../src/shared/health-card.js';
import { createTestApp, type TestApp } from '../support/app.js';

// [8/12] 电子健康卡: the patient's card with a QR code that changes every minute, verified by staff of
// any institution of the region (ID-1, ID-6, DJ-10, DJ-12). The clock is the test app's, moved by hand.
let t: TestApp;
const token = { zhang: '', lina: '', wang: '', chen: '', pharmacist: '', admin: '', shop: '' };
const pid = { zhang: '', lina: '', xiaobao: '', wang: '' };
const NAME = { zhang: '张伟', lina: '李娜', xiaobao: '李小宝', wang: '王秀英' };
const ID = { zhang: '11010119780315031X', xiaobao: '110101201905200153' };

const card = (tok: string, who: string) => t.request('GET', `/api/v1/health-cards/${who}`, { token: tok });
const verify = (tok: string, code: string) =>
  t.request('POST', '/api/v1/health-cards/verify', { token: tok, body: { code } });
const audits = (action: string) =>
  t.ctx.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('id', 'asc').execute();

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  token.zhang = await t.login('13800000001');
  token.lina = await t.login('13800000002');
  token.wang = await t.login('13800000003');
  token.chen = await t.login('13900000001'); // doctor, 云川医院
  token.pharmacist = await t.login('13700000001');
  token.admin = await t.login('13600000001');
  token.shop = await t.login('13700000002'); // pharmacy_staff: not a scanner
  const rows = await t.ctx.db.selectFrom('patient').select(['id', 'name']).execute();
  for (const k of Object.keys(pid) as (keyof typeof pid)[]) pid[k] = rows.find((r) => r.name === NAME[k])!.id;
}, 240_000); // seeding the demo region on a busy machine
afterAll(async () => t.close());

describe('the patient reads a card (ID-1, ID-6)', () => {
  let first: HealthCard;

  it('张伟 gets his card on first read: masked number and name, a QR of this minute, audited issue and read', async () => {
    const res = await card(token.zhang, 'self');
    expect(res.statusCode).toBe(200);
    first = res.json();
    expect(first.patientId).toBe(pid.zhang);
    expect(first.nameMasked).toBe('张*');
    expect(first.cardNoMasked).toMatch(/^5301\*{8}\d{4}$/);
    const minute = Math.floor(t.clock.now().getTime() / 60_000);
    expect(first.qr).toMatch(new RegExp(`^YYHC1\\.[0-9a-f-]{36}\\.${minute}\\.[A-Za-z0-9_-]{22}$`));
    expect(new Date(first.refreshAt).getTime()).toBe((minute + 1) * 60_000);
    expect(new Date(first.expiresAt).getTime()).toBe((minute + 2) * 60_000);
    const row = await t.ctx.db
      .selectFrom('health_card')
      .selectAll()
      .where('patient_id', '=', pid.zhang)
      .executeTakeFirstOrThrow();
    expect(first.qr.split('.')[1]).toBe(row.id);
    expect(first.cardNoMasked).toBe(`5301********${row.card_no.slice(-4)}`);
    expect((await audits('health_card.issue')).filter((a) => a.patient_id === pid.zhang)).toHaveLength(1);
    expect((await audits('health_card.read')).filter((a) => a.patient_id === pid.zhang)).toHaveLength(1);
  });

  it('the card number is issued once; the QR changes with the minute', async () => {
    const again = (await card(token.zhang, pid.zhang)).json() as HealthCard;
    expect(again.cardNoMasked).toBe(first.cardNoMasked);
    expect(again.qr).toBe(first.qr);
    t.clock.advance(60_000);
    const next = (await card(token.zhang, 'self')).json() as HealthCard;
    expect(next.cardNoMasked).toBe(first.cardNoMasked);
    expect(next.qr).not.toBe(first.qr);
    expect(
      await t.ctx.db.selectFrom('health_card').select('id').where('patient_id', '=', pid.zhang).execute(),
    ).toHaveLength(1);
    expect((await audits('health_card.issue')).filter((a) => a.patient_id === pid.zhang)).toHaveLength(1);
    expect((await audits('health_card.read')).filter((a) => a.patient_id === pid.zhang)).toHaveLength(3);
  });

  it('ID-6: 李娜 reads her son 李小宝’s card', async () => {
    const res = await card(token.lina, pid.xiaobao);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ patientId: pid.xiaobao, nameMasked: '李**' });
  });

  it('ID-6: someone else’s card is refused with NOT_YOUR_PATIENT, and the refusal audited', async () => {
    const res = await card(token.wang, pid.xiaobao);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_YOUR_PATIENT');
    const denied = (await audits('access.denied')).filter((a) => a.patient_id === pid.xiaobao);
    expect(denied.length).toBeGreaterThan(0);
    const unknown = await card(token.wang, newId());
    expect(unknown.json().code).toBe('NOT_YOUR_PATIENT');
  });

  it('ID-1: an account without real-name verification is told to verify first', async () => {
    const accountId = newId();
    await t.ctx.db
      .insertInto('account')
      .values({
        id: accountId,
        phone_enc: t.ctx.cipher.encrypt('13799990001'),
        phone_bidx: t.ctx.cipher.blindIndex('phone', '13799990001'),
        password_hash: null,
        name: '',
        roles: ['patient'],
        institution_id: null,
        practitioner_id: null,
        created_at: t.clock.now(),
      })
      .execute();
    const { token: fresh } = await createSession(t.ctx, t.ctx.db, { id: accountId, roles: ['patient'] });
    const res = await card(fresh, 'self');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'REAL_NAME_REQUIRED' });
    expect(res.json().detail).toContain('请先实名认证');
  });
});

describe('staff verify a scanned code', () => {
  it('陈建国 (doctor) scans 张伟’s code: name, sex, age, masked ID, card number; audited with his institution', async () => {
    const shown = (await card(token.zhang, 'self')).json() as HealthCard;
    const res = await verify(token.chen, shown.qr);
    expect(res.statusCode).toBe(200);
    const v = res.json() as VerifiedHealthCard;
    const row = await t.ctx.db
      .selectFrom('health_card')
      .selectAll()
      .where('patient_id', '=', pid.zhang)
      .executeTakeFirstOrThrow();
    expect(v).toMatchObject({
      patientId: pid.zhang,
      name: '张伟',
      sex: 'male',
      age: 48, // born 1978-03-15, scanned 2026-11
      idNumberMasked: '1101**********031X',
      cardNo: row.card_no,
    });
    const chen = await t.ctx.db
      .selectFrom('account')
      .select(['id', 'institution_id'])
      .where('name', '=', '陈建国')
      .executeTakeFirstOrThrow();
    const audit = (await audits('health_card.verify')).at(-1)!;
    expect(audit).toMatchObject({
      actor_id: chen.id,
      actor_role: 'doctor',
      outcome: 'success',
      patient_id: pid.zhang,
      resource_id: row.id,
    });
    expect(audit.details).toMatchObject({ institutionId: chen.institution_id });
  });

  it('the previous minute’s code is still accepted; two minutes later it is HEALTH_CARD_EXPIRED, audited against the patient', async () => {
    const shown = (await card(token.zhang, 'self')).json() as HealthCard;
    t.clock.advance(60_000);
    expect((await verify(token.pharmacist, shown.qr)).statusCode).toBe(200);
    t.clock.advance(60_000);
    const res = await verify(token.chen, shown.qr);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'HEALTH_CARD_EXPIRED', title: '健康卡二维码已过期' });
    const audit = (await audits('health_card.verify')).at(-1)!;
    expect(audit).toMatchObject({ outcome: 'failure', patient_id: pid.zhang });
    expect(audit.details).toMatchObject({ reason: 'expired' });
  });

  it('a tampered or invented code is HEALTH_CARD_INVALID, and names no patient in the audit', async () => {
    const shown = (await card(token.zhang, 'self')).json() as HealthCard;
    const [v, id, minute, mac] = shown.qr.split('.') as [string, string, string, string];
    const other = (await card(token.lina, pid.xiaobao)).json() as HealthCard;
    const tampered = [
      `${v}.${other.qr.split('.')[1]}.${minute}.${mac}`, // another card's id under 张伟's MAC
      `${v}.${id}.${minute}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${v}.${newId()}.${minute}.${mac}`,
      ID.zhang,
      'hello',
    ];
    for (const code of tampered) {
      const res = await verify(token.admin, code);
      expect(res.statusCode, code).toBe(422);
      expect(res.json().code).toBe('HEALTH_CARD_INVALID');
      const audit = (await audits('health_card.verify')).at(-1)!;
      expect(audit).toMatchObject({ outcome: 'failure', patient_id: null, actor_role: 'org_admin' });
    }
  });

  it('patients and pharmacy staff may not verify (403)', async () => {
    const shown = (await card(token.zhang, 'self')).json() as HealthCard;
    for (const tok of [token.zhang, token.wang, token.shop]) {
      const res = await verify(tok, shown.qr);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect((await verify('', shown.qr)).statusCode).toBe(401);
  });

  it('DJ-10: neither the QR nor the audit rows nor the logs carry a phone or an ID number', async () => {
    const shown = (await card(token.lina, pid.xiaobao)).json() as HealthCard;
    expect((await verify(token.chen, shown.qr)).statusCode).toBe(200);
    const rows = [
      ...(await audits('health_card.verify')),
      ...(await audits('health_card.read')),
      ...(await audits('health_card.issue')),
    ];
    const text = [shown.qr, JSON.stringify(rows), t.logLines.join('\n')].join('\n');
    for (const secret of [ID.zhang, ID.xiaobao, '13800000001', '13800000002', '03150']) {
      expect(text).not.toContain(secret);
    }
    expect(shown.qr).not.toContain('李');
  });
});

describe('rate limit', () => {
  it('a scanner gets 429 after 30 scans a minute; another account is unaffected', async () => {
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await verify(token.pharmacist, `junk-${i}`)).statusCode;
    expect(last).toBe(429);
    expect((await verify(token.chen, 'junk')).statusCode).toBe(422);
  });
});
