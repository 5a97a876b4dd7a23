import { describe, expect, it } from 'vitest';
import { isChronicDiagnosis } from '../visits/visits.api.js';
import {
  compareTimeline,
  effectiveFlag,
  flagMark,
  isAbnormal,
  isChronic,
  kindRank,
  MAX_UUID,
  MIN_UUID,
  mergeTimeline,
  observationCategoriesFor,
  parseCodes,
  rangeText,
  reportCategory,
  reportKindsFor,
  sourceBound,
  type TimelineKey,
  valueText,
} from './records.rules.js';

describe('chronic conditions (慢病) by ICD-10 category', () => {
  it.each([
    'I10',
    'I11.9',
    'I15.0',
    'E11.9',
    'E10',
    'E14.900',
    'E78.5',
    'I25.1',
    'I50.0',
    'J44.9',
    'J45',
    'N18.5',
    'M81.0',
    'F32.9',
    'G40.9',
    'i10',
    ' e11.9 ',
  ])('%s is chronic', (code) => {
    expect(isChronic(code)).toBe(true);
  });

  it.each(['J06.9', 'K29.7', 'R51', 'I16', 'E15', 'I19', 'Z00.0', 'A09', ''])('%s is not', (code) => {
    expect(isChronic(code)).toBe(false);
  });

  it('covers every category visits treats as chronic for long-term follow-up', () => {
    for (const code of ['I10', 'I11', 'I12', 'I13', 'I15', 'E10', 'E11', 'E12', 'E13', 'E14', 'I48', 'I69']) {
      expect(isChronicDiagnosis(code)).toBe(true);
      expect(isChronic(code)).toBe(true);
    }
  });
});

describe('abnormal flags, the Chinese way (↑ ↓)', () => {
  it('keeps the sender’s flag, even against the range', () => {
    expect(effectiveFlag('HH', 30, 3.9, 6.1)).toBe('HH');
    expect(effectiveFlag('A', null, null, null)).toBe('A');
    expect(effectiveFlag('N', 9, 3.9, 6.1)).toBe('N');
  });

  it('computes H, L or N from a numeric value and its range when the sender gave none', () => {
    expect(effectiveFlag(null, 7.2, 3.9, 6.1)).toBe('H');
    expect(effectiveFlag(undefined, 3.2, 3.9, 6.1)).toBe('L');
    expect(effectiveFlag(null, 6.1, 3.9, 6.1)).toBe('N');
    expect(effectiveFlag(null, 3.9, 3.9, 6.1)).toBe('N');
    // One-sided ranges (LDL <3.4, HDL >1.0).
    expect(effectiveFlag(null, 3.5, null, 3.4)).toBe('H');
    expect(effectiveFlag(null, 0.9, 1.0, null)).toBe('L');
    expect(effectiveFlag(null, 1.2, 1.0, null)).toBe('N');
  });

  it('says nothing without a number or a range', () => {
    expect(effectiveFlag(null, null, 3.9, 6.1)).toBeNull();
    expect(effectiveFlag(null, 5, null, null)).toBeNull();
    expect(effectiveFlag(null, Number.NaN, 1, 2)).toBeNull();
  });

  it('marks H ↑, L ↓, HH ↑↑, LL ↓↓ (critical), A 异常, N nothing', () => {
    expect(flagMark('H')).toBe('↑');
    expect(flagMark('L')).toBe('↓');
    expect(flagMark('HH')).toBe('↑↑');
    expect(flagMark('LL')).toBe('↓↓');
    expect(flagMark('A')).toBe('异常');
    expect(flagMark('N')).toBe('');
    expect(flagMark(null)).toBe('');
    expect(isAbnormal('N')).toBe(false);
    expect(isAbnormal(null)).toBe(false);
    expect(isAbnormal('LL')).toBe(true);
  });

  it('prints ranges and values as a report does', () => {
    expect(rangeText(3.9, 6.1, null)).toBe('3.9–6.1');
    expect(rangeText(null, 3.4, null)).toBe('<3.4');
    expect(rangeText(1, null, null)).toBe('>1');
    expect(rangeText(null, null, '阴性')).toBe('阴性');
    expect(rangeText(null, null, null)).toBeNull();
    expect(valueText('5.60', 5.6)).toBe('5.60');
    expect(valueText(null, 142)).toBe('142');
  });
});

