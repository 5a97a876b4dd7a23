/**
 * The lock order (docs/architecture.md, "Lock order"): a payment order's lock is taken before the lock of
 * the thing it pays for and before the schedule's. Raced on PostgreSQL only (PGlite runs one transaction at
 * a time): a payment notification for an appointment against the patient's cancel of it, and against the
 * institution's stop (停诊) of its schedule; and a stop against a cancel that hands the token to the
 * waitlist (the promotion inserts an appointment, which takes a share lock on the schedule's row).
 *
 * Every round: both calls answer without a 5xx, no deadlock (40P01) is ever logged — the order_paid
 * subscriber runs in the notification's request and again from the outbox, so its failures show in the
 * log, not in a status — and the end state is one of the consistent ones: the appointment cancelled, its
 * order closed unpaid or paid and refunded in full exactly once, never money kept for nothing.
 *
 * Seen failing with the order reversed: with the cancel locking the appointment before the order
 * (appointments.service.ts) the payment's subscriber deadlocks with it (40P01 logged, the subscriber
 * retried); with the stop locking the schedule before the orders, the stop deadlocks with a cancel that
 * promotes from the waitlist (a 500).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { describeOnPostgres, itOnPostgres } from '../support/db.js';
import { makePatients } from '../support/people.js';

/**
 * How far the second call starts behind the first, round by round: from 4 ms ahead to 40 ms behind, 1 ms
 * apart. The deadlocks it catches with the order reversed open for a millisecond or two, somewhere in that
 * range depending on the machine (the payment's subscriber runs after the notification's own commit).
 */
