import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RefundRequest } from '../../src/server/modules/payments/gateway.js';
import { reconcile } from '../../src/server/modules/payments/payment.service.js';
import { expireHolds } from '../../src/server/modules/scheduling/schedule-jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { makePatients } from '../support/people.js';

// [2/6] payments through the simulated gateway: notifications are verified, applied once, in any order.
let t: TestApp;
let admin: string;
let doctorId: string;
let n = 0;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  admin = await t.login('13600000001');
  const doctor = await t.ctx.db
    .selectFrom('account')
    .select('practitioner_id')
    .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13900000001'))
    .executeTakeFirstOrThrow();
  doctorId = doctor.practitioner_id!;
});
afterAll(async () => t.close());

/** A patient with a fresh booking (held, unpaid) and its order. */
async function bookedOrder() {
  n += 1;
  const s = await t.request('POST', '/api/v1/schedules', {
    token: admin,
    body: {
      doctorId,
      date: `2026-11-${23 + (n % 5)}`,
      startTime: `${String(7 + Math.floor(n / 5)).padStart(2, '0')}:00`,
      endTime: `${String(7 + Math.floor(n / 5)).padStart(2, '0')}:30`,
      mode: 'offline',
      capacity: 2,
      quotas: { referral: 0, partner: 0 },
    },
  });
  const [p] = await makePatients(t, 1);
  const a = (
    await t.request('POST', '/api/v1/appointments', { token: p!.token, body: { scheduleId: s.json().id } })
  ).json();
  const pay = (
    await t.request('POST', `/api/v1/orders/${a.orderId}/pay`, { token: p!.token, body: { channel: 'sim' } })
  ).json();
  return {
    p: p!,
    appointmentId: a.id as string,
    orderId: a.orderId as string,
    prepayId: pay.prepayId as string,
  };
}

const order = (token: string, id: string) =>
  t.request('GET', `/api/v1/orders/${id}`, { token }).then((r) => r.json());
