/**
 * Pure helpers of the patient's health archive (居民健康档案) pages: abnormal marks as Chinese lab reports
 * print them (↑ ↓, ↑↑ ↓↓ for critical values), reference ranges, the timeline grouped by day, blood
 * pressure and lab series for the trend charts, authorisation states and export file names. Times are
 * shown in Asia/Shanghai (src/web/format.ts). Shapes come from the contract, src/shared/records.ts.
 */
import type {
  AbnormalFlag,
  AuthorisationView,
  ObservationView,
  RecordCategory,
  TimelineEntry,
} from '../../../shared/records.js';
import { formatTime, shanghaiDate } from '../../format.js';

// --- Abnormal flags (REC-3: the patient reads the result as the report prints it)

/** The mark printed beside a value: ↑ 偏高, ↓ 偏低, ↑↑ / ↓↓ 危急值, * 异常 (a result without a number). */
export function flagArrow(flag: AbnormalFlag | null | undefined): string {
  switch (flag) {
    case 'H':
      return '↑';
    case 'L':
      return '↓';
    case 'HH':
      return '↑↑';
    case 'LL':
      return '↓↓';
    case 'A':
      return '*';
    default:
      return '';
  }
}

/** high / low / abnormal / normal: the CSS tone (red, blue, amber) — always shown with the arrow too. */
export type FlagTone = 'high' | 'low' | 'abnormal' | 'normal';

export function flagTone(flag: AbnormalFlag | null | undefined): FlagTone {
  if (flag === 'H' || flag === 'HH') return 'high';
  if (flag === 'L' || flag === 'LL') return 'low';
  if (flag === 'A') return 'abnormal';
  return 'normal';
}

export function isAbnormal(flag: AbnormalFlag | null | undefined): boolean {
  return flagTone(flag) !== 'normal';
}

export function isCritical(flag: AbnormalFlag | null | undefined): boolean {
  return flag === 'HH' || flag === 'LL';
}

/** A number as the lab writes it: no float noise, at most four decimals. */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(4)));
}

/** The value as the sender wrote it ('5.60', '阴性'), else the number, else a dash. */
export function valueText(obs: Pick<ObservationView, 'valueText' | 'valueNum'>): string {
  if (obs.valueText !== null && obs.valueText !== '') return obs.valueText;
  if (obs.valueNum !== null) return formatNumber(obs.valueNum);
  return '—';
}

/** 参考范围: the sender's text, else 3.9–6.1, <5.2, >1.0; a dash when there is none. */
export function referenceText(obs: Pick<ObservationView, 'refLow' | 'refHigh' | 'refText'>): string {
  if (obs.refText) return obs.refText;
  const { refLow: low, refHigh: high } = obs;
  if (low !== null && high !== null) return `${formatNumber(low)}–${formatNumber(high)}`;
  if (high !== null) return `<${formatNumber(high)}`;
  if (low !== null) return `>${formatNumber(low)}`;
  return '—';
}

// --- Identity

/**
 * 110101********031X: an ID number shown on a phone screen is masked until asked for (the server sends it
 * whole to the patient and their proxy only). One the server already masked is left as it is.
 */
