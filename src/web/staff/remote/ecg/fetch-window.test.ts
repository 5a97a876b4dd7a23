import { describe, expect, it } from 'vitest';
import { covers, FETCH_MS, fetchWindow } from './fetch-window.js';
import { formatClock, PAGE_MS } from './layout.js';

describe('ECG sample windows', () => {
  it('asks for at most 60 s, starting up to 20 s before the page', () => {
    for (const start of [0, 5_000, 9_999, 10_000, 123_456, 1_795_000]) {
      const w = fetchWindow(start);
      expect(w.to - w.from).toBe(FETCH_MS);
      expect(FETCH_MS).toBeLessThanOrEqual(60_000);
      expect(covers(w, start, null)).toBe(true);
      expect(start - w.from).toBeLessThanOrEqual(20_000);
    }
    expect(fetchWindow(0)).toEqual({ from: 0, to: 40_000 });
  });

  it('fetches again only when the page leaves the window', () => {
    const w = fetchWindow(0);
    expect(covers(w, 30_000, null)).toBe(true);
    expect(covers(w, 30_001, null)).toBe(false);
    // The record’s end: a page running past it is covered by what exists.
    expect(covers({ from: 1_780_000, to: 1_820_000 }, 1_795_556, 1_805_556)).toBe(true);
    expect(covers(w, 35_000, 38_400)).toBe(true);
    expect(PAGE_MS).toBe(10_000);
  });

  it('shows record times as m:ss, h:mm:ss past an hour', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(38_400)).toBe('0:38');
    expect(formatClock(1_805_556)).toBe('30:05');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });
});
