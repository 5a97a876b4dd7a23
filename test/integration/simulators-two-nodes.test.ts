/**
 * [9/12] The simulators keep their state where every API node sees it (their own tables, 0030): two apps
 * on one database stand for two nodes. A cashier opened through node A is confirmed on node B's cashier
 * page and B's signed notification pays the order (and verifies on A); a courier shipment created by A is
 * advanced by B, whose pushes B's platform accepts. With the old in-memory ledgers B answered the cashier
 * with 404 and refused A's waybill.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  approvedWith,
  batchOf,
  choose,
  dispense,
  fulfilment,
  institutionId,
  loginPeople,
  type People,
  payOrder,
  STAFF_PHONES,
  traceCodes,
} from '../support/circulation.js';
import { makePatients } from '../support/people.js';
import { AMLODIPINE, drugIdOf } from '../support/prescriptions.js';

let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  a = await createTestApp({ seed: true });
  b = await createTestApp({ database: a.database }); // node B: same database, its own simulators
  for (const node of [a, b])
    node.rx.simCourier!.faults = { ...node.rx.simCourier!.faults, delayMs: 0, hold: true };
}, 120_000);
afterAll(async () => {
  await Promise.all([
    a?.sim?.settle(),
    b?.sim?.settle(),
    a?.rx.simCourier?.settle(),
    b?.rx.simCourier?.settle(),
  ]);
  await b?.close();
  await a?.close();
});

/** A fresh booking on node A (held, unpaid): its patient and order. */
async function bookedOrder() {
  const admin = await a.login('13600000001');
  const doctor = await a.ctx.db
    .selectFrom('account')
    .select('practitioner_id')
    .where('phone_bidx', '=', a.ctx.cipher.blindIndex('phone', '13900000001'))
    .executeTakeFirstOrThrow();
  const s = await a.request('POST', '/api/v1/schedules', {
    token: admin,
    body: {
      doctorId: doctor.practitioner_id,
      date: '2026-11-24',
      startTime: '08:00',
      endTime: '08:30',
      mode: 'offline',
      capacity: 2,
      quotas: { referral: 0, partner: 0 },
    },
  });
  expect(s.statusCode, s.body).toBe(201);
  const [p] = await makePatients(a, 1);
  const booked = await a.request('POST', '/api/v1/appointments', {
    token: p!.token,
    body: { scheduleId: s.json().id },
  });
  expect(booked.statusCode, booked.body).toBe(201);
  return { token: p!.token, orderId: booked.json().orderId as string };
}

