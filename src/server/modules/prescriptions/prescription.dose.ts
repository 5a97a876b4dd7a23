/**
 * Dose and quantity arithmetic of a prescription line, pure: frequencies, the daily dose in the drug's
 * strength unit (checked against the catalogue maximum) and the whole packages a line needs (RX-7: the
 * quantity must match dose × frequency × days, or the days limit would mean nothing).
 */
import type { DrugSeed } from './drug.types.js';

export interface Frequency {
  /** Administrations per day (qw: 1/7). */
  perDay: number;
  zh: string;
  en: string;
}

export const FREQUENCIES = {
  qd: { perDay: 1, zh: '每日一次', en: 'once daily' },
  bid: { perDay: 2, zh: '每日两次', en: 'twice daily' },
  tid: { perDay: 3, zh: '每日三次', en: 'three times daily' },
  qid: { perDay: 4, zh: '每日四次', en: 'four times daily' },
  qn: { perDay: 1, zh: '每晚一次', en: 'every night' },
  q12h: { perDay: 2, zh: '每12小时一次', en: 'every 12 hours' },
  q8h: { perDay: 3, zh: '每8小时一次', en: 'every 8 hours' },
  q6h: { perDay: 4, zh: '每6小时一次', en: 'every 6 hours' },
  qw: { perDay: 1 / 7, zh: '每周一次', en: 'once a week' },
  // As needed: counted as three times a day, for the dose limit and for the quantity.
  prn: { perDay: 3, zh: '必要时', en: 'as needed' },
  // Once, now: a single administration in total (the line's days must be 1).
  st: { perDay: 1, zh: '立即', en: 'once, immediately' },
} as const satisfies Record<string, Frequency>;

export type FrequencyCode = keyof typeof FREQUENCIES;

export const isFrequency = (code: string): code is FrequencyCode => Object.hasOwn(FREQUENCIES, code);

/** What the arithmetic needs of a prescription line. */
export interface DoseLine {
  /** Per administration, in `doseUnit`. */
  dose: number;
  /** The drug's strengthUnit ('mg') or its unit ('片'). */
  doseUnit: string;
  frequency: string;
  days: number;
}

/**
 * Floating-point slack: 0.1 × 3 is 0.30000000000000004, which must neither exceed a maximum of 0.3 nor
 * need a second package. Far below any real dose difference.
 */
const EPSILON = 1e-9;

/** Units compared loosely: 'MG' = 'mg', 'µg' (micro sign) = 'μg' (Greek mu), surrounding blanks ignored. */
const normUnit = (u: string) => u.normalize('NFKC').trim().toLowerCase();

/** One administration in the drug's strength unit; null when the dose unit does not fit the drug. */
export function doseInStrengthUnit(drug: DrugSeed, line: Pick<DoseLine, 'dose' | 'doseUnit'>): number | null {
  const unit = normUnit(line.doseUnit);
  if (unit === normUnit(drug.strengthUnit)) return line.dose;
  if (unit === normUnit(drug.unit)) return line.dose * drug.strength; // 1 片 = strength mg
  return null;
}

/** One administration in the drug's units (片, ml …); null when the dose unit does not fit the drug. */
export function doseInUnits(drug: DrugSeed, line: Pick<DoseLine, 'dose' | 'doseUnit'>): number | null {
  const unit = normUnit(line.doseUnit);
  if (unit === normUnit(drug.unit)) return line.dose;
  if (unit === normUnit(drug.strengthUnit)) return line.dose / drug.strength;
  return null;
}

/**
 * Administrations over the whole line: qw once per started week, st once, prn as tid, the others
 * perDay × days. Null for an unknown frequency.
 */
export function administrations(frequency: string, days: number): number | null {
  if (!isFrequency(frequency)) return null;
  if (frequency === 'qw') return Math.ceil(days / 7);
  if (frequency === 'st') return 1;
  return FREQUENCIES[frequency].perDay * days;
}

/**
 * The daily dose in the drug's strength unit (what the catalogue's maximum is in): per administration ×
 * administrations per day (qw: a seventh; st: the single administration; prn: three). Null when the dose
 * unit does not fit the drug or the frequency is unknown.
 */
export function dailyDose(
  drug: DrugSeed,
  line: Pick<DoseLine, 'dose' | 'doseUnit' | 'frequency'>,
): number | null {
  const once = doseInStrengthUnit(drug, line);
  if (once === null || !isFrequency(line.frequency)) return null;
  return once * FREQUENCIES[line.frequency].perDay;
}

/** The units (片, ml …) the whole line needs; null when it cannot be computed. */
export function unitsNeeded(drug: DrugSeed, line: DoseLine): number | null {
  const once = doseInUnits(drug, line);
  const times = administrations(line.frequency, line.days);
  if (once === null || times === null) return null;
  return once * times;
}

/**
 * Whole packages for the line (RX-7): dose in units × administrations, rounded up to whole packages.
 * Null when the dose unit does not fit the drug or the frequency is unknown.
 */
export function requiredPackages(drug: DrugSeed, line: DoseLine): number | null {
  const units = unitsNeeded(drug, line);
  if (units === null) return null;
  return Math.max(0, Math.ceil(units / drug.packageSize - EPSILON));
}

/** `value ≤ limit`, with the floating-point slack above. */
export const withinLimit = (value: number, limit: number) => value <= limit * (1 + EPSILON) + EPSILON;
