/**
 * [7/12] Pre-settlement (2206) and paying with medical insurance (2207) inside `POST /orders/{id}/pay`, with
 * the faults of a real platform and gateway between them: no half-paid order, never two settlements of an
 * order — each checked against the simulated platform's own ledger (inssim_settlement). Runs on PGlite and,
 * with TEST_DATABASE_URL, on PostgreSQL (the race test only there).
 *
 * 王秀英 (employee, deductible met, balance 800 yuan) follows up her diabetes with 杨淑芬 (P005, YC-H01, a
 * tertiary hospital): the fund pays 70 % of the fee up to the ordinary outpatient fee (INS-3) and her
 * personal account the rest, so insurance covers everything (cash 0). With her account emptied in the
 * simulator, the rest is cash at the gateway. The clock is 2026-11-22 10:00 in Shanghai.
 */
import { describe, expect, it } from 'vitest';
import { runSettlementJobs } from '../../src/server/modules/insurance/settlement-jobs.js';
import type { PaymentGateway } from '../../src/server/modules/payments/gateway.js';
import { runVisitJobs } from '../../src/server/modules/visits/visit-jobs.js';
import { newId } from '../../src/server/platform/ids.js';
import {
  balance,
  getOrder,
  getOrderAfterRelogin,
  ids,
  ledger,
  open,
  orderPaidEvents,
  pay,
  relogin,
  setBalance,
  settlements,
  setupCheckoutApp,
  t,
  visitOrder,
  visitStatus,
  voucher,
  wang,
} from '../support/insurance-checkout.js';

setupCheckoutApp();

describe('pre-settlement (2206)', () => {
  it('INS-2, INS-3: the split of a follow-up fee adds up per line and in total, and nothing is recorded', async () => {
    const { orderId, amountFen } = await visitOrder();
    const res = await t.request('GET', `/api/v1/orders/${orderId}/pre-settlement`, { token: wang });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ orderId, totalFen: amountFen, scheme: 'employee', policyVersion: 1 });
    expect(s.accountPayer).toEqual({ patientId: ids.wang, name: '王秀英' });
    expect(s.fundFen + s.accountFen + s.cashFen).toBe(amountFen);
    // INS-3: the fee is eligible up to the ordinary outpatient fee at a tertiary hospital (15 yuan), 70 %.
    expect(s.fundFen).toBe(Math.floor((Math.min(amountFen, 1_500) * 7_000) / 10_000));
    expect(s.lines).toHaveLength(1);
    for (const l of s.lines) expect(l.fundFen + l.accountFen + l.cashFen).toBe(l.totalFen);
    expect(s.lines[0]).toMatchObject({ category: null, totalFen: amountFen });
    expect(await settlements(orderId)).toEqual([]);
    expect(await ledger(orderId)).toEqual([]);
  });

  it('INS-1: an order of an institution without the supplementary agreement (YC-H05) is refused, 422', async () => {
    const { orderId } = await visitOrder();
    await t.ctx.db
      .updateTable('payment_order')
      .set({ institution_id: ids.H05 })
      .where('id', '=', orderId)
      .execute();
    const pre = await t.request('GET', `/api/v1/orders/${orderId}/pre-settlement`, { token: wang });
    expect(pre.statusCode).toBe(422);
    expect(pre.json().code).toBe('INSURANCE_NOT_DESIGNATED');
    const paid = await pay(orderId, { voucher: await voucher() });
    expect(paid.statusCode).toBe(422);
    expect(paid.json().code).toBe('INSURANCE_NOT_DESIGNATED');
    expect(await settlements(orderId)).toEqual([]);
    expect(await ledger(orderId)).toEqual([]);
  });

  it('another patient cannot see the split of the order', async () => {
    const { orderId } = await visitOrder();
    const zhang = await t.login('13800000001');
    const res = await t.request('GET', `/api/v1/orders/${orderId}/pre-settlement`, { token: zhang });
    expect(res.statusCode).toBe(403);
  });
});

