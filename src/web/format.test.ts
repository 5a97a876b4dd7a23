import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatCountdown,
  formatDateTime,
  formatDay,
  formatTime,
  formatWindow,
  formatYuan,
  shanghaiDate,
  shanghaiInstant,
} from './format.js';

describe('format', () => {
  it('shows integer fen as yuan with two decimals', () => {
    expect(formatYuan(10_000)).toBe('¥100.00');
    expect(formatYuan(8_050)).toBe('¥80.50');
    expect(formatYuan(0)).toBe('¥0.00');
  });

  it('takes the calendar date and time in Shanghai, whatever the instant’s UTC day', () => {
    // 2026-11-22 17:30 UTC is already the 23rd, 01:30, in Shanghai.
    expect(shanghaiDate(new Date('2026-11-22T17:30:00Z'))).toBe('2026-11-23');
    expect(formatTime('2026-11-22T17:30:00Z')).toBe('01:30');
    expect(shanghaiInstant('2026-11-23', '09:00').toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });

  it('moves dates across month and year ends', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('writes days, times and token windows in each language', () => {
    expect(formatDay('2026-11-24', 'zh-CN')).toBe('11月24日 周二');
    expect(formatDay('2026-11-24', 'en-US')).toBe('Nov 24 Tue');
    expect(formatDateTime('2026-11-17T00:00:00Z', 'zh-CN')).toBe('11月17日 08:00');
    expect(formatWindow('2026-11-24T01:00:00Z', '2026-11-24T01:40:00Z', 'zh-CN')).toBe(
      '11月24日 周二 09:00–09:40',
    );
  });

  it('counts down in mm:ss and never below zero', () => {
    expect(formatCountdown(15 * 60_000)).toBe('15:00');
    expect(formatCountdown(61_500)).toBe('01:02');
    expect(formatCountdown(-5_000)).toBe('00:00');
  });
});