const appointment = async (id: string) =>
  (await t.ctx.db.selectFrom('appointment').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status;

describe('payment notifications', () => {
  it('a confirmed payment arrives as a signed notification and confirms the booking', async () => {
    const b = await bookedOrder();
    expect((await order(b.p.token, b.orderId)).status).toBe('created');
    expect(await t.sim!.confirm(b.prepayId)).toBe('paid');
    await t.sim!.settle();
    expect(await order(b.p.token, b.orderId)).toMatchObject({ status: 'paid', channel: 'sim' });
    expect(await appointment(b.appointmentId)).toBe('confirmed');
    const inbox = (await t.request('GET', '/api/v1/notifications', { token: b.p.token })).json();
    expect(inbox.items.map((x: { kind: string }) => x.kind)).toEqual(['paid', 'booked']);
  });

  it('a duplicated notification is applied once', async () => {
    t.sim!.faults.duplicate = true;
    const b = await bookedOrder();
    await t.sim!.confirm(b.prepayId);
    await t.sim!.settle();
    t.sim!.faults.duplicate = false;
    const rows = await t.ctx.db
      .selectFrom('payment_notification')
      .select(['applied', 'outcome'])
      .where('order_id', '=', b.orderId)
      .execute();
    expect(rows).toHaveLength(1); // the second delivery hit the unique event id
    expect(rows[0]).toMatchObject({ applied: true, outcome: 'paid' });
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'order.paid')
      .where('resource_id', '=', b.orderId)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('a forged notification is refused with 401 and changes nothing', async () => {
    const b = await bookedOrder();
    const genuine = t.sim!.signedNotification({
      eventId: 'forged-1',
      kind: 'payment.succeeded',
      orderId: b.orderId,
      amountFen: 1,
      occurredAt: new Date().toISOString(),
    });
    const tampered = genuine.body.replace('"amountFen":1', '"amountFen":10000');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments/notify/sim',
      headers: genuine.headers,
      payload: tampered,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('INVALID_SIGNATURE');
    const unsigned = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments/notify/sim',
      headers: { 'content-type': 'application/json' },
      payload: tampered,
    });
    expect(unsigned.statusCode).toBe(401);
    expect((await order(b.p.token, b.orderId)).status).toBe('created');
  });

  it('out of order: a late payment for an order already closed is refunded, not lost', async () => {
    t.sim!.faults.notifyDelayMs = 0;
    const b = await bookedOrder();
    // The patient pays at the cashier, but the notification is held back…
    t.sim!.faults.drop = true;
    await t.sim!.confirm(b.prepayId);
    t.sim!.faults.drop = false;
    // …the hold expires first and the order is closed…
    t.clock.advance(16 * 60_000);
    await expireHolds(t.ctx);
    expect(await appointment(b.appointmentId)).toBe('expired');
    // …then the payment notification arrives.
    const late = t.sim!.signedNotification({
      eventId: 'late-1',
      kind: 'payment.succeeded',
      orderId: b.orderId,
      amountFen: 10_000,
      txnId: 'late',
      occurredAt: t.clock.now().toISOString(),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments/notify/sim',
      headers: late.headers,
      payload: late.body,
    });
    expect(res.json().outcome).toBe('paid_after_close');
    await t.sim!.settle();
    expect(await order(b.p.token, b.orderId)).toMatchObject({ status: 'refunded', refundedFen: 10_000 });
    expect(await appointment(b.appointmentId)).toBe('expired');
  });

  it('reconciliation finds a payment whose notification never came', async () => {
    const b = await bookedOrder();
    t.sim!.faults.drop = true;
    await t.sim!.confirm(b.prepayId);
    t.sim!.faults.drop = false;
    expect((await order(b.p.token, b.orderId)).status).toBe('created');
    t.clock.advance(2 * 60_000);
    const r = await reconcile(t.ctx, t.payments);
    expect(r.applied).toBeGreaterThanOrEqual(1);
    expect((await order(b.p.token, b.orderId)).status).toBe('paid');
    expect(await appointment(b.appointmentId)).toBe('confirmed');
    // Running it again applies nothing new.
    const again = await reconcile(t.ctx, t.payments);
    expect(again.applied).toBe(0);
  });

  it('another patient cannot read or pay the order', async () => {
    const b = await bookedOrder();
    const [other] = await makePatients(t, 1);
    const res = await t.request('GET', `/api/v1/orders/${b.orderId}`, { token: other!.token });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NOT_YOUR_PATIENT');
  });
});