describe('paying with insurance (2207)', () => {
  it('insurance covers everything: the order is paid without a cashier, ORDER_PAID once, one settlement in the ledger', async () => {
    const { orderId, visitId, amountFen } = await visitOrder();
    const before = await balance();
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ status: 'paid', prepayId: '', cashierUrl: '' });
    expect(r.insurance.cashFen).toBe(0);
    expect(r.insurance.fundFen + r.insurance.accountFen).toBe(amountFen);
    await t.ctx.outbox.drain();
    expect(await getOrder(orderId)).toMatchObject({
      status: 'paid',
      channel: 'insurance',
      cashFen: 0,
      insurance: { settlementId: r.insurance.settlementId, status: 'settled', cashFen: 0 },
    });
    expect(await orderPaidEvents(orderId)).toBe(1);
    expect(await visitStatus(visitId)).toBe('waiting');
    const rows = await ledger(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'settled',
      fund_fen: r.insurance.fundFen,
      account_fen: r.insurance.accountFen,
    });
    expect(await balance()).toBe(before - r.insurance.accountFen);
    // "我的医保" shows the balance after the settlement (insured-person.ts).
    const me = (await t.request('GET', '/api/v1/insurance/me', { token: wang })).json();
    expect(me.persons[0].balanceFen).toBe(before - r.insurance.accountFen);
    // Paying again is refused: the order is paid.
    const again = await pay(orderId, { voucher: await voucher() });
    expect(again.statusCode).toBe(409);
    expect(await ledger(orderId)).toHaveLength(1);
  });

  it('the cash part goes through the gateway: the notification carries cash_fen, the order is paid once', async () => {
    await setBalance(300);
    const { orderId, amountFen } = await visitOrder();
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.status).toBe('awaiting_cash');
    expect(r.insurance.accountFen).toBe(300);
    expect(r.insurance.cashFen).toBe(amountFen - r.insurance.fundFen - 300);
    expect(r.insurance.cashFen).toBeGreaterThan(0);
    expect(await getOrder(orderId)).toMatchObject({ status: 'created', cashFen: r.insurance.cashFen });
    expect(await t.sim!.query(orderId)).toMatchObject({ state: 'pending', amountFen: r.insurance.cashFen });
    expect(await t.sim!.confirm(r.prepayId)).toBe('paid');
    await t.sim!.settle();
    await t.ctx.outbox.drain();
    expect(await getOrder(orderId)).toMatchObject({ status: 'paid', channel: 'sim' });
    const notes = await t.ctx.db
      .selectFrom('payment_notification')
      .select('outcome')
      .where('order_id', '=', orderId)
      .execute();
    expect(notes).toEqual([{ outcome: 'paid' }]);
    expect(await orderPaidEvents(orderId)).toBe(1);
    expect(await ledger(orderId)).toHaveLength(1);
  });

  it('paying again before the cash part is paid reuses the settlement and the cashier', async () => {
    await setBalance(0);
    const { orderId } = await visitOrder();
    const first = (await pay(orderId, { voucher: await voucher() })).json();
    const second = await pay(orderId, { voucher: await voucher() });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ prepayId: first.prepayId, insurance: first.insurance });
    // Without the voucher, the gateway still takes the cash part only.
    const plain = await pay(orderId);
    expect(plain.json()).toMatchObject({ prepayId: first.prepayId, status: 'awaiting_cash' });
    expect(await settlements(orderId)).toHaveLength(1);
    expect(await ledger(orderId)).toHaveLength(1);
  });
});

