/**
 * [12/12] Home visits and home nursing (FD-5, FD-9): 王秀英 is contracted with 龙晓梅家庭医生团队 (YC-C01); her
 * daughter asks for 伤口换药 tomorrow 09:00–11:00 and pays (50 yuan + the item); 田雨 (护士 since 2024)
 * may not take it, 白秀珍 (护师 since 2016) does; a wrong client code at the door changes nothing, the
 * right one (from the resident's view) checks her in; she checks out with the record; the panic button
 * alerts the institution's administrator and the team lead. Strangers, bad input, cancellations with
 * refunds, the lockout after 5 wrong codes and the end of unpaid holds are checked too. The race of two
 * qualified nurses accepting at once runs on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncHomeServiceItems } from '../../src/server/modules/family-doctor/home-items.data.js';
import { expireHomeServiceHolds } from '../../src/server/modules/family-doctor/home-service-end.service.js';
import { createSession } from '../../src/server/modules/identity/session.service.js';
import { notices, renderNotice } from '../../src/server/modules/notifications/notices.js';
import { newId } from '../../src/server/platform/ids.js';
import type { HomeServiceDetail, HomeServiceView } from '../../src/shared/family-doctor.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { payOrder } from '../support/circulation.js';
import { describeOnPostgres, itOnPostgres } from '../support/db.js';
import { contractFixture, FD_PHONE, TEAM } from '../support/family-doctor.js';

let t: TestApp;
const tok = {
  wang: '',
  daughter: '',
  zhang: '',
  nurse: '',
  junior: '',
  gp: '',
  otherGp: '',
  admin: '',
  hospitalAdmin: '',
};
const id = { wang: '', zhang: '', nursePract: '' };
const C01_ADMIN = '13600000003'; // 冯丽华, org_admin of YC-C01

const post = (token: string, url: string, body?: unknown) =>
  t.request('POST', url, { token, ...(body === undefined ? {} : { body }) });
const get = (token: string, url: string) => t.request('GET', url, { token });

/** A time `hours` after 00:00 tomorrow in Asia/Shanghai (the clock stands at 2026-11-22 10:00 there). */
const tomorrowAt = (hours: number) => new Date(Date.parse('2026-11-23T00:00:00+08:00') + hours * 3600_000);
const window = (from = 9, to = 11) => ({
  start: tomorrowAt(from).toISOString(),
  end: tomorrowAt(to).toISOString(),
});
const ADDRESS = '云川区青石街道青石路12号3栋2单元401';
const HERE = { latitude: 25.0406, longitude: 102.7123, accuracyM: 12 };

async function itemFee(code: string): Promise<number> {
  const row = await t.ctx.db
    .selectFrom('home_service_item')
    .select('item_fee_fen')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.item_fee_fen;
}

