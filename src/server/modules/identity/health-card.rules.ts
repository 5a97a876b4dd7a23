/**
 * 电子健康卡 ([8/12]): the QR payload of a health card, pure. A payload is
 * `YYHC1.<cardId>.<minute>.<mac>` — the version, the card's id (a UUID, never the ID number or phone:
 * DJ-10), the minute it was made (whole minutes since 1970-01-01T00:00Z) and a MAC over the first three,
 * HMAC-SM3 truncated to 16 bytes, base64url. A code is accepted in the minute it was made and the next
 * one only: a screenshot or a photo of the screen stops working within two minutes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HEALTH_CARD_REFRESH_MS } from '../../../shared/health-card.js';

export const PAYLOAD_VERSION = 'YYHC1';
const MAC_BYTES = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The key of the QR MAC, derived from a configured secret for this one purpose (DJ-25). */
export function deriveCardKey(secret: Buffer): Buffer {
  return createHmac('sm3', secret).update('yunyi:health-card-qr:v1').digest();
}

export const minuteOf = (at: Date) => Math.floor(at.getTime() / HEALTH_CARD_REFRESH_MS);

function mac(key: Buffer, cardId: string, minute: number): Buffer {
  return createHmac('sm3', key)
    .update(`${PAYLOAD_VERSION}.${cardId}.${minute}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export interface CardCode {
  payload: string;
  /** The start of the next minute: when the app fetches a new code. */
  refreshAt: Date;
  /** The end of the next minute: when this code stops being accepted. */
  expiresAt: Date;
}

export function buildPayload(key: Buffer, cardId: string, now: Date): CardCode {
  const minute = minuteOf(now);
  return {
    payload: `${PAYLOAD_VERSION}.${cardId}.${minute}.${mac(key, cardId, minute).toString('base64url')}`,
    refreshAt: new Date((minute + 1) * HEALTH_CARD_REFRESH_MS),
    expiresAt: new Date((minute + 2) * HEALTH_CARD_REFRESH_MS),
  };
}

export type PayloadCheck =
  | { ok: true; cardId: string; minute: number }
  | { ok: false; problem: 'malformed' | 'bad_mac' | 'future' }
  | { ok: false; problem: 'expired'; cardId: string; minute: number };

/**
 * Checks a scanned text: its shape, then the MAC (so an altered or invented code says nothing about any
 * card), then its minute — the current or the previous one is accepted; older is expired; a later minute
 * than the server's cannot have been made by this server's clock and is refused as invalid.
 */
/** How far ahead another node's clock may be when it makes a code (see checkPayload). */
export const CLOCK_SKEW_MS = 5_000;

export function checkPayload(key: Buffer, text: string, now: Date): PayloadCheck {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts[0] !== PAYLOAD_VERSION) return { ok: false, problem: 'malformed' };
  const [, cardId, minuteText, macText] = parts as [string, string, string, string];
  if (!UUID.test(cardId) || !/^\d{1,12}$/.test(minuteText) || !/^[A-Za-z0-9_-]{22}$/.test(macText)) {
    return { ok: false, problem: 'malformed' };
  }
  const minute = Number(minuteText);
  // Compared as the text the platform writes: 22 base64url characters carry 16 bytes and 4 spare bits, so
  // decoding first would accept four spellings of one MAC (a changed last character passed 1 time in 4).
  const given = Buffer.from(macText, 'utf8');
  const expected = Buffer.from(mac(key, cardId, minute).toString('base64url'), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, problem: 'bad_mac' };
  }
  const current = minuteOf(now);
  // Another API node's clock may run a little ahead: a code of the next minute is accepted within the
  // last CLOCK_SKEW_MS of this one; anything later is no code this platform made.
  if (minute > minuteOf(new Date(now.getTime() + CLOCK_SKEW_MS))) return { ok: false, problem: 'future' };
  if (minute < current - 1) return { ok: false, problem: 'expired', cardId, minute };
  return { ok: true, cardId, minute };
}

/**
 * A card number: 16 digits — the region code of 云川区 (530102), nine random digits and a Luhn check
 * digit, so a mistyped number is caught at the counter. It says nothing about the person.
 */
export function cardNumber(region: string, random9: string): string {
  const body = `${region}${random9}`;
  return `${body}${luhnDigit(body)}`;
}

export function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** `5301021234567890` → `5301********7890`. */
export function maskCardNo(cardNo: string): string {
  return `${cardNo.slice(0, 4)}${'*'.repeat(Math.max(cardNo.length - 8, 0))}${cardNo.slice(-4)}`;
}
