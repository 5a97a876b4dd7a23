import { describe, expect, it } from 'vitest';
import { expiryState, yuanToFen } from './stock.js';

describe('stock', () => {
  it('flags expired and near-expiry (within 90 days) batches', () => {
    expect(expiryState('2026-11-23', '2026-11-24')).toBe('expired');
    expect(expiryState('2026-11-24', '2026-11-24')).toBe('near');
    expect(expiryState('2027-02-22', '2026-11-24')).toBe('near'); // day 90
    expect(expiryState('2027-02-23', '2026-11-24')).toBe('ok');
  });

  it('turns typed yuan into integer fen without floating-point dust', () => {
    expect(yuanToFen(12.3)).toBe(1230);
    expect(yuanToFen(0.07)).toBe(7);
    expect(yuanToFen(28.5)).toBe(2850);
  });
});