describe('faults between the settlement and the payment', () => {
  it('a lost answer at 2207 is looked up by its message id: one settlement, the order paid', async () => {
    const { orderId } = await visitOrder();
    t.insurance.sim!.failNext('2207', 'lost_answer');
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('paid');
    const [s] = await settlements(orderId);
    const rows = await ledger(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.msg_id).toBe(s!.msg_id);
    expect(s).toMatchObject({ status: 'settled', platform_setl_id: rows[0]!.setl_id });
    expect((await getOrder(orderId)).status).toBe('paid');
  });

  it('a lost answer with the lookup down too: 503, pending; paying again resolves it, still one settlement', async () => {
    const { orderId } = await visitOrder();
    const sim = t.insurance.sim!;
    sim.failNext('2207', 'lost_answer');
    sim.failNext('lookup', 'timeout');
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json().code).toBe('INSURANCE_PLATFORM_UNAVAILABLE');
    expect(await settlements(orderId)).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(await ledger(orderId)).toHaveLength(1); // it did happen at the platform
    expect((await getOrder(orderId)).status).toBe('created');
    const again = await pay(orderId, { voucher: await voucher() });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().status).toBe('paid');
    expect(await settlements(orderId)).toEqual([expect.objectContaining({ status: 'settled' })]);
    expect(await ledger(orderId)).toHaveLength(1);
    expect(await orderPaidEvents(orderId)).toBe(1);
  });

  it('a timeout at 2207 is retried with the same message id in the same request', async () => {
    const { orderId } = await visitOrder();
    t.insurance.sim!.failNext('2207', 'timeout');
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.statusCode, res.body).toBe(200);
    const [s] = await settlements(orderId);
    expect(s).toMatchObject({ status: 'settled', attempts: 2 });
    expect(await ledger(orderId)).toEqual([expect.objectContaining({ msg_id: s!.msg_id })]);
  });

  it('timeouts past the retries: nothing settled, 503; paying again settles once under the same message id', async () => {
    const { orderId } = await visitOrder();
    t.insurance.sim!.failNext('2207', 'timeout', 3);
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json().code).toBe('INSURANCE_PLATFORM_UNAVAILABLE');
    expect(await ledger(orderId)).toEqual([]);
    const [pending] = await settlements(orderId);
    expect(pending).toMatchObject({ status: 'pending', attempts: 3 });
    const again = await pay(orderId, { voucher: await voucher() });
    expect(again.statusCode, again.body).toBe(200);
    expect(await ledger(orderId)).toEqual([
      expect.objectContaining({ msg_id: pending!.msg_id, status: 'settled' }),
    ]);
    expect(await settlements(orderId)).toHaveLength(1);
  });

  it('the job resolves a pending settlement by lookup, and fails one the platform never had', async () => {
    const a = await visitOrder();
    t.insurance.sim!.failNext('2207', 'lost_answer');
    t.insurance.sim!.failNext('lookup', 'timeout');
    expect((await pay(a.orderId, { voucher: await voucher() })).statusCode).toBe(503);
    t.clock.advance(60_000);
    await runSettlementJobs(t.ctx, t.insurance);
    await t.ctx.outbox.drain();
    expect(await settlements(a.orderId)).toEqual([expect.objectContaining({ status: 'settled' })]);
    expect((await getOrder(a.orderId)).status).toBe('paid');
    expect(await ledger(a.orderId)).toHaveLength(1);
    open.splice(0);
    await t.request('POST', `/api/v1/visits/${a.visitId}/cancel`, { token: wang, body: {} });
    await t.ctx.outbox.drain();
    await runSettlementJobs(t.ctx, t.insurance);

    const b = await visitOrder();
    t.insurance.sim!.failNext('2207', 'timeout', 3);
    expect((await pay(b.orderId, { voucher: await voucher() })).statusCode).toBe(503);
    t.clock.advance(60_000);
    await runSettlementJobs(t.ctx, t.insurance);
    expect(await settlements(b.orderId)).toEqual([expect.objectContaining({ status: 'pending' })]);
    t.clock.advance(2 * 60_000);
    await runSettlementJobs(t.ctx, t.insurance);
    expect(await settlements(b.orderId)).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(await ledger(b.orderId)).toEqual([]);
    await relogin();
    // Paying again starts a new settlement (under a new message id); still one in the ledger.
    const again = await pay(b.orderId, { voucher: await voucher() });
    expect(again.statusCode, again.body).toBe(200);
    expect(await ledger(b.orderId)).toHaveLength(1);
  });

  it('the gateway cannot take the cash part: the settlement is reversed at the platform, the balance restored, the order unpaid', async () => {
    await setBalance(300);
    const { orderId, amountFen } = await visitOrder();
    const real = t.payments.gateways.get('sim')!;
    const down: PaymentGateway = {
      channel: 'sim',
      prepay: async () => {
        throw new Error('gateway unreachable');
      },
      query: (o) => real.query(o),
      refund: (r) => real.refund(r),
      parseNotification: (h, b) => real.parseNotification(h, b),
    };
    t.payments.gateways.set('sim', down);
    let res: Awaited<ReturnType<typeof pay>>;
    try {
      res = await pay(orderId, { voucher: await voucher() });
    } finally {
      t.payments.gateways.set('sim', real);
    }
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json().code).toBe('INSURANCE_CASH_PREPAY_FAILED');
    const [row] = await ledger(orderId);
    expect(row).toMatchObject({ status: 'reversed' });
    expect(await balance()).toBe(300);
    expect(await settlements(orderId)).toEqual([
      expect.objectContaining({ status: 'reversed', reverse_reason: 'cash_prepay_failed' }),
    ]);
    expect(await getOrder(orderId)).toMatchObject({ status: 'created', cashFen: amountFen });
    // Paying again settles afresh: one settlement stands.
    const again = await pay(orderId, { voucher: await voucher() });
    expect(again.statusCode, again.body).toBe(200);
    expect((await ledger(orderId)).map((l) => l.status).sort()).toEqual(['reversed', 'settled']);
  });

  it('the order expires with the insurance settled: the job reverses it (2208) and the balance comes back', async () => {
    await setBalance(300);
    const { orderId, visitId } = await visitOrder();
    const res = await pay(orderId, { voucher: await voucher() });
    expect(res.json().status).toBe('awaiting_cash');
    expect(await balance()).toBe(0);
    t.clock.advance(16 * 60_000);
    await runVisitJobs(t.ctx, t.visits);
    expect((await getOrderAfterRelogin(orderId)).status).toBe('closed');
    expect(await visitStatus(visitId)).not.toBe('requested');
    const report = await runSettlementJobs(t.ctx, t.insurance);
    expect(report).toEqual({ settled: 0, failed: 0, reversing: 1, reversed: 1 });
    const [row] = await ledger(orderId);
    expect(row).toMatchObject({ status: 'reversed' });
    expect(await balance()).toBe(300);
    expect(await settlements(orderId)).toEqual([
      expect.objectContaining({ status: 'reversed', reverse_reason: 'order_closed' }),
    ]);
    // Again: nothing more to do.
    expect(await runSettlementJobs(t.ctx, t.insurance)).toEqual({
      settled: 0,
      failed: 0,
      reversing: 0,
      reversed: 0,
    });
  });

  it('a refund of an insured order is whole: the platform reverses its part, the gateway refunds the cash only', async () => {
    await setBalance(300);
    const { orderId, visitId, amountFen } = await visitOrder();
    const r = (await pay(orderId, { voucher: await voucher() })).json();
    expect(await t.sim!.confirm(r.prepayId)).toBe('paid');
    await t.sim!.settle();
    await t.ctx.outbox.drain();
    expect(await visitStatus(visitId)).toBe('waiting');
    const cancel = await t.request('POST', `/api/v1/visits/${visitId}/cancel`, { token: wang, body: {} });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await t.ctx.outbox.drain();
    await t.sim!.settle();
    expect(await getOrder(orderId)).toMatchObject({ status: 'refunded', refundedFen: amountFen });
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .select(['amount_fen', 'status'])
      .where('order_id', '=', orderId)
      .execute();
    expect(refunds).toEqual([{ amount_fen: r.insurance.cashFen, status: 'succeeded' }]);
    expect(await t.sim!.query(orderId)).toMatchObject({ state: 'paid', amountFen: r.insurance.cashFen });
    expect(await settlements(orderId)).toEqual([expect.objectContaining({ status: 'reversing' })]);
    await runSettlementJobs(t.ctx, t.insurance);
    expect(await ledger(orderId)).toEqual([expect.objectContaining({ status: 'reversed' })]);
    expect(await balance()).toBe(300);
    expect((await getOrder(orderId)).insurance).toMatchObject({ status: 'reversed' });
  });
});

