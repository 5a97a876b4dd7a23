import { describe, expect, it } from 'vitest';
import type { ObservationView } from '../../../shared/records.js';
import { ApiError } from '../../api.js';
import {
  BLOOD_PRESSURE,
  flagArrow,
  isAbnormal,
  isCareRefusal,
  isHidden,
  LOINC,
  labResults,
  measureKeyOf,
  measures,
  referenceRange,
  resultValue,
  trendSeries,
} from './results.js';

let n = 0;
const obs = (patch: Partial<ObservationView>): ObservationView => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  reportId: null,
  category: 'laboratory',
  codeSystem: LOINC,
  code: '2345-7',
  name: '葡萄糖',
  valueNum: 5.2,
  valueText: null,
  unit: 'mmol/L',
  refLow: 3.9,
  refHigh: 6.1,
  refText: null,
  flag: 'N',
  effectiveAt: '2026-11-01T01:00:00.000Z',
  ...patch,
});

describe('result marks (REC-3: results as Chinese lab reports print them)', () => {
  it('marks high and low with ↑ and ↓, critical with two, and nothing for normal or unflagged', () => {
    expect(flagArrow('H')).toBe('↑');
    expect(flagArrow('L')).toBe('↓');
    expect(flagArrow('HH')).toBe('↑↑');
    expect(flagArrow('LL')).toBe('↓↓');
    expect(flagArrow('N')).toBe('');
    expect(flagArrow(null)).toBe('');
    expect(flagArrow('A')).toBe('');
  });

  it('counts every flag but N as abnormal', () => {
    expect(isAbnormal('A')).toBe(true);
    expect(isAbnormal('H')).toBe(true);
    expect(isAbnormal('N')).toBe(false);
    expect(isAbnormal(null)).toBe(false);
  });

  it('prints the number, else the text, else a dash', () => {
    expect(resultValue({ valueNum: 7.8, valueText: null })).toBe('7.8');
    expect(resultValue({ valueNum: 0, valueText: null })).toBe('0');
    expect(resultValue({ valueNum: null, valueText: '阴性' })).toBe('阴性');
    expect(resultValue({ valueNum: null, valueText: '  ' })).toBe('—');
  });

  it('writes reference ranges from the bounds, or keeps the sender text', () => {
    expect(referenceRange({ refLow: 3.9, refHigh: 6.1, refText: null })).toBe('3.9–6.1');
    expect(referenceRange({ refLow: 3.9, refHigh: null, refText: null })).toBe('≥3.9');
    expect(referenceRange({ refLow: null, refHigh: 5.2, refText: null })).toBe('≤5.2');
    expect(referenceRange({ refLow: 1, refHigh: 2, refText: '阴性' })).toBe('阴性');
    expect(referenceRange({ refLow: null, refHigh: null, refText: null })).toBe('');
  });
});

describe('trend charts', () => {
  const sys1 = obs({
    category: 'vital-signs',
    code: '8480-6',
    name: '收缩压',
    valueNum: 150,
    flag: 'H',
    refLow: 90,
    refHigh: 140,
    effectiveAt: '2026-10-01T01:00:00.000Z',
  });
  const dia1 = obs({
    category: 'vital-signs',
    code: '8462-4',
    name: '舒张压',
    valueNum: 95,
    flag: 'H',
    refLow: 60,
    refHigh: 90,
    effectiveAt: '2026-10-01T01:00:00.000Z',
  });
  const sys2 = obs({
    category: 'vital-signs',
    code: '8480-6',
    name: '收缩压',
    valueNum: 132,
    refLow: null,
    refHigh: null,
    effectiveAt: '2026-11-01T01:00:00.000Z',
  });
  const glu1 = obs({ effectiveAt: '2026-11-20T01:00:00.000Z', valueNum: 7.1, flag: 'H' });
  const glu2 = obs({ effectiveAt: '2026-09-20T01:00:00.000Z', valueNum: 5.0, refLow: 3.8, refHigh: 6.0 });
  const text = obs({ code: '5196-1', name: '乙肝表面抗原', valueNum: null, valueText: '阴性' });
  const local = obs({
    codeSystem: 'https://his.example.cn/lab',
    code: 'GLU',
    name: '血糖（本地）',
    effectiveAt: '2026-08-01T00:00:00.000Z',
  });
  const all = [sys1, glu1, dia1, text, sys2, glu2, local];

  it('puts systolic and diastolic blood pressure in one measure, first; text-only results are not charted', () => {
    const list = measures(all);
    expect(list.map((m) => m.key)).toEqual([
      BLOOD_PRESSURE,
      `${LOINC}|2345-7`,
      'https://his.example.cn/lab|GLU',
    ]);
    expect(list[0]?.codes.sort()).toEqual(['8462-4', '8480-6']);
    expect(list[0]?.count).toBe(3);
    expect(list[1]?.count).toBe(2);
  });

  it('keeps a local code apart from the LOINC code of the same name', () => {
    expect(measureKeyOf(local)).not.toBe(measureKeyOf(glu1));
    expect(measureKeyOf({ codeSystem: 'https://his.example.cn/lab', code: '8480-6' })).not.toBe(
      BLOOD_PRESSURE,
    );
  });

  it('draws each code oldest first with the reference band of its latest result that has one', () => {
    const [bp, glucose] = measures(all);
    const series = trendSeries(all, bp!);
    expect(series.map((s) => s.code)).toEqual(['8480-6', '8462-4']);
    expect(series[0]?.points.map((p) => p[1])).toEqual([150, 132]);
    // The latest systolic has no range: the band is the one before it; the diastolic keeps its own.
    expect(series[0]?.band).toEqual({ low: 90, high: 140 });
    expect(series[1]?.band).toEqual({ low: 60, high: 90 });
    const glucoseSeries = trendSeries(all, glucose!);
    expect(glucoseSeries[0]?.points).toEqual([
      [Date.parse('2026-09-20T01:00:00.000Z'), 5.0],
      [Date.parse('2026-11-20T01:00:00.000Z'), 7.1],
    ]);
    expect(glucoseSeries[0]?.flags).toEqual(['N', 'H']);
    expect(glucoseSeries[0]?.band).toEqual({ low: 3.9, high: 6.1 });
  });

  it('lists lab values and vital signs, not the items of examination reports', () => {
    const ecg = obs({ category: 'exam', code: 'QT' });
    const ct = obs({ category: 'imaging', code: 'CT' });
    expect(labResults([sys1, glu1, ecg, ct])).toEqual([sys1, glu1]);
  });
});

describe('what the access rule allows (SEC-1)', () => {
  it('knows a section the authorisation does not cover', () => {
    expect(isHidden({ hiddenCategories: ['labs'] }, 'labs')).toBe(true);
    expect(isHidden({ hiddenCategories: ['labs'] }, 'exams')).toBe(false);
  });

  it('tells NO_CARE_RELATIONSHIP apart from other failures', () => {
    expect(isCareRefusal(new ApiError(403, 'NO_CARE_RELATIONSHIP', '无诊疗关系'))).toBe(true);
    expect(isCareRefusal(new ApiError(403, 'FORBIDDEN', '无权限'))).toBe(false);
    expect(isCareRefusal(new Error('NO_CARE_RELATIONSHIP'))).toBe(false);
  });
});