export function maskIdNumber(id: string): string {
  if (id.includes('*') || id.length < 10) return id;
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

// --- Dates

/** 2026-01-15 08:30, in Shanghai. */
export function fullTime(iso: string): string {
  return `${shanghaiDate(iso)} ${formatTime(iso)}`;
}

// --- Pages' addresses: the person whose archive is open travels as `?patient=` (ID-6: a family member).

export function withPatient(path: string, patientId: string | undefined): string {
  if (!patientId) return path;
  return `${path}${path.includes('?') ? '&' : '?'}patient=${encodeURIComponent(patientId)}`;
}

// --- Timeline

export interface DayGroup<T> {
  /** YYYY-MM-DD in Shanghai. */
  date: string;
  entries: T[];
}

/** Entries (newest first, as the API pages them) grouped under their Shanghai day, order kept. */
export function groupByDay<T extends { at: string }>(entries: readonly T[]): DayGroup<T>[] {
  const groups: DayGroup<T>[] = [];
  for (const entry of entries) {
    const date = shanghaiDate(entry.at);
    const last = groups[groups.length - 1];
    if (last && last.date === date) last.entries.push(entry);
    else groups.push({ date, entries: [entry] });
  }
  return groups;
}

/** A page appended to what is shown; an entry already there (the data moved under us) is not repeated. */
export function appendPage<T>(shown: readonly T[], next: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set(shown.map(key));
  return [...shown, ...next.filter((item) => !seen.has(key(item)))];
}

/** Where tapping a timeline entry goes: a report, a prescription; null when there is no page for it. */
export function timelineTarget(
  entry: Pick<TimelineEntry, 'kind' | 'refId'>,
  patientId: string | undefined,
): string | null {
  switch (entry.kind) {
    case 'lab_report':
    case 'exam_report':
      return withPatient(`/patient/records/reports/${entry.refId}`, patientId);
    case 'prescription':
    case 'dispense':
      return `/patient/prescriptions/${entry.refId}`;
    default:
      return null;
  }
}

// --- Trend series

export interface Point {
  /** The instant (ISO). */
  at: string;
  value: number;
  flag: AbnormalFlag | null;
}

const SYSTOLIC_CODES = new Set(['8480-6']);
const DIASTOLIC_CODES = new Set(['8462-4']);
/** The panel and its parts (LOINC): a latest result with one of these opens the blood-pressure chart. */
const BLOOD_PRESSURE_CODES = new Set(['85354-9', '55284-4', ...SYSTOLIC_CODES, ...DIASTOLIC_CODES]);

/** Which half of a blood pressure an observation is: LOINC where the sender used it, else its name. */
export function bloodPressurePart(
  obs: Pick<ObservationView, 'code' | 'name'>,
): 'systolic' | 'diastolic' | null {
  if (SYSTOLIC_CODES.has(obs.code) || /收缩压|systolic/i.test(obs.name)) return 'systolic';
  if (DIASTOLIC_CODES.has(obs.code) || /舒张压|diastolic/i.test(obs.name)) return 'diastolic';
  return null;
}

export function isBloodPressure(item: Pick<ObservationView, 'code' | 'name'>): boolean {
  return (
    BLOOD_PRESSURE_CODES.has(item.code) ||
    /^血压|blood pressure/i.test(item.name) ||
    !!bloodPressurePart(item)
  );
}

const byTime = (a: Point, b: Point) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

function pointOf(obs: ObservationView): Point | null {
  return obs.valueNum === null || !Number.isFinite(obs.valueNum)
    ? null
    : { at: obs.effectiveAt, value: obs.valueNum, flag: obs.flag };
}

/** 收缩压 and 舒张压, oldest first, for one chart. */
export function bloodPressureSeries(observations: readonly ObservationView[]): {
  systolic: Point[];
  diastolic: Point[];
  unit: string;
} {
  const systolic: Point[] = [];
  const diastolic: Point[] = [];
  let unit = 'mmHg';
  for (const obs of observations) {
    const part = bloodPressurePart(obs);
    const point = pointOf(obs);
    if (!part || !point) continue;
    if (obs.unit) unit = obs.unit;
    (part === 'systolic' ? systolic : diastolic).push(point);
  }
  return { systolic: systolic.sort(byTime), diastolic: diastolic.sort(byTime), unit };
}

export interface LabSeries {
  name: string;
  unit: string | null;
  points: Point[];
  /** The reference range of the newest result that states one (the band on the chart). */
  refLow: number | null;
  refHigh: number | null;
}

/** One lab value over time, oldest first; results without a number are left out of the line. */
export function labSeries(observations: readonly ObservationView[], code: string): LabSeries {
  const same = observations.filter((o) => o.code === code);
  const newestFirst = [...same].sort((a, b) => (a.effectiveAt < b.effectiveAt ? 1 : -1));
  const withRange = newestFirst.find((o) => o.refLow !== null || o.refHigh !== null);
  const named = newestFirst[0];
  return {
    name: named?.name ?? code,
    unit: newestFirst.find((o) => o.unit)?.unit ?? null,
    points: same
      .map(pointOf)
      .filter((p): p is Point => p !== null)
      .sort(byTime),
    refLow: withRange?.refLow ?? null,
    refHigh: withRange?.refHigh ?? null,
  };
}

export interface SeriesSummary {
  count: number;
  latest: Point | null;
  min: Point | null;
  max: Point | null;
  abnormal: number;
}

/** What the chart shows, in words (the canvas is not readable by a screen reader). */
export function summarise(points: readonly Point[]): SeriesSummary {
  let min: Point | null = null;
  let max: Point | null = null;
  for (const p of points) {
    if (!min || p.value < min.value) min = p;
    if (!max || p.value > max.value) max = p;
  }
  return {
    count: points.length,
    latest: points.length > 0 ? points[points.length - 1]! : null,
    min,
    max,
    abnormal: points.filter((p) => isAbnormal(p.flag)).length,
  };
}

/** 高血压 reference lines on the blood-pressure chart (《中国高血压防治指南》: ≥140/90 mmHg). */
export const BP_LIMITS = { systolic: 140, diastolic: 90 } as const;

/** A reading's flag when the sender gave none: at or over 140 / 90 is high. */
export function bloodPressureFlag(part: 'systolic' | 'diastolic', point: Point): AbnormalFlag | null {
  if (point.flag) return point.flag;
  return point.value >= BP_LIMITS[part] ? 'H' : 'N';
}

/** Readings of one moment paired for the table: 150/95, with either side missing as null. */
export function pairReadings(
  systolic: readonly Point[],
  diastolic: readonly Point[],
): { at: string; systolic: Point | null; diastolic: Point | null }[] {
  const rows = new Map<string, { at: string; systolic: Point | null; diastolic: Point | null }>();
  for (const p of systolic) rows.set(p.at, { at: p.at, systolic: p, diastolic: null });
  for (const p of diastolic) {
    const row = rows.get(p.at);
    if (row) row.diastolic = p;
    else rows.set(p.at, { at: p.at, systolic: null, diastolic: p });
  }
  return [...rows.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

// --- Authorisations (授权调阅, SEC-1)

export type GrantStatus = AuthorisationView['status'];

/** The state now: an authorisation whose time ran out while the page was open is shown as expired. */
export function grantStatus(grant: Pick<AuthorisationView, 'status' | 'expiresAt'>, now: Date): GrantStatus {
  if (grant.status === 'active' && new Date(grant.expiresAt).getTime() <= now.getTime()) return 'expired';
  return grant.status;
}

export const DURATION_PRESETS = [7, 30, 90] as const;
export const MAX_GRANT_DAYS = 365;

/** A duration the API takes: a whole number of days, 1–365. */
export function isValidDays(days: number): boolean {
  return Number.isInteger(days) && days >= 1 && days <= MAX_GRANT_DAYS;
}

/** Until when an authorisation granted now for `days` days lasts. */
export function expiryAfter(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

/** The categories a grant covers: null (all) or the chosen ones in their canonical order. */
export function chosenCategories(
  all: boolean,
  chosen: readonly RecordCategory[],
  order: readonly RecordCategory[],
): RecordCategory[] | null {
  if (all) return null;
  return order.filter((c) => chosen.includes(c));
}

// --- Export (个人信息可携带)

/** 健康档案-张伟-20260115.pdf / Health-record-Zhang-Wei-20260115.json: a name a person can find again. */
export function exportFileName(prefix: string, name: string, now: Date, format: 'pdf' | 'fhir'): string {
  const safe = (text: string) =>
    text
      .trim()
      .replace(/[\\/:*?"<>|\s]+/g, '-')
      .replace(/-+/g, '-');
  const day = shanghaiDate(now).replaceAll('-', '');
  return `${safe(prefix)}-${safe(name) || 'patient'}-${day}.${format === 'pdf' ? 'pdf' : 'json'}`;
}
