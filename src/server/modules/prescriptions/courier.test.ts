import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../../test/support/db.js';
import type { CourierCallback } from '../../../shared/prescriptions.js';
import type { Database } from '../../platform/db/database.js';
import {
  advances,
  courierSignature,
  type ShipmentRequest,
  SIGNATURE_HEADERS,
  verifyCourierPush,
} from './courier.js';
import { SimCourier, SimCourierAdapter } from './sim-courier.js';
import { distanceM, SUBDISTRICTS } from './subdistricts.js';

const NOW = new Date('2026-11-22T02:00:00Z');
const now = () => NOW;

const shipment = (
  reference: string,
  address = '云川区望川街道望川东路 7 号 3 单元 501',
): ShipmentRequest => ({
  reference,
  fulfilmentId: '00000000-0000-4000-8000-000000000001',
  from: { name: '益康大药房', address: '望川路102号', phone: null, lat: 30.06, lng: 119.95 },
  to: { recipient: '张伟', phone: '13800000001', address, lat: 30.062, lng: 119.948 },
  parcel: { boxes: 2, description: '处方药品' },
});

// The courier's ledger and key are in its own tables ([9/12], 0030): one database for the file.
let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** A sim courier with no delay whose pushes land in `received` (as the platform would read them). */
async function recordingCourier(faults: Partial<SimCourier['faults']> = {}) {
  const sim = new SimCourier(database.db, now, (err) => {
    throw err;
  });
  await sim.init();
  sim.faults = { ...sim.faults, delayMs: 0, ...faults };
  const adapter = new SimCourierAdapter(sim, now);
  const received: CourierCallback[] = [];
  sim.deliver = async (headers, body) => {
    const cb = adapter.parseCallback(headers, body);
    if (!cb) throw new Error('bad signature');
    received.push(cb);
  };
  return { sim, adapter, received };
}

describe('delivery state order (a callback moves a delivery forward only)', () => {
  it.each([
    ['created', 'picked_up', true],
    ['created', 'delivered', true],
    ['picked_up', 'in_transit', true],
    ['in_transit', 'picked_up', false], // older after newer: recorded, not applied
    ['in_transit', 'in_transit', false],
    ['delivered', 'failed', false], // an end is final
    ['failed', 'delivered', false],
    ['in_transit', 'failed', true],
    ['returned', 'delivered', false], // a returned parcel's old shipment is over
  ])('%s → %s applies: %s', (from, to, expected) => {
    expect(advances(from, to)).toBe(expected);
  });
});

describe('courier push signature (HMAC-SM3 over timestamp, nonce, body)', () => {
  const key = Buffer.alloc(32, 7);
  const body = JSON.stringify({
    eventId: 'e1',
    waybillNo: 'W1',
    status: 'in_transit',
    occurredAt: NOW.toISOString(),
  });
  const ts = String(Math.floor(NOW.getTime() / 1000));
  const headers = (over: Record<string, string> = {}) => ({
    [SIGNATURE_HEADERS.timestamp]: ts,
    [SIGNATURE_HEADERS.nonce]: 'n1',
    [SIGNATURE_HEADERS.signature]: courierSignature(key, ts, 'n1', body),
    ...over,
  });

  it('verifies a well-signed push and reads it', () => {
    expect(verifyCourierPush(key, headers(), body, NOW)).toMatchObject({
      eventId: 'e1',
      status: 'in_transit',
    });
  });
  it('is HMAC (RFC 2104) over SM3, as a courier computes it from the bare hash', () => {
    // HMAC(K, m) = SM3((K ⊕ opad) ‖ SM3((K ⊕ ipad) ‖ m)), SM3's block being 64 bytes.
    const block = Buffer.alloc(64);
    key.copy(block);
    const xor = (b: number) => Buffer.from(block.map((x) => x ^ b));
    const sm3 = (...parts: Buffer[]) => createHash('sm3').update(Buffer.concat(parts)).digest();
    const message = Buffer.from(`${ts}\nn1\n${body}\n`);
    const expected = sm3(xor(0x5c), sm3(xor(0x36), message)).toString('hex');
    expect(courierSignature(key, ts, 'n1', body)).toBe(expected);
  });
  it('refuses a changed body, another key, a changed nonce, missing headers, a stale timestamp', () => {
    expect(verifyCourierPush(key, headers(), body.replace('in_transit', 'delivered'), NOW)).toBeNull();
    expect(verifyCourierPush(Buffer.alloc(32, 8), headers(), body, NOW)).toBeNull();
    expect(verifyCourierPush(key, headers({ [SIGNATURE_HEADERS.nonce]: 'n2' }), body, NOW)).toBeNull();
    expect(verifyCourierPush(key, { [SIGNATURE_HEADERS.timestamp]: ts }, body, NOW)).toBeNull();
    const late = new Date(NOW.getTime() + 6 * 60_000);
    expect(verifyCourierPush(key, headers(), body, late)).toBeNull();
  });
  it('refuses a signed body that is not a callback (unknown status)', () => {
    const odd = JSON.stringify({
      eventId: 'e1',
      waybillNo: 'W1',
      status: 'lost',
      occurredAt: NOW.toISOString(),
    });
    const h = headers({ [SIGNATURE_HEADERS.signature]: courierSignature(key, ts, 'n1', odd) });
    expect(verifyCourierPush(key, h, odd, NOW)).toBeNull();
  });
});

