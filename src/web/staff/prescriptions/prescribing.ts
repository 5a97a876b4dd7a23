/**
 * The prescribing editor's arithmetic, pure: the quantity a line needs (RX-7: dose × frequency × days,
 * rounded up to whole packages — the same arithmetic as the server's prescription.dose.ts, so the
 * suggestion is what the rule accepts), the dose units a drug takes, and the request body the editor's
 * values make. The server decides; these only suggest and shape.
 */

import type {
  Drug,
  Frequency,
  PrescriptionBody,
  PrescriptionItemInput,
} from '../../../shared/prescriptions.js';
import type { VisitView } from '../../../shared/visits.js';

/** Administrations per day (qw a seventh; prn counted as tid; st a single administration in all). */
const PER_DAY: Record<Frequency, number> = {
  qd: 1,
  bid: 2,
  tid: 3,
  qid: 4,
  qn: 1,
  q12h: 2,
  q8h: 3,
  q6h: 4,
  qw: 1 / 7,
  prn: 3,
  st: 1,
};

/** Floating-point slack: 0.1 × 3 must not need a second package. */
const EPSILON = 1e-9;

/** RX-9: more than this many days' supply needs a long-term reason. */
export const MAX_NORMAL_DAYS = 7;
/** RX-9: online long-term prescriptions stop here. */
export const MAX_LONG_TERM_DAYS = 30;
/** RX-6: valid on the day of issue, up to 3 days with a reason. */
export const MAX_VALID_DAYS = 3;
/** RX-8: at most 5 drugs per Western / Chinese-patent prescription. */
export const MAX_ITEMS = 5;
/** Children (儿科, under 14) are dosed by weight: the editor asks for it. */
export const CHILD_BELOW_YEARS = 14;
/** A prescription may still be written this long after the visit was completed. */
const REOPEN_MS = 24 * 60 * 60 * 1000;

const normUnit = (u: string) => u.normalize('NFKC').trim().toLowerCase();

export type DoseDrug = Pick<Drug, 'strength' | 'strengthUnit' | 'unit' | 'packageSize'>;

/** The units a dose may be written in: the drug's unit (片) first, then its strength unit (mg). */
export function doseUnitsOf(drug: Pick<Drug, 'strengthUnit' | 'unit'>): string[] {
  return normUnit(drug.unit) === normUnit(drug.strengthUnit) ? [drug.unit] : [drug.unit, drug.strengthUnit];
}

/** One administration in the drug's units (片, ml …); null when the dose unit does not fit the drug. */
export function doseInUnits(drug: DoseDrug, dose: number, doseUnit: string): number | null {
  const unit = normUnit(doseUnit);
  if (unit === normUnit(drug.unit)) return dose;
  if (unit === normUnit(drug.strengthUnit)) return dose / drug.strength;
  return null;
}

/** One administration in the drug's strength unit (mg …); null when the dose unit does not fit. */
export function doseInStrengthUnit(drug: DoseDrug, dose: number, doseUnit: string): number | null {
  const unit = normUnit(doseUnit);
  if (unit === normUnit(drug.strengthUnit)) return dose;
  if (unit === normUnit(drug.unit)) return dose * drug.strength;
  return null;
}

/**
 * The same dose written in another of the drug's units (1 片 of 5 mg = 5 mg), so switching the unit
 * keeps the amount; undefined when either unit does not fit the drug.
 */
export function convertDose(drug: DoseDrug, dose: number, from: string, to: string): number | undefined {
  const units = doseInUnits(drug, dose, from);
  if (units === null) return undefined;
  if (normUnit(to) === normUnit(drug.unit)) return Math.round(units * 1000) / 1000;
  if (normUnit(to) === normUnit(drug.strengthUnit)) return Math.round(units * drug.strength * 1000) / 1000;
  return undefined;
}

/** Administrations over the whole line: qw once per started week, st once, the others perDay × days. */
export function administrations(frequency: Frequency, days: number): number {
  if (frequency === 'qw') return Math.ceil(days / 7);
  if (frequency === 'st') return 1;
  return PER_DAY[frequency] * days;
}

/** The daily dose in the strength unit (what the catalogue maximum is in); null when it cannot be told. */
export function dailyDose(
  drug: DoseDrug,
  dose: number,
  doseUnit: string,
  frequency: Frequency,
): number | null {
  const once = doseInStrengthUnit(drug, dose, doseUnit);
  return once === null ? null : once * PER_DAY[frequency];
}

export interface QuantityLine {
  dose?: number | null;
  doseUnit?: string;
  frequency?: Frequency;
  days?: number | null;
}

