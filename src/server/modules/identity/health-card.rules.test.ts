import { describe, expect, it } from 'vitest';
import {
  buildPayload,
  cardNumber,
  checkPayload,
  deriveCardKey,
  luhnDigit,
  maskCardNo,
} from './health-card.rules.js';

const key = deriveCardKey(Buffer.alloc(32, 7));
const otherKey = deriveCardKey(Buffer.alloc(32, 8));
const CARD = '0b6f2a8e-8f51-4c7e-9d3a-2f1c5e7a9b10';
const T0 = new Date('2026-11-22T02:00:30Z'); // 10:00:30 in Shanghai
const plus = (ms: number) => new Date(T0.getTime() + ms);

describe('health card QR payload', () => {
  const { payload, refreshAt, expiresAt } = buildPayload(key, CARD, T0);

  it('is YYHC1.<cardId>.<minute>.<mac>, refreshed at the next minute, accepted until the end of the next', () => {
    expect(payload).toMatch(/^YYHC1\.0b6f2a8e-8f51-4c7e-9d3a-2f1c5e7a9b10\.\d+\.[A-Za-z0-9_-]{22}$/);
    expect(payload.split('.')[2]).toBe(String(Math.floor(T0.getTime() / 60_000)));
    expect(refreshAt.toISOString()).toBe('2026-11-22T02:01:00.000Z');
    expect(expiresAt.toISOString()).toBe('2026-11-22T02:02:00.000Z');
  });

  it('changes every minute', () => {
    expect(buildPayload(key, CARD, plus(29_000)).payload).toBe(payload);
    expect(buildPayload(key, CARD, plus(30_000)).payload).not.toBe(payload);
  });

  const [v, id, minute, mac] = payload.split('.') as [string, string, string, string];
  const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  it.each([
    ['same minute', payload, 0, { ok: true }],
    ['the next minute', payload, 60_000, { ok: true }],
    ['last millisecond of the next minute', payload, 89_999, { ok: true }],
    ['two minutes on', payload, 90_000, { ok: false, problem: 'expired' }],
    ['an hour on', payload, 3_600_000, { ok: false, problem: 'expired' }],
    ['made in the future', payload, -60_000, { ok: false, problem: 'future' }],
    // Made by a node whose clock is ahead: 4 s before its minute starts here is within CLOCK_SKEW_MS, 6 s not.
    ['another node 4 s ahead', payload, -34_000, { ok: true }],
    ['another node 6 s ahead', payload, -36_000, { ok: false, problem: 'future' }],
    ['altered MAC', `${v}.${id}.${minute}.${flip(mac)}`, 0, { ok: false, problem: 'bad_mac' }],
    ['altered minute', `${v}.${id}.${Number(minute) + 1}.${mac}`, 60_000, { ok: false, problem: 'bad_mac' }],
    [
      'another card id',
      `${v}.${CARD.replace('0b6f', '1b6f')}.${minute}.${mac}`,
      0,
      { ok: false, problem: 'bad_mac' },
    ],
    ['another key', buildPayload(otherKey, CARD, T0).payload, 0, { ok: false, problem: 'bad_mac' }],
    ['wrong version', `YYHC2.${id}.${minute}.${mac}`, 0, { ok: false, problem: 'malformed' }],
    ['not a code', '6901234567892', 0, { ok: false, problem: 'malformed' }],
    ['an ID number', '11010119780315031X', 0, { ok: false, problem: 'malformed' }],
    ['extra part', `${payload}.x`, 0, { ok: false, problem: 'malformed' }],
    ['spaces around (scanner)', ` ${payload}\n`, 0, { ok: true }],
  ])('%s', (_name, text, later, expected) => {
    expect(checkPayload(key, text, plus(later))).toMatchObject(expected);
  });

  // The last of 22 characters holds 2 bits of the MAC and 4 spare ones: every other spelling of the same 16
  // bytes is refused (decoding before comparing accepted a changed last character 1 time in 4).
  it('a MAC spelt another way with the same bytes is refused', () => {
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = B64.indexOf(mac.slice(-1));
    const respelt = [...Array(16).keys()]
      .map((spare) => mac.slice(0, -1) + B64[(last & ~15) | spare])
      .filter((other) => other !== mac);
    expect(respelt).toHaveLength(15);
    for (const other of respelt) {
      expect(Buffer.from(other, 'base64url').equals(Buffer.from(mac, 'base64url'))).toBe(true);
      expect(checkPayload(key, `${v}.${id}.${minute}.${other}`, T0)).toMatchObject({
        ok: false,
        problem: 'bad_mac',
      });
    }
  });

  it('names the card of an expired but genuine code (the audit records whose it was)', () => {
    expect(checkPayload(key, payload, plus(120_000))).toEqual({
      ok: false,
      problem: 'expired',
      cardId: CARD,
      minute: Number(minute),
    });
  });
});

describe('card numbers', () => {
  it('are 16 digits with a Luhn check digit, masked to the first and last four', () => {
    expect(luhnDigit('7992739871')).toBe(3); // the textbook example
    const no = cardNumber('530102', '123456789');
    expect(no).toMatch(/^530102123456789\d$/);
    expect(maskCardNo(no)).toBe(`5301********${no.slice(-4)}`);
  });
});
