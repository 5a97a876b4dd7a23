/**
 * Circulation (RX-13), dispensing (RX-11), delivery and refunds ([5/12]) through the public API on the
 * seeded region: 张伟's approved amlodipine prescription is filled at a pharmacy he chooses, paid through
 * the simulated gateway, dispensed with trace codes, delivered by the simulated courier, received.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COURIER_CALLBACKS_PER_MINUTE } from '../../src/server/modules/prescriptions/circulation.routes.js';
import { runPrescriptionJobs } from '../../src/server/modules/prescriptions/prescription-jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  addAddress,
  approvedWith,
  batchOf,
  choose,
  dispense,
  fulfilment,
  institutionId,
  loginPeople,
  type People,
  payOrder,
  postCallback,
  STAFF_PHONES,
  stockOf,
  traceCodes,
} from '../support/circulation.js';
import { AMLODIPINE, drugIdOf, followUpVisit, prescribeAmlodipine } from '../support/prescriptions.js';

let t: TestApp;
let people: People;
const staff: Record<keyof typeof STAFF_PHONES, string> = { r01: '', r02: '', r03: '', h01: '' };
const ids: Record<string, string> = {};
let amlodipine: string;
let addressId: string;

async function relogin() {
  people = await loginPeople(t);
  for (const [k, phone] of Object.entries(STAFF_PHONES))
    staff[k as keyof typeof staff] = await t.login(phone);
}

beforeAll(async () => {
  t = await createTestApp({ seed: true }); // clock: 2026-11-22 10:00 Asia/Shanghai
  t.rx.simCourier!.faults.delayMs = 0;
  await relogin();
  for (const code of ['YC-R01', 'YC-R02', 'YC-R03', 'YC-H01', 'YC-H02', 'YC-H06'])
    ids[code] = await institutionId(t, code);
  amlodipine = await drugIdOf(t, AMLODIPINE);
  addressId = (await addAddress(t, people.patient)).id;
}, 120_000);
afterAll(async () => {
  await t.rx.simCourier?.settle();
  await t?.close();
});

const settle = async () => {
  await t.rx.simCourier!.settle();
  await t.ctx.outbox.drain();
  await t.rx.simCourier!.settle();
};

/**
 * Rewrites a signed prescription's stored signature behind the application's back (the database refuses
 * it, RX-2: its guard is lifted for the moment), to show the pharmacy's check catches a forged row.
 */
async function rewriteSignature(prescriptionId: string, signature: string) {
  await t.ctx.db.transaction().execute(async (trx) => {
    await sql`alter table prescription disable trigger prescription_signed_guard`.execute(trx);
    await trx.updateTable('prescription').set({ signature }).where('id', '=', prescriptionId).execute();
    await sql`alter table prescription enable trigger prescription_signed_guard`.execute(trx);
  });
}