describe('review fixes: one amount per cashier, prompt reversals, resends as first sent', () => {
  /** A gateway that opens the cashier and then loses its answer (the cashier stands at the gateway). */
  const lostPrepay = (): PaymentGateway => {
    const real = t.payments.gateways.get('sim')!;
    return {
      channel: 'sim',
      prepay: async (r) => {
        await real.prepay(r);
        throw new Error('gateway answer lost');
      },
      query: (o) => real.query(o),
      refund: (r) => real.refund(r),
      close: (o) => real.close!(o),
      parseNotification: (h, b) => real.parseNotification(h, b),
    };
  };

  it('INS-2: a cashier left open for a reversed cash part is closed; self-pay then asks the whole amount', async () => {
    await setBalance(300);
    const { orderId, amountFen } = await visitOrder();
    const real = t.payments.gateways.get('sim')!;
    t.payments.gateways.set('sim', lostPrepay());
    let res: Awaited<ReturnType<typeof pay>>;
    try {
      res = await pay(orderId, { voucher: await voucher() });
    } finally {
      t.payments.gateways.set('sim', real);
    }
    expect(res.json().code).toBe('INSURANCE_CASH_PREPAY_FAILED');
    const cash = (await settlements(orderId))[0]!.cash_fen;
    expect(await t.sim!.query(orderId)).toMatchObject({ state: 'pending', amountFen: cash });
    // "我的医保" shows the position before the reversed settlement again (its basis).
    const me = (await t.request('GET', '/api/v1/insurance/me', { token: wang })).json();
    expect(me.persons[0].balanceFen).toBe(300);
    const self = await pay(orderId);
    expect(self.statusCode, self.body).toBe(200);
    // The gateway's cashier is for the whole amount, never the old cash part.
    expect(await t.sim!.query(orderId)).toMatchObject({ state: 'pending', amountFen });
    expect(await t.sim!.confirm(self.json().prepayId)).toBe('paid');
    await t.sim!.settle();
    await t.ctx.outbox.drain();
    expect(await getOrder(orderId)).toMatchObject({ status: 'paid', channel: 'sim' });
  });

  it('a self-pay prepay recorded while the voucher is checked refuses insurance under the order lock: nothing settled', async () => {
    const { orderId, amountFen } = await visitOrder();
    const platform = t.insurance.platform;
    const personInfo = platform.personInfo.bind(platform);
    platform.personInfo = async (req) => {
      const answer = await personInfo(req);
      expect((await pay(orderId)).statusCode).toBe(200); // the self-pay cashier opens meanwhile
      return answer;
    };
    let res: Awaited<ReturnType<typeof pay>>;
    try {
      res = await pay(orderId, { voucher: await voucher() });
    } finally {
      platform.personInfo = personInfo;
    }
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().code).toBe('INSURANCE_SELF_PAY_STARTED');
    expect(await settlements(orderId)).toEqual([]);
    expect(await ledger(orderId)).toEqual([]);
    expect(await t.sim!.query(orderId)).toMatchObject({ state: 'pending', amountFen });
  });

  it('a gateway payment of another amount is refunded in full, never kept; the order stays open', async () => {
    const { orderId, amountFen } = await visitOrder();
    expect((await pay(orderId)).statusCode).toBe(200);
    const n = t.sim!.signedNotification({
      eventId: `odd-${orderId}`,
      kind: 'payment.succeeded',
      orderId,
      amountFen: amountFen - 1,
      txnId: `odd-txn-${orderId}`,
      occurredAt: t.clock.now().toISOString(),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments/notify/sim',
      headers: n.headers,
      payload: n.body,
    });
    expect(res.json().outcome).toBe('amount_mismatch');
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .select(['amount_fen', 'reason'])
      .where('order_id', '=', orderId)
      .execute();
    expect(refunds).toEqual([{ amount_fen: amountFen - 1, reason: 'amount_mismatch' }]);
    expect(await getOrder(orderId)).toMatchObject({ status: 'created', refundedFen: 0 });
  });

  it('INS-2: an insured order closed unpaid has its settlement set reversing by the close event, before any scan', async () => {
    await setBalance(300);
    const { orderId } = await visitOrder();
    expect((await pay(orderId, { voucher: await voucher() })).json().status).toBe('awaiting_cash');
    t.clock.advance(16 * 60_000);
    await runVisitJobs(t.ctx, t.visits);
    await t.ctx.outbox.drain();
    expect(await settlements(orderId)).toEqual([
      expect.objectContaining({ status: 'reversing', reverse_reason: 'order_closed' }),
    ]);
    expect(await runSettlementJobs(t.ctx, t.insurance)).toMatchObject({ reversing: 0, reversed: 1 });
    expect(await ledger(orderId)).toEqual([expect.objectContaining({ status: 'reversed' })]);
    expect(await balance()).toBe(300);
    await relogin();
  });

  it('a failed row the platform settled after all is reversed by the job', async () => {
    await setBalance(300);
    const { orderId } = await visitOrder();
    expect((await pay(orderId, { voucher: await voucher() })).json().status).toBe('awaiting_cash');
    // As finalizeSettlement leaves a late answer beside another live settlement: failed, with setl id.
    await t.ctx.db
      .updateTable('payment_order')
      .set({ cash_fen: null, insurance_settlement_id: null })
      .where('id', '=', orderId)
      .execute();
    await t.ctx.db
      .updateTable('insurance_settlement')
      .set({ status: 'failed' })
      .where('order_id', '=', orderId)
      .execute();
    await runSettlementJobs(t.ctx, t.insurance);
    expect(await settlements(orderId)).toEqual([expect.objectContaining({ status: 'reversed' })]);
    expect(await ledger(orderId)).toEqual([expect.objectContaining({ status: 'reversed' })]);
    expect(await balance()).toBe(300);
  });

  it('ID-3: every resend of one 2207 message id carries what the first carried (institution level fixed on the row)', async () => {
    const { orderId } = await visitOrder();
    const platform = t.insurance.platform;
    const settle = platform.settle.bind(platform);
    const sent: Parameters<typeof settle>[0][] = [];
    platform.settle = async (req) => {
      sent.push(req);
      return settle(req);
    };
    const inst = await t.ctx.db
      .selectFrom('payment_order')
      .select('institution_id')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    try {
      t.insurance.sim!.failNext('2207', 'timeout', 3);
      expect((await pay(orderId, { voucher: await voucher() })).statusCode).toBe(503);
      await t.ctx.db
        .updateTable('institution')
        .set({ level: 'secondary' })
        .where('id', '=', inst.institution_id!)
        .execute();
      expect((await pay(orderId, { voucher: await voucher() })).statusCode).toBe(200);
    } finally {
      platform.settle = settle;
      await t.ctx.db
        .updateTable('institution')
        .set({ level: 'tertiary' })
        .where('id', '=', inst.institution_id!)
        .execute();
    }
    expect(new Set(sent.map((r) => r.msgId)).size).toBe(1);
    expect(sent.map((r) => r.institutionLevel)).toEqual(sent.map(() => 'tertiary'));
  });

  it('INS-4: a block confirmed while the voucher is checked is read again under the order lock: nothing settled', async () => {
    const { orderId } = await visitOrder();
    const platform = t.insurance.platform;
    const personInfo = platform.personInfo.bind(platform);
    const alertId = newId();
    platform.personInfo = async (req) => {
      const answer = await personInfo(req);
      await t.ctx.db
        .insertInto('insurance_alert')
        .values({
          id: alertId,
          rule: 'overlapping_supply',
          subject_kind: 'patient',
          subject_id: ids.wang!,
          patient_id: ids.wang!,
          dedupe_key: `test:${alertId}`,
          evidence: JSON.stringify({}),
          source: 'batch',
          status: 'confirmed',
          decided_at: t.clock.now(),
          created_at: t.clock.now(),
        })
        .execute();
      return answer;
    };
    try {
      const res = await pay(orderId, { voucher: await voucher() });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('INSURANCE_BLOCKED_PATIENT');
      expect(await settlements(orderId)).toEqual([]);
      expect(await ledger(orderId)).toEqual([]);
    } finally {
      platform.personInfo = personInfo;
      await t.ctx.db
        .updateTable('insurance_alert')
        .set({ status: 'cleared' })
        .where('id', '=', alertId)
        .execute();
    }
  });

  it("the platform's answer must be the order's: a different total is reversed at once and refused, 422", async () => {
    const { orderId } = await visitOrder();
    const platform = t.insurance.platform;
    const settle = platform.settle.bind(platform);
    platform.settle = async (req) => {
      const r = await settle(req);
      return { ...r, totalFen: r.totalFen + 100, cashFen: r.cashFen + 100 };
    };
    let res: Awaited<ReturnType<typeof pay>>;
    try {
      res = await pay(orderId, { voucher: await voucher() });
    } finally {
      platform.settle = settle;
    }
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().code).toBe('INSURANCE_SETTLEMENT_REJECTED');
    expect(await ledger(orderId)).toEqual([expect.objectContaining({ status: 'reversed' })]);
    expect(await getOrder(orderId)).toMatchObject({ status: 'created', paidAt: null });
    expect(await orderPaidEvents(orderId)).toBe(0);
  });
});
