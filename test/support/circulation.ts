/**
 * Steps the circulation tests share ([5/12]): pharmacies by code, approved prescriptions made quickly with
 * tokens already logged in, choosing a pharmacy, paying through the simulated gateway, trace codes and
 * batches for dispensing, and courier callbacks signed by the simulated courier.
 */
import { expect } from 'vitest';
import type { CourierCallback } from '../../src/shared/prescriptions.js';
import type { TestApp } from './app.js';
import { completeVisit, followUpVisit, PHONES, prescribeAmlodipine, review, sign } from './prescriptions.js';

export const STAFF_PHONES = {
  r01: '13700000002', // 赵敏, YC-R01 益康大药房
  r02: '13700000012', // 孙佳怡, YC-R02 惠民大药房
  r03: '13700000013', // 钱志刚, YC-R03 安和堂药店 (no amlodipine)
  h01: '13700000001', // 郑雅琴, YC-H01 pharmacist (the hospital pharmacy's staff too)
} as const;

export async function institutionId(t: TestApp, code: string): Promise<string> {
  const r = await t.ctx.db
    .selectFrom('institution')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return r.id;
}

export interface People {
  patient: string;
  doctor: string;
  pharmacist: string;
}

export async function loginPeople(t: TestApp): Promise<People> {
  const [patient, doctor, pharmacist] = await Promise.all([
    t.login(PHONES.zhang),
    t.login(PHONES.chen),
    t.login(PHONES.zheng),
  ]);
  return { patient: patient!, doctor: doctor!, pharmacist: pharmacist! };
}

/** 张伟's amlodipine prescription (1 box), approved by 郑雅琴 — with tokens already logged in. */
export async function approvedWith(
  t: TestApp,
  people: People,
  days = 7,
): Promise<{ id: string; visitId: string }> {
  const visitId = await followUpVisit(t, { patientToken: people.patient, doctorToken: people.doctor });
  const id = await prescribeAmlodipine(t, visitId, people.doctor, days);
  await sign(t, id, people.doctor);
  await completeVisit(t, visitId, people.doctor);
  await review(t, id, people.pharmacist, 'approve');
  return { id, visitId };
}

export async function addAddress(t: TestApp, token: string, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', '/api/v1/addresses', {
    token,
    body: {
      recipient: '张伟',
      phone: '13812345678',
      subdistrict: 'wangchuan',
      detail: '望川东路 7 号 3 单元 501',
      ...body,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

export const choose = (t: TestApp, token: string, prescriptionId: string, body: Record<string, unknown>) =>
  t.request('POST', `/api/v1/prescriptions/${prescriptionId}/fulfilment`, { token, body });

/** Pays an order at the simulated cashier and waits until its notification (and order_paid) is applied. */
export async function payOrder(t: TestApp, token: string, orderId: string) {
  const res = await t.request('POST', `/api/v1/orders/${orderId}/pay`, { token, body: { channel: 'sim' } });
  expect(res.statusCode, res.body).toBe(200);
  expect(await t.sim!.confirm(res.json().prepayId)).toBe('paid');
  await t.sim!.settle();
}

let traceSeq = 0;
/** Fresh 20-digit trace codes (追溯码), never used before in this process. */
export function traceCodes(n: number): string[] {
  return Array.from({ length: n }, () => {
    traceSeq += 1;
    return `8${String(process.pid % 1000).padStart(3, '0')}${String(traceSeq).padStart(16, '0')}`;
  });
}

/** The batch a pharmacist would take from: the earliest-expiring one with boxes left. */
export async function batchOf(t: TestApp, pharmacyId: string, drugId: string): Promise<string> {
  const r = await t.ctx.db
    .selectFrom('stock_batch')
    .select('batch_no')
    .where('pharmacy_id', '=', pharmacyId)
    .where('drug_id', '=', drugId)
    .where('quantity', '>', 0)
    .orderBy('expires_on')
    .executeTakeFirstOrThrow();
  return r.batch_no;
}

export const dispense = (t: TestApp, token: string, fulfilmentId: string, body: Record<string, unknown>) =>
  t.request('POST', `/api/v1/fulfilments/${fulfilmentId}/dispense`, { token, body });

export async function stockOf(t: TestApp, pharmacyId: string, drugId: string) {
  return t.ctx.db
    .selectFrom('stock_item')
    .select(['on_hand', 'reserved'])
    .where('pharmacy_id', '=', pharmacyId)
    .where('drug_id', '=', drugId)
    .executeTakeFirstOrThrow();
}

/** Posts a courier callback signed by the simulated courier, as its push would arrive. */
export function postCallback(t: TestApp, callback: CourierCallback) {
  const { headers, body } = t.rx.simCourier!.signed(callback);
  return t.app.inject({ method: 'POST', url: '/api/v1/courier/sim/callbacks', headers, payload: body });
}

export async function fulfilment(t: TestApp, token: string, id: string) {
  const res = await t.request('GET', `/api/v1/fulfilments/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
