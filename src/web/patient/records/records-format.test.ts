import { describe, expect, it } from 'vitest';
import type { ObservationView } from '../../../shared/records.js';
import { RECORD_CATEGORIES } from '../../../shared/records.js';
import {
  appendPage,
  bloodPressureFlag,
  bloodPressurePart,
  bloodPressureSeries,
  chosenCategories,
  expiryAfter,
  exportFileName,
  flagArrow,
  flagTone,
  fullTime,
  grantStatus,
  groupByDay,
  isBloodPressure,
  isValidDays,
  labSeries,
  maskIdNumber,
  pairReadings,
  referenceText,
  summarise,
  timelineTarget,
  valueText,
  withPatient,
} from './records.js';
import { axisDate, bloodPressureOption, labOption, paddedRange } from './trend-options.js';

let n = 0;
function obs(partial: Partial<ObservationView>): ObservationView {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    reportId: null,
    category: 'laboratory',
    codeSystem: 'http://loinc.org',
    code: '2345-7',
    name: '葡萄糖',
    valueNum: null,
    valueText: null,
    unit: null,
    refLow: null,
    refHigh: null,
    refText: null,
    flag: null,
    effectiveAt: '2026-01-15T01:00:00.000Z',
    ...partial,
  };
}

describe('abnormal marks as Chinese lab reports print them (REC-3)', () => {
  it('↑ ↓ for high and low, ↑↑ ↓↓ for critical values, nothing for normal', () => {
    expect(['H', 'L', 'HH', 'LL', 'A', 'N', null].map((f) => flagArrow(f as never))).toEqual([
      '↑',
      '↓',
      '↑↑',
      '↓↓',
      '*',
      '',
      '',
    ]);
  });

  it('the tone follows the direction, so critical highs are red like highs', () => {
    expect(flagTone('HH')).toBe('high');
    expect(flagTone('LL')).toBe('low');
    expect(flagTone('A')).toBe('abnormal');
    expect(flagTone(null)).toBe('normal');
  });

  it('keeps the value as the lab wrote it (trailing zeros), else the number without float noise', () => {
    expect(valueText({ valueText: '5.60', valueNum: 5.6 })).toBe('5.60');
    expect(valueText({ valueText: null, valueNum: 0.1 + 0.2 })).toBe('0.3');
    expect(valueText({ valueText: null, valueNum: null })).toBe('—');
  });

  it('writes the reference range from its ends, or the sender’s text', () => {
    expect(referenceText({ refLow: 3.9, refHigh: 6.1, refText: null })).toBe('3.9–6.1');
    expect(referenceText({ refLow: null, refHigh: 5.2, refText: null })).toBe('<5.2');
    expect(referenceText({ refLow: 1, refHigh: null, refText: null })).toBe('>1');
    expect(referenceText({ refLow: 3.9, refHigh: 6.1, refText: '阴性' })).toBe('阴性');
    expect(referenceText({ refLow: null, refHigh: null, refText: null })).toBe('—');
  });
});

