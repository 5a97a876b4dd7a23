import { describe, expect, it } from 'vitest';
import {
  assessmentPeriod,
  emptyCounts,
  isRealDay,
  meanStars,
  measures,
  monthPoints,
  percentText,
  rate,
  sumCounts,
} from './assessment.rules.js';

describe('assessment ratios (seed 002 (十五))', () => {
  it.each([
    [0, 0, null],
    [3, 0, null],
    [0, 4, 0],
    [1, 3, 0.3333],
    [2, 3, 0.6667],
    [1, 8, 0.125],
    [7, 7, 1],
    [1, 7, 0.1429],
  ])('rate(%i, %i) = %s', (part, whole, expected) => {
    expect(rate(part, whole)).toBe(expected);
  });

  it.each([
    [0, 0, null],
    [5, 1, 5],
    [9, 2, 4.5],
    [13, 3, 4.33],
    [14, 3, 4.67],
  ])('meanStars(%i, %i) = %s', (sum, count, expected) => {
    expect(meanStars(sum, count)).toBe(expected);
  });

  it.each([
    [null, ''],
    [0, '0.0%'],
    [1, '100.0%'],
    [0.6667, '66.7%'],
    [0.125, '12.5%'],
    [0.3333, '33.3%'],
  ])('percentText(%s) = %s', (value, text) => {
    expect(percentText(value)).toBe(text);
  });

  it('the total takes its rates over the summed parts, not as a mean of the teams’ rates', () => {
    const a = {
      ...emptyCounts(),
      signed: 10,
      byGroup: { basic: 10, elderly: 4 },
      ended: 1,
      renewed: 1,
      ratings: 1,
      starsSum: 5,
    };
    const b = {
      ...emptyCounts(),
      signed: 90,
      byGroup: { basic: 90, hypertension: 30 },
      ended: 9,
      renewed: 0,
      ratings: 3,
      starsSum: 6,
    };
    const total = measures(sumCounts([a, b]));
    expect(total.signed).toBe(100);
    expect(total.byGroup).toEqual({ basic: 100, elderly: 4, hypertension: 30 });
    expect(total.renewalRate).toBe(0.1); // 1 of 10, where the mean of 100 % and 0 % would say 50 %
    expect(total.satisfaction).toBe(2.75); // 11 stars over 4 ratings
    expect(measures(emptyCounts())).toMatchObject({
      renewalRate: null,
      onTimeRate: null,
      satisfaction: null,
    });
  });
});

describe('the assessment period (Asia/Shanghai days)', () => {
  it.each([
    [{}, '2026-11-22', { from: '2025-12-01', to: '2026-11-22' }],
    [{ to: '2026-01-15' }, '2026-11-22', { from: '2025-02-01', to: '2026-01-15' }],
    [{ from: '2026-03-01', to: '2026-03-31' }, '2026-11-22', { from: '2026-03-01', to: '2026-03-31' }],
    [{ from: '2024-02-29' }, '2026-11-22', { from: '2024-02-29', to: '2026-11-22' }],
  ])('%j on %s → %j', (query, today, expected) => {
    expect(assessmentPeriod(query, today)).toEqual(expected);
  });

  it.each([
    [{ from: '2026-02-30' }, 'from'],
    [{ to: '2025-13-01' }, 'to'],
    [{ from: '2026-11-23', to: '2026-11-22' }, 'from'],
    [{ from: '2023-01-01', to: '2026-11-22' }, 'from'],
  ])('%j is refused (%s)', (query, field) => {
    expect(assessmentPeriod(query, '2026-11-22')).toMatchObject({ field });
  });

  it('real days', () => {
    expect(isRealDay('2024-02-29')).toBe(true);
    expect(isRealDay('2025-02-29')).toBe(false);
    expect(isRealDay('2025-2-28')).toBe(false);
  });

  it('a point per month at the month’s end, the last at the period’s end', () => {
    expect(monthPoints('2025-12-15', '2026-03-10')).toEqual([
      { month: '2025-12', day: '2025-12-31' },
      { month: '2026-01', day: '2026-01-31' },
      { month: '2026-02', day: '2026-02-28' },
      { month: '2026-03', day: '2026-03-10' },
    ]);
    expect(monthPoints('2026-03-31', '2026-03-31')).toEqual([{ month: '2026-03', day: '2026-03-31' }]);
  });
});
