/**
 * The fixture of the visits integration tests (test/integration/visits-*.test.ts): one seeded app per test
 * file, the demo people logged in, and the steps every visit test takes (request, pay, read, finish).
 * The exported bindings are live: `relogin()` renews the tokens a moved clock ended, and every file sees
 * the new ones.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

export let t: TestApp;
export let zhang: string; // 张伟, offline I10 at YC-H01 cardiology
export let lina: string; // 李娜, guardian of 李小宝
export let wang: string; // 王秀英, offline E11.9
export let chen: string; // 陈建国 P001, chief cardiologist YC-H01
export let su: string; // 苏晓雯 P029, YC-H03 growth, whitelisted
export let regulator: string;
export let h03Admin: string;
export const ids: Record<string, string> = {};

async function practitionerId(code: string) {
  const r = await t.ctx.db
    .selectFrom('practitioner')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Logs everyone in again: a moved clock ends sessions like it would in real time (DJ-4). */
export async function relogin() {
  [zhang, lina, wang, chen, su, regulator, h03Admin] = await Promise.all(
    [
      '13800000001',
      '13800000002',
      '13800000003',
      '13900000001',
      '13900000002',
      '13500000001',
      '13600000002',
    ].map((p) => t.login(p)),
  );
}

/** One seeded app for the calling test file, closed after it. */
export function setupVisitsApp(): void {
  beforeAll(async () => {
    t = await createTestApp({ seed: true });
    await relogin();
    ids.P001 = await practitionerId('P001');
    ids.P029 = await practitionerId('P029');
    ids.P033 = await practitionerId('P033');
    ids.P031 = await practitionerId('P031');
    ids.P004 = await practitionerId('P004');
    const child = await t.ctx.db
      .selectFrom('patient')
      .select('id')
      .where('name', '=', '李小宝')
      .executeTakeFirstOrThrow();
    ids.child = child.id;
    const inst = await t.ctx.db
      .selectFrom('institution')
      .select('id')
      .where('code', '=', 'YC-H03')
      .executeTakeFirstOrThrow();
    ids.H03 = inst.id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });
}

export async function create(token: string, body: Record<string, unknown>) {
  return t.request('POST', '/api/v1/visits', {
    token,
    body: { consent: true, description: '血压控制复诊', ...body },
  });
}

/** Pays a visit's order through the simulated gateway and waits for the notification to be applied. */
export async function pay(token: string, orderId: string) {
  const res = await t.request('POST', `/api/v1/orders/${orderId}/pay`, { token, body: { channel: 'sim' } });
  expect(res.statusCode).toBe(200);
  expect(await t.sim!.confirm(res.json().prepayId)).toBe('paid');
  await t.sim!.settle();
}

export async function paidVisit(token: string, body: Record<string, unknown>) {
  const res = await create(token, body);
  expect(res.statusCode, res.body).toBe(201);
  await pay(token, res.json().orderId);
  return res.json().id as string;
}

export async function visit(token: string, id: string) {
  return (await t.request('GET', `/api/v1/visits/${id}`, { token })).json();
}

export async function order(token: string, id: string) {
  return (await t.request('GET', `/api/v1/orders/${id}`, { token })).json();
}

export const RECORD = {
  chiefComplaint: '高血压复诊，头晕一周',
  presentIllness: '家庭自测血压 150/95 mmHg',
  pastHistory: '高血压 3 年',
  allergies: '无',
  onlineObservation: '精神可，言语清晰',
  diagnoses: [{ icd10: 'I10', name: '原发性高血压' }],
  advice: '氨氯地平 5mg 每日一次，两周后复诊',
};

export async function finish(id: string, token = chen, record: Record<string, unknown> = RECORD) {
  expect((await t.request('PUT', `/api/v1/visits/${id}/record`, { token, body: record })).statusCode).toBe(
    200,
  );
  const res = await t.request('POST', `/api/v1/visits/${id}/complete`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function cancelOpen(token: string, id: string) {
  await t.request('POST', `/api/v1/visits/${id}/cancel`, { token, body: {} });
}
