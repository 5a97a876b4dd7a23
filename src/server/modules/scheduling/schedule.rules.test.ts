/**
 * The pure token maths of scheduling, with a frozen clock. The business calendar is Asia/Shanghai (UTC+8,
 * no daylight saving): a Shanghai day starts at 16:00Z the day before, so every rule is tried where the
 * Shanghai date and the UTC date differ, and across month, year and leap-day boundaries.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  addDays,
  canCancel,
  channelOfTokens,
  defaultPolicy,
  quotaCounts,
  releaseAt,
  reservedReleaseAt,
  shanghaiInstant,
  suspendedUntil,
  tokenWindows,
} from './schedule.rules.js';

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;

// Frozen far from every instant below: a rule that read the machine's clock instead of the `now` it is
// given would answer differently here than in production.
beforeAll(() => {
  vi.useFakeTimers();
  vi.setSystemTime(at('2031-06-15T12:00:00Z'));
});
afterAll(() => {
  vi.useRealTimers();
});

describe('Shanghai wall-clock time', () => {
  it('is UTC+8: Shanghai midnight is 16:00Z the day before', () => {
    expect(shanghaiInstant('2026-11-23', '00:00')).toEqual(at('2026-11-22T16:00:00Z'));
    expect(shanghaiInstant('2026-11-23', '07:59:59')).toEqual(at('2026-11-22T23:59:59Z'));
    expect(shanghaiInstant('2026-11-23', '08:00')).toEqual(at('2026-11-23T00:00:00Z'));
    expect(shanghaiInstant('2027-01-01', '00:30')).toEqual(at('2026-12-31T16:30:00Z'));
  });

  it('has no daylight saving: the same offset in winter and summer', () => {
    expect(shanghaiInstant('2026-01-15', '09:00')).toEqual(at('2026-01-15T01:00:00Z'));
    expect(shanghaiInstant('2026-07-15', '09:00')).toEqual(at('2026-07-15T01:00:00Z'));
  });

  it('does not depend on the time zone of the machine it runs on', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['America/Los_Angeles', 'Europe/London', 'Asia/Shanghai', 'UTC']) {
        process.env.TZ = zone;
        expect(shanghaiInstant('2026-11-23', '00:30')).toEqual(at('2026-11-22T16:30:00Z'));
        expect(addDays('2026-03-08', -1)).toBe('2026-03-07'); // a US daylight-saving change
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('adds calendar days across months, years and leap days', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2027-01-03', -7)).toBe('2026-12-27');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
  });
});

describe('release times', () => {
  const policy = { releaseDaysAhead: 7, releaseTime: '08:00' };

  it('opens a schedule N days before its date at the release time, in Shanghai time', () => {
    // 08:00 Shanghai is 00:00Z on the same date.
    expect(releaseAt('2026-11-30', policy)).toEqual(at('2026-11-23T00:00:00Z'));
  });

  it('a release before 08:00 Shanghai falls on the previous UTC day', () => {
    expect(releaseAt('2026-11-30', { ...policy, releaseTime: '07:30' })).toEqual(at('2026-11-22T23:30:00Z'));
    expect(releaseAt('2026-11-30', { ...policy, releaseTime: '00:00' })).toEqual(at('2026-11-22T16:00:00Z'));
  });

  it('counts back across month and year ends', () => {
    expect(releaseAt('2026-12-03', policy)).toEqual(at('2026-11-26T00:00:00Z'));
    expect(releaseAt('2027-01-05', policy)).toEqual(at('2026-12-29T00:00:00Z'));
    expect(releaseAt('2028-03-02', { releaseDaysAhead: 2, releaseTime: '08:00' })).toEqual(
      at('2028-02-29T00:00:00Z'),
    );
  });

  it('FD-4: unused reserved tokens go public 24 h before the session starts', () => {
    expect(reservedReleaseAt('2026-11-24', '08:00', 24)).toEqual(at('2026-11-23T00:00:00Z'));
    // A session at 00:30 Shanghai: one hour before is 23:30 on the previous Shanghai day.
    expect(reservedReleaseAt('2026-12-01', '00:30', 1)).toEqual(at('2026-11-30T15:30:00Z'));
    expect(reservedReleaseAt('2027-01-01', '09:00', 24)).toEqual(shanghaiInstant('2026-12-31', '09:00'));
  });
});

describe('token windows', () => {
  it('splits a session into equal, numbered windows from its start to its end', () => {
    const w = tokenWindows('2026-11-23', '09:00', '10:00', 4);
    expect(w).toEqual([
      { tokenNumber: 1, windowStart: at('2026-11-23T01:00:00Z'), windowEnd: at('2026-11-23T01:15:00Z') },
      { tokenNumber: 2, windowStart: at('2026-11-23T01:15:00Z'), windowEnd: at('2026-11-23T01:30:00Z') },
      { tokenNumber: 3, windowStart: at('2026-11-23T01:30:00Z'), windowEnd: at('2026-11-23T01:45:00Z') },
      { tokenNumber: 4, windowStart: at('2026-11-23T01:45:00Z'), windowEnd: at('2026-11-23T02:00:00Z') },
    ]);
  });

  it('leaves no gap and no overlap when the session does not divide evenly; the last ends at the end', () => {
    const w = tokenWindows('2026-11-23', '09:00', '10:00', 7);
    expect(w.map((x) => x.tokenNumber)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(w[0]!.windowStart).toEqual(at('2026-11-23T01:00:00Z'));
    expect(w[6]!.windowEnd).toEqual(at('2026-11-23T02:00:00Z'));
    for (let i = 1; i < w.length; i++) expect(w[i]!.windowStart).toEqual(w[i - 1]!.windowEnd);
    const lengths = w.map((x) => x.windowEnd.getTime() - x.windowStart.getTime());
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThan(7); // ms of rounding, all at the end
  });

  it('a session just after Shanghai midnight lies on the previous UTC date', () => {
    const w = tokenWindows('2026-11-23', '00:00', '00:30', 2);
    expect(w.map((x) => [x.windowStart.toISOString(), x.windowEnd.toISOString()])).toEqual([
      ['2026-11-22T16:00:00.000Z', '2026-11-22T16:15:00.000Z'],
      ['2026-11-22T16:15:00.000Z', '2026-11-22T16:30:00.000Z'],
    ]);
  });

  it('one token takes the whole session', () => {
    expect(tokenWindows('2026-12-31', '23:00', '23:59', 1)).toEqual([
      { tokenNumber: 1, windowStart: at('2026-12-31T15:00:00Z'), windowEnd: at('2026-12-31T15:59:00Z') },
    ]);
  });
});

describe('FD-4: quotas per channel', () => {
  const tertiary = defaultPolicy('tertiary');

  it('tertiary hospitals reserve 30% for referrals and 10% for partners by default; others reserve none', () => {
    expect(tertiary).toMatchObject({ referralPercent: 30, partnerPercent: 10 });
    expect(defaultPolicy('secondary')).toMatchObject({ referralPercent: 0, partnerPercent: 0 });
    expect(defaultPolicy(null)).toMatchObject({ referralPercent: 0, partnerPercent: 0 });
    expect(quotaCounts(10, tertiary)).toEqual({ referral: 3, partner: 1, public: 6 });
    expect(quotaCounts(20, tertiary)).toEqual({ referral: 6, partner: 2, public: 12 });
    expect(quotaCounts(10, defaultPolicy('primary'))).toEqual({ referral: 0, partner: 0, public: 10 });
  });

  it('rounds the percentages down, so the public channel keeps the remainder', () => {
    expect(quotaCounts(7, tertiary)).toEqual({ referral: 2, partner: 0, public: 5 });
    expect(quotaCounts(1, tertiary)).toEqual({ referral: 0, partner: 0, public: 1 });
  });

  it('explicit counts win over the percentages, one channel at a time', () => {
    expect(quotaCounts(10, tertiary, { referral: 0, partner: 0 })).toEqual({
      referral: 0,
      partner: 0,
      public: 10,
    });
    expect(quotaCounts(10, tertiary, { referral: 5 })).toEqual({ referral: 5, partner: 1, public: 4 });
    expect(quotaCounts(4, tertiary, { referral: 2, partner: 2 })).toEqual({
      referral: 2,
      partner: 2,
      public: 0,
    });
  });

  it('refuses counts that do not fit the capacity, or are negative', () => {
    expect(quotaCounts(4, tertiary, { referral: 3, partner: 2 })).toBeNull();
    expect(quotaCounts(10, tertiary, { referral: -1 })).toBeNull();
    expect(quotaCounts(2, tertiary, { referral: 3 })).toBeNull();
  });

  it('gives every token one channel, with each channel’s count, reserved tokens spread through the session', () => {
    const channels = channelOfTokens({ referral: 3, partner: 1, public: 6 });
    expect(channels).toEqual([
      'public',
      'referral',
      'public',
      'public',
      'public',
      'referral',
      'partner',
      'public',
      'referral',
      'public',
    ]);
  });

  it('keeps the counts for any split, including all tokens reserved', () => {
    for (let capacity = 1; capacity <= 30; capacity++) {
      for (const requested of [
        undefined,
        { referral: capacity, partner: 0 },
        { referral: 0, partner: capacity },
      ]) {
        const counts = quotaCounts(capacity, tertiary, requested)!;
        const channels = channelOfTokens(counts);
        expect(channels).toHaveLength(capacity);
        for (const c of ['public', 'referral', 'partner'] as const)
          expect(channels.filter((x) => x === c).length, `${capacity} ${c}`).toBe(counts[c]);
      }
    }
  });
});

describe('cancellation deadline', () => {
  const cutoff = defaultPolicy('tertiary').cancelCutoffMinutes; // 120

  it('allows a cancellation until exactly the cutoff before the session, not a millisecond later', () => {
    const start = shanghaiInstant('2026-11-23', '14:00'); // 06:00Z
    expect(cutoff).toBe(120);
    expect(canCancel(start, at('2026-11-23T03:59:59.999Z'), cutoff)).toBe(true);
    expect(canCancel(start, at('2026-11-23T04:00:00.000Z'), cutoff)).toBe(true);
    expect(canCancel(start, at('2026-11-23T04:00:00.001Z'), cutoff)).toBe(false);
    expect(canCancel(start, start, cutoff)).toBe(false);
  });

  it('a 09:00 session closes for cancelling at 07:00 Shanghai, on the previous UTC day', () => {
    const start = shanghaiInstant('2026-11-23', '09:00'); // 01:00Z
    expect(canCancel(start, at('2026-11-22T23:00:00Z'), cutoff)).toBe(true);
    expect(canCancel(start, at('2026-11-22T23:00:01Z'), cutoff)).toBe(false);
  });

  it('a session just after Shanghai midnight closes for cancelling the evening before', () => {
    const start = shanghaiInstant('2027-01-01', '01:00'); // 2026-12-31T17:00Z
    // 23:00 Shanghai on 31 December (15:00Z) is the last moment.
    expect(canCancel(start, shanghaiInstant('2026-12-31', '23:00'), cutoff)).toBe(true);
    expect(canCancel(start, shanghaiInstant('2026-12-31', '23:00:01'), cutoff)).toBe(false);
  });
});

describe('suspension after no-shows', () => {
  const policy = defaultPolicy('tertiary'); // 3 no-shows in 180 days → 90 days suspended
  const now = shanghaiInstant('2026-11-22', '10:00');
  const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);

  it('uses the defaults: 3 no-shows within 180 days suspend booking for 90 days', () => {
    expect(policy).toMatchObject({ noShowLimit: 3, noShowWindowDays: 180, suspensionDays: 90 });
  });

  it('two no-shows do not suspend; the third suspends until 90 days after the last one', () => {
    expect(suspendedUntil([daysAgo(30), daysAgo(10)], now, policy)).toBeNull();
    expect(suspendedUntil([daysAgo(30), daysAgo(10), daysAgo(2)], now, policy)).toEqual(
      new Date(daysAgo(2).getTime() + 90 * DAY),
    );
  });

  it('takes the no-shows in any order', () => {
    expect(suspendedUntil([daysAgo(2), daysAgo(30), daysAgo(10)], now, policy)).toEqual(
      new Date(daysAgo(2).getTime() + 90 * DAY),
    );
  });

  it('counts a no-show exactly 180 days old, and not one a millisecond older', () => {
    const recent = [daysAgo(20), daysAgo(100)];
    expect(suspendedUntil([daysAgo(180), ...recent], now, policy)).not.toBeNull();
    expect(suspendedUntil([new Date(daysAgo(180).getTime() - 1), ...recent], now, policy)).toBeNull();
  });

  it('ends 90 days after the last no-show: suspended until then, free from that instant', () => {
    const last = daysAgo(89);
    const noShows = [daysAgo(120), daysAgo(100), last];
    expect(suspendedUntil(noShows, now, policy)).toEqual(new Date(last.getTime() + 90 * DAY));
    const end = new Date(last.getTime() + 90 * DAY);
    expect(suspendedUntil(noShows, new Date(end.getTime() - 1), policy)).toEqual(end);
    expect(suspendedUntil(noShows, end, policy)).toBeNull();
    expect(suspendedUntil([daysAgo(150), daysAgo(120), daysAgo(91)], now, policy)).toBeNull();
  });

  it('measures days as 24-hour spans from the instant, whatever the Shanghai date', () => {
    // A no-show at 23:30 Shanghai (15:30Z): the suspension ends at 23:30 Shanghai, 90 days later.
    const late = shanghaiInstant('2026-11-20', '23:30');
    const until = suspendedUntil([daysAgo(40), daysAgo(20), late], now, policy)!;
    expect(until).toEqual(shanghaiInstant('2027-02-18', '23:30'));
  });

  it('follows the institution’s own policy', () => {
    const strict = { noShowLimit: 1, noShowWindowDays: 30, suspensionDays: 7 };
    expect(suspendedUntil([daysAgo(3)], now, strict)).toEqual(new Date(daysAgo(3).getTime() + 7 * DAY));
    expect(suspendedUntil([daysAgo(31)], now, strict)).toBeNull();
  });
});
