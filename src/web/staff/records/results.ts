/**
 * Pure helpers of the staff record viewer: how results are marked (↑ ↓ the way Chinese lab reports mark
 * them), which measures can be charted, their series and reference band, and what the access rule hid.
 */
import type { AbnormalFlag, Archive, ObservationView, RecordCategory } from '../../../shared/records.js';
import { ApiError } from '../../api.js';
import { shanghaiDate } from '../../format.js';
import { formatInstant } from '../supervision/format.js';

/** ↑ high, ↓ low, ↑↑ / ↓↓ critical; a non-numeric abnormal result (A) has no arrow, only its text. */
const ARROWS: Record<AbnormalFlag, string> = { N: '', H: '↑', L: '↓', HH: '↑↑', LL: '↓↓', A: '' };

export function flagArrow(flag: AbnormalFlag | null): string {
  return flag ? ARROWS[flag] : '';
}

export function isAbnormal(flag: AbnormalFlag | null): boolean {
  return flag !== null && flag !== 'N';
}

/** The value as the report prints it: the number, else the text; never blank. */
export function resultValue(o: Pick<ObservationView, 'valueNum' | 'valueText'>): string {
  if (o.valueNum !== null) return String(o.valueNum);
  return o.valueText?.trim() || '—';
}

/** 3.9–6.1, ≥3.9, ≤5.2, or the sender's own text (阴性); '' when there is none. */
export function referenceRange(o: Pick<ObservationView, 'refLow' | 'refHigh' | 'refText'>): string {
  if (o.refText?.trim()) return o.refText.trim();
  if (o.refLow !== null && o.refHigh !== null) return `${o.refLow}–${o.refHigh}`;
  if (o.refLow !== null) return `≥${o.refLow}`;
  if (o.refHigh !== null) return `≤${o.refHigh}`;
  return '';
}

/** Blood pressure is two LOINC observations drawn as one chart: systolic and diastolic. */
export const LOINC = 'http://loinc.org';
export const SYSTOLIC = '8480-6';
export const DIASTOLIC = '8462-4';
export const BLOOD_PRESSURE = 'bp';

/** One chartable measure: a code, or blood pressure (both codes). */
export interface Measure {
  key: string;
  /** The observation's own name; blood pressure is named by the page (i18n). */
  name: string;
  unit: string | null;
  codes: string[];
  count: number;
  latestAt: string;
}

/** The measure an observation belongs to (its chart). */
export function measureKeyOf(o: Pick<ObservationView, 'codeSystem' | 'code'>): string {
  if (o.codeSystem === LOINC && (o.code === SYSTOLIC || o.code === DIASTOLIC)) return BLOOD_PRESSURE;
  return `${o.codeSystem}|${o.code}`;
}

/** Results of the labs category: lab values and vital signs (imaging and exam items belong to reports). */
export function labResults(observations: readonly ObservationView[]): ObservationView[] {
  return observations.filter((o) => o.category === 'laboratory' || o.category === 'vital-signs');
}

/**
 * The measures with at least one numeric result, blood pressure first, then the most recently measured.
 */
export function measures(observations: readonly ObservationView[]): Measure[] {
  const byKey = new Map<string, Measure>();
  for (const o of observations) {
    if (o.valueNum === null) continue;
    const key = measureKeyOf(o);
    const found = byKey.get(key);
    if (found) {
      found.count += 1;
      if (!found.codes.includes(o.code)) found.codes.push(o.code);
      if (o.effectiveAt > found.latestAt) found.latestAt = o.effectiveAt;
      continue;
    }
    byKey.set(key, {
      key,
      name: o.name,
      unit: o.unit,
      codes: [o.code],
      count: 1,
      latestAt: o.effectiveAt,
    });
  }
  return [...byKey.values()].sort((a, b) => {
    if (a.key === BLOOD_PRESSURE) return -1;
    if (b.key === BLOOD_PRESSURE) return 1;
    return b.latestAt.localeCompare(a.latestAt) || a.name.localeCompare(b.name);
  });
}

export interface TrendSeries {
  code: string;
  name: string;
  unit: string | null;
  /** [instant (ms), value], oldest first. */
  points: Array<[number, number]>;
  /** Flags beside the points, for the tooltip. */
  flags: Array<AbnormalFlag | null>;
  /** The reference band of the most recent result that has one. */
  band: { low: number | null; high: number | null } | null;
}

/** One series per code of the measure (systolic before diastolic), oldest point first. */
export function trendSeries(observations: readonly ObservationView[], measure: Measure): TrendSeries[] {
  const codes = [...measure.codes].sort((a, b) => {
    const order = (c: string) => (c === SYSTOLIC ? 0 : c === DIASTOLIC ? 1 : 2);
    return order(a) - order(b);
  });
  return codes.map((code) => {
    const rows = observations
      .filter((o) => o.valueNum !== null && o.code === code && measureKeyOf(o) === measure.key)
      .sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt));
    const withBand = [...rows].reverse().find((o) => o.refLow !== null || o.refHigh !== null);
    return {
      code,
      name: rows.at(-1)?.name ?? measure.name,
      unit: rows.at(-1)?.unit ?? measure.unit,
      points: rows.map((o) => [Date.parse(o.effectiveAt), o.valueNum as number]),
      flags: rows.map((o) => o.flag),
      band: withBand ? { low: withBand.refLow, high: withBand.refHigh } : null,
    };
  });
}

/** The section a category stands for is hidden by the patient's authorisation (SEC-1). */
export function isHidden(archive: Pick<Archive, 'hiddenCategories'>, category: RecordCategory): boolean {
  return archive.hiddenCategories.includes(category);
}

/** The refusal the viewer explains (403 NO_CARE_RELATIONSHIP), as opposed to any other failure. */
export function isCareRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'NO_CARE_RELATIONSHIP';
}

/** The Shanghai calendar date of an instant: 2026-11-24. */
export function dateOnly(iso: string): string {
  return shanghaiDate(iso);
}

/** An instant to the minute in Shanghai: 2026-11-24 09:03. */
export function dateTime(iso: string): string {
  return formatInstant(iso).slice(0, 16);
}
