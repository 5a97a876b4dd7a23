/**
 * The fixture of the insured-checkout tests ([7/12], test/integration/insurance-settlement*.test.ts): one
 * seeded app per test file, 王秀英 logged in and linked (ID-3), her follow-up orders with 杨淑芬 (P005,
 * YC-H01), and reads of both sides — our settlement rows and the simulated platform's ledger. The exported
 * bindings are live (`relogin()` renews the token a moved clock ended).
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { runSettlementJobs } from '../../src/server/modules/insurance/settlement-jobs.js';
import { createTestApp, type TestApp } from './app.js';

export let t: TestApp;
export let wang: string;
export const ids: Record<string, string> = {};
export const WANG = { idNumber: '110101195408160463', name: '王秀英' };
export let psnNo = '';

export const voucher = async () => (await t.insurance.sim!.issueVoucher(WANG)).voucher;

export async function relogin() {
  wang = await t.login('13800000003');
}

/** Visits the current test opened: ended after it. */
export const open: string[] = [];

export function setupCheckoutApp(): void {
  beforeAll(async () => {
    t = await createTestApp({ seed: true });
    t.sim!.faults.notifyDelayMs = 0;
    await relogin();
    const p = await t.ctx.db
      .selectFrom('patient')
      .select('id')
      .where('name', '=', WANG.name)
      .executeTakeFirstOrThrow();
    ids.wang = p.id;
    for (const code of ['P005']) {
      const r = await t.ctx.db
        .selectFrom('practitioner')
        .select('id')
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
      ids[code] = r.id;
    }
    const h05 = await t.ctx.db
      .selectFrom('institution')
      .select('id')
      .where('code', '=', 'YC-H05')
      .executeTakeFirstOrThrow();
    ids.H05 = h05.id;
    const link = await t.request('POST', '/api/v1/insurance/link', {
      token: wang,
      body: { voucher: await voucher() },
    });
    expect(link.statusCode, link.body).toBe(200);
    psnNo = (
      await t.ctx.db
        .selectFrom('insured_person')
        .select('psn_no')
        .where('patient_id', '=', ids.wang)
        .executeTakeFirstOrThrow()
    ).psn_no;
  }, 120_000);
  afterAll(async () => {
    await t.sim?.settle();
    await t?.close();
  });

  afterEach(async () => {
    // One open visit per patient and doctor: each test's visit is ended, whatever it came to.
    t.insurance.sim!.faults.latencyMs = 0;
    for (const id of open.splice(0))
      await t.request('POST', `/api/v1/visits/${id}/cancel`, { token: wang, body: {} });
    await t.ctx.outbox.drain();
    await t.sim!.settle();
    // Their settlements are reversed by the job (orders closed unpaid, refunded): each test starts clean.
    await runSettlementJobs(t.ctx, t.insurance);
    await setBalance(80_000);
  });
}

/** A follow-up of 王秀英's diabetes with 杨淑芬, requested and not yet paid: its order. */
export async function visitOrder(): Promise<{ visitId: string; orderId: string; amountFen: number }> {
  const res = await t.request('POST', '/api/v1/visits', {
    token: wang,
    body: {
      type: 'follow_up',
      doctorId: ids.P005,
      conditionCode: 'E11.9',
      consent: true,
      description: '血糖复诊',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  open.push(res.json().id);
  const order = await getOrder(res.json().orderId);
  return { visitId: res.json().id, orderId: order.id, amountFen: order.amountFen };
}

export const pay = async (orderId: string, insurance?: Record<string, unknown>) =>
  t.request('POST', `/api/v1/orders/${orderId}/pay`, {
    token: wang,
    body: { channel: 'sim', ...(insurance ? { insurance } : {}) },
  });

export const getOrder = async (orderId: string) => {
  const res = await t.request('GET', `/api/v1/orders/${orderId}`, { token: wang });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** The simulated platform's ledger: its settlements of this order. */
export const ledger = (orderId: string) =>
  t.ctx.db
    .selectFrom('inssim_settlement')
    .select(['setl_id', 'msg_id', 'status', 'fund_fen', 'account_fen', 'cash_fen', 'reverse_msg_id'])
    .where('order_ref', '=', orderId)
    .execute();

export const settlements = (orderId: string) =>
  t.ctx.db.selectFrom('insurance_settlement').selectAll().where('order_id', '=', orderId).execute();

export const balance = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('inssim_person')
        .select('balance_fen')
        .where('psn_no', '=', psnNo)
        .executeTakeFirstOrThrow()
    ).balance_fen,
  );

/** 王秀英's personal account in the simulator (the platform's side): emptied to leave a cash part. */
export const setBalance = (fen: number) =>
  t.ctx.db.updateTable('inssim_person').set({ balance_fen: fen }).where('psn_no', '=', psnNo).execute();

export const orderPaidEvents = async (orderId: string) =>
  (
    await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('topic', '=', 'payments.order_paid')
      .where(sql<string>`payload->>'orderId'`, '=', orderId)
      .execute()
  ).length;

export const visitStatus = async (id: string) =>
  (await t.ctx.db.selectFrom('visit').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

export async function getOrderAfterRelogin(orderId: string) {
  await relogin();
  return getOrder(orderId);
}
