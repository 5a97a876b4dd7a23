/**
 * The shapes the prescribing rules share: their input, their result (RuleCheck, also the `violations` of a
 * 422), the codes they can produce, the limits, and the small builders of a check. Pure.
 */
import type { VisitType } from '../../../shared/visits.js';
import type { DrugSeed, SevereInteraction } from './drug.types.js';

/** Every code these rules can produce (all are in prescriptions.errors.ts). */
export const RULE_CODES = [
  'RX_VISIT_TYPE_NOT_ALLOWED',
  'RX_NOT_PRESCRIBER',
  'RX_VISIT_NOT_OPEN',
  'RX_DIAGNOSIS_REQUIRED',
  'RX_GUARDIAN_REQUIRED',
  'RX_VALIDITY_EXCEEDED',
  'RX_UNKNOWN_DRUG',
  'RX_NOT_IN_FORMULARY',
  'RX_SPECIAL_DRUG_ONLINE_FORBIDDEN',
  'RX_TOO_MANY_ITEMS',
  'RX_MIXED_KINDS',
  'RX_DUPLICATE_INGREDIENT',
  'RX_DAYS_EXCEEDED',
  'RX_QUANTITY_MISMATCH',
  'RX_AGE_RESTRICTED',
  'RX_WEIGHT_REQUIRED',
  'RX_DOSE_EXCEEDED',
  'RX_ALLERGY_CONFLICT',
  'RX_SEVERE_INTERACTION',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export interface RuleCheck {
  /** The rule's id in rules.md: 'RX-8', 'VISIT-6', 'PILOT-4'. */
  rule: string;
  code: RuleCode;
  outcome: 'pass' | 'fail' | 'overridden';
  drugId?: string;
  drugName?: string;
  /** zh-CN; names the drug (generic name) and the rule id. */
  message: string;
  messageEn: string;
}

export interface RuleItem {
  /** The catalogue row; undefined when drugId is not in the catalogue. */
  drug: DrugSeed | undefined;
  drugId: string;
  dose: number;
  doseUnit: string;
  frequency: string;
  days: number;
  /** Packages. */
  quantity: number;
  route: string;
  interactionOverrideReason?: string;
}

export interface RuleInput {
  now: Date;
  visit: {
    type: VisitType;
    status: string;
    completedAt: Date | null;
    practitionerId: string | null;
    pilotInScope: boolean;
    guardianConfirmed: boolean;
  };
  prescriberPractitionerId: string;
  diagnoses: { icd10: string; name: string }[];
  /** Allergies: ingredient or allergen-class names as recorded. */
  patient: { ageYears: number; weightKg: number | null; allergies: string[] };
  /** The visit follows up a recorded chronic diagnosis, stable (the service decides; RX-9). */
  chronicStable: boolean;
  /** Drug ids the institution allows online; null: no formulary check. */
  formulary: ReadonlySet<string> | null;
  /** The bundled severe-interaction table (ingredients, unordered). */
  interactions: readonly SevereInteraction[];
  items: RuleItem[];
  validDays?: number;
  validityReason?: string;
  longTermReason?: string;
}

export type KnownItem = RuleItem & { drug: DrugSeed };

/** Online long-term prescriptions stop at 30 days (RX-9 allows up to 12 weeks with an assessment, a record
 * note and the patient's confirmation, which the online flow does not do; we keep to "normally ≤4 weeks"). */
export const MAX_LONG_TERM_DAYS = 30;
export const MAX_NORMAL_DAYS = 7;
export const MAX_ITEMS = 5;
export const MAX_VALID_DAYS = 3;
/** Chinese paediatrics (儿科) covers children under 14: below it, weight-based limits apply. */
export const CHILD_BELOW_YEARS = 14;
export const GUARDIAN_BELOW_YEARS = 6;
export const REOPEN_MS = 24 * 60 * 60 * 1000;

export const blank = (s: string | undefined) => !s || s.trim() === '';

export const pass = (rule: string, code: RuleCode, message: string, messageEn: string): RuleCheck => ({
  rule,
  code,
  outcome: 'pass',
  message: `${message}（${rule}）`,
  messageEn: `${messageEn} (${rule})`,
});

export const fail = (rule: string, code: RuleCode, message: string, messageEn: string): RuleCheck => ({
  ...pass(rule, code, message, messageEn),
  outcome: 'fail',
});

/** A finding about one drug: names it (generic name) in both languages. */
export function about(
  rule: string,
  code: RuleCode,
  drug: DrugSeed,
  message: string,
  messageEn: string,
  outcome: RuleCheck['outcome'] = 'fail',
): RuleCheck {
  return {
    rule,
    code,
    outcome,
    drugId: drug.id,
    drugName: drug.genericName,
    message: `「${drug.genericName}」${message}（${rule}）`,
    messageEn: `${drug.nameEn}: ${messageEn} (${rule})`,
  };
}

/** The findings, or one pass saying the rule ran and found nothing. */
export const orPass = (found: RuleCheck[], ok: RuleCheck) => (found.length > 0 ? found : [ok]);

export const failures = (checks: readonly RuleCheck[]) => checks.filter((c) => c.outcome === 'fail');
export const ruleViolation = (checks: readonly RuleCheck[]) => checks.find((c) => c.outcome === 'fail');
