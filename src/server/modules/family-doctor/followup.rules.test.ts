import { describe, expect, it } from 'vitest';
import type { Classification, FollowupAction } from '../../../shared/family-doctor.js';
import { loadConfig } from '../../platform/config.js';
import {
  addDays,
  addYears,
  classifyBp,
  classifyGlucose,
  countsForPlan,
  daysBetween,
  followupDueOn,
  type GlucoseTiming,
  glucoseTenths,
  nextAction,
  readingProblem,
  reasonOf,
  scheduledDueDates,
  type Thresholds,
  worse,
} from './followup.rules.js';

// The defaults of config.ts (国家基本公共卫生服务规范): 140/90, 180/110, 7.0, 16.7, 3.9 mmol/L.
const T: Thresholds = loadConfig({}).familyDoctor.thresholds;

describe('FD-7 classifyBp: every threshold edge (uncontrolled ≥140 or ≥90, urgent ≥180 or ≥110)', () => {
  const cases: [number, number, Classification][] = [
    [120, 80, 'controlled'],
    [139, 89, 'controlled'],
    [140, 89, 'uncontrolled'],
    [139, 90, 'uncontrolled'],
    [140, 90, 'uncontrolled'],
    [165, 100, 'uncontrolled'],
    [179, 109, 'uncontrolled'],
    [180, 109, 'urgent'],
    [179, 110, 'urgent'],
    [180, 110, 'urgent'],
    [185, 112, 'urgent'],
    // Isolated systolic or diastolic values decide alone.
    [150, 70, 'uncontrolled'],
    [130, 95, 'uncontrolled'],
    [200, 80, 'urgent'],
    [150, 115, 'urgent'],
  ];
  it.each(cases)('FD-7: %i/%i mmHg is %s', (s, d, expected) => {
    expect(classifyBp(s, d, T)).toBe(expected);
  });

  it('FD-7: the thresholds are settings, not constants', () => {
    const strict = { ...T, bpUncontrolled: { systolic: 130, diastolic: 80 } };
    expect(classifyBp(135, 75, strict)).toBe('uncontrolled');
    expect(classifyBp(129, 79, strict)).toBe('controlled');
  });
});

describe('FD-8 classifyGlucose: every threshold edge (fasting ≥7.0 uncontrolled; ≥16.7 or ≤3.9 urgent)', () => {
  const cases: [number, GlucoseTiming, Classification][] = [
    [5.6, 'fasting', 'controlled'],
    [6.9, 'fasting', 'controlled'],
    [7.0, 'fasting', 'uncontrolled'],
    [16.6, 'fasting', 'uncontrolled'],
    [16.7, 'fasting', 'urgent'],
    [25.0, 'fasting', 'urgent'],
    [4.0, 'fasting', 'controlled'],
    [3.9, 'fasting', 'urgent'],
    [2.8, 'fasting', 'urgent'],
    // Postprandial and random values: the urgent limits only (the ≥7.0 target is a fasting target).
    [7.0, 'postprandial', 'controlled'],
    [16.6, 'postprandial', 'controlled'],
    [16.7, 'postprandial', 'urgent'],
    [4.0, 'postprandial', 'controlled'],
    [3.9, 'postprandial', 'urgent'],
    [11.1, 'random', 'controlled'],
    [16.7, 'random', 'urgent'],
    [3.9, 'random', 'urgent'],
  ];
  it.each(cases)('FD-8: %d mmol/L %s is %s', (mmol, timing, expected) => {
    expect(classifyGlucose(glucoseTenths(mmol), timing, T)).toBe(expected);
  });

  it('FD-8: mmol/L becomes exact tenths (no floating-point drift at the edges)', () => {
    expect([6.9, 7.0, 16.6, 16.7, 3.9, 4.0].map(glucoseTenths)).toEqual([69, 70, 166, 167, 39, 40]);
    expect(glucoseTenths(6.95)).toBe(70);
  });

  it('FD-8: only fasting values (or urgent ones) count for the diabetes plan', () => {
    expect(countsForPlan('glucose', 'fasting', 'controlled')).toBe(true);
    expect(countsForPlan('glucose', 'postprandial', 'controlled')).toBe(false);
    expect(countsForPlan('glucose', 'random', 'urgent')).toBe(true);
    expect(countsForPlan('bp', null, 'controlled')).toBe(true);
  });
});

