import { describe, expect, it } from 'vitest';
import { ageOn } from './triage.service.js';

describe('the age triage uses', () => {
  it('is whole calendar years from one year: 14 on the 14th birthday (no longer 儿科), 13 the day before', () => {
    expect(ageOn('2012-12-06', '2026-12-06')).toBe(14);
    expect(ageOn('2012-12-07', '2026-12-06')).toBe(13);
    expect(ageOn('1954-03-01', '2026-12-06')).toBe(72);
  });

  it('is a fraction under one year, so a 30-day-old infant is under 3 months', () => {
    expect(ageOn('2026-11-06', '2026-12-06')).toBeCloseTo(30 / 365, 5);
    expect(ageOn('2026-11-06', '2026-12-06')).toBeLessThan(0.25);
  });
});