describe('timeline', () => {
  it('groups by the Shanghai day: 00:30 in Shanghai is the next day although UTC says otherwise', () => {
    const groups = groupByDay([
      { at: '2026-01-14T16:30:00Z' }, // 01-15 00:30 Shanghai
      { at: '2026-01-14T15:30:00Z' }, // 01-14 23:30 Shanghai
      { at: '2026-01-14T01:00:00Z' },
    ]);
    expect(groups.map((g) => [g.date, g.entries.length])).toEqual([
      ['2026-01-15', 1],
      ['2026-01-14', 2],
    ]);
    expect(fullTime('2026-01-14T16:30:00Z')).toBe('2026-01-15 00:30');
  });

  it('appends a page without repeating an entry that moved across the page boundary', () => {
    const shown = [{ key: 'a' }, { key: 'b' }];
    expect(appendPage(shown, [{ key: 'b' }, { key: 'c' }], (e) => e.key).map((e) => e.key)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('opens reports in the records pages (keeping the family member) and prescriptions in theirs', () => {
    const id = '11111111-1111-4111-8111-111111111111';
    expect(timelineTarget({ kind: 'lab_report', refId: id }, undefined)).toBe(
      `/patient/records/reports/${id}`,
    );
    expect(timelineTarget({ kind: 'exam_report', refId: id }, 'p1')).toBe(
      `/patient/records/reports/${id}?patient=p1`,
    );
    expect(timelineTarget({ kind: 'prescription', refId: id }, 'p1')).toBe(`/patient/prescriptions/${id}`);
    expect(timelineTarget({ kind: 'encounter', refId: id }, undefined)).toBeNull();
    expect(withPatient('/patient/records/reports?kind=exam', 'p 2')).toBe(
      '/patient/records/reports?kind=exam&patient=p%202',
    );
  });
});

describe('trend series', () => {
  it('tells systolic from diastolic by LOINC or by name, and ignores other vital signs', () => {
    expect(bloodPressurePart({ code: '8480-6', name: 'x' })).toBe('systolic');
    expect(bloodPressurePart({ code: 'SBP', name: '收缩压' })).toBe('systolic');
    expect(bloodPressurePart({ code: '8462-4', name: 'x' })).toBe('diastolic');
    expect(bloodPressurePart({ code: 'LOCAL-2', name: 'Diastolic BP' })).toBe('diastolic');
    expect(bloodPressurePart({ code: '8867-4', name: '心率' })).toBeNull();
    expect(isBloodPressure({ code: '85354-9', name: '血压' })).toBe(true);
    expect(isBloodPressure({ code: '2345-7', name: '葡萄糖' })).toBe(false);
  });

  it('draws blood pressure oldest first, skipping results without a number', () => {
    const s = bloodPressureSeries([
      obs({ code: '8480-6', valueNum: 150, unit: 'mmHg', effectiveAt: '2026-01-10T00:00:00Z' }),
      obs({ code: '8480-6', valueNum: 138, effectiveAt: '2026-01-01T00:00:00Z' }),
      obs({ code: '8462-4', valueNum: 95, effectiveAt: '2026-01-10T00:00:00Z' }),
      obs({ code: '8462-4', valueNum: null, valueText: '未测', effectiveAt: '2026-01-01T00:00:00Z' }),
      obs({ code: '8867-4', valueNum: 72 }),
    ]);
    expect(s.systolic.map((p) => p.value)).toEqual([138, 150]);
    expect(s.diastolic.map((p) => p.value)).toEqual([95]);
    const rows = pairReadings(s.systolic, s.diastolic);
    expect(rows.map((r) => [r.systolic?.value ?? null, r.diastolic?.value ?? null])).toEqual([
      [150, 95],
      [138, null],
    ]);
  });

  it('marks a reading at or over 140/90 high when the sender gave no flag', () => {
    expect(bloodPressureFlag('systolic', { at: '', value: 140, flag: null })).toBe('H');
    expect(bloodPressureFlag('systolic', { at: '', value: 139, flag: null })).toBe('N');
    expect(bloodPressureFlag('diastolic', { at: '', value: 90, flag: null })).toBe('H');
    expect(bloodPressureFlag('diastolic', { at: '', value: 80, flag: 'L' })).toBe('L');
  });

  it('takes the reference band from the newest result that states one', () => {
    const s = labSeries(
      [
        obs({
          code: '4548-4',
          name: '糖化血红蛋白',
          valueNum: 7.2,
          refLow: 4,
          refHigh: 6,
          unit: '%',
          flag: 'H',
          effectiveAt: '2026-01-10T00:00:00Z',
        }),
        obs({
          code: '4548-4',
          name: '糖化血红蛋白',
          valueNum: 6.5,
          refLow: 4,
          refHigh: 6.5,
          effectiveAt: '2025-10-01T00:00:00Z',
        }),
        obs({ code: '4548-4', name: '糖化血红蛋白', valueNum: 6.8, effectiveAt: '2026-01-12T00:00:00Z' }),
        obs({ code: '2345-7', valueNum: 5 }),
      ],
      '4548-4',
    );
    expect(s.points.map((p) => p.value)).toEqual([6.5, 7.2, 6.8]);
    expect([s.refLow, s.refHigh, s.unit, s.name]).toEqual([4, 6, '%', '糖化血红蛋白']);
    const summary = summarise(s.points);
    expect([
      summary.count,
      summary.latest?.value,
      summary.min?.value,
      summary.max?.value,
      summary.abnormal,
    ]).toEqual([3, 6.8, 6.5, 7.2, 1]);
  });
});

describe('trend chart options', () => {
  it('puts the 140 and 90 mmHg lines on the blood-pressure chart, one per series', () => {
    const option = bloodPressureOption(
      {
        systolic: [{ at: '2026-01-10T00:00:00Z', value: 150, flag: null }],
        diastolic: [{ at: '2026-01-10T00:00:00Z', value: 85, flag: null }],
      },
      { systolic: '收缩压', diastolic: '舒张压', unit: 'mmHg' },
      { large: false },
    );
    const series = option.series as {
      name: string;
      markLine: { data: { yAxis: number }[] };
      data: { symbol?: string }[];
    }[];
    expect(series.map((s) => [s.name, s.markLine.data[0]?.yAxis])).toEqual([
      ['收缩压', 140],
      ['舒张压', 90],
    ]);
    // The high systolic reading is a triangle (shape, not only colour); the normal diastolic one is not.
    expect(series[0]!.data[0]!.symbol).toBe('triangle');
    expect(series[1]!.data[0]!.symbol).toBeUndefined();
  });

  it('shades the reference range as a band on a lab chart and keeps it in view', () => {
    const option = labOption(
      {
        name: '葡萄糖',
        unit: 'mmol/L',
        points: [{ at: '2026-01-10T00:00:00Z', value: 9.1, flag: 'H' }],
        refLow: 3.9,
        refHigh: 6.1,
      },
      { reference: '参考范围' },
      { large: true },
    );
    const series = (option.series as { markArea: { data: [{ yAxis: number }, { yAxis: number }][] } }[])[0]!;
    expect(series.markArea.data[0]!.map((end) => end.yAxis)).toEqual([3.9, 6.1]);
    const y = option.yAxis as { min: number; max: number };
    expect(y.min).toBeLessThanOrEqual(3.9);
    expect(y.max).toBeGreaterThanOrEqual(9.1);
  });

  it('labels the time axis with the Shanghai date whatever the browser’s zone', () => {
    expect(axisDate(Date.parse('2026-01-14T16:30:00Z'))).toBe('1/15');
  });

  it('pads the y range onto round numbers and never below zero for non-negative values', () => {
    expect(paddedRange([])).toBeNull();
    const r = paddedRange([3.9, 6.1, 9.1])!;
    expect(r.min).toBeLessThan(3.9);
    expect(r.max).toBeGreaterThan(9.1);
    expect(paddedRange([0, 1])!.min).toBe(0);
    expect(paddedRange([120, 120])).toEqual({ min: 100, max: 140 });
  });
});

describe('authorisations (SEC-1)', () => {
  const now = new Date('2026-01-15T02:00:00Z');

  it('shows an active grant whose time ran out as expired, and keeps revoked as revoked', () => {
    expect(grantStatus({ status: 'active', expiresAt: '2026-01-15T01:59:59Z' }, now)).toBe('expired');
    expect(grantStatus({ status: 'active', expiresAt: '2026-01-22T02:00:00Z' }, now)).toBe('active');
    expect(grantStatus({ status: 'revoked', expiresAt: '2026-01-22T02:00:00Z' }, now)).toBe('revoked');
  });

  it('accepts whole days from 1 to 365 only', () => {
    expect([0, 1, 7, 365, 366, 1.5, Number.NaN].map(isValidDays)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(expiryAfter(now, 7).toISOString()).toBe('2026-01-22T02:00:00.000Z');
  });

  it('sends null for all categories, else the chosen ones in the contract’s order', () => {
    expect(chosenCategories(true, ['labs'], RECORD_CATEGORIES)).toBeNull();
    expect(chosenCategories(false, ['exams', 'labs', 'basic'], RECORD_CATEGORIES)).toEqual([
      'basic',
      'labs',
      'exams',
    ]);
    expect(chosenCategories(false, [], RECORD_CATEGORIES)).toEqual([]);
  });
});

describe('export file names (个人信息可携带)', () => {
  it('names the file after the person and the Shanghai date, with the right extension', () => {
    const late = new Date('2026-01-14T17:00:00Z'); // 01-15 01:00 in Shanghai
    expect(exportFileName('健康档案', '张伟', late, 'pdf')).toBe('健康档案-张伟-20260115.pdf');
    expect(exportFileName('Health-record', 'Zhang Wei', late, 'fhir')).toBe(
      'Health-record-Zhang-Wei-20260115.json',
    );
    expect(exportFileName('健康档案', 'a/b:c', late, 'pdf')).toBe('健康档案-a-b-c-20260115.pdf');
  });
});

describe('ID number on screen', () => {
  it('masks all but the first six and last four characters, and leaves a masked one alone', () => {
    expect(maskIdNumber('11010119780315031X')).toBe('110101********031X');
    expect(maskIdNumber('1101**********031X')).toBe('1101**********031X');
  });
});
