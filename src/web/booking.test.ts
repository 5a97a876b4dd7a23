import { describe, expect, it } from 'vitest';
import type { Schedule } from '../shared/scheduling.js';
import { checkInCode, isCancellable, sessionState } from './booking.js';

const schedule = (over: Partial<Schedule> = {}): Schedule => ({
  id: 's1',
  doctorId: 'd1',
  departmentId: 'dep1',
  institutionId: 'i1',
  date: '2026-11-24',
  startTime: '09:00',
  endTime: '11:00',
  mode: 'offline',
  feeFen: 10_000,
  capacity: 3,
  available: 2,
  releaseAt: '2026-11-17T00:00:00.000Z', // 11-17 08:00 Shanghai
  status: 'open',
  quotas: { public: 3, referral: 0, partner: 0 },
  ...over,
});

describe('sessionState', () => {
  const afterRelease = new Date('2026-11-20T02:00:00Z');

  it('is bookable once released while tokens are left', () => {
    expect(sessionState(schedule(), afterRelease)).toBe('bookable');
    expect(sessionState(schedule({ available: 0 }), afterRelease)).toBe('full');
  });

  it('is visible but not bookable before its release time', () => {
    expect(sessionState(schedule(), new Date('2026-11-16T23:59:59Z'))).toBe('not_released');
    expect(sessionState(schedule(), new Date('2026-11-17T00:00:00Z'))).toBe('bookable');
  });

  it('is over from its start (Shanghai time), and a stop wins over everything', () => {
    expect(sessionState(schedule(), new Date('2026-11-24T01:00:00Z'))).toBe('past');
    expect(sessionState(schedule({ status: 'stopped' }), afterRelease)).toBe('stopped');
  });
});

describe('appointments', () => {
  it('may be cancelled while awaiting payment or booked', () => {
    expect(isCancellable('pending_payment')).toBe(true);
    expect(isCancellable('confirmed')).toBe(true);
    expect(isCancellable('checked_in')).toBe(false);
    expect(isCancellable('cancelled')).toBe(false);
  });

  it('encode the check-in QR text', () => {
    expect(checkInCode('abc')).toBe('yunyi:appointment:abc');
  });
});
