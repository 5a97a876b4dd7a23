/**
 * The courier adapter (快递/同城配送): what the platform asks of a courier and how it reads the courier's
 * status pushes. The default, in demo mode and tests, is the simulated courier (sim-courier.ts); a real
 * one (SF Express, a city-delivery service) implements the same interface.
 *
 * A push is signed with HMAC-SM3 under the key the courier and the platform share, over
 * `timestamp \n nonce \n body \n` (the shape of SF Express's and WeChat Pay's signatures), and carries the
 * three in headers; one whose timestamp is more than 5 minutes off is refused (replay).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { COURIER_STATUSES, type CourierCallback } from '../../../shared/prescriptions.js';

export interface ShipmentRequest {
  /**
   * The courier's idempotency key: `<fulfilment id>#<attempt>`. A retried request (after a crash, a
   * timeout) answers the first waybill; a re-shipment after a failed delivery is a new attempt.
   */
  reference: string;
  fulfilmentId: string;
  from: { name: string; address: string; phone: string | null; lat: number; lng: number };
  to: { recipient: string; phone: string; address: string; lat: number; lng: number };
  parcel: { boxes: number; description: string };
}

export interface CourierAdapter {
  /** The courier's name in URLs and rows (`sim`). */
  readonly name: string;
  createShipment(request: ShipmentRequest): Promise<{ waybillNo: string }>;
  /** Calls a shipment off (the parcel has not been picked up, or goes back). */
  cancel(waybillNo: string): Promise<void>;
  /** A verified callback, or null when the signature, the timestamp or the body is wrong. */
  parseCallback(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
  ): CourierCallback | null;
}

/** Where a status stands in a delivery's life: a callback moves a delivery forward only (state order). */
export const DELIVERY_RANK: Record<string, number> = {
  created: 0,
  picked_up: 1,
  in_transit: 2,
  delivered: 3,
  failed: 3,
};

/** Whether a courier status moves a delivery on from where it stands (never back, never past an end). */
export function advances(current: string, next: string): boolean {
  const from = DELIVERY_RANK[current];
  const to = DELIVERY_RANK[next];
  if (from === undefined || to === undefined) return false;
  return to > from;
}

export const SIGNATURE_HEADERS = {
  timestamp: 'x-courier-timestamp',
  nonce: 'x-courier-nonce',
  signature: 'x-courier-signature',
} as const;

const MAX_SKEW_MS = 5 * 60_000;

/** HMAC-SM3 (hex) of a push. */
export function courierSignature(key: Buffer, timestamp: string, nonce: string, body: string): string {
  return createHmac('sm3', key).update(`${timestamp}\n${nonce}\n${body}\n`).digest('hex');
}

/** Verifies a push's signature and freshness and reads its body (null when anything is wrong). */
export function verifyCourierPush(
  key: Buffer,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  now: Date,
): CourierCallback | null {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const timestamp = h(SIGNATURE_HEADERS.timestamp);
  const nonce = h(SIGNATURE_HEADERS.nonce);
  const signature = h(SIGNATURE_HEADERS.signature);
  if (!timestamp || !nonce || !signature || !/^\d{1,12}$/.test(timestamp)) return null;
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_SKEW_MS) return null;
  const expected = Buffer.from(courierSignature(key, timestamp, nonce, rawBody), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const body = JSON.parse(rawBody) as Partial<CourierCallback>;
    if (
      typeof body.eventId !== 'string' ||
      typeof body.waybillNo !== 'string' ||
      typeof body.occurredAt !== 'string' ||
      !COURIER_STATUSES.includes(body.status as (typeof COURIER_STATUSES)[number]) ||
      Number.isNaN(Date.parse(body.occurredAt))
    )
      return null;
    return {
      eventId: body.eventId.slice(0, 80),
      waybillNo: body.waybillNo.slice(0, 40),
      status: body.status!,
      occurredAt: body.occurredAt,
      ...(typeof body.note === 'string' ? { note: body.note.slice(0, 200) } : {}),
    };
  } catch {
    return null;
  }
}