describe('FD-7/FD-8 nextAction: the streak transitions', () => {
  const cases: [number, Classification, FollowupAction, number][] = [
    [0, 'controlled', 'routine', 0],
    [1, 'controlled', 'routine', 0],
    [3, 'controlled', 'routine', 0],
    [0, 'uncontrolled', 'adjust', 1],
    [1, 'uncontrolled', 'refer', 2],
    [2, 'uncontrolled', 'refer', 3],
    [0, 'urgent', 'urgent_referral', 1],
    [1, 'urgent', 'urgent_referral', 2],
  ];
  it.each(cases)('FD-7/FD-8: streak %i then %s → %s (streak %i)', (prev, c, action, streak) => {
    expect(nextAction(prev, c)).toEqual({ action, streak });
  });

  it('FD-7: uncontrolled, uncontrolled, controlled, uncontrolled → adjust, refer, routine, adjust', () => {
    let streak = 0;
    const actions: FollowupAction[] = [];
    for (const c of ['uncontrolled', 'uncontrolled', 'controlled', 'uncontrolled'] as const) {
      const next = nextAction(streak, c);
      actions.push(next.action);
      streak = next.streak;
    }
    expect(actions).toEqual(['adjust', 'refer', 'routine', 'adjust']);
  });

  it('FD-7: "twice uncontrolled or worse": uncontrolled after an urgent result is a refer', () => {
    expect(nextAction(nextAction(0, 'urgent').streak, 'uncontrolled').action).toBe('refer');
  });

  it('FD-7/FD-8: adjust and refer are followed up within 2 weeks; an urgent reading now', () => {
    expect(followupDueOn('routine', '2026-11-22', 14, 'reading')).toBeNull();
    expect(followupDueOn('adjust', '2026-11-22', 14, 'reading')).toBe('2026-12-06');
    expect(followupDueOn('refer', '2026-11-22', 14, 'followup')).toBe('2026-12-06');
    expect(followupDueOn('urgent_referral', '2026-11-22', 14, 'reading')).toBe('2026-11-22');
    expect(followupDueOn('urgent_referral', '2026-11-22', 14, 'followup')).toBe('2026-12-06');
    expect(
      ['routine', 'adjust', 'refer', 'urgent_referral'].map((a) => reasonOf(a as FollowupAction)),
    ).toEqual([null, 'adjust', 'refer', 'urgent']);
  });

  it('worse of two classifications', () => {
    expect(worse('controlled', 'uncontrolled')).toBe('uncontrolled');
    expect(worse('urgent', 'uncontrolled')).toBe('urgent');
    expect(worse(null, 'controlled')).toBe('controlled');
    expect(worse(null, null)).toBeNull();
  });
});

describe('FD-7/FD-8 scheduledDueDates: ≥4 follow-ups a year, evenly spaced', () => {
  it('FD-7: 4 a year from 2026-01-01, the last on the year’s last day', () => {
    expect(scheduledDueDates('2026-01-01', 4)).toEqual([
      '2026-04-02',
      '2026-07-02',
      '2026-10-01',
      '2026-12-31',
    ]);
  });

  it('FD-7/FD-8: never fewer than 4 a year, whatever the setting', () => {
    expect(scheduledDueDates('2026-11-22', 2)).toHaveLength(4);
    expect(scheduledDueDates('2026-11-22', 0)).toHaveLength(4);
  });

  it('FD-7/FD-8: 6 and 12 a year are evenly spaced within the 12 months', () => {
    for (const n of [4, 6, 12]) {
      const dates = scheduledDueDates('2026-11-22', n);
      expect(dates).toHaveLength(n);
      const gaps = dates.map((d, i) => daysBetween(i === 0 ? '2026-11-22' : dates[i - 1]!, d));
      expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
      expect(dates.at(-1)).toBe('2027-11-21');
    }
  });

  it('calendar helpers across month, year and leap-day edges', () => {
    expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addYears('2028-02-29', 1)).toBe('2029-03-01');
    expect(daysBetween('2027-11-22', '2028-11-22')).toBe(366);
  });
});

describe('readingProblem: 422 READING_INVALID', () => {
  const now = new Date('2026-11-22T02:00:00Z');
  const bp = (systolic: number, diastolic: number, measuredAt = '2026-11-22T01:00:00Z') =>
    readingProblem({ kind: 'bp', systolic, diastolic, measuredAt }, now);
  const at = (measuredAt: string) => readingProblem({ kind: 'glucose', measuredAt }, now);

  it('systolic must exceed diastolic', () => {
    expect(bp(120, 80)).toBeNull();
    expect(bp(80, 80)).toMatch(/收缩压/);
    expect(bp(70, 90)).toMatch(/收缩压/);
  });

  it('measuredAt: at most 5 minutes ahead, at most a year old, a real instant', () => {
    expect(at('2026-11-22T02:05:00Z')).toBeNull();
    expect(at('2026-11-22T02:05:01Z')).toMatch(/晚于现在/);
    expect(at('2025-11-22T02:00:00Z')).toBeNull();
    expect(at('2025-11-20T02:00:00Z')).toMatch(/一年前/);
    expect(at('yesterday')).toMatch(/ISO 8601/);
  });
});
