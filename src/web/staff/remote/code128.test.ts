import { describe, expect, it } from 'vitest';
import { CODE128_PATTERNS, code128Symbols, code128Widths } from './code128.js';

/** Reads the widths back: symbol by symbol against the table, checking the checksum (a decoder's view). */
function decode(widths: number[]): string {
  const symbols: number[] = [];
  let i = 0;
  while (i < widths.length) {
    const size = widths.length - i === 7 ? 7 : 6;
    const pattern = widths.slice(i, i + size).join('');
    const value = CODE128_PATTERNS.indexOf(pattern as (typeof CODE128_PATTERNS)[number]);
    if (value < 0) throw new Error(`no symbol ${pattern}`);
    symbols.push(value);
    i += size;
  }
  const stop = symbols.pop();
  const check = symbols.pop();
  expect(stop).toBe(106);
  const sum = symbols.reduce((s, v, index) => s + v * Math.max(index, 1), 0) % 103;
  expect(check).toBe(sum);
  let set = symbols[0] === 105 ? 'C' : 'B';
  let text = '';
  for (const v of symbols.slice(1)) {
    if (v === 99) set = 'C';
    else if (v === 100) set = 'B';
    else text += set === 'C' ? String(v).padStart(2, '0') : String.fromCharCode(v + 32);
  }
  return text;
}

describe('Code 128 specimen barcodes', () => {
  it('has 107 distinct symbols of 11 modules (the stop: 13), bars and spaces 1–4 wide', () => {
    expect(CODE128_PATTERNS).toHaveLength(107);
    expect(new Set(CODE128_PATTERNS).size).toBe(107);
    CODE128_PATTERNS.forEach((p, i) => {
      const sum = [...p].reduce((s, d) => s + Number(d), 0);
      expect(sum).toBe(i === 106 ? 13 : 11);
      expect(/^[1-4]+$/.test(p)).toBe(true);
    });
  });

  it('encodes "PJJ123C" in code set B with its weighted checksum', () => {
    // 104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7 = 879; 879 mod 103 = 55.
    expect(code128Symbols('PJJ123C')).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55, 106]);
  });

  it('packs digit runs in code set C and reads back to the same text', () => {
    for (const text of ['SP-20260101-0001', '12345678', 'LAB-A1B2C3', '1234567', 'YC-L01-000042']) {
      expect(decode(code128Widths(text))).toBe(text);
    }
    expect(code128Symbols('12345678')[0]).toBe(105);
    expect(code128Symbols('12345678')).toHaveLength(4 + 3);
  });

  it('refuses characters Code 128 B cannot carry', () => {
    expect(() => code128Symbols('标本')).toThrow(RangeError);
  });
});