describe('SimCourier', () => {
  it('answers a repeated shipment request (same reference) with the same waybill', async () => {
    const { sim } = await recordingCourier({ hold: true });
    const a = sim.createShipment(shipment('f1#1'));
    expect(sim.createShipment(shipment('f1#1'))).toEqual(a);
    expect(sim.createShipment(shipment('f1#2')).waybillNo).not.toBe(a.waybillNo);
  });

  it('pushes picked_up, in_transit, delivered, signed so the adapter verifies them', async () => {
    const { sim, received } = await recordingCourier();
    const { waybillNo } = sim.createShipment(shipment('f2#1'));
    await sim.settle();
    expect(received.map((c) => c.status)).toEqual(['picked_up', 'in_transit', 'delivered']);
    expect(new Set(received.map((c) => c.waybillNo))).toEqual(new Set([waybillNo]));
  });

  it('fails the delivery when the address says 拒收, or with the failDelivery fault', async () => {
    const refused = await recordingCourier();
    refused.sim.createShipment(shipment('f3#1', '望川东路 7 号（拒收）'));
    await refused.sim.settle();
    expect(refused.received.map((c) => c.status)).toEqual(['picked_up', 'in_transit', 'failed']);
    const faulty = await recordingCourier({ failDelivery: true });
    faulty.sim.createShipment(shipment('f3#2'));
    await faulty.sim.settle();
    expect(faulty.received.at(-1)?.status).toBe('failed');
  });

  it('duplicates every push (same event id) and sends picked_up after in_transit when told to', async () => {
    const dup = await recordingCourier({ duplicate: true });
    dup.sim.createShipment(shipment('f4#1'));
    await dup.sim.settle();
    expect(dup.received).toHaveLength(6);
    expect(dup.received[0]!.eventId).toBe(dup.received[1]!.eventId);
    const late = await recordingCourier({ outOfOrder: true });
    late.sim.createShipment(shipment('f4#2'));
    await late.sim.settle();
    expect(late.received.map((c) => c.status)).toEqual(['in_transit', 'picked_up', 'delivered']);
  });

  it('retries a push the platform did not take, and pushes nothing when held', async () => {
    const { sim, received } = await recordingCourier();
    const deliver = sim.deliver;
    let refusals = 2;
    sim.deliver = async (h, b) => {
      if (refusals-- > 0) throw new Error('404: the waybill is not committed yet');
      await deliver(h, b);
    };
    sim.createShipment(shipment('f5#1'));
    await sim.settle();
    expect(received.map((c) => c.status)).toEqual(['picked_up', 'in_transit', 'delivered']);
    const held = await recordingCourier({ hold: true });
    held.sim.createShipment(shipment('f5#2'));
    await held.sim.settle();
    expect(held.received).toEqual([]);
  });

  it('keeps its shipments and key in the database: another node advances, cancels and verifies them', async () => {
    const a = await recordingCourier({ hold: true });
    const b = await recordingCourier({ hold: true });
    expect(b.sim.sharedKey.equals(a.sim.sharedKey)).toBe(true);
    const { waybillNo } = a.sim.createShipment(shipment('f6#1'));
    await a.sim.settle();
    // The same request through node B (a retried event) answers the same waybill and starts nothing.
    expect(b.sim.createShipment(shipment('f6#1'))).toEqual({ waybillNo });
    await b.sim.settle();
    expect(await b.sim.advance(waybillNo)).toBe('picked_up');
    expect(await a.sim.advance(waybillNo)).toBe('in_transit');
    expect(await b.sim.advance(waybillNo)).toBe('delivered');
    expect(await a.sim.advance(waybillNo)).toBeNull(); // at its end
    expect(b.received.map((c) => c.status)).toEqual(['picked_up', 'delivered']);
    // B's pushes verify with A's adapter: one key for every node.
    const pushed = b.sim.signed(b.sim.callbackFor(waybillNo, 'delivered'));
    expect(a.adapter.parseCallback(pushed.headers, pushed.body)).toMatchObject({ waybillNo });
    expect(a.received.map((c) => c.status)).toEqual(['in_transit']);
    expect((await a.sim.shipment(waybillNo))?.state).toBe('delivered');

    const other = a.sim.createShipment(shipment('f6#2'));
    await a.sim.settle();
    await b.sim.cancel(other.waybillNo);
    expect((await a.sim.shipment(other.waybillNo))?.state).toBe('cancelled');
    expect(await a.sim.advance(other.waybillNo)).toBeNull();
  });
});

describe('subdistricts and distances', () => {
  it('lists 8–10 subdistricts with distinct codes', () => {
    expect(SUBDISTRICTS.length).toBeGreaterThanOrEqual(8);
    expect(SUBDISTRICTS.length).toBeLessThanOrEqual(10);
    expect(new Set(SUBDISTRICTS.map((s) => s.code)).size).toBe(SUBDISTRICTS.length);
  });
  it('measures metres on the ground (0.01° of latitude ≈ 1.1 km)', () => {
    const a = { lat: 30, lng: 120 };
    expect(distanceM(a, a)).toBe(0);
    expect(distanceM(a, { lat: 30.01, lng: 120 })).toBeGreaterThan(1100);
    expect(distanceM(a, { lat: 30.01, lng: 120 })).toBeLessThan(1120);
  });
});