/** An approved prescription, a fulfilment chosen at `pharmacy`, optionally paid. */
async function chosen(pharmacy: string, method: 'pickup' | 'delivery', paid = true) {
  const rx = await approvedWith(t, people);
  const res = await choose(t, people.patient, rx.id, {
    pharmacyId: ids[pharmacy],
    method,
    ...(method === 'delivery' ? { addressId } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  const f = res.json() as { id: string; orderId: string; pickupCode?: string };
  if (paid) await payOrder(t, people.patient, f.orderId);
  return { rx, ...f };
}

async function boxes(pharmacy: string, n = 1, codes = traceCodes(n)) {
  return {
    items: [{ drugId: amlodipine, batchNo: await batchOf(t, ids[pharmacy]!, amlodipine), traceCodes: codes }],
  };
}

describe('choosing a pharmacy (RX-13)', () => {
  it('RX-2/RX-3: a prescription not yet approved has no pharmacies to choose (409 RX_NOT_APPROVED)', async () => {
    const visitId = await followUpVisit(t, { patientToken: people.patient, doctorToken: people.doctor });
    const draft = await prescribeAmlodipine(t, visitId, people.doctor);
    const res = await t.request('GET', `/api/v1/prescriptions/${draft}/pharmacies`, {
      token: people.patient,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('RX_NOT_APPROVED');
    const pick = await choose(t, people.patient, draft, { pharmacyId: ids['YC-R01'], method: 'pickup' });
    expect(pick.json().code).toBe('RX_NOT_APPROVED');
    await t.request('POST', `/api/v1/prescriptions/${draft}/sign`, { token: people.doctor });
    await t.request('POST', `/api/v1/visits/${visitId}/complete`, { token: people.doctor });
    await t.request('POST', `/api/v1/prescriptions/${draft}/review`, {
      token: people.pharmacist,
      body: { decision: 'approve' },
    });
  });

  it('RX-13: lists the retail pharmacies and the issuing hospital, the one lacking amlodipine last, then by distance', async () => {
    const rx = await approvedWith(t, people);
    const res = await t.request('GET', `/api/v1/prescriptions/${rx.id}/pharmacies`, {
      token: people.patient,
    });
    expect(res.statusCode, res.body).toBe(200);
    const offers = res.json().items as {
      pharmacyId: string;
      available: boolean;
      distanceM: number;
      items: { drugId: string; quantity: number; inStock: boolean; priceFen: number | null }[];
      drugFen: number | null;
      deliveryFeeFen: number;
      methods: string[];
      type: string;
    }[];
    const byId = new Map(offers.map((o) => [o.pharmacyId, o]));
    // Every retail pharmacy and YC-H01 (the issuing hospital); not another hospital's pharmacy.
    expect([...byId.keys()].sort()).toEqual(
      [ids['YC-R01'], ids['YC-R02'], ids['YC-R03'], ids['YC-H01']].sort(),
    );
    expect(byId.has(ids['YC-H02']!)).toBe(false);
    const r03 = byId.get(ids['YC-R03']!)!;
    expect(r03.available).toBe(false);
    expect(r03.items).toEqual([{ drugId: amlodipine, quantity: 1, inStock: false, priceFen: null }]);
    expect(r03.drugFen).toBeNull();
    expect(offers.at(-1)!.pharmacyId).toBe(ids['YC-R03']);
    const available = offers.filter((o) => o.available);
    expect(available).toHaveLength(3);
    const distances = available.map((o) => o.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const r01 = byId.get(ids['YC-R01']!)!;
    expect(r01).toMatchObject({ type: 'pharmacy', deliveryFeeFen: 600, methods: ['pickup', 'delivery'] });
    expect(r01.drugFen).toBe(r01.items[0]!.priceFen! * 1);
    expect(byId.get(ids['YC-H01']!)!.type).toBe('hospital');

    // Choosing the pharmacy without the drug reserves nothing.
    const before = await stockOf(t, ids['YC-R01']!, amlodipine);
    const out = await choose(t, people.patient, rx.id, { pharmacyId: ids['YC-R03'], method: 'pickup' });
    expect(out.statusCode).toBe(409);
    expect(out.json()).toMatchObject({ code: 'RX_OUT_OF_STOCK', drugId: amlodipine });
    const none = await t.ctx.db
      .selectFrom('fulfilment')
      .select('id')
      .where('prescription_id', '=', rx.id)
      .execute();
    expect(none).toEqual([]);
    expect(await stockOf(t, ids['YC-R01']!, amlodipine)).toEqual(before);
  });

  it('refuses another hospital, a method the pharmacy lacks, and delivery without an address', async () => {
    const rx = await approvedWith(t, people);
    const other = await choose(t, people.patient, rx.id, { pharmacyId: ids['YC-H02'], method: 'pickup' });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('RX_PHARMACY_UNAVAILABLE');
    const lina = await t.login('13800000002'); // 李娜: no addresses of her own, and not 张伟's proxy
    const foreign = await choose(t, lina, rx.id, { pharmacyId: ids['YC-R01'], method: 'pickup' });
    expect(foreign.statusCode).toBe(403);
    const bogus = await choose(t, people.patient, rx.id, {
      pharmacyId: ids['YC-R01'],
      method: 'delivery',
      addressId: '00000000-0000-4000-8000-000000000000',
    });
    expect(bogus.statusCode).toBe(422);
    expect(bogus.json().code).toBe('RX_ADDRESS_REQUIRED');
  });

  it('choosing reserves the stock and creates an itemised order (drug lines with insurance category, delivery fee); once only', async () => {
    const before = await stockOf(t, ids['YC-R01']!, amlodipine);
    const { rx, id, orderId, pickupCode } = await chosen('YC-R01', 'delivery', false);
    expect(pickupCode).toBeUndefined();
    const after = await stockOf(t, ids['YC-R01']!, amlodipine);
    expect(after).toEqual({ on_hand: before.on_hand, reserved: before.reserved + 1 });
    const order = (await t.request('GET', `/api/v1/orders/${orderId}`, { token: people.patient })).json();
    expect(order.purpose).toBe('prescription');
    expect(order.lines).toHaveLength(2);
    expect(order.lines[0]).toMatchObject({
      kind: 'drug',
      ref: amlodipine,
      quantity: 1,
      insuranceCategory: 'A',
    });
    expect(order.lines[1]).toMatchObject({ kind: 'delivery', amountFen: 600, insuranceCategory: null });
    expect(order.lines.reduce((s: number, l: { amountFen: number }) => s + l.amountFen, 0)).toBe(
      order.amountFen,
    );
    // RX-11: one live fulfilment per prescription.
    const again = await choose(t, people.patient, rx.id, { pharmacyId: ids['YC-R02'], method: 'pickup' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('RX_ALREADY_FILLED');
    const view = await fulfilment(t, people.patient, id);
    expect(view).toMatchObject({ status: 'awaiting_payment', orderStatus: 'created', method: 'delivery' });
    expect(view.address).toMatchObject({
      recipient: '张伟',
      phoneMasked: '138****5678',
      subdistrict: '望川街道',
    });
    const events = await t.ctx.db
      .selectFrom('visit_event')
      .select('kind')
      .where('visit_id', '=', rx.visitId)
      .where('kind', '=', 'rx_fulfilment_chosen')
      .execute();
    expect(events).toHaveLength(1);
    // The patient changes their mind before paying: the stock goes back, and another pharmacy may be chosen.
    const cancel = await t.request('POST', `/api/v1/fulfilments/${id}/cancel`, {
      token: people.patient,
      body: { reason: '改为到店自取' },
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', orderStatus: 'closed' });
    expect(await stockOf(t, ids['YC-R01']!, amlodipine)).toEqual(before);
    const next = await choose(t, people.patient, rx.id, { pharmacyId: ids['YC-R02'], method: 'pickup' });
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json().pickupCode).toMatch(/^\d{6}$/);
  });
});

describe('dispensing (RX-11)', () => {
  it('each refusal has its code; then the boxes leave stock with their batch and trace codes', async () => {
    const f = await chosen('YC-R01', 'delivery', false);
    const batch = await batchOf(t, ids['YC-R01']!, amlodipine);
    const one = await boxes('YC-R01');
    // Not this pharmacy's order.
    const foreign = await dispense(t, staff.r02, f.id, one);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('RX_NOT_YOUR_PHARMACY');
    // Not paid yet.
    const unpaid = await dispense(t, staff.r01, f.id, one);
    expect(unpaid.statusCode).toBe(409);
    expect(unpaid.json().code).toBe('RX_NOT_PAID');
    await payOrder(t, people.patient, f.orderId);
    expect((await fulfilment(t, people.patient, f.id)).status).toBe('paid');
    // Two boxes scanned for one prescribed.
    const two = await dispense(t, staff.r01, f.id, await boxes('YC-R01', 2));
    expect(two.statusCode).toBe(422);
    expect(two.json().code).toBe('RX_DISPENSE_MISMATCH');
    // A short scan, and the same box twice.
    const short = await dispense(t, staff.r01, f.id, await boxes('YC-R01', 1, ['1234567890123456789']));
    expect(short.statusCode).toBe(422);
    expect(short.json()).toMatchObject({
      code: 'RX_TRACE_CODE_INVALID',
      traceCodes: ['1234567890123456789'],
    });
    const [dup] = traceCodes(1);
    const twice = await dispense(t, staff.r01, f.id, {
      items: [{ drugId: amlodipine, batchNo: batch, traceCodes: [dup, dup] }],
    });
    expect(twice.json().code).toBe('RX_TRACE_CODE_INVALID');
    // A batch this pharmacy does not have.
    const unknown = await dispense(t, staff.r01, f.id, {
      items: [{ drugId: amlodipine, batchNo: 'NO-SUCH-LOT', traceCodes: traceCodes(1) }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'RX_BATCH_UNKNOWN', problem: 'unknown_batch' });
    // A signature that no longer verifies: nothing is handed out (RX-2, RX-11).
    const row = await t.ctx.db
      .selectFrom('prescription')
      .select('signature')
      .where('id', '=', f.rx.id)
      .executeTakeFirstOrThrow();
    const forged = `${row.signature!.slice(0, -4)}${row.signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await rewriteSignature(f.rx.id, forged);
    const tampered = await dispense(t, staff.r01, f.id, one);
    expect(tampered.statusCode).toBe(409);
    expect(tampered.json().code).toBe('RX_SIGNATURE_INVALID');
    await rewriteSignature(f.rx.id, row.signature!);

    const before = await stockOf(t, ids['YC-R01']!, amlodipine);
    const batchBefore = await t.ctx.db
      .selectFrom('stock_batch')
      .select('quantity')
      .where('pharmacy_id', '=', ids['YC-R01']!)
      .where('batch_no', '=', batch)
      .where('drug_id', '=', amlodipine)
      .executeTakeFirstOrThrow();
    t.rx.simCourier!.faults.hold = true; // the courier's pushes are sent by hand in the next test
    const ok = await dispense(t, staff.r01, f.id, one);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().pickupCode).toBeNull();
    expect(ok.json().boxes).toEqual([
      { drugId: amlodipine, batchNo: batch, traceCode: one.items[0]!.traceCodes[0] },
    ]);
    await settle();
    expect(await stockOf(t, ids['YC-R01']!, amlodipine)).toEqual({
      on_hand: before.on_hand - 1,
      reserved: before.reserved - 1,
    });
    const batchAfter = await t.ctx.db
      .selectFrom('stock_batch')
      .select('quantity')
      .where('pharmacy_id', '=', ids['YC-R01']!)
      .where('batch_no', '=', batch)
      .where('drug_id', '=', amlodipine)
      .executeTakeFirstOrThrow();
    expect(batchAfter.quantity).toBe(batchBefore.quantity - 1);
    const p = await t.request('GET', `/api/v1/prescriptions/${f.rx.id}`, { token: people.patient });
    expect(p.json().status).toBe('dispensed');
    // RX-11: dispensed once; the prescription cannot be used again.
    const twiceOver = await dispense(t, staff.r01, f.id, await boxes('YC-R01'));
    expect(twiceOver.statusCode).toBe(409);
    expect(twiceOver.json().code).toBe('RX_ALREADY_DISPENSED');
    const reuse = await choose(t, people.patient, f.rx.id, { pharmacyId: ids['YC-R02'], method: 'pickup' });
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json().code).toBe('RX_ALREADY_DISPENSED');
    // Handed to the courier through the outbox: a delivery with a waybill, the fulfilment shipping.
    const shipped = await fulfilment(t, people.patient, f.id);
    expect(shipped.status).toBe('shipping');
    expect(shipped.delivery).toMatchObject({ courier: 'sim', status: 'created' });
    ids.shipping = f.id;
    ids.shippingVisit = f.rx.visitId;
    ids.waybill = shipped.delivery.waybillNo;
    ids.usedCode = one.items[0]!.traceCodes[0]!;
  });

  it('pick-up: the counter takes the patient’s code (RX_PICKUP_CODE_WRONG otherwise); the pharmacy never sees it', async () => {
    const f = await chosen('YC-H01', 'pickup');
    expect(f.pickupCode).toMatch(/^\d{6}$/);
    const staffView = await fulfilment(t, staff.h01, f.id);
    expect(staffView.pickupCode).toBeNull();
    expect((await fulfilment(t, people.patient, f.id)).pickupCode).toBe(f.pickupCode);
    // A box whose trace code already left a pharmacy (the delivery dispensed above), at another pharmacy.
    const usedAgain = await dispense(t, staff.h01, f.id, {
      ...(await boxes('YC-H01', 1, [ids.usedCode!])),
      pickupCode: f.pickupCode,
    });
    expect(usedAgain.statusCode).toBe(409);
    expect(usedAgain.json()).toMatchObject({ code: 'RX_TRACE_CODE_USED', traceCodes: [ids.usedCode] });
    const wrongCode = f.pickupCode === '000000' ? '111111' : '000000';
    const wrong = await dispense(t, staff.h01, f.id, { ...(await boxes('YC-H01')), pickupCode: wrongCode });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe('RX_PICKUP_CODE_WRONG');
    const missing = await dispense(t, staff.h01, f.id, await boxes('YC-H01'));
    expect(missing.json().code).toBe('RX_PICKUP_CODE_WRONG');
    const ok = await dispense(t, staff.h01, f.id, { ...(await boxes('YC-H01')), pickupCode: f.pickupCode });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().status).toBe('picked_up');
    const kinds = (await fulfilment(t, people.patient, f.id)).timeline.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['created', 'paid', 'dispensed']);
  });

  it('pick-up: 5 wrong codes lock the code for 15 minutes (RX_PICKUP_LOCKED, even with the right one); each is audited', async () => {
    const f = await chosen('YC-H01', 'pickup');
    const wrongCode = f.pickupCode === '000000' ? '111111' : '000000';
    const audited = async () =>
      (
        await t.ctx.db
          .selectFrom('audit_event')
          .select(['outcome', 'details'])
          .where('action', '=', 'fulfilment.pickup_code_wrong')
          .where('resource_id', '=', f.id)
          .execute()
      ).length;
    for (let i = 1; i <= 5; i++) {
      const wrong = await dispense(t, staff.h01, f.id, { ...(await boxes('YC-H01')), pickupCode: wrongCode });
      expect(wrong.statusCode, wrong.body).toBe(422);
      expect(wrong.json()).toMatchObject({ code: 'RX_PICKUP_CODE_WRONG', attemptsLeft: 5 - i });
      // Recorded although the refused command rolled back.
      expect(await audited()).toBe(i);
    }
    const locked = await dispense(t, staff.h01, f.id, {
      ...(await boxes('YC-H01')),
      pickupCode: f.pickupCode,
    });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('RX_PICKUP_LOCKED');
    expect(Date.parse(locked.json().lockedUntil)).toBe(t.clock.now().getTime() + 15 * 60_000);
    t.clock.advance(14 * 60_000);
    const stillLocked = await dispense(t, staff.h01, f.id, {
      ...(await boxes('YC-H01')),
      pickupCode: f.pickupCode,
    });
    expect(stillLocked.json().code).toBe('RX_PICKUP_LOCKED');
    expect(await audited()).toBe(5);
    t.clock.advance(60_000);
    const ok = await dispense(t, staff.h01, f.id, { ...(await boxes('YC-H01')), pickupCode: f.pickupCode });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().status).toBe('picked_up');
  });
});

describe('delivery and the simulated courier', () => {
  it('callbacks are applied once and in state order: a duplicate answered, an older status recorded but not applied', async () => {
    const sim = t.rx.simCourier!;
    const waybill = ids.waybill!;
    // A push with a bad signature changes nothing.
    const good = sim.signed(sim.callbackFor(waybill, 'delivered'));
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/v1/courier/sim/callbacks',
      headers: { ...good.headers, 'x-courier-signature': '00'.repeat(32) },
      payload: good.body,
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('COURIER_INVALID_SIGNATURE');

    const inTransit = sim.callbackFor(waybill, 'in_transit');
    const r1 = await postCallback(t, inTransit);
    expect(r1.json()).toEqual({ code: 'SUCCESS', outcome: 'applied' });
    const dupe = await postCallback(t, inTransit);
    expect(dupe.statusCode).toBe(200);
    expect(dupe.json().outcome).toBe('duplicate');
    const late = await postCallback(t, sim.callbackFor(waybill, 'picked_up'));
    expect(late.json().outcome).toBe('stale');
    expect((await fulfilment(t, people.patient, ids.shipping!)).delivery.status).toBe('in_transit');
    const done = await postCallback(t, sim.callbackFor(waybill, 'delivered'));
    expect(done.json().outcome).toBe('applied');
    const failedLate = await postCallback(t, sim.callbackFor(waybill, 'failed'));
    expect(failedLate.json().outcome).toBe('stale');
    await settle();

    const events = await t.ctx.db
      .selectFrom('delivery_event')
      .select(['status', 'applied', 'outcome'])
      .orderBy('received_at')
      .orderBy('status')
      .execute();
    expect(
      events
        .filter((e) => e.applied)
        .map((e) => e.status)
        .sort(),
    ).toEqual(['delivered', 'in_transit']);
    expect(
      events
        .filter((e) => !e.applied)
        .map((e) => e.status)
        .sort(),
    ).toEqual(['failed', 'picked_up']);
    const view = await fulfilment(t, people.patient, ids.shipping!);
    expect(view.status).toBe('delivered');
    // The patient is told by SMS when it arrives.
    expect(t.sms.sent.some((m) => JSON.stringify(m).includes('药品已送达'))).toBe(true);

    const receipt = await t.request('POST', `/api/v1/fulfilments/${ids.shipping}/receipt`, {
      token: people.patient,
    });
    expect(receipt.statusCode, receipt.body).toBe(200);
    expect(receipt.json().status).toBe('received');
    const timeline = receipt.json().timeline as { kind: string; text: string; textEn: string }[];
    expect(timeline.map((e) => e.kind)).toEqual([
      'created',
      'paid',
      'dispensed',
      'shipped',
      'in_transit',
      'delivered',
      'received',
    ]);
    expect(timeline.every((e) => e.text && e.textEn)).toBe(true);
    const again = await t.request('POST', `/api/v1/fulfilments/${ids.shipping}/receipt`, {
      token: people.patient,
    });
    expect(again.json().code).toBe('RX_FULFILMENT_STATE');
    // VISIT-5, RX-11: every step is on the visit's timeline.
    const kinds = (
      await t.ctx.db
        .selectFrom('visit_event')
        .select('kind')
        .where('visit_id', '=', ids.shippingVisit!)
        .execute()
    ).map((e) => e.kind);
    for (const k of [
      'rx_fulfilment_chosen',
      'rx_paid',
      'rx_dispensed',
      'rx_shipped',
      'rx_delivered',
      'rx_received',
    ])
      expect(kinds).toContain(k);
    sim.faults.hold = false;
  });

  it('forged pushes are audited but bounded: the 121st push in a minute from one address is 429, others unaffected', async () => {
    const sim = t.rx.simCourier!;
    const good = sim.signed(sim.callbackFor(ids.waybill!, 'delivered'));
    const forged = (remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/courier/sim/callbacks',
        remoteAddress,
        headers: { ...good.headers, 'x-courier-signature': '00'.repeat(32) },
        payload: good.body,
      });
    const auditedForged = async () =>
      (
        await t.ctx.db
          .selectFrom('audit_event')
          .select('id')
          .where('action', '=', 'courier.callback.forged')
          .execute()
      ).length;
    const before = await auditedForged();
    for (let i = 0; i < COURIER_CALLBACKS_PER_MINUTE; i++)
      expect((await forged('10.9.0.1')).statusCode).toBe(401);
    const limited = await forged('10.9.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await auditedForged()).toBe(before + COURIER_CALLBACKS_PER_MINUTE);
    expect((await forged('10.9.0.2')).statusCode).toBe(401);
  });

  it('the simulator’s own faults (duplicated, out of order) still end delivered, each event applied once', async () => {
    const sim = t.rx.simCourier!;
    sim.faults = { ...sim.faults, duplicate: true, outOfOrder: true };
    try {
      const f = await chosen('YC-R02', 'delivery');
      const ok = await dispense(t, staff.r02, f.id, await boxes('YC-R02'));
      expect(ok.statusCode, ok.body).toBe(200);
      await settle();
      const view = await fulfilment(t, people.patient, f.id);
      expect(view.status).toBe('delivered');
      const events = await t.ctx.db
        .selectFrom('delivery_event as e')
        .innerJoin('delivery as d', 'd.id', 'e.delivery_id')
        .select(['e.status', 'e.applied'])
        .where('d.fulfilment_id', '=', f.id)
        .execute();
      // Three distinct events (each pushed twice, recorded once); picked_up came after in_transit: not applied.
      expect(events).toHaveLength(3);
      expect(events.find((e) => e.status === 'picked_up')!.applied).toBe(false);
      expect(view.timeline.map((e: { kind: string }) => e.kind)).toEqual([
        'created',
        'paid',
        'dispensed',
        'shipped',
        'in_transit',
        'delivered',
      ]);
    } finally {
      sim.faults = { ...sim.faults, duplicate: false, outOfOrder: false };
    }
  });

  it('a failed delivery returns the parcel; the pharmacy ships it again, or cancels and refunds in full', async () => {
    const sim = t.rx.simCourier!;
    sim.faults.failDelivery = true;
    const a = await chosen('YC-R01', 'delivery');
    const b = await chosen('YC-R01', 'delivery');
    for (const f of [a, b]) {
      const ok = await dispense(t, staff.r01, f.id, await boxes('YC-R01'));
      expect(ok.statusCode, ok.body).toBe(200);
    }
    await settle();
    sim.faults.failDelivery = false;
    for (const f of [a, b]) expect((await fulfilment(t, staff.r01, f.id)).status).toBe('returned');
    // Not the patient's to ship, and only a returned one can be.
    expect(
      (await t.request('POST', `/api/v1/fulfilments/${a.id}/reship`, { token: people.patient })).statusCode,
    ).toBe(403);
    const reship = await t.request('POST', `/api/v1/fulfilments/${a.id}/reship`, { token: staff.r01 });
    expect(reship.statusCode, reship.body).toBe(200);
    await settle();
    const shippedAgain = await fulfilment(t, people.patient, a.id);
    expect(shippedAgain.status).toBe('delivered');
    expect(shippedAgain.timeline.filter((e: { kind: string }) => e.kind === 'shipped')).toHaveLength(2);
    expect(shippedAgain.timeline.map((e: { kind: string }) => e.kind)).toContain('returned');
    const deliveries = await t.ctx.db
      .selectFrom('delivery')
      .select('status')
      .where('fulfilment_id', '=', a.id)
      .orderBy('created_at')
      .execute();
    expect(deliveries.map((d) => d.status)).toEqual(['returned', 'delivered']);

    // The patient cannot cancel once dispensed; the pharmacy can, with the money going back.
    const byPatient = await t.request('POST', `/api/v1/fulfilments/${b.id}/cancel`, {
      token: people.patient,
      body: { reason: '不要了' },
    });
    expect(byPatient.json().code).toBe('RX_FULFILMENT_STATE');
    const cancel = await t.request('POST', `/api/v1/fulfilments/${b.id}/cancel`, {
      token: staff.r01,
      body: { reason: '患者拒收，无法配送' },
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await t.sim!.settle();
    expect(cancel.json()).toMatchObject({ status: 'cancelled', orderStatus: 'refunded' });
    const order = (await t.request('GET', `/api/v1/orders/${b.orderId}`, { token: people.patient })).json();
    expect(order.status).toBe('refunded');
    expect(order.refundedFen).toBe(order.amountFen);
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .select(['amount_fen'])
      .where('order_id', '=', b.orderId)
      .execute();
    expect(refunds).toEqual([{ amount_fen: order.amountFen }]);
    expect(
      cancel
        .json()
        .timeline.map((e: { kind: string }) => e.kind)
        .slice(-2),
    ).toEqual(['cancelled', 'refunded']);
    const visitKinds = (
      await t.ctx.db.selectFrom('visit_event').select('kind').where('visit_id', '=', b.rx.visitId).execute()
    ).map((e) => e.kind);
    expect(visitKinds).toContain('rx_refunded');
  });
});

describe('lists, addresses and stock', () => {
  it('the pharmacy’s queue (its own only, newest first, paged) and the patient’s own', async () => {
    const first = await t.request('GET', '/api/v1/fulfilments?limit=2', { token: staff.r01 });
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeTruthy();
    const next = await t.request('GET', `/api/v1/fulfilments?limit=2&cursor=${page.nextCursor}`, {
      token: staff.r01,
    });
    const seen = [...page.items, ...next.json().items].map((i: { id: string }) => i.id);
    expect(new Set(seen).size).toBe(seen.length);
    const all = (await t.request('GET', '/api/v1/fulfilments?limit=100', { token: staff.r01 })).json().items;
    expect(all.every((i: { pharmacyName: string }) => i.pharmacyName === '云川区益康大药房望川路店')).toBe(
      true,
    );
    const created = all.map((i: { createdAt: string }) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const returned = await t.request('GET', '/api/v1/fulfilments?status=cancelled', { token: staff.r01 });
    expect(returned.json().items.every((i: { status: string }) => i.status === 'cancelled')).toBe(true);
    const other = await t.request('GET', `/api/v1/fulfilments?pharmacyId=${ids['YC-R02']}`, {
      token: staff.r01,
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('RX_NOT_YOUR_PHARMACY');
    const mine = (await t.request('GET', '/api/v1/fulfilments?limit=100', { token: people.patient })).json();
    expect(mine.items.length).toBeGreaterThanOrEqual(all.length);
    expect(mine.items[0].drugs).toEqual([AMLODIPINE]);
    const lina = await t.login('13800000002');
    expect((await t.request('GET', '/api/v1/fulfilments', { token: lina })).json().items).toEqual([]);
    expect((await t.request('GET', `/api/v1/fulfilments/${ids.shipping}`, { token: lina })).statusCode).toBe(
      403,
    );
  });

  it('a crafted cursor whose time is no time is 400 VALIDATION_FAILED, not a 500 (prescriptions and fulfilments)', async () => {
    const id = '01900000-0000-7000-8000-000000000000';
    const crafted = (key: unknown[]) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
    for (const time of ['x', '2026-02-30T00:00:00.000Z', '1e309']) {
      const cursor = crafted([time, id]);
      const lists: [string, string][] = [
        [`/api/v1/fulfilments?cursor=${cursor}`, staff.r01],
        [`/api/v1/fulfilments?cursor=${cursor}`, people.patient],
        [`/api/v1/prescriptions?cursor=${cursor}`, people.patient],
        [`/api/v1/prescriptions?queue=review&cursor=${cursor}`, people.pharmacist],
      ];
      for (const [url, token] of lists) {
        const res = await t.request('GET', url, { token });
        expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
    }
    // A cursor the list itself handed out still pages.
    const first = (await t.request('GET', '/api/v1/prescriptions?limit=1', { token: people.patient })).json();
    expect(first.nextCursor).toBeTruthy();
    const next = await t.request('GET', `/api/v1/prescriptions?limit=1&cursor=${first.nextCursor}`, {
      token: people.patient,
    });
    expect(next.statusCode, next.body).toBe(200);
  });

  it('addresses: phone encrypted and masked, never in clear in responses or logs; subdistricts listed', async () => {
    const subs = await t.request('GET', '/api/v1/subdistricts', { token: people.patient });
    expect(subs.json().items.length).toBeGreaterThanOrEqual(8);
    const a = await addAddress(t, people.patient, {
      recipient: '张伟',
      phone: '13911112222',
      subdistrict: 'yunhu',
      detail: '湖滨路 57 号 2 栋',
      isDefault: true,
    });
    const list = (await t.request('GET', '/api/v1/addresses', { token: people.patient })).json().items;
    expect(list[0]).toMatchObject({
      id: a.id,
      isDefault: true,
      phoneMasked: '139****2222',
      subdistrictName: '云湖街道',
    });
    expect(list.filter((x: { isDefault: boolean }) => x.isDefault)).toHaveLength(1);
    const row = await t.ctx.db
      .selectFrom('delivery_address')
      .select('phone_enc')
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(row.phone_enc).not.toContain('13911112222');
    expect(t.ctx.cipher.decrypt(row.phone_enc)).toBe('13911112222');
    expect(t.responses.join('\n')).not.toContain('13911112222');
    expect(t.logLines.join('\n')).not.toContain('13911112222');
    const bad = await t.request('POST', '/api/v1/addresses', {
      token: people.patient,
      body: { recipient: '张伟', phone: '13911112222', subdistrict: 'atlantis', detail: '某处' },
    });
    expect(bad.statusCode).toBe(400);
    const del = await t.request('DELETE', `/api/v1/addresses/${a.id}`, { token: people.patient });
    expect(del.statusCode).toBe(204);
    const after = (await t.request('GET', '/api/v1/addresses', { token: people.patient })).json().items;
    expect(after.map((x: { id: string }) => x.id)).not.toContain(a.id);
    expect(after.filter((x: { isDefault: boolean }) => x.isDefault)).toHaveLength(1);
    // The offers measure from the default address when none is named.
    const rx = await approvedWith(t, people);
    const offers = (
      await t.request('GET', `/api/v1/prescriptions/${rx.id}/pharmacies`, { token: people.patient })
    ).json();
    expect(offers.items.every((o: { distanceM: number | null }) => typeof o.distanceM === 'number')).toBe(
      true,
    );
  });

  it('stock: the pharmacy’s own staff search it and receive a batch (audited); others are refused', async () => {
    const list = await t.request(
      'GET',
      `/api/v1/pharmacies/${ids['YC-R01']}/stock?q=${encodeURIComponent('氨氯地平')}`,
      {
        token: staff.r01,
      },
    );
    expect(list.statusCode, list.body).toBe(200);
    const line = list.json().items.find((l: { drugId: string }) => l.drugId === amlodipine);
    expect(line.batches.length).toBeGreaterThan(0);
    // The stock search matches as the catalogue search does: pinyin initials of a part of the name.
    const byInitials = await t.request('GET', `/api/v1/pharmacies/${ids['YC-R01']}/stock?q=aldp`, {
      token: staff.r01,
    });
    expect(byInitials.json().items.map((l: { drugId: string }) => l.drugId)).toContain(amlodipine);
    expect(line.onHand).toBe(line.batches.reduce((s: number, b: { quantity: number }) => s + b.quantity, 0));
    expect(
      (await t.request('GET', `/api/v1/pharmacies/${ids['YC-R01']}/stock`, { token: staff.r02 })).statusCode,
    ).toBe(403);
    const received = await t.request('POST', `/api/v1/pharmacies/${ids['YC-R03']}/stock/batches`, {
      token: staff.r03,
      body: { drugId: amlodipine, batchNo: '2611A01', expiresOn: '2028-10-31', quantity: 30, priceFen: 2890 },
    });
    expect(received.statusCode, received.body).toBe(201);
    expect(received.json()).toMatchObject({ drugId: amlodipine, onHand: 30, reserved: 0, priceFen: 2890 });
    const more = await t.request('POST', `/api/v1/pharmacies/${ids['YC-R03']}/stock/batches`, {
      token: staff.r03,
      body: { drugId: amlodipine, batchNo: '2611A01', expiresOn: '2028-10-31', quantity: 10 },
    });
    expect(more.json()).toMatchObject({ onHand: 40, priceFen: 2890 });
    const mismatch = await t.request('POST', `/api/v1/pharmacies/${ids['YC-R03']}/stock/batches`, {
      token: staff.r03,
      body: { drugId: amlodipine, batchNo: '2611A01', expiresOn: '2029-01-31', quantity: 10 },
    });
    expect(mismatch.json().code).toBe('STOCK_BATCH_EXPIRY_MISMATCH');
    const expired = await t.request('POST', `/api/v1/pharmacies/${ids['YC-R03']}/stock/batches`, {
      token: staff.r03,
      body: { drugId: amlodipine, batchNo: '2401Z09', expiresOn: '2026-01-31', quantity: 10 },
    });
    expect(expired.json().code).toBe('STOCK_BATCH_EXPIRED');
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'stock.batch_received')
      .execute();
    expect(audit).toHaveLength(2);
    // Now YC-R03 has it: the chooser offers it.
    const rx = await approvedWith(t, people);
    const offers = (
      await t.request('GET', `/api/v1/prescriptions/${rx.id}/pharmacies`, { token: people.patient })
    ).json();
    expect(offers.items.find((o: { pharmacyId: string }) => o.pharmacyId === ids['YC-R03']).available).toBe(
      true,
    );
  });

  it('stock: an expiry date that is no day of the calendar is 422 STOCK_BATCH_DATE_INVALID; a price above ¥10,000 a box is 400', async () => {
    const receive = (body: Record<string, unknown>) =>
      t.request('POST', `/api/v1/pharmacies/${ids['YC-R03']}/stock/batches`, {
        token: staff.r03,
        body: { drugId: amlodipine, batchNo: '2702X30', quantity: 5, ...body },
      });
    const before = await stockOf(t, ids['YC-R03']!, amlodipine);
    for (const expiresOn of ['2027-02-30', '2027-02-29', '2027-13-01', '2027-04-31', '2027-00-10']) {
      const bad = await receive({ expiresOn });
      expect({ expiresOn, status: bad.statusCode }).toEqual({ expiresOn, status: 422 });
      expect(bad.json()).toMatchObject({ code: 'STOCK_BATCH_DATE_INVALID', expiresOn });
    }
    const tooDear = await receive({ expiresOn: '2028-02-29', priceFen: 1_000_001 });
    expect(tooDear.statusCode).toBe(400);
    expect(await stockOf(t, ids['YC-R03']!, amlodipine)).toEqual(before);
    // A leap day is a day; the highest price is taken.
    const leap = await receive({ expiresOn: '2028-02-29', priceFen: 1_000_000 });
    expect(leap.statusCode, leap.body).toBe(201);
    expect(leap.json()).toMatchObject({ onHand: before.on_hand + 5, priceFen: 1_000_000 });
    expect(leap.json().batches).toContainEqual({ batchNo: '2702X30', expiresOn: '2028-02-29', quantity: 5 });
  });

  it('an order whose total passes 2^31 − 1 fen is 422 RX_ORDER_TOO_LARGE, nothing reserved (not a 500)', async () => {
    const pharmacyId = ids['YC-R02']!;
    const price = await t.ctx.db
      .selectFrom('stock_item')
      .select('price_fen')
      .where('pharmacy_id', '=', pharmacyId)
      .where('drug_id', '=', amlodipine)
      .executeTakeFirstOrThrow();
    // Behind the API's back (the API caps a price at ¥10,000; a 30-day prescription of 20 drugs at that
    // price would still pass int4): the largest price the column holds.
    const setPrice = (fen: number) =>
      t.ctx.db
        .updateTable('stock_item')
        .set({ price_fen: fen })
        .where('pharmacy_id', '=', pharmacyId)
        .where('drug_id', '=', amlodipine)
        .execute();
    await setPrice(2_147_483_647);
    try {
      const rx = await approvedWith(t, people);
      const before = await stockOf(t, pharmacyId, amlodipine);
      const res = await choose(t, people.patient, rx.id, { pharmacyId, method: 'delivery', addressId });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code: 'RX_ORDER_TOO_LARGE', maxFen: 2_147_483_647 });
      expect(await stockOf(t, pharmacyId, amlodipine)).toEqual(before);
      const none = await t.ctx.db
        .selectFrom('fulfilment')
        .select('id')
        .where('prescription_id', '=', rx.id)
        .execute();
      expect(none).toEqual([]);
      // Exactly the limit (pick-up: no delivery fee) is an order like any other.
      const atLimit = await choose(t, people.patient, rx.id, { pharmacyId, method: 'pickup' });
      expect(atLimit.statusCode, atLimit.body).toBe(201);
      await t.request('POST', `/api/v1/fulfilments/${atLimit.json().id}/cancel`, {
        token: people.patient,
        body: { reason: '测试结束' },
      });
    } finally {
      await setPrice(price.price_fen);
    }
  });
});

describe('lapse and expiry (RX-6)', () => {
  it('an unpaid fulfilment lapses after 30 minutes: the stock goes back and the order closes', async () => {
    const before = await stockOf(t, ids['YC-R02']!, amlodipine);
    const f = await chosen('YC-R02', 'pickup', false);
    expect((await stockOf(t, ids['YC-R02']!, amlodipine)).reserved).toBe(before.reserved + 1);
    t.clock.advance(29 * 60_000);
    await runPrescriptionJobs(t.ctx, t.rx);
    expect(
      (
        await t.ctx.db
          .selectFrom('fulfilment')
          .select('status')
          .where('id', '=', f.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('awaiting_payment');
    t.clock.advance(2 * 60_000);
    await runPrescriptionJobs(t.ctx, t.rx);
    await relogin();
    const view = await fulfilment(t, people.patient, f.id);
    expect(view).toMatchObject({
      status: 'cancelled',
      orderStatus: 'closed',
      cancelReason: 'payment_timeout',
    });
    // Its hold (and any other unpaid one older than 30 minutes) is released; the stock row agrees with the holds.
    const mine = await t.ctx.db
      .selectFrom('stock_reservation')
      .select('status')
      .where('fulfilment_id', '=', f.id)
      .executeTakeFirstOrThrow();
    expect(mine.status).toBe('released');
    const held = await t.ctx.db
      .selectFrom('stock_reservation')
      .select('quantity')
      .where('pharmacy_id', '=', ids['YC-R02']!)
      .where('drug_id', '=', amlodipine)
      .where('status', '=', 'held')
      .execute();
    const after = await stockOf(t, ids['YC-R02']!, amlodipine);
    expect(after.on_hand).toBe(before.on_hand);
    expect(after.reserved).toBe(held.reduce((s, h) => s + h.quantity, 0));
    expect(after.reserved).toBeLessThanOrEqual(before.reserved);
    const order = (await t.request('GET', `/api/v1/orders/${f.orderId}`, { token: people.patient })).json();
    expect(order.status).toBe('closed');
    // Still approved and valid: another pharmacy may be chosen.
    const again = await choose(t, people.patient, f.rx.id, { pharmacyId: ids['YC-R01'], method: 'pickup' });
    expect(again.statusCode, again.body).toBe(201);
  });

  it('a paid prescription past its validity is not dispensed (RX_EXPIRED); the job releases, refunds and expires it', async () => {
    const paid = await chosen('YC-R01', 'pickup');
    const unfilled = await approvedWith(t, people);
    const before = await stockOf(t, ids['YC-R01']!, amlodipine);
    const validUntil = (
      await t.request('GET', `/api/v1/prescriptions/${paid.rx.id}`, { token: people.patient })
    ).json().validUntil as string;
    t.clock.set(new Date(Date.parse(validUntil) + 60_000).toISOString());
    await relogin();
    const late = await dispense(t, staff.r01, paid.id, {
      ...(await boxes('YC-R01')),
      pickupCode: paid.pickupCode,
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('RX_EXPIRED');
    const offers = await t.request('GET', `/api/v1/prescriptions/${unfilled.id}/pharmacies`, {
      token: people.patient,
    });
    expect(offers.json().code).toBe('RX_EXPIRED');

    await runPrescriptionJobs(t.ctx, t.rx);
    await t.sim!.settle();
    for (const id of [paid.rx.id, unfilled.id]) {
      const p = (await t.request('GET', `/api/v1/prescriptions/${id}`, { token: people.patient })).json();
      expect(p.status).toBe('expired');
    }
    const view = await fulfilment(t, people.patient, paid.id);
    expect(view).toMatchObject({
      status: 'cancelled',
      cancelReason: 'prescription_expired',
      orderStatus: 'refunded',
    });
    expect(view.timeline.map((e: { kind: string }) => e.kind).slice(-2)).toEqual(['expired', 'refunded']);
    const held = await t.ctx.db
      .selectFrom('stock_reservation')
      .select(['fulfilment_id', 'status', 'quantity'])
      .where('pharmacy_id', '=', ids['YC-R01']!)
      .where('drug_id', '=', amlodipine)
      .execute();
    expect(held.find((r) => r.fulfilment_id === paid.id)!.status).toBe('released');
    const after = await stockOf(t, ids['YC-R01']!, amlodipine);
    expect(after.on_hand).toBe(before.on_hand);
    expect(after.reserved).toBe(held.filter((r) => r.status === 'held').reduce((s, r) => s + r.quantity, 0));
    expect(after.reserved).toBeLessThanOrEqual(before.reserved - 1);
    const order = (
      await t.request('GET', `/api/v1/orders/${paid.orderId}`, { token: people.patient })
    ).json();
    expect(order).toMatchObject({ status: 'refunded', refundedFen: order.amountFen });
    const visitKinds = (
      await t.ctx.db
        .selectFrom('visit_event')
        .select('kind')
        .where('visit_id', '=', paid.rx.visitId)
        .execute()
    ).map((e) => e.kind);
    expect(visitKinds).toEqual(expect.arrayContaining(['rx_refunded', 'rx_expired']));
    // A second run finds nothing more to do.
    await runPrescriptionJobs(t.ctx, t.rx);
    const refunds = await t.ctx.db
      .selectFrom('refund')
      .select('id')
      .where('order_id', '=', paid.orderId)
      .execute();
    expect(refunds).toHaveLength(1);
  });

  /** Pays an order at the cashier, its notification held back (as a slow gateway would). */
  async function paidAtGateway(orderId: string) {
    const pay = await t.request('POST', `/api/v1/orders/${orderId}/pay`, {
      token: people.patient,
      body: { channel: 'sim' },
    });
    expect(pay.statusCode, pay.body).toBe(200);
    t.sim!.faults.drop = true;
    expect(await t.sim!.confirm(pay.json().prepayId)).toBe('paid');
    t.sim!.faults.drop = false;
    const order = (await t.request('GET', `/api/v1/orders/${orderId}`, { token: people.patient })).json();
    return order.amountFen as number;
  }
  /** …and then the notification arrives. */
  async function notificationArrives(orderId: string, amountFen: number) {
    const late = t.sim!.signedNotification({
      eventId: `late-${orderId}`,
      kind: 'payment.succeeded',
      orderId,
      amountFen,
      txnId: `late-${orderId}`,
      occurredAt: t.clock.now().toISOString(),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/payments/notify/sim',
      headers: late.headers,
      payload: late.body,
    });
    expect(res.statusCode, res.body).toBe(200);
    await t.ctx.outbox.drain();
    await t.sim!.settle();
    await t.ctx.outbox.drain();
    return res.json().outcome as string;
  }

  it('§9: a payment landing after the prescription expired is refunded — rx_refunded on the visit, the patient told, on the fulfilment timeline; rx_expired says refunded', async () => {
    await relogin();
    const f = await chosen('YC-R01', 'pickup', false);
    const amountFen = await paidAtGateway(f.orderId);
    const validUntil = (
      await t.request('GET', `/api/v1/prescriptions/${f.rx.id}`, { token: people.patient })
    ).json().validUntil as string;
    t.clock.set(new Date(Date.parse(validUntil) + 60_000).toISOString());
    expect(await notificationArrives(f.orderId, amountFen)).toBe('paid');
    await relogin();
    const view = await fulfilment(t, people.patient, f.id);
    expect(view).toMatchObject({
      status: 'cancelled',
      cancelReason: 'prescription_expired',
      orderStatus: 'refunded',
    });
    const refunded = view.timeline.filter((e: { kind: string }) => e.kind === 'refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0].text).toContain(`¥${(amountFen / 100).toFixed(2)}`);
    expect(view.timeline.map((e: { kind: string }) => e.kind).slice(-2)).toEqual(['expired', 'refunded']);
    const order = (await t.request('GET', `/api/v1/orders/${f.orderId}`, { token: people.patient })).json();
    expect(order).toMatchObject({ status: 'refunded', refundedFen: amountFen });
    const events = await t.ctx.db
      .selectFrom('visit_event')
      .select(['kind', 'details'])
      .where('visit_id', '=', f.rx.visitId)
      .execute();
    expect(events.filter((e) => e.kind === 'rx_refunded')).toEqual([
      {
        kind: 'rx_refunded',
        details: expect.objectContaining({
          fulfilmentId: f.id,
          reason: 'prescription_expired',
          paidAfterEnd: true,
          refundFen: amountFen,
        }),
      },
    ]);
    const notices = await t.ctx.db
      .selectFrom('notification')
      .select(['title', 'body'])
      .where('ref_id', '=', f.id)
      .execute();
    expect(notices.some((n) => n.title === '药费将原路退回' && n.body.includes('处方已过有效期'))).toBe(true);
    // The expiry job marks the prescription, and says the money went back.
    await runPrescriptionJobs(t.ctx, t.rx);
    const expired = await t.ctx.db
      .selectFrom('visit_event')
      .select('details')
      .where('visit_id', '=', f.rx.visitId)
      .where('kind', '=', 'rx_expired')
      .executeTakeFirstOrThrow();
    expect(expired.details).toMatchObject({ prescriptionId: f.rx.id, refunded: true });
  });

  it('§9: a payment landing after the fulfilment lapsed (order closed) is refunded by payments and shows on the fulfilment timeline', async () => {
    await relogin();
    const f = await chosen('YC-R02', 'pickup', false);
    const amountFen = await paidAtGateway(f.orderId);
    t.clock.advance(31 * 60_000);
    await runPrescriptionJobs(t.ctx, t.rx);
    expect(await notificationArrives(f.orderId, amountFen)).toBe('paid_after_close');
    await relogin();
    const view = await fulfilment(t, people.patient, f.id);
    expect(view).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout' });
    expect(view.timeline.map((e: { kind: string }) => e.kind).slice(-2)).toEqual(['cancelled', 'refunded']);
    // Refunded in full: the gateway has reported it (succeeded).
    expect(view.timeline.at(-1).text).toBe(`药费 ¥${(amountFen / 100).toFixed(2)} 已原路退回`);
  });
});