describe('categories (SEC-1: what an authorisation covers)', () => {
  it('puts lab reports under labs and examination reports under exams', () => {
    expect(reportCategory('lab')).toBe('labs');
    for (const k of ['imaging', 'ecg', 'ultrasound', 'pathology', 'other'] as const)
      expect(reportCategory(k)).toBe('exams');
  });

  it('shows only the kinds a reader may read', () => {
    expect(reportKindsFor(new Set(['labs']))).toEqual(['lab']);
    expect(reportKindsFor(new Set(['labs']), 'exam')).toEqual([]);
    expect(reportKindsFor(new Set(['exams']), 'exam')).toContain('ecg');
    expect(reportKindsFor(new Set(['basic']))).toEqual([]);
    expect(observationCategoriesFor(new Set(['labs']))).toEqual(['laboratory', 'vital-signs']);
    expect(observationCategoriesFor(new Set(['exams', 'labs'])).sort()).toEqual(
      ['exam', 'imaging', 'laboratory', 'vital-signs'].sort(),
    );
  });

  it('reads ?code= as a comma-separated list and refuses junk', () => {
    expect(parseCodes(undefined)).toBeUndefined();
    expect(parseCodes('8480-6')).toEqual(['8480-6']);
    expect(parseCodes('8480-6, 8462-4,8480-6')).toEqual(['8480-6', '8462-4']);
    expect(parseCodes('')).toBeNull();
    expect(parseCodes('8480-6,')).toBeNull();
    expect(parseCodes("1' or 1=1")).toBeNull();
  });
});

describe('the timeline: newest first, keyset pages without duplicates or gaps', () => {
  const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 0, minute));
  type E = TimelineKey & { kind: string };
  const entry = (kind: 'encounter' | 'diagnosis' | 'lab_report', minute: number, n: number): E => ({
    kind,
    at: at(minute),
    rank: kindRank(kind),
    id: id(n),
  });

  // Many entries sharing instants, across three kinds.
  const all: E[] = [];
  let n = 0;
  for (let m = 0; m < 6; m++)
    for (const kind of ['encounter', 'diagnosis', 'lab_report'] as const)
      for (let k = 0; k < 2; k++) all.push(entry(kind, m, ++n));

  /** One source as the database answers it: its kind, after the bound, newest first, limit + 1. */
  const query = (kind: string, bound: { at: Date; id: string } | undefined, limit: number) =>
    all
      .filter((e) => e.kind === kind)
      .filter(
        (e) =>
          !bound ||
          e.at.getTime() < bound.at.getTime() ||
          (e.at.getTime() === bound.at.getTime() && e.id < bound.id),
      )
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit + 1);

  it('orders by time, then kind, then id, all descending', () => {
    const sorted = [...all].sort(compareTimeline);
    expect(sorted[0]!.at).toEqual(at(5));
    for (let i = 1; i < sorted.length; i++)
      expect(compareTimeline(sorted[i - 1]!, sorted[i]!)).toBeLessThan(0);
  });

  it.each([1, 2, 3, 5, 7])('pages of %i walk every entry exactly once', (limit) => {
    const seen: string[] = [];
    let cursor: TimelineKey | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const sources = (['encounter', 'diagnosis', 'lab_report'] as const).map((kind) =>
        query(kind, cursor ? sourceBound(cursor, kindRank(kind)) : undefined, limit),
      );
      const { page, more } = mergeTimeline(sources, limit);
      seen.push(...page.map((e) => e.id));
      if (!more) break;
      cursor = page.at(-1)!;
    }
    expect(seen).toEqual([...all].sort(compareTimeline).map((e) => e.id));
  });

  it('bounds other kinds at the same instant by rank', () => {
    const c: TimelineKey = { at: at(3), rank: kindRank('diagnosis'), id: id(9) };
    expect(sourceBound(c, kindRank('encounter'))).toEqual({ at: at(3), id: MAX_UUID });
    expect(sourceBound(c, kindRank('lab_report'))).toEqual({ at: at(3), id: MIN_UUID });
    expect(sourceBound(c, kindRank('diagnosis'))).toEqual({ at: at(3), id: id(9) });
  });
});