async function request(body: Record<string, unknown> = {}, token = tok.daughter): Promise<HomeServiceView> {
  const res = await post(token, '/api/v1/home-services', {
    patientId: id.wang,
    itemCode: 'WOUND_DRESSING',
    window: window(),
    address: ADDRESS,
    note: '右小腿术后伤口',
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as HomeServiceView;
}

/** A paid nursing order, waiting in the open box. */
async function paidOrder(body: Record<string, unknown> = {}): Promise<HomeServiceView> {
  const v = await request(body);
  await payOrder(t, tok.daughter, v.orderId!);
  const row = await serviceRow(v.id);
  expect(row.status).toBe('requested');
  return v;
}

const serviceRow = (serviceId: string) =>
  t.ctx.db.selectFrom('home_service').selectAll().where('id', '=', serviceId).executeTakeFirstOrThrow();

async function residentView(serviceId: string): Promise<HomeServiceDetail> {
  const res = await get(tok.daughter, `/api/v1/home-services/${serviceId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as HomeServiceDetail;
}

/** A second nurse of YC-C01 who meets FD-9 (a fixture); or, with `doctorTitle`, a doctor of that grade. */
async function qualifiedNurse(name: string, doctorTitle?: 'chief' | 'associate_chief'): Promise<string> {
  const role = doctorTitle ? 'doctor' : 'nurse';
  const like = await t.ctx.db
    .selectFrom('practitioner')
    .select(['institution_id', 'department_id'])
    .where('id', '=', id.nursePract)
    .executeTakeFirstOrThrow();
  const practitionerId = newId();
  const n = Math.floor(Math.random() * 1_000_000);
  await t.ctx.db
    .insertInto('practitioner')
    .values({
      id: practitionerId,
      code: `PTN${n}`,
      name,
      sex: 'female',
      kind: role,
      title: doctorTitle ?? null,
      professional_title: doctorTitle ? (doctorTitle === 'chief' ? '主任医师' : '副主任医师') : '主管护师',
      institution_id: like.institution_id,
      department_id: like.department_id,
      specialty: '社区护理',
      licence_no: `2011TEST${n}`,
      practice_since: 2012,
    })
    .execute();
  const phone = `1369${String(n).padStart(7, '0')}`;
  const accountId = newId();
  await t.ctx.db
    .insertInto('account')
    .values({
      id: accountId,
      phone_enc: t.ctx.cipher.encrypt(phone),
      phone_bidx: t.ctx.cipher.blindIndex('phone', phone),
      password_hash: null,
      name,
      roles: [role],
      institution_id: like.institution_id,
      practitioner_id: practitionerId,
      created_at: t.clock.now(),
    })
    .execute();
  return (await createSession(t.ctx, t.ctx.db, { id: accountId, roles: [role] })).token;
}

/** Moves the clock and signs everyone in again (sessions lapse when idle). */
async function advance(ms: number): Promise<void> {
  t.clock.advance(ms);
  await signIn();
}

async function signIn(): Promise<void> {
  tok.wang = await t.login(FD_PHONE.wang);
  tok.daughter = await t.login(FD_PHONE.daughter);
  tok.zhang = await t.login(FD_PHONE.zhang);
  tok.nurse = await t.login(FD_PHONE.nurse);
  tok.junior = await t.login(FD_PHONE.juniorNurse);
  tok.gp = await t.login(FD_PHONE.gp);
  tok.otherGp = await t.login(FD_PHONE.otherGp);
  tok.admin = await t.login(C01_ADMIN);
  tok.hospitalAdmin = await t.login(FD_PHONE.hospitalAdmin);
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  await signIn();
  const pid = async (name: string) =>
    (await t.ctx.db.selectFrom('patient').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  id.wang = await pid('王秀英');
  id.zhang = await pid('张伟');
  const nurse = await t.ctx.db
    .selectFrom('account')
    .select('practitioner_id')
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', FD_PHONE.nurse))
    .executeTakeFirstOrThrow();
  id.nursePract = nurse.practitioner_id!;
  // 王秀英's contract may already exist in the demo; the fixture is only needed where it does not.
  const active = await t.ctx.db
    .selectFrom('family_contract')
    .select('id')
    .where('patient_id', '=', id.wang)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!active)
    await contractFixture(t, { patientId: id.wang, team: TEAM.long, packages: ['BASIC', 'ELDERLY'] });
}, 240_000);
afterAll(async () => t?.close());

describe('the catalogue (FD-5, FD-9)', () => {
  it('lists the visit, the sick-bed round and the nursing items with their visit fees', async () => {
    const res = await get(tok.daughter, '/api/v1/family-doctor/home-service-items');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as {
      code: string;
      category: string;
      visitFeeFen: number;
      itemFeeFen: number;
    }[];
    expect(items.length).toBeGreaterThanOrEqual(42);
    expect(items.find((i) => i.code === 'VISIT')).toMatchObject({ category: 'visit', visitFeeFen: 6_000 });
    expect(items.find((i) => i.code === 'SICKBED_ROUND')).toMatchObject({ visitFeeFen: 8_000 });
    expect(items.find((i) => i.code === 'WOUND_DRESSING')).toMatchObject({
      category: 'nursing',
      visitFeeFen: 5_000,
    });
    // For 王秀英: a visit by her team lead 龙晓梅, attending (60 yuan).
    const hers = await get(tok.daughter, `/api/v1/family-doctor/home-service-items?patientId=${id.wang}`);
    expect(hers.json().items.find((i: { code: string }) => i.code === 'VISIT').visitFeeFen).toBe(6_000);
    // Not for someone else's family.
    expect(
      (await get(tok.zhang, `/api/v1/family-doctor/home-service-items?patientId=${id.wang}`)).statusCode,
    ).toBe(403);
  });

  it('is written idempotently at every start', async () => {
    const before = await t.ctx.db.selectFrom('home_service_item').select('code').execute();
    await syncHomeServiceItems(t.ctx.db);
    await syncHomeServiceItems(t.ctx.db);
    const after = await t.ctx.db.selectFrom('home_service_item').select('code').execute();
    expect(after.length).toBe(before.length);
  });
});

describe('a home-nursing order from request to check-out (FD-5, FD-9)', () => {
  let v: HomeServiceView;

  it('the daughter asks for 伤口换药 tomorrow 09:00–11:00: pending_payment, 50 yuan + the item, an order', async () => {
    v = await request();
    const fee = 5_000 + (await itemFee('WOUND_DRESSING'));
    expect(v).toMatchObject({
      status: 'pending_payment',
      feeFen: fee,
      address: ADDRESS,
      institutionName: '云川区青石街道社区卫生服务中心',
      patient: { id: id.wang, name: '王秀英' },
      item: { code: 'WOUND_DRESSING', visitFeeFen: 5_000 },
      clientCode: null,
    });
    expect(v.serviceNo).toMatch(/^HS20261122\d{4}$/);
    expect(v.orderId).toBeTruthy();
    const order = await t.ctx.db
      .selectFrom('payment_order')
      .selectAll()
      .where('id', '=', v.orderId!)
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      purpose: 'home_service',
      ref_id: v.id,
      amount_fen: fee,
      status: 'created',
    });
    // The address is encrypted at rest, and the code only hashed.
    const row = await serviceRow(v.id);
    expect(row.address_enc).not.toContain('青石路');
    expect(t.ctx.cipher.decrypt(row.address_enc)).toBe(ADDRESS);
    expect(row.client_code_hash).toMatch(/^[0-9a-f]{64}$/);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('details')
      .where('action', '=', 'family_doctor.home_service_request')
      .where('resource_id', '=', v.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.details)).not.toContain('青石路');
  });

  it('is not in the open box before it is paid; paying makes it requested', async () => {
    const open = await get(tok.nurse, '/api/v1/home-services?box=open');
    expect(open.json().items.map((i: HomeServiceView) => i.id)).not.toContain(v.id);
    await payOrder(t, tok.daughter, v.orderId!);
    expect((await serviceRow(v.id)).status).toBe('requested');
    const after = await get(tok.nurse, '/api/v1/home-services?box=open');
    const mine = after.json().items.find((i: HomeServiceView) => i.id === v.id) as HomeServiceView;
    // Other staff see the address masked, never the code.
    expect(mine.address).not.toBe(ADDRESS);
    expect(mine.address).not.toContain('401');
    expect(mine.clientCode).toBeNull();
  });

  it('the resident sees the code once paid; the list shows her family orders', async () => {
    const d = await residentView(v.id);
    expect(d.clientCode).toMatch(/^\d{6}$/);
    expect(d.address).toBe(ADDRESS);
    const list = await get(tok.wang, '/api/v1/home-services');
    expect(list.json().items.map((i: HomeServiceView) => i.id)).toContain(v.id);
  });

  it('FD-9: 田雨 (护士, 2024) may not accept: 403 NURSE_NOT_QUALIFIED; 龙晓梅 (a doctor) may not either', async () => {
    const res = await post(tok.junior, `/api/v1/home-services/${v.id}/accept`);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().code).toBe('NURSE_NOT_QUALIFIED');
    const doc = await post(tok.gp, `/api/v1/home-services/${v.id}/accept`);
    expect(doc.statusCode).toBe(403);
    expect(doc.json()).toMatchObject({ code: 'NURSE_NOT_QUALIFIED', reason: 'nursing_needs_nurse' });
    expect((await serviceRow(v.id)).status).toBe('requested');
  });

  it('staff of another institution get 404; a resident cannot accept (route 403)', async () => {
    expect((await post(tok.otherGp, `/api/v1/home-services/${v.id}/accept`)).statusCode).toBe(404);
    expect((await get(tok.otherGp, `/api/v1/home-services/${v.id}`)).statusCode).toBe(404);
    expect((await get(tok.hospitalAdmin, `/api/v1/home-services/${v.id}`)).statusCode).toBe(404);
    expect((await get(tok.zhang, `/api/v1/home-services/${v.id}`)).statusCode).toBe(404);
    expect((await post(tok.daughter, `/api/v1/home-services/${v.id}/accept`)).statusCode).toBe(403);
  });

  it('白秀珍 accepts; a second accept is refused; the resident is told', async () => {
    const res = await post(tok.nurse, `/api/v1/home-services/${v.id}/accept`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'accepted', address: ADDRESS, provider: { name: '白秀珍' } });
    const again = await post(tok.nurse, `/api/v1/home-services/${v.id}/accept`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('HOME_SERVICE_STATE_CONFLICT');
    const mine = await get(tok.nurse, '/api/v1/home-services?box=mine');
    expect(mine.json().items.map((i: HomeServiceView) => i.id)).toContain(v.id);
    const notes = (await get(tok.daughter, '/api/v1/notifications?limit=50')).json().items as {
      refId: string;
      title: string;
    }[];
    expect(notes.some((n) => n.refId === v.id && n.title === '上门服务已接单')).toBe(true);
    // The resident cannot cancel once accepted.
    const cancel = await post(tok.daughter, `/api/v1/home-services/${v.id}/cancel`, { reason: '不需要了' });
    expect(cancel.statusCode).toBe(409);
  });

  it('only the provider checks in: 田雨 403 NOT_SERVICE_PROVIDER', async () => {
    const code = (await residentView(v.id)).clientCode!;
    const res = await post(tok.junior, `/api/v1/home-services/${v.id}/check-in`, {
      clientCode: code,
      position: HERE,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_SERVICE_PROVIDER');
  });

  it('FD-9: a wrong code → 422 CLIENT_CODE_INVALID, the order unchanged', async () => {
    const code = (await residentView(v.id)).clientCode!;
    const res = await post(tok.nurse, `/api/v1/home-services/${v.id}/check-in`, {
      clientCode: wrongCode(code),
      position: HERE,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'CLIENT_CODE_INVALID', attemptsLeft: 4 });
    const row = await serviceRow(v.id);
    expect(row.status).toBe('accepted');
    expect(row.checked_in_at).toBeNull();
    const events = await t.ctx.db
      .selectFrom('home_service_event')
      .select('kind')
      .where('service_id', '=', v.id)
      .execute();
    expect(events).toHaveLength(0);
  });

  it('the right code (from the resident’s view) → in_service, the position stored, never audited', async () => {
    const code = (await residentView(v.id)).clientCode!;
    const res = await post(tok.nurse, `/api/v1/home-services/${v.id}/check-in`, {
      clientCode: code,
      position: HERE,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('in_service');
    const ev = await t.ctx.db
      .selectFrom('home_service_event')
      .selectAll()
      .where('service_id', '=', v.id)
      .where('kind', '=', 'check_in')
      .executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ latitude: HERE.latitude, longitude: HERE.longitude, accuracy_m: 12 });
    expect(
      (await post(tok.nurse, `/api/v1/home-services/${v.id}/position`, { position: HERE })).statusCode,
    ).toBe(200);
    const audits = await t.ctx.db
      .selectFrom('audit_event')
      .select('details')
      .where('resource_id', '=', v.id)
      .execute();
    expect(JSON.stringify(audits)).not.toContain(String(HERE.latitude));
    expect(t.logLines.join('\n')).not.toContain(String(HERE.latitude));
    // The code is no longer shown once the provider is in.
    expect((await residentView(v.id)).clientCode).toBeNull();
  });

  it('the panic button alerts YC-C01’s administrator and 龙晓梅 (in-app and SMS, no patient details)', async () => {
    const sent = t.sms.sent.length;
    const res = await post(tok.nurse, `/api/v1/home-services/${v.id}/panic`, {
      position: HERE,
      note: '需要支援',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().panic).toBe(true);
    for (const token of [tok.admin, tok.gp]) {
      const items = (await get(token, '/api/v1/notifications?limit=50')).json().items as {
        refId: string;
        title: string;
        body: string;
      }[];
      const n = items.find((i) => i.refId === v.id && i.title === '上门服务紧急求助');
      expect(n).toBeTruthy();
      expect(n!.body).not.toContain('王秀英');
      expect(n!.body).not.toContain('青石路');
    }
    const sms = t.sms.sent.slice(sent);
    expect(sms.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(sms)).not.toContain('王秀英');
    // Staff see the positions; the resident does not.
    const staffView = (await get(tok.admin, `/api/v1/home-services/${v.id}`)).json() as HomeServiceDetail;
    expect(staffView.events.find((e) => e.kind === 'panic')).toMatchObject({ latitude: HERE.latitude });
    expect(staffView.address).not.toBe(ADDRESS);
    const mine = await residentView(v.id);
    expect(mine.events.every((e) => e.latitude === null)).toBe(true);
    // The institution handles it; then there is none to handle.
    const handled = await post(tok.admin, `/api/v1/home-services/${v.id}/panic/handle`, {
      note: '已电话联系，安全',
    });
    expect(handled.statusCode, handled.body).toBe(200);
    expect(handled.json().panic).toBe(false);
    expect((await post(tok.admin, `/api/v1/home-services/${v.id}/panic/handle`, {})).statusCode).toBe(409);
    // Only the provider presses it.
    expect((await post(tok.junior, `/api/v1/home-services/${v.id}/panic`, {})).statusCode).toBe(403);
  });

  it('check-out with the record → completed; nothing more to do', async () => {
    const res = await post(tok.nurse, `/api/v1/home-services/${v.id}/check-out`, {
      position: HERE,
      record: {
        summary: '伤口清洁换药，无渗液，愈合良好。',
        vitals: { systolic: 138, diastolic: 84, pulse: 76 },
        materials: ['无菌换药包', '纱布'],
        advice: '保持干燥，3 天后再换药。',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'completed',
      record: { summary: '伤口清洁换药，无渗液，愈合良好。' },
    });
    const d = await residentView(v.id);
    expect(d.events.map((e) => e.kind)).toEqual([
      'check_in',
      'position',
      'panic',
      'panic_handled',
      'check_out',
    ]);
    expect(
      (await post(tok.nurse, `/api/v1/home-services/${v.id}/position`, { position: HERE })).statusCode,
    ).toBe(409);
    const reads = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'family_doctor.home_service_read')
      .where('resource_id', '=', v.id)
      .execute();
    expect(reads.length).toBeGreaterThan(0);
  });
});

describe('lockout, cancellations and holds', () => {
  it('5 wrong codes lock check-in for 15 minutes, even the right code; then it works', async () => {
    const v = await paidOrder();
    expect((await post(tok.nurse, `/api/v1/home-services/${v.id}/accept`)).statusCode).toBe(200);
    const code = (await residentView(v.id)).clientCode!;
    for (let i = 0; i < 5; i++) {
      const res = await post(tok.nurse, `/api/v1/home-services/${v.id}/check-in`, {
        clientCode: wrongCode(code),
        position: HERE,
      });
      expect(res.statusCode).toBe(422);
    }
    const locked = await post(tok.nurse, `/api/v1/home-services/${v.id}/check-in`, {
      clientCode: code,
      position: HERE,
    });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('HOME_SERVICE_CODE_LOCKED');
    await advance(15 * 60_000 + 1000);
    const ok = await post(tok.nurse, `/api/v1/home-services/${v.id}/check-in`, {
      clientCode: code,
      position: HERE,
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('the resident cancels a paid order before acceptance: refunded in full', async () => {
    const v = await paidOrder({ window: window(14, 16) });
    const res = await post(tok.daughter, `/api/v1/home-services/${v.id}/cancel`, { reason: '已到医院换药' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('cancelled');
    const refund = await t.ctx.db
      .selectFrom('refund')
      .selectAll()
      .where('order_id', '=', v.orderId!)
      .executeTakeFirstOrThrow();
    expect(refund.amount_fen).toBe(v.feeFen);
  });

  it('the institution cancels an accepted order: refunded, the resident told', async () => {
    const v = await paidOrder({ window: window(15, 17) });
    expect((await post(tok.nurse, `/api/v1/home-services/${v.id}/accept`)).statusCode).toBe(200);
    const sent = t.sms.sent.length;
    const res = await post(tok.admin, `/api/v1/home-services/${v.id}/cancel`, { reason: '护士临时有急诊' });
    expect(res.statusCode, res.body).toBe(200);
    // The SMS names the order only: not the item (a health fact) nor the resident (DJ-10).
    const sms = t.sms.sent.slice(sent).filter((m) => m.phone === FD_PHONE.daughter);
    expect(sms).toHaveLength(1);
    expect(JSON.stringify(sms)).toContain(v.serviceNo);
    expect(JSON.stringify(sms)).not.toContain('伤口换药');
    expect(JSON.stringify(sms)).not.toContain('王秀英');
    expect(
      await t.ctx.db.selectFrom('refund').select('id').where('order_id', '=', v.orderId!).executeTakeFirst(),
    ).toBeTruthy();
    const notes = (await get(tok.daughter, '/api/v1/notifications?limit=50')).json().items as {
      refId: string;
    }[];
    expect(notes.some((n) => n.refId === v.id)).toBe(true);
  });

  it('an unpaid order is closed when cancelled; a lapsed hold ends by the job', async () => {
    const a = await request({ window: window(16, 18) });
    expect(
      (await post(tok.daughter, `/api/v1/home-services/${a.id}/cancel`, { reason: '时间不合适' })).statusCode,
    ).toBe(200);
    const order = await t.ctx.db
      .selectFrom('payment_order')
      .select('status')
      .where('id', '=', a.orderId!)
      .executeTakeFirstOrThrow();
    expect(order.status).toBe('closed');
    const b = await request({ window: window(17, 19) });
    await advance(31 * 60_000);
    expect(await expireHomeServiceHolds(t.ctx)).toBeGreaterThanOrEqual(1);
    expect((await serviceRow(b.id)).status).toBe('cancelled');
  });

  it('a doctor visit goes to a doctor at the lead’s fee; a nurse may not take it', async () => {
    const v = await request({ itemCode: 'VISIT', window: window(13, 15) });
    expect(v.feeFen).toBe(6_000);
    await payOrder(t, tok.daughter, v.orderId!);
    const byNurse = await post(tok.nurse, `/api/v1/home-services/${v.id}/accept`);
    expect(byNurse.statusCode).toBe(403);
    expect(byNurse.json()).toMatchObject({ code: 'NURSE_NOT_QUALIFIED', reason: 'visit_needs_doctor' });
    expect((await post(tok.gp, `/api/v1/home-services/${v.id}/accept`)).statusCode).toBe(200);
  });

  it('FD-5: a visit priced at the lead’s 60 yuan is refused to an associate chief (403 PROVIDER_FEE_MISMATCH); nursing is 50 for any qualified nurse', async () => {
    const v = await request({ itemCode: 'VISIT', window: window(10, 12) });
    expect(v.feeFen).toBe(6_000);
    await payOrder(t, tok.daughter, v.orderId!);
    const associate = await qualifiedNurse('欧阳明', 'associate_chief');
    const res = await post(associate, `/api/v1/home-services/${v.id}/accept`);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'PROVIDER_FEE_MISMATCH',
      pricedVisitFeeFen: 6_000,
      providerVisitFeeFen: 7_000,
    });
    expect(res.json().detail).toContain('60 元');
    expect((await serviceRow(v.id)).status).toBe('requested');
    // The attending lead, whose title priced it, takes it.
    expect((await post(tok.gp, `/api/v1/home-services/${v.id}/accept`)).statusCode).toBe(200);
    // Nursing: 50 yuan whoever of the qualified nurses goes (a 主管护师 here, not the 护师 who usually does).
    const n = await paidOrder({ window: window(12, 14) });
    const senior = await qualifiedNurse('司马兰');
    const ok = await post(senior, `/api/v1/home-services/${n.id}/accept`);
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('SMS privacy of the family-doctor notices (DJ-10)', () => {
  it('fdContractActive (also an SMS) carries no name; fdHomeCancelled names the order, not the item', () => {
    const to = { accountId: newId(), refId: newId() };
    const active = notices.fdContractActive(to, {
      patientName: '王秀英',
      teamName: TEAM.long,
      startsOn: '2026-11-22',
      endsOn: '2027-11-21',
    });
    expect(active.sms).toBe(true);
    expect(`${active.title}${active.body}`).not.toContain('王秀英');
    for (const lang of ['zh-CN', 'en-US'] as const)
      expect(
        JSON.stringify(
          renderNotice(
            'fdContractActive',
            { patientName: '王秀英', teamName: 'x', startsOn: 'a', endsOn: 'b' },
            lang,
          ),
        ),
      ).not.toContain('王秀英');
    const cancelled = notices.fdHomeCancelled(
      { ...to, sms: true },
      { serviceNo: 'HS202611220001', refunded: true },
    );
    expect(cancelled.body).toContain('HS202611220001');
    // A notice stored before, with the item among its params, still does not show it.
    expect(
      JSON.stringify(
        renderNotice(
          'fdHomeCancelled',
          { serviceNo: 'HS1', itemName: '导尿管护理', refunded: false },
          'zh-CN',
        ),
      ),
    ).not.toContain('导尿管护理');
  });
});

describe('refusals', () => {
  it.each([
    ['an item that does not exist', { itemCode: 'NO_SUCH_ITEM' }, 422, 'HOME_SERVICE_ITEM_UNKNOWN'],
    [
      'a window in the past',
      { window: { start: '2026-11-21T01:00:00Z', end: '2026-11-21T02:00:00Z' } },
      422,
      'SERVICE_WINDOW_INVALID',
    ],
    ['a window over 4 hours', { window: window(8, 13) }, 422, 'SERVICE_WINDOW_INVALID'],
    ['a window ending before it starts', { window: window(11, 9) }, 422, 'SERVICE_WINDOW_INVALID'],
    [
      'a window 31 days ahead',
      {
        window: { start: tomorrowAt(30 * 24 + 9).toISOString(), end: tomorrowAt(30 * 24 + 10).toISOString() },
      },
      422,
      'SERVICE_WINDOW_INVALID',
    ],
    [
      'a window that is no time',
      { window: { start: 'tomorrow', end: 'later' } },
      422,
      'SERVICE_WINDOW_INVALID',
    ],
    ['an address too short', { address: '家' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { extra: 1 }, 400, 'VALIDATION_FAILED'],
    ['a patient id that is no uuid', { patientId: 'x' }, 400, 'VALIDATION_FAILED'],
  ])('%s → %s %s', async (_name, body, status, code) => {
    const res = await post(tok.daughter, '/api/v1/home-services', {
      patientId: id.wang,
      itemCode: 'WOUND_DRESSING',
      window: window(),
      address: ADDRESS,
      ...body,
    });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().code).toBe(code);
  });

  it('someone else’s family member → 403; a resident without a contract → 422 NOT_CONTRACTED', async () => {
    const other = await post(tok.zhang, '/api/v1/home-services', {
      patientId: id.wang,
      itemCode: 'WOUND_DRESSING',
      window: window(),
      address: ADDRESS,
    });
    expect(other.statusCode).toBe(403);
    const own = await post(tok.zhang, '/api/v1/home-services', {
      patientId: id.zhang,
      itemCode: 'WOUND_DRESSING',
      window: window(),
      address: ADDRESS,
    });
    expect(own.statusCode, own.body).toBe(422);
    expect(own.json().code).toBe('NOT_CONTRACTED');
  });

  it('staff cannot ask (route 403); an unknown id is 404; bad ids and cursors are 400', async () => {
    expect(
      (
        await post(tok.nurse, '/api/v1/home-services', {
          patientId: id.wang,
          itemCode: 'WOUND_DRESSING',
          window: window(),
          address: ADDRESS,
        })
      ).statusCode,
    ).toBe(403);
    expect((await get(tok.nurse, `/api/v1/home-services/${newId()}`)).statusCode).toBe(404);
    expect((await get(tok.nurse, '/api/v1/home-services/nope')).statusCode).toBe(400);
    expect((await get(tok.nurse, '/api/v1/home-services?cursor=garbage')).statusCode).toBe(400);
    expect((await get(tok.nurse, '/api/v1/home-services?box=everything')).statusCode).toBe(400);
    const checkIn = await post(tok.nurse, `/api/v1/home-services/${newId()}/check-in`, {
      clientCode: '123456',
      position: { latitude: 100, longitude: 0 },
    });
    expect(checkIn.statusCode).toBe(400);
  });

  it('the staff lists page by cursor', async () => {
    const first = await get(tok.nurse, '/api/v1/home-services?box=all&limit=2');
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const second = await get(tok.nurse, `/api/v1/home-services?box=all&limit=2&cursor=${page1.nextCursor}`);
    const ids = second.json().items.map((i: HomeServiceView) => i.id);
    expect(ids.some((x: string) => page1.items.some((i: HomeServiceView) => i.id === x))).toBe(false);
  });
});

describeOnPostgres('home-service races (PostgreSQL)', () => {
  itOnPostgres(
    'FD-9: 8 wrong codes at once are counted on the locked row: five 422, then locked (409)',
    async () => {
      const v = await paidOrder({ window: window(18, 20) });
      expect((await post(tok.nurse, `/api/v1/home-services/${v.id}/accept`)).statusCode).toBe(200);
      const code = (await residentView(v.id)).clientCode!;
      const all = await Promise.all(
        Array.from({ length: 8 }, () =>
          post(tok.nurse, `/api/v1/home-services/${v.id}/check-in`, {
            clientCode: wrongCode(code),
            position: HERE,
          }),
        ),
      );
      const statuses = all.map((r) => r.statusCode).sort();
      expect(statuses, all.map((r) => r.body).join('\n')).toEqual([409, 409, 409, 422, 422, 422, 422, 422]);
      const row = await serviceRow(v.id);
      expect(row.status).toBe('accepted');
      expect(row.code_locked_until).not.toBeNull();
      const wrong = await t.ctx.db
        .selectFrom('audit_event')
        .select('id')
        .where('action', '=', 'family_doctor.home_service_code_wrong')
        .where('resource_id', '=', v.id)
        .execute();
      expect(wrong).toHaveLength(5);
    },
  );

  itOnPostgres('two qualified nurses accept at once: exactly one provider', async () => {
    const second = await qualifiedNurse('韩春燕');
    for (let round = 0; round < 3; round++) {
      const v = await paidOrder({ window: window(9 + round, 10 + round) });
      const [a, b] = await Promise.all(
        [tok.nurse, second].map((token) => post(token, `/api/v1/home-services/${v.id}/accept`)),
      );
      expect([a!.statusCode, b!.statusCode].sort(), `${a!.body} ${b!.body}`).toEqual([200, 409]);
      const winner = a!.statusCode === 200 ? a! : b!;
      const row = await serviceRow(v.id);
      expect(row.status).toBe('accepted');
      expect(row.provider_practitioner_id).toBe(winner.json().provider.practitionerId);
      const audits = await t.ctx.db
        .selectFrom('audit_event')
        .select('id')
        .where('action', '=', 'family_doctor.home_service_accept')
        .where('resource_id', '=', v.id)
        .execute();
      expect(audits).toHaveLength(1);
    }
  });
});
