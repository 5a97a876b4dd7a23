import { describe, expect, it } from 'vitest';
import { LAB_PANELS, panelOf } from './panels.js';
import { criticalReason, readResult } from './results.rules.js';

// [11/12] laboratory results (REMOTE-5): flags against the adult range, critical values (危急值).
const analyte = (panel: string, code: string) => panelOf(panel)!.analytes.find((a) => a.code === code)!;
const read = (panel: string, code: string, value: string, sex: 'male' | 'female' | null = 'male') => {
  const r = readResult(panel, analyte(panel, code), value, sex);
  if (!r.ok) throw new Error(r.problem);
  return r.result;
};

describe('the catalogue', () => {
  it('has the twelve panels, analyte codes unique across it, limits outside the reference ranges', () => {
    expect(LAB_PANELS.map((p) => p.code)).toEqual([
      'CBC',
      'LFT',
      'RENAL',
      'ELEC',
      'LIPID',
      'FBG',
      'HBA1C',
      'COAG',
      'THYROID',
      'CARDIAC',
      'URINE',
      'CRP',
    ]);
    const codes = LAB_PANELS.flatMap((p) => p.analytes.map((a) => a.code));
    expect(new Set(codes).size).toBe(codes.length);
    const loinc = LAB_PANELS.flatMap((p) => p.analytes.map((a) => a.loinc));
    expect(new Set(loinc).size).toBe(loinc.length);
    for (const a of LAB_PANELS.flatMap((p) => p.analytes)) {
      if (a.criticalLow !== null) expect(a.criticalLow).toBeLessThan(a.refLowFemale ?? a.refLow ?? Infinity);
      if (a.criticalHigh !== null) expect(a.criticalHigh).toBeGreaterThan(a.refHigh ?? -Infinity);
    }
  });
});

describe('flags and critical values', () => {
  it.each([
    ['ELEC', 'K', '6.8', 'HH', true],
    ['ELEC', 'K', '6.5', 'HH', true],
    ['ELEC', 'K', '6.4', 'H', false],
    ['ELEC', 'K', '2.5', 'LL', true],
    ['ELEC', 'K', '4.1', 'N', false],
    ['ELEC', 'NA', '119', 'LL', true],
    ['FBG', 'GLU', '22.2', 'HH', true],
    ['FBG', 'GLU', '>33.3', 'HH', true],
    ['CBC', 'HGB', '50', 'LL', true],
    ['CBC', 'PLT', '20', 'LL', true],
    ['CBC', 'WBC', '31.2', 'HH', true],
    ['CARDIAC', 'CTNI', '<0.01', 'N', false],
    ['CARDIAC', 'CTNI', '2.35', 'HH', true],
    ['LIPID', 'HDL-C', '0.9', 'L', false],
  ] as const)('%s %s %s → %s', (panel, code, value, flag, critical) => {
    const r = read(panel, code, value);
    expect(r.flag).toBe(flag);
    expect(r.critical).toBe(critical);
  });

  it('women are flagged against the women’s range (WS/T 405: Hb 115–150 g/L)', () => {
    expect(read('CBC', 'HGB', '120', 'female')).toMatchObject({ flag: 'N', refLow: 115, refHigh: 150 });
    expect(read('CBC', 'HGB', '120', 'male')).toMatchObject({ flag: 'L', refLow: 130, refHigh: 175 });
  });

  it('a value past the measuring range keeps its comparator and has no number', () => {
    expect(read('CARDIAC', 'CTNI', '<0.01')).toMatchObject({ value: '<0.01', valueNum: null });
    expect(read('ELEC', 'K', ' 6.8 ')).toMatchObject({ value: '6.8', valueNum: 6.8 });
  });

  it('dipstick results take the listed grades (阴性 = -), anything else is A', () => {
    expect(read('URINE', 'UPRO', '阴性')).toMatchObject({ value: '-', flag: 'N', critical: false });
    expect(read('URINE', 'UPRO', '++')).toMatchObject({ value: '2+', flag: 'A' });
    expect(read('URINE', 'UNIT', '+')).toMatchObject({ value: '+', flag: 'A' });
    expect(readResult('URINE', analyte('URINE', 'UPRO'), '5', null).ok).toBe(false);
  });

  it('bad numbers are refused', () => {
    for (const v of ['abc', '6,8', '-1', '1e3', '6.8 mmol/L', ''])
      expect(readResult('ELEC', analyte('ELEC', 'K'), v, null).ok).toBe(false);
  });

  it('the reason told to the requesting doctor names the value and the limit', () => {
    const k = read('ELEC', 'K', '6.8');
    expect(criticalReason(analyte('ELEC', 'K'), k)).toBe('钾 6.8 mmol/L（危急值 ≥ 6.5）');
    const hb = read('CBC', 'HGB', '45');
    expect(criticalReason(analyte('CBC', 'HGB'), hb)).toBe('血红蛋白 45 g/L（危急值 ≤ 50）');
  });
});
