/**
 * The fixture of the booking integration tests (test/integration/booking-*.test.ts): one seeded app per test
 * file, the YC-H01 administrator logged in, and the schedules of 陈建国 the tests book. The exported bindings
 * are live: every file sees the app its own `setupBookingApp()` built.
 */
import { afterAll, beforeAll } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

export let t: TestApp;
export let admin: string;
export let doctorId: string;
let day = 0;

/** One seeded app for the calling test file, closed after it. */
export function setupBookingApp(): void {
  beforeAll(async () => {
    t = await createTestApp({ seed: true }); // clock: 2026-11-22 10:00 Asia/Shanghai
    admin = await t.login('13600000001');
    const doctor = await t.ctx.db
      .selectFrom('account')
      .select('practitioner_id')
      .where('phone_bidx', '=', t.ctx.cipher.blindIndex('phone', '13900000001'))
      .executeTakeFirstOrThrow();
    doctorId = doctor.practitioner_id!;
  });
  afterAll(async () => t.close());
}

/** A new schedule of 陈建国 (cardiology, YC-H01) on its own day, so the one-per-day rule never interferes. */
export async function schedule(body: Record<string, unknown> = {}) {
  day += 1;
  const date = `2026-11-${String(23 + (day % 6)).padStart(2, '0')}`;
  const res = await t.request('POST', '/api/v1/schedules', {
    token: admin,
    body: {
      doctorId,
      date,
      startTime: `${String(8 + Math.floor(day / 6)).padStart(2, '0')}:00`,
      endTime: `${String(8 + Math.floor(day / 6)).padStart(2, '0')}:50`,
      mode: 'offline',
      capacity: 10,
      quotas: { referral: 0, partner: 0 },
      ...body,
    },
  });
  if (res.statusCode !== 201) throw new Error(`schedule: ${res.statusCode} ${res.body}`);
  return res.json();
}

export const bookAs = (
  token: string,
  scheduleId: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => t.request('POST', '/api/v1/appointments', { token, body: { scheduleId, ...extra }, headers });