const LAG_MS = Array.from({ length: 45 }, (_, i) => i - 4);
const ROUNDS = LAG_MS.length;
const sleep = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describeOnPostgres('lock order: payment order before appointment and schedule', () => {
  let t: TestApp;
  let admin: string; // YC-H01's institution administrator
  let doctorId: string;
  let made = 0;

  beforeAll(async () => {
    t = await createTestApp({ seed: true }); // clock: 2026-11-22 10:00 Asia/Shanghai
    admin = await t.login('13600000001');
    const p = await t.ctx.db
      .selectFrom('practitioner')
      .select('id')
      .where('code', '=', 'P001')
      .executeTakeFirstOrThrow();
    doctorId = p.id;
  }, 60_000);
  afterAll(async () => t?.close());

  /** A one-token offline session of 陈建国, each at a time of its own over the coming week. */
  async function schedule(): Promise<string> {
    const n = made++;
    const date = `2026-11-${23 + (n % 6)}`;
    const minutes = 8 * 60 + 30 * Math.floor(n / 6);
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const s = await t.request('POST', '/api/v1/schedules', {
      token: admin,
      body: {
        doctorId,
        date,
        startTime: hhmm(minutes),
        endTime: hhmm(minutes + 30),
        mode: 'offline',
        capacity: 1,
        quotas: { referral: 0, partner: 0 },
      },
    });
    expect(s.statusCode, s.body).toBe(201);
    return s.json().id;
  }

  async function book(token: string, scheduleId: string) {
    const res = await t.request('POST', '/api/v1/appointments', { token, body: { scheduleId } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().orderId).toBeTruthy();
    return { id: res.json().id as string, orderId: res.json().orderId as string };
  }

  /** Paid at the simulated cashier; the gateway's signed notification is held back and returned. */
  async function paidAtGateway(token: string, orderId: string) {
    const prepay = await t.request('POST', `/api/v1/orders/${orderId}/pay`, {
      token,
      body: { channel: 'sim' },
    });
    expect(prepay.statusCode, prepay.body).toBe(200);
    t.sim!.faults.drop = true;
    try {
      expect(await t.sim!.confirm(prepay.json().prepayId)).toBe('paid');
    } finally {
      t.sim!.faults.drop = false;
    }
    const o = await t.ctx.db
      .selectFrom('payment_order')
      .select('amount_fen')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    return t.sim!.signedNotification({
      eventId: `lock-order-${orderId}`,
      kind: 'payment.succeeded',
      orderId,
      amountFen: o.amount_fen,
      txnId: `lock-order-txn-${orderId}`,
      occurredAt: t.clock.now().toISOString(),
    });
  }

  const deliver = (n: { headers: Record<string, string>; body: string }) =>
    t.app.inject({ method: 'POST', url: '/api/v1/payments/notify/sim', headers: n.headers, payload: n.body });

  const appointmentStatus = async (id: string) =>
    (await t.ctx.db.selectFrom('appointment').select('status').where('id', '=', id).executeTakeFirstOrThrow())
      .status;

  /**
   * The order's end: closed and never paid, or paid and refunded in full exactly once (whatever the
   * refund's reason). Pending refunds are paid back by the outbox after the commit: settled first.
   */
  async function moneyBack(orderId: string, outcome: string) {
    await t.sim!.settle();
    const o = await t.ctx.db
      .selectFrom('payment_order')
      .select(['status', 'amount_fen', 'refunded_fen', 'paid_at'])
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .select(['amount_fen', 'status'])
      .where('order_id', '=', orderId)
      .execute();
    if (o.status === 'closed') {
      expect(o.paid_at, outcome).toBeNull();
      expect(refunds, outcome).toEqual([]);
    } else {
      expect(o.status, outcome).toBe('refunded');
      expect(o.refunded_fen, outcome).toBe(o.amount_fen);
      expect(refunds, outcome).toEqual([{ amount_fen: o.amount_fen, status: 'succeeded' }]);
    }
    return o.status;
  }

  /** Nothing in the log so far says deadlock; no answer was a 5xx. */
  function noDeadlock(outcome: string, ...answers: { statusCode: number }[]) {
    const deadlocks = t.logLines.filter((l) => l.includes('40P01') || /deadlock/i.test(l));
    expect(deadlocks, outcome).toEqual([]);
    for (const a of answers) expect(a.statusCode, outcome).toBeLessThan(500);
  }

  const race = <A, B>(lag: number, first: () => Promise<A>, second: () => Promise<B>) =>
    Promise.all([sleep(Math.max(0, -lag)).then(first), sleep(Math.max(0, lag)).then(second)]);

  itOnPostgres(
    `a payment notification racing the patient's cancel of the pending appointment, ${ROUNDS} rounds`,
    async () => {
      const patients = await makePatients(t, ROUNDS);
      const ends = new Set<string>();
      for (let round = 0; round < ROUNDS; round++) {
        const { token } = patients[round]!;
        const a = await book(token, await schedule());
        const notification = await paidAtGateway(token, a.orderId);
        const lag = LAG_MS[round]!;
        const [paid, cancel] = await race(
          lag,
          () => deliver(notification),
          () => t.request('POST', `/api/v1/appointments/${a.id}/cancel`, { token }),
        );
        const outcome = `round ${round} (cancel ${lag} ms behind): notify ${paid.statusCode} ${paid.body}, cancel ${cancel.statusCode} ${cancel.body}`;
        noDeadlock(outcome, paid, cancel);
        expect(paid.statusCode, outcome).toBe(200);
        expect(cancel.statusCode, outcome).toBe(200);
        expect(await appointmentStatus(a.id), outcome).toBe('cancelled');
        // Paid before or after the cancel, the payment is refunded once: the gateway took the money.
        ends.add(await moneyBack(a.orderId, outcome));
      }
      expect([...ends]).toEqual(['refunded']);
    },
    180_000,
  );

  itOnPostgres(
    `a payment notification racing the stop (停诊) of the appointment's schedule, ${ROUNDS} rounds`,
    async () => {
      const patients = await makePatients(t, ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        const { token } = patients[round]!;
        const scheduleId = await schedule();
        const a = await book(token, scheduleId);
        const notification = await paidAtGateway(token, a.orderId);
        const lag = LAG_MS[round]!;
        const [paid, stop] = await race(
          lag,
          () => deliver(notification),
          () =>
            t.request('POST', `/api/v1/schedules/${scheduleId}/stop`, {
              token: admin,
              body: { reason: '医生临时出诊' },
            }),
        );
        const outcome = `round ${round} (stop ${lag} ms behind): notify ${paid.statusCode} ${paid.body}, stop ${stop.statusCode} ${stop.body}`;
        noDeadlock(outcome, paid, stop);
        expect(paid.statusCode, outcome).toBe(200);
        expect(stop.json(), outcome).toEqual({ id: scheduleId, status: 'stopped', cancelled: 1 });
        expect(await appointmentStatus(a.id), outcome).toBe('cancelled');
        expect(await moneyBack(a.orderId, outcome), outcome).toBe('refunded');
      }
    },
    180_000,
  );

  itOnPostgres(
    `a stop racing a cancel that promotes the waitlist, ${ROUNDS} rounds`,
    async () => {
      const patients = await makePatients(t, 2 * ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        const first = patients[2 * round]!;
        const waiting = patients[2 * round + 1]!;
        const scheduleId = await schedule();
        const a = await book(first.token, scheduleId);
        expect((await deliver(await paidAtGateway(first.token, a.orderId))).statusCode).toBe(200);
        expect(await appointmentStatus(a.id)).toBe('confirmed');
        const joined = await t.request('POST', `/api/v1/schedules/${scheduleId}/waitlist`, {
          token: waiting.token,
          body: {},
        });
        expect(joined.statusCode, joined.body).toBe(201);
        const lag = LAG_MS[round]!;
        const [cancel, stop] = await race(
          lag,
          () => t.request('POST', `/api/v1/appointments/${a.id}/cancel`, { token: first.token }),
          () =>
            t.request('POST', `/api/v1/schedules/${scheduleId}/stop`, {
              token: admin,
              body: { reason: '医生临时出诊' },
            }),
        );
        const outcome = `round ${round} (stop ${lag} ms behind): cancel ${cancel.statusCode} ${cancel.body}, stop ${stop.statusCode} ${stop.body}`;
        noDeadlock(outcome, cancel, stop);
        expect(stop.statusCode, outcome).toBe(200);
        // The cancel either went first (and promoted the waiting patient), or found the stop's cancellation.
        if (cancel.statusCode !== 200) expect(cancel.json().code, outcome).toBe('NOT_CANCELLABLE');
        const rows = await t.ctx.db
          .selectFrom('appointment')
          .select(['id', 'status', 'order_id', 'patient_id'])
          .where('schedule_id', '=', scheduleId)
          .execute();
        // Nothing stays live on a stopped schedule: the first booking and any promoted one are cancelled.
        expect(
          rows.map((r) => r.status),
          outcome,
        ).toEqual(rows.map(() => 'cancelled'));
        expect(rows.length, outcome).toBe(cancel.statusCode === 200 ? 2 : 1);
        expect(stop.json().cancelled, outcome).toBe(rows.length - (cancel.statusCode === 200 ? 1 : 0));
        const entry = await t.ctx.db
          .selectFrom('waitlist_entry')
          .select('status')
          .where('schedule_id', '=', scheduleId)
          .executeTakeFirstOrThrow();
        expect(entry.status, outcome).not.toBe('waiting');
        // The paid booking is refunded once; a promoted one was never paid and its order is closed.
        expect(await moneyBack(a.orderId, outcome), outcome).toBe('refunded');
        for (const r of rows.filter((x) => x.id !== a.id))
          expect(await moneyBack(r.order_id!, outcome), outcome).toBe('closed');
      }
    },
    180_000,
  );
});