/** Refunds and payment effects go through the outbox: delayed or failing, they happen once. */
describe('payment effects through the outbox', () => {
  // These tests move the clock by hours: the administrator's staff session idles out (DJ-4) in between.
  beforeEach(async () => {
    admin = await t.login('13600000001');
  });
  const refunds = (orderId: string) =>
    t.ctx.db
      .selectFrom('refund')
      .select(['refund_no', 'amount_fen', 'status', 'reason'])
      .where('order_id', '=', orderId)
      .execute();

  it('a hold whose order is paid runs out before the booking takes the payment: it is confirmed, not refunded', async () => {
    const b = await bookedOrder();
    // The payment commits, but its payments.order_paid event waits (its subscriber backing off, say)…
    t.ctx.outbox.paused = true;
    try {
      await t.sim!.confirm(b.prepayId);
      await t.sim!.settle();
      expect((await order(b.p.token, b.orderId)).status).toBe('paid');
      expect(await appointment(b.appointmentId)).toBe('pending_payment');
      // …while the hold runs out: the job leaves a paid order's booking to its subscriber.
      t.clock.advance(16 * 60_000);
      await expireHolds(t.ctx);
      expect(await appointment(b.appointmentId)).toBe('pending_payment');
    } finally {
      t.ctx.outbox.paused = false;
    }
    await t.ctx.outbox.drain();
    await t.sim!.settle();
    expect(await appointment(b.appointmentId)).toBe('confirmed');
    expect(await order(b.p.token, b.orderId)).toMatchObject({ status: 'paid', refundedFen: 0 });
    expect(await refunds(b.orderId)).toEqual([]);
  });

  it('a payment whose booking was cancelled before the booking took it is refunded in full, once', async () => {
    const b = await bookedOrder();
    // The payment commits, but its payments.order_paid event waits (the process died, say)…
    t.ctx.outbox.paused = true;
    try {
      await t.sim!.confirm(b.prepayId);
      await t.sim!.settle();
      expect((await order(b.p.token, b.orderId)).status).toBe('paid');
      expect(await appointment(b.appointmentId)).toBe('pending_payment');
      // …while the patient cancels the (still unpaid-looking) booking and the token goes back.
      const cancel = await t.request('POST', `/api/v1/appointments/${b.appointmentId}/cancel`, {
        token: b.p.token,
      });
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(await appointment(b.appointmentId)).toBe('cancelled');
    } finally {
      t.ctx.outbox.paused = false;
    }
    await t.ctx.outbox.drain();
    await t.sim!.settle();
    expect(await appointment(b.appointmentId)).toBe('cancelled');
    expect(await order(b.p.token, b.orderId)).toMatchObject({ status: 'refunded', refundedFen: 10_000 });
    expect(await refunds(b.orderId)).toEqual([
      {
        refund_no: `${b.orderId}:paid_after_release`,
        amount_fen: 10_000,
        status: 'succeeded',
        reason: 'paid_after_release',
      },
    ]);
    const notes = await t.ctx.db
      .selectFrom('payment_notification')
      .select(['kind', 'outcome'])
      .where('order_id', '=', b.orderId)
      .orderBy('received_at')
      .execute();
    expect(notes).toContainEqual({ kind: 'payment.succeeded', outcome: 'paid_after_release' });
    // Delivered again (a second dispatcher, a retry), nothing more is refunded.
    t.clock.advance(3600_000);
    expect(await t.ctx.outbox.drain()).toBe(0);
    expect(await refunds(b.orderId)).toHaveLength(1);
  });

  it('a refund the gateway could not take is submitted again after its backoff, with the same refund number', async () => {
    t.sim!.faults.notifyDelayMs = 0;
    const b = await bookedOrder();
    t.sim!.faults.drop = true;
    await t.sim!.confirm(b.prepayId);
    t.sim!.faults.drop = false;
    t.clock.advance(16 * 60_000);
    await expireHolds(t.ctx);
    // The gateway is down for the first submission of the refund.
    const gateways = t.payments.gateways;
    const real = gateways.get('sim')!;
    const asked: RefundRequest[] = [];
    gateways.set('sim', {
      channel: 'sim',
      prepay: (r) => real.prepay(r),
      query: (o) => real.query(o),
      parseNotification: (h, body) => real.parseNotification(h, body),
      refund: async (r) => {
        asked.push(r);
        if (asked.length === 1) throw new Error('gateway unreachable');
        return real.refund(r);
      },
    });
    try {
      const late = t.sim!.signedNotification({
        eventId: `late-${b.orderId}`,
        kind: 'payment.succeeded',
        orderId: b.orderId,
        amountFen: 10_000,
        txnId: 'late-2',
        occurredAt: t.clock.now().toISOString(),
      });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/payments/notify/sim',
        headers: late.headers,
        payload: late.body,
      });
      expect(res.json().outcome, res.body).toBe('paid_after_close');
      // The refund is recorded with the payment (the money is owed) but the gateway has not taken it.
      expect(await refunds(b.orderId)).toEqual([
        expect.objectContaining({ amount_fen: 10_000, status: 'pending' }),
      ]);
      expect(asked).toHaveLength(1);
      expect(await t.ctx.outbox.drain()).toBe(0); // backing off
      t.clock.advance(60_000);
      expect(await t.ctx.outbox.drain()).toBe(1);
      await t.sim!.settle();
    } finally {
      gateways.set('sim', real);
    }
    expect(asked.map((r) => r.refundNo)).toEqual([
      `${b.orderId}:paid_after_release`,
      `${b.orderId}:paid_after_release`,
    ]);
    expect(await refunds(b.orderId)).toEqual([
      expect.objectContaining({ amount_fen: 10_000, status: 'succeeded' }),
    ]);
    expect(await order(b.p.token, b.orderId)).toMatchObject({ status: 'refunded', refundedFen: 10_000 });
    t.clock.advance(3600_000);
    expect(await t.ctx.outbox.drain()).toBe(0);
    expect(asked).toHaveLength(2);
  });
});