/**
 * RX-7: the whole packages a line needs — ceil(dose in units × administrations / package size), at
 * least one. Null until the line has a dose, a fitting unit, a frequency and days.
 */
export function suggestQuantity(drug: DoseDrug, line: QuantityLine): number | null {
  const { dose, doseUnit, frequency, days } = line;
  if (!dose || dose <= 0 || !doseUnit || !frequency || !days || days <= 0) return null;
  const once = doseInUnits(drug, dose, doseUnit);
  if (once === null) return null;
  const units = once * administrations(frequency, days);
  return Math.max(1, Math.ceil(units / drug.packageSize - EPSILON));
}

/** Rounds a displayed number to at most 3 decimals: 0.1 × 3 shows as 0.3. */
export const tidyNumber = (n: number) => String(Math.round(n * 1000) / 1000);

/** Children under 14 are dosed by weight. */
export const isChild = (ageYears: number) => ageYears < CHILD_BELOW_YEARS;

/**
 * VISIT-6, PILOT-4: only a follow-up or a (pilot) first visit carries a prescription, while in
 * progress or within 24 h after it was completed. The server checks the rest (the pilot scope, RX-1).
 */
export function canPrescribe(
  visit: Pick<VisitView, 'type' | 'status' | 'completedAt'>,
  now: Date = new Date(),
): boolean {
  if (visit.type !== 'follow_up' && visit.type !== 'first_visit') return false;
  if (visit.status === 'in_progress') return true;
  if (visit.status !== 'completed' || !visit.completedAt) return false;
  return now.getTime() - Date.parse(visit.completedAt) <= REOPEN_MS;
}

/** One line as the editor holds it: anything may still be missing. */
export interface ItemValues {
  drugId?: string;
  dose?: number | null;
  doseUnit?: string;
  frequency?: Frequency;
  days?: number | null;
  quantity?: number | null;
  route?: string;
  note?: string;
  interactionOverrideReason?: string;
}

export interface EditorValues {
  items?: (ItemValues | undefined)[];
  validDays?: number;
  validityReason?: string;
  longTermReason?: string;
  patientWeightKg?: number | null;
}

const filled = (s: string | undefined): string | undefined => (s && s.trim() !== '' ? s.trim() : undefined);

/** The longest days' supply among the lines (RX-9 asks for a reason above 7). */
export function longestDays(values: EditorValues): number {
  return Math.max(0, ...(values.items ?? []).map((item) => item?.days ?? 0));
}

/**
 * The API body (PrescriptionBody) of the editor's values; null while a line is incomplete. Reasons are
 * sent only where they apply: a validity reason above one day (RX-6), a long-term reason above 7 days'
 * supply (RX-9); an interaction override only where the doctor wrote one.
 */
export function toBody(values: EditorValues, child: boolean): PrescriptionBody | null {
  const lines = values.items ?? [];
  if (lines.length === 0) return null;
  const items: PrescriptionItemInput[] = [];
  for (const line of lines) {
    if (!line) return null;
    const { drugId, dose, doseUnit, frequency, days, quantity, route } = line;
    if (!drugId || !dose || dose <= 0 || !doseUnit || !frequency || !route) return null;
    if (!days || days < 1 || !Number.isInteger(days)) return null;
    if (!quantity || quantity < 1 || !Number.isInteger(quantity)) return null;
    const note = filled(line.note);
    const override = filled(line.interactionOverrideReason);
    items.push({
      drugId,
      dose,
      doseUnit,
      frequency,
      days,
      quantity,
      route,
      ...(note ? { note } : {}),
      ...(override ? { interactionOverrideReason: override } : {}),
    });
  }
  const validDays = values.validDays ?? 1;
  const validityReason = validDays > 1 ? filled(values.validityReason) : undefined;
  const longTermReason = longestDays(values) > MAX_NORMAL_DAYS ? filled(values.longTermReason) : undefined;
  const weight =
    child && values.patientWeightKg && values.patientWeightKg > 0 ? values.patientWeightKg : undefined;
  return {
    items,
    validDays,
    ...(validityReason ? { validityReason } : {}),
    ...(longTermReason ? { longTermReason } : {}),
    ...(weight ? { patientWeightKg: weight } : {}),
  };
}

/** A new line for a drug just picked: one unit, once a day, a week, the catalogue route. */
export function newLine(drug: Drug): ItemValues {
  const line: ItemValues = {
    drugId: drug.id,
    dose: 1,
    doseUnit: drug.unit,
    frequency: 'qd',
    days: MAX_NORMAL_DAYS,
    route: drug.route,
  };
  return { ...line, quantity: suggestQuantity(drug, line) };
}
