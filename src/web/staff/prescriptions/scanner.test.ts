import { describe, expect, it } from 'vitest';
import {
  applyScan,
  defaultBatch,
  normaliseScan,
  removeCode,
  type ScanState,
  scanComplete,
  selectLine,
  startScan,
} from './scanner.js';

const code = (n: number) => String(n).padStart(20, '8');
const targets = [
  { drugId: 'YY0001', quantity: 2 },
  { drugId: 'YY0002', quantity: 1 },
];

function scanAll(state: ScanState, ...raws: string[]): ScanState {
  let s = state;
  for (const raw of raws) {
    const outcome = applyScan(targets, s, raw);
    if (!outcome.ok) throw new Error(outcome.reason);
    s = outcome.state;
  }
  return s;
}

describe('trace-code scanner (RX-11)', () => {
  it('RX-11: appends each scan to the current line and moves on when its count is reached', () => {
    let state = startScan(targets);
    expect(state.current).toBe(0);
    state = scanAll(state, code(1));
    expect(state).toEqual({ codes: [[code(1)], []], current: 0 });
    state = scanAll(state, code(2));
    expect(state).toEqual({ codes: [[code(1), code(2)], []], current: 1 });
    state = scanAll(state, code(3));
    expect(state.current).toBe(2);
    expect(scanComplete(targets, state)).toBe(true);
  });

  it('RX-11: refuses what is not 20 digits', () => {
    const state = startScan(targets);
    for (const bad of ['', '1234', `${code(1)}9`, '8888888888888888888a', '12345678901234567890x']) {
      const outcome = applyScan(targets, state, bad);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.reason).toBe('format');
    }
  });

  it('RX-11: refuses a code scanned twice, naming the line that has it', () => {
    const state = scanAll(startScan(targets), code(1));
    const again = applyScan(targets, state, code(1));
    expect(again).toMatchObject({ ok: false, reason: 'duplicate', line: 0 });
    expect(again.state).toBe(state);
  });

  it('refuses a scan when every line is full', () => {
    const state = scanAll(startScan(targets), code(1), code(2), code(3));
    expect(applyScan(targets, state, code(4))).toMatchObject({ ok: false, reason: 'full' });
  });

  it('takes scanner noise: a CR or tab, blanks, full-width digits', () => {
    expect(normaliseScan(` ${code(1)}\r\n`)).toBe(code(1));
    expect(normaliseScan('１２３４５６７８９０１２３４５６７８９０')).toBe('12345678901234567890');
    const outcome = applyScan(targets, startScan(targets), `${code(1)}\t`);
    expect(outcome.ok).toBe(true);
  });

  it('a removed code reopens its line; choosing a line sends the next scans there', () => {
    let state = scanAll(startScan(targets), code(1), code(2), code(3));
    state = removeCode(targets, state, 0, code(1));
    expect(state).toEqual({ codes: [[code(2)], [code(3)]], current: 0 });
    expect(scanComplete(targets, state)).toBe(false);

    let fresh = selectLine(targets, startScan(targets), 1);
    expect(fresh.current).toBe(1);
    fresh = scanAll(fresh, code(5));
    // Line 2 is full: back to the first open line.
    expect(fresh.current).toBe(0);
  });
});

describe('defaultBatch (first expiry, first out)', () => {
  const batches = [
    { batchNo: 'B3', expiresOn: '2027-06-30', quantity: 50 },
    { batchNo: 'B1', expiresOn: '2026-12-31', quantity: 1 },
    { batchNo: 'B0', expiresOn: '2026-01-31', quantity: 90 },
    { batchNo: 'B2', expiresOn: '2027-03-31', quantity: 10 },
  ];

  it('picks the earliest unexpired batch that holds enough boxes', () => {
    expect(defaultBatch(batches, 4, '2026-11-24')).toBe('B2');
    expect(defaultBatch(batches, 1, '2026-11-24')).toBe('B1');
  });

  it('falls back to the earliest unexpired one, and to none', () => {
    expect(defaultBatch(batches, 500, '2026-11-24')).toBe('B1');
    expect(defaultBatch(batches, 1, '2028-01-01')).toBeUndefined();
  });
});