describe('two nodes, one simulated gateway', () => {
  it('signs with one key on every node', () => {
    const pem = (n: TestApp) => n.sim!.publicKey.export({ type: 'spki', format: 'pem' });
    expect(pem(b)).toEqual(pem(a));
  });

  it('a cashier opened through node A is confirmed on node B’s page, and the order is paid', async () => {
    const { token, orderId } = await bookedOrder();
    const pay = await a.request('POST', `/api/v1/orders/${orderId}/pay`, { token, body: { channel: 'sim' } });
    expect(pay.statusCode, pay.body).toBe(200);
    const { prepayId } = pay.json() as { prepayId: string };
    // Node B shows A's cashier (it was 404 there with a ledger per process).
    const page = await b.request('GET', `/sim-gateway/cashier/${prepayId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('¥');
    const confirmed = await b.request('POST', `/sim-gateway/cashier/${prepayId}/confirm`);
    expect(confirmed.json()).toEqual({ status: 'paid' });
    await b.sim!.settle(); // B's notification, to B's platform
    const order = await a.request('GET', `/api/v1/orders/${orderId}`, { token });
    expect(order.json()).toMatchObject({ status: 'paid', channel: 'sim' });
    // A sees it paid too: its cashier answers already_paid, its query API says paid.
    expect((await a.request('POST', `/sim-gateway/cashier/${prepayId}/confirm`)).json()).toEqual({
      status: 'already_paid',
    });
    const queried = await a.sim!.query(orderId);
    expect(queried).toMatchObject({ state: 'paid' });
    // B's signature verifies on A: B's notification replayed to A is taken (as a duplicate), not refused.
    const replay = b.sim!.signedNotification({
      eventId: 'replayed-through-a',
      kind: 'payment.succeeded',
      orderId,
      amountFen: queried.amountFen!,
      txnId: queried.txnId!,
      occurredAt: a.clock.now().toISOString(),
    });
    const taken = await a.app.inject({
      method: 'POST',
      url: '/api/v1/payments/notify/sim',
      headers: replay.headers,
      payload: replay.body,
    });
    expect(taken.statusCode, taken.body).toBe(200);
  });

  it('two nodes preparing the same order at once open one cashier', async () => {
    const req = {
      orderId: '00000000-0000-7000-8000-00000000b0b0',
      amountFen: 1_200,
      description: '挂号费',
      expiresAt: new Date(a.clock.now().getTime() + 15 * 60_000),
    };
    const [fromA, fromB] = await Promise.all([a.sim!.prepay(req), b.sim!.prepay(req)]);
    expect(fromB.prepayId).toBe(fromA.prepayId);
  });

  it('a refund number is taken once, whichever node submits it', async () => {
    const req = {
      orderId: '00000000-0000-7000-8000-00000000b0b1',
      amountFen: 800,
      description: '挂号费',
      expiresAt: new Date(a.clock.now().getTime() + 15 * 60_000),
    };
    const { prepayId } = await a.sim!.prepay(req);
    const told: string[] = [];
    const deliverA = a.sim!.deliver;
    const deliverB = b.sim!.deliver;
    // What the gateway notifies, from either node (the platform knows nothing of this made-up order).
    a.sim!.deliver = b.sim!.deliver = async (_h, body) => {
      told.push(JSON.parse(body).kind);
    };
    try {
      expect(await a.sim!.confirm(prepayId)).toBe('paid');
      const refund = { orderId: req.orderId, refundNo: `${req.orderId}:r1`, amountFen: 800, totalFen: 800 };
      const first = a.sim!.refund(refund);
      const second = b.sim!.refund(refund);
      expect(second.refundId).toBe(first.refundId);
      const beyond = b.sim!.refund({ ...refund, refundNo: `${req.orderId}:r2`, amountFen: 1 });
      await Promise.all([a.sim!.settle(), b.sim!.settle()]);
      expect(told.sort()).toEqual(['payment.succeeded', 'refund.failed', 'refund.succeeded']);
      expect(beyond.state).toBe('pending'); // decided by the gateway afterwards, as WeChat Pay's refunds are
    } finally {
      a.sim!.deliver = deliverA;
      b.sim!.deliver = deliverB;
    }
  });
});

describe('two nodes, one simulated courier', () => {
  let people: People;
  let r01: string;

  beforeAll(async () => {
    people = await loginPeople(a);
    r01 = await institutionId(a, 'YC-R01');
  }, 60_000);

  it('a shipment created through node A is advanced through node B, whose pushes B’s platform takes', async () => {
    expect(b.rx.simCourier!.sharedKey.equals(a.rx.simCourier!.sharedKey)).toBe(true);
    const rx = await approvedWith(a, people);
    const address = await a.request('POST', '/api/v1/addresses', {
      token: people.patient,
      body: { recipient: '张伟', phone: '13812345678', subdistrict: 'wangchuan', detail: '望川东路 7 号' },
    });
    const chosen = await choose(a, people.patient, rx.id, {
      pharmacyId: r01,
      method: 'delivery',
      addressId: address.json().id,
    });
    expect(chosen.statusCode, chosen.body).toBe(201);
    await payOrder(a, people.patient, chosen.json().orderId);
    const fulfilmentId = chosen.json().id as string;
    const amlodipine = await drugIdOf(a, AMLODIPINE);
    const batchNo = await batchOf(a, r01, amlodipine);
    const staff = await a.login(STAFF_PHONES.r01);
    const ok = await dispense(a, staff, fulfilmentId, {
      items: [{ drugId: amlodipine, batchNo, traceCodes: traceCodes(1) }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    await a.ctx.outbox.drain(); // node A hands the parcel to the courier (its simulator: held)
    await a.rx.simCourier!.settle();
    const shipped = await fulfilment(a, people.patient, fulfilmentId);
    const waybillNo = shipped.delivery.waybillNo as string;
    expect(shipped.delivery).toMatchObject({ courier: 'sim', status: 'created' });

    const steps: (string | null)[] = [];
    for (let i = 0; i < 4; i++) steps.push(await b.rx.simCourier!.advance(waybillNo));
    expect(steps).toEqual(['picked_up', 'in_transit', 'delivered', null]);
    expect((await a.rx.simCourier!.shipment(waybillNo))?.state).toBe('delivered');
    const done = await fulfilment(a, people.patient, fulfilmentId);
    expect(done.delivery).toMatchObject({ waybillNo, status: 'delivered' });
  });
});
