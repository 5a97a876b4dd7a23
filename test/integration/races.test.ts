/**
 * Races that can only happen on PostgreSQL. PGlite has one connection and its dialect hands it to one
 * transaction at a time, so there two requests never overlap inside the database and a missing lock goes
 * unnoticed; on PostgreSQL (TEST_DATABASE_URL, the second tier of .ci/run) each request gets its own
 * connection and the locks are what keeps the outcome right. Each race runs many rounds: a race that
 * goes wrong only sometimes still fails. Seen failing on PostgreSQL, and passing on PGlite, with a lock
 * removed: without `FOR UPDATE` in the visit lock (lockedVisit) both the start and the cancel succeed;
 * without the cancel locking the order before the visit, it deadlocks with the payment (a 500).
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { describeOnPostgres } from '../support/db.js';
import { makePatients } from '../support/people.js';

/**
 * How long the doctor's start waits behind the patient's cancel, round by round: from a dead heat to a
 * head start long enough for the cancel to commit first. Both orders, and the overlaps between them, then
 * occur whatever the machine's speed (here, the start mostly won at 0 ms and the cancel from 30 ms).
 */
const START_LAG_MS = [0, 3, 6, 10, 15, 20, 30, 45];
/** How long the appointment's cancel starts behind the referral (negative: ahead), round by round. */
const CANCEL_LAG_MS = [0, 2, 4, 6, 8, 10, 12, 15, 18, 22, 26, 30, -3, -6, 1, 3];
const sleep = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describeOnPostgres('races', () => {
  let t: TestApp;
  let patient: string; // 张伟: I10 diagnosed offline at YC-H01 cardiology (VISIT-1)
  let doctor: string; // 陈建国 P001, chief cardiologist at YC-H01
  let admin: string; // YC-H01's institution administrator
  let doctorId: string;

  beforeAll(async () => {
    t = await createTestApp({ seed: true }); // clock: 2026-11-22 10:00 Asia/Shanghai
    [patient, doctor, admin] = await Promise.all(
      ['13800000001', '13900000001', '13600000001'].map((phone) => t.login(phone)),
    );
    const p = await t.ctx.db
      .selectFrom('practitioner')
      .select('id')
      .where('code', '=', 'P001')
      .executeTakeFirstOrThrow();
    doctorId = p.id;
  }, 60_000);
  afterAll(async () => t?.close());

  // A failed round may leave a visit open; end it, so the next test does not fail for that (DUPLICATE_VISIT).
  afterEach(async () => {
    const open = await t.ctx.db
      .selectFrom('visit')
      .select(['id', 'status'])
      .where('practitioner_id', '=', doctorId)
      .where('status', 'in', ['requested', 'paid', 'waiting', 'in_progress'])
      .execute();
    for (const v of open) {
      if (v.status === 'in_progress') await referOffline(v.id);
      else await t.request('POST', `/api/v1/visits/${v.id}/cancel`, { token: patient, body: {} });
    }
    await t.sim!.settle();
  });

  const order = async (id: string) =>
    (await t.request('GET', `/api/v1/orders/${id}`, { token: patient })).json();
  const visit = async (id: string) =>
    (await t.request('GET', `/api/v1/visits/${id}`, { token: patient })).json();
  const refunds = (orderId: string) =>
    t.ctx.db.selectFrom('refund').select(['amount_fen', 'status']).where('order_id', '=', orderId).execute();

  /** A follow-up visit of 张伟's hypertension with 陈建国, its order created but not yet paid. */
  async function requestedVisit(): Promise<{ id: string; orderId: string }> {
    const res = await t.request('POST', '/api/v1/visits', {
      token: patient,
      body: {
        consent: true,
        description: '血压控制复诊',
        type: 'follow_up',
        doctorId,
        conditionCode: 'I10',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id, orderId: res.json().orderId };
  }

  /** The patient pays at the simulated cashier; the gateway's notification is held back and returned. */
  async function paidAtGateway(orderId: string) {
    const prepay = await t.request('POST', `/api/v1/orders/${orderId}/pay`, {
      token: patient,
      body: { channel: 'sim' },
    });
    expect(prepay.statusCode, prepay.body).toBe(200);
    t.sim!.faults.drop = true;
    try {
      expect(await t.sim!.confirm(prepay.json().prepayId)).toBe('paid');
    } finally {
      t.sim!.faults.drop = false;
    }
    const o = await order(orderId);
    return t.sim!.signedNotification({
      eventId: `race-${orderId}`,
      kind: 'payment.succeeded',
      orderId,
      amountFen: o.amountFen,
      txnId: `race-txn-${orderId}`,
      occurredAt: t.clock.now().toISOString(),
    });
  }

  const deliver = (n: { headers: Record<string, string>; body: string }) =>
    t.app.inject({ method: 'POST', url: '/api/v1/payments/notify/sim', headers: n.headers, payload: n.body });

  /** Ends a visit the doctor has started, so the next round may open a new one (one open visit per pair). */
  const referOffline = (id: string) =>
    t.request('POST', `/api/v1/visits/${id}/refer-offline`, {
      token: doctor,
      body: { reason: '测试结束', recommendation: { note: '线下复诊' } },
    });

  it('cancel racing start, 20 rounds: each round exactly one wins, and money moves only if the cancel won', async () => {
    for (let round = 0; round < 20; round++) {
      const { id, orderId } = await requestedVisit();
      const notification = await paidAtGateway(orderId);
      expect((await deliver(notification)).statusCode).toBe(200);
      expect((await visit(id)).status).toBe('waiting');

      const lag = START_LAG_MS[round % START_LAG_MS.length];
      const [start, cancel] = await Promise.all([
        sleep(lag).then(() => t.request('POST', `/api/v1/visits/${id}/start`, { token: doctor })),
        t.request('POST', `/api/v1/visits/${id}/cancel`, { token: patient, body: {} }),
      ]);
      const outcome = `round ${round} (start ${lag} ms behind): start ${start.statusCode} ${start.body}, cancel ${cancel.statusCode} ${cancel.body}`;
      expect([start.statusCode, cancel.statusCode].sort(), outcome).toEqual([200, 409]);
      await t.sim!.settle();

      const v = await visit(id);
      const o = await order(orderId);
      const r = await refunds(orderId);
      if (cancel.statusCode === 200) {
        expect(start.json().code, outcome).toBe('VISIT_NOT_WAITING');
        expect(v.status, outcome).toBe('cancelled');
        expect(o, outcome).toMatchObject({ status: 'refunded', refundedFen: o.amountFen });
        expect(r, outcome).toEqual([{ amount_fen: o.amountFen, status: 'succeeded' }]);
      } else {
        expect(cancel.json().code, outcome).toBe('NOT_CANCELLABLE');
        expect(v.status, outcome).toBe('in_progress');
        expect(o, outcome).toMatchObject({ status: 'paid', refundedFen: 0 });
        expect(r, outcome).toEqual([]);
        expect((await referOffline(id)).statusCode).toBe(200);
      }
    }
  }, 120_000);

  it('payment racing cancel, 10 rounds: the visit ends cancelled and the fee comes back exactly once', async () => {
    for (let round = 0; round < 10; round++) {
      const { id, orderId } = await requestedVisit();
      const notification = await paidAtGateway(orderId);

      const [paid, cancel] = await Promise.all([
        deliver(notification),
        t.request('POST', `/api/v1/visits/${id}/cancel`, { token: patient, body: {} }),
      ]);
      const outcome = `round ${round}: notify ${paid.statusCode} ${paid.body}, cancel ${cancel.statusCode} ${cancel.body}`;
      // Whichever comes first, neither fails: a cancel before the payment closes the order and the late
      // payment is refunded; a cancel after it refunds the paid fee.
      expect(paid.statusCode, outcome).toBe(200);
      expect(['paid', 'paid_after_close'], outcome).toContain(paid.json().outcome);
      expect(cancel.statusCode, outcome).toBe(200);
      await t.sim!.settle();

      expect((await visit(id)).status, outcome).toBe('cancelled');
      const o = await order(orderId);
      expect(o, outcome).toMatchObject({ status: 'refunded', refundedFen: o.amountFen });
      expect(await refunds(orderId), outcome).toEqual([{ amount_fen: o.amountFen, status: 'succeeded' }]);
    }
  }, 120_000);

  it('refer offline racing a cancel of the appointment it came from, 16 rounds: no deadlock, one outcome, one refund', async () => {
    // A visit from a paid online appointment shares the appointment's order: the referral (visit, then
    // appointment, then the order's refund) and the appointment's cancel (order, then appointment) once
    // locked in opposite orders and deadlocked (40P01, a 500). Both now take the order first.
    for (let round = 0; round < 16; round++) {
      const hhmm = (m: number) => `10:${String(m).padStart(2, '0')}`;
      const s = await t.request('POST', '/api/v1/schedules', {
        token: admin,
        body: {
          doctorId,
          date: '2026-11-22', // today: its window is within 30 min, so the visit queues at once
          startTime: hhmm(2 + round),
          endTime: hhmm(3 + round),
          mode: 'online_follow_up',
          capacity: 1,
          quotas: { referral: 0, partner: 0 },
        },
      });
      expect(s.statusCode, s.body).toBe(201);
      const booked = await t.request('POST', '/api/v1/appointments', {
        token: patient,
        body: { scheduleId: s.json().id },
      });
      expect(booked.statusCode, booked.body).toBe(201);
      const appointmentId = booked.json().id as string;
      const orderId = booked.json().orderId as string;
      expect((await deliver(await paidAtGateway(orderId))).statusCode).toBe(200);
      await t.sim!.settle();
      const created = await t.request('POST', '/api/v1/visits', {
        token: patient,
        body: {
          consent: true,
          description: '血压控制复诊',
          type: 'follow_up',
          appointmentId,
          conditionCode: 'I10',
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      expect(created.json()).toMatchObject({ status: 'waiting', orderId });

      // The referral holds the appointment longest before it reaches the order: the cancel mostly starts
      // a little behind it, to land in that window.
      const lag = CANCEL_LAG_MS[round % CANCEL_LAG_MS.length]!;
      const [refer, cancel] = await Promise.all([
        sleep(Math.max(0, -lag)).then(() => referOffline(id)),
        sleep(Math.max(0, lag)).then(() =>
          t.request('POST', `/api/v1/appointments/${appointmentId}/cancel`, { token: patient }),
        ),
      ]);
      const outcome = `round ${round} (cancel ${lag} ms behind): refer ${refer.statusCode} ${refer.body}, cancel ${cancel.statusCode} ${cancel.body}`;
      // The appointment is the visit's until the referral ends it, then completed: the cancel is refused
      // either way, and the referral goes through.
      expect(refer.statusCode, outcome).toBe(200);
      expect(cancel.statusCode, outcome).toBe(409);
      expect(['VISIT_IN_PROGRESS', 'NOT_CANCELLABLE'], outcome).toContain(cancel.json().code);
      await t.sim!.settle();

      expect((await visit(id)).status, outcome).toBe('referred_offline');
      const appt = await t.ctx.db
        .selectFrom('appointment')
        .select('status')
        .where('id', '=', appointmentId)
        .executeTakeFirstOrThrow();
      expect(appt.status, outcome).toBe('completed');
      const o = await order(orderId);
      const r = await refunds(orderId);
      // The referral's partial refund (VISIT-3), once; never a second one from the cancel.
      expect(r.length, outcome).toBeLessThanOrEqual(1);
      expect(o.refundedFen, outcome).toBe(r[0]?.amount_fen ?? 0);
      expect(o.refundedFen, outcome).toBeLessThanOrEqual(o.amountFen);
    }
  }, 120_000);

  it('the last token, booked by 20 patients at once (3 rounds): exactly one gets it', async () => {
    const patients = await makePatients(t, 22);
    for (let round = 0; round < 3; round++) {
      const s = await t.request('POST', '/api/v1/schedules', {
        token: admin,
        body: {
          doctorId,
          date: `2026-11-2${4 + round}`,
          startTime: '14:00',
          endTime: '14:30',
          mode: 'offline',
          capacity: 3,
          quotas: { referral: 0, partner: 0 },
        },
      });
      expect(s.statusCode, s.body).toBe(201);
      const scheduleId = s.json().id as string;
      const book = (token: string) =>
        t.request('POST', '/api/v1/appointments', { token, body: { scheduleId } });
      // Two tokens go first, one after the other; the last one is raced for.
      const tokens: number[] = [];
      for (const p of patients.slice(20)) {
        const res = await book(p.token);
        expect(res.statusCode, res.body).toBe(201);
        tokens.push(res.json().tokenNumber);
      }

      const results = await Promise.all(patients.slice(0, 20).map((p) => book(p.token)));
      const won = results.filter((r) => r.statusCode === 201);
      const lost = results.filter((r) => r.statusCode !== 201);
      expect(won, `round ${round}`).toHaveLength(1);
      expect(new Set(lost.map((r) => `${r.statusCode} ${r.json().code}`))).toEqual(
        new Set(['409 SLOT_FULL']),
      );
      expect(new Set([...tokens, won[0]!.json().tokenNumber])).toEqual(new Set([1, 2, 3]));

      const rows = await t.ctx.db
        .selectFrom('appointment')
        .select(['token_number', 'status'])
        .where('schedule_id', '=', scheduleId)
        .execute();
      expect(rows.map((r) => r.token_number).sort()).toEqual([1, 2, 3]);
      const listed = (
        await t.request(
          'GET',
          `/api/v1/schedules?doctorId=${doctorId}&from=${s.json().date}&to=${s.json().date}`,
        )
      ).json();
      expect(listed.items.find((x: { id: string }) => x.id === scheduleId).available).toBe(0);
    }
  }, 120_000);
});
