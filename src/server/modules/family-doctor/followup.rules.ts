/**
 * Chronic follow-up rules ([12/12], FD-7 hypertension, FD-8 type 2 diabetes, 国家基本公共卫生服务规范): how a
 * reading or a follow-up's measurement is classified, what the result asks for next, when the plan's
 * follow-ups fall due, and what makes a home reading acceptable. Pure: the thresholds and the clock come in
 * as arguments (config.familyDoctor), so the tables of cases in followup.rules.test.ts pin every edge.
 */
import type { Classification, FollowupAction } from '../../../shared/family-doctor.js';
import type { FamilyDoctorSettings } from '../../platform/config.js';

export type Thresholds = FamilyDoctorSettings['thresholds'];
export type GlucoseTiming = 'fasting' | 'postprandial' | 'random';

/**
 * FD-7: blood pressure. Urgent (危急, urgent referral) when systolic ≥ 180 or diastolic ≥ 110; uncontrolled
 * (控制不满意) when systolic ≥ 140 or diastolic ≥ 90; otherwise controlled. Either number alone decides.
 */
export function classifyBp(systolic: number, diastolic: number, t: Thresholds): Classification {
  if (systolic >= t.bpUrgent.systolic || diastolic >= t.bpUrgent.diastolic) return 'urgent';
  if (systolic >= t.bpUncontrolled.systolic || diastolic >= t.bpUncontrolled.diastolic) return 'uncontrolled';
  return 'controlled';
}

/**
 * FD-8: blood glucose in tenths of mmol/L (7.0 → 70). Urgent at ≥ 16.7 or ≤ 3.9 whatever the timing
 * (hyperglycaemic crisis or hypoglycaemia is urgent after a meal too). The control target (uncontrolled at
 * ≥ 7.0) is a FASTING target: a postprandial or random value is judged by the urgent limits only, so a
 * 9.0 two hours after a meal is not "uncontrolled" (it is controlled as far as the rules can tell).
 */
export function classifyGlucose(tenths: number, timing: GlucoseTiming, t: Thresholds): Classification {
  if (tenths >= t.glucoseUrgentHighTenths || tenths <= t.glucoseUrgentLowTenths) return 'urgent';
  if (timing === 'fasting' && tenths >= t.glucoseUncontrolledTenths) return 'uncontrolled';
  return 'controlled';
}

/** mmol/L with one decimal as the integer tenths the database keeps (6.95 → 70). */
export const glucoseTenths = (mmol: number) => Math.round(mmol * 10);

/**
 * Whether a glucose reading speaks about control of the diabetes plan (FD-8 counts fasting values): a
 * non-fasting one does only when it is urgent. Blood pressure always does.
 */
export function countsForPlan(
  kind: 'bp' | 'glucose',
  timing: GlucoseTiming | null,
  c: Classification,
): boolean {
  return kind === 'bp' || timing === 'fasting' || c === 'urgent';
}

/** The worse of two classifications (a follow-up that measured both blood pressure and glucose). */
export function worse(a: Classification | null, b: Classification | null): Classification | null {
  const rank = { controlled: 0, uncontrolled: 1, urgent: 2 } as const;
  if (a === null) return b;
  if (b === null) return a;
  return rank[a] >= rank[b] ? a : b;
}

/**
 * FD-7/FD-8: what a result asks for, given how many results in a row were uncontrolled before it.
 * - controlled → routine (keep the schedule), streak back to 0;
 * - uncontrolled, the first in a row → adjust (adjust treatment, follow up within 2 weeks);
 * - uncontrolled the second time in a row (or more) → refer (refer, follow up within 2 weeks);
 * - urgent → urgent_referral (refer now). Urgent is "worse than uncontrolled": it extends the streak, so an
 *   uncontrolled result after an urgent one is a refer.
 */
export function nextAction(
  previousStreak: number,
  c: Classification,
): { action: FollowupAction; streak: number } {
  if (c === 'controlled') return { action: 'routine', streak: 0 };
  const streak = Math.max(0, previousStreak) + 1;
  if (c === 'urgent') return { action: 'urgent_referral', streak };
  return { action: streak >= 2 ? 'refer' : 'adjust', streak };
}

/** The follow-up reason an action puts on the worklist (null: routine, the schedule stands). */
export function reasonOf(action: FollowupAction): 'adjust' | 'refer' | 'urgent' | null {
  if (action === 'adjust') return 'adjust';
  if (action === 'refer') return 'refer';
  if (action === 'urgent_referral') return 'urgent';
  return null;
}

/**
 * When the follow-up an action asks for falls due (FD-7/FD-8 "within 2 weeks" = recheckDays): null for
 * routine; for an urgent HOME READING today (the team calls the resident now); for a follow-up that found
 * an urgent value, the referral is made at the visit and the next follow-up is within the recheck days.
 */
export function followupDueOn(
  action: FollowupAction,
  today: string,
  recheckDays: number,
  source: 'reading' | 'followup',
): string | null {
  if (action === 'routine') return null;
  if (action === 'urgent_referral' && source === 'reading') return today;
  return addDays(today, recheckDays);
}

/**
 * FD-7/FD-8 "≥ 4 follow-ups a year": the plan's scheduled follow-ups over the 12 months from `startsOn`,
 * evenly spaced, the last on the year's last day (for 4 from 2026-01-01: 04-02, 07-02, 10-01, 12-31).
 * Fewer than 4 a year is never scheduled, whatever the setting says.
 */
export function scheduledDueDates(startsOn: string, followupsPerYear: number): string[] {
  const n = Math.max(4, Math.floor(followupsPerYear));
  const span = daysBetween(startsOn, addYears(startsOn, 1)) - 1;
  return Array.from({ length: n }, (_, i) => addDays(startsOn, Math.round(((i + 1) * span) / n)));
}

/** How far a routine follow-up lies after the last one when a plan's schedule has run out. */
export const intervalDays = (followupsPerYear: number) => Math.floor(365 / Math.max(4, followupsPerYear));

/** A home reading may be up to 5 minutes ahead of the server's clock (a phone's clock drifts), no more. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Readings older than a year are history for the archive, not a current result. */
export const MAX_READING_AGE_MS = 366 * 86_400_000;

export type ReadingInput =
  | { kind: 'bp'; systolic: number; diastolic: number; measuredAt: string }
  | { kind: 'glucose'; measuredAt: string };

/**
 * What is wrong with a reading, as the zh-CN detail of 422 READING_INVALID, or null: systolic must exceed
 * diastolic; the measuring time must be a real instant, not more than 5 minutes in the future, not older
 * than a year.
 */
export function readingProblem(r: ReadingInput, now: Date): string | null {
  if (r.kind === 'bp' && r.systolic <= r.diastolic) return '收缩压须高于舒张压，请核对读数。';
  const at = Date.parse(r.measuredAt);
  if (!Number.isFinite(at)) return 'measuredAt 须为 ISO 8601 时间（如 2026-11-22T08:00:00+08:00）。';
  if (at > now.getTime() + FUTURE_TOLERANCE_MS) return '测量时间不能晚于现在，请核对手机时间。';
  if (at < now.getTime() - MAX_READING_AGE_MS)
    return '测量时间不能早于一年前；更早的读数请在健康档案中补录。';
  return null;
}

// --- Calendar dates (YYYY-MM-DD, Asia/Shanghai days computed by the caller)

const toUtc = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
};
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (date: string, days: number) => fromUtc(toUtc(date) + days * 86_400_000);
export const daysBetween = (from: string, to: string) => Math.round((toUtc(to) - toUtc(from)) / 86_400_000);

/** The same day a year later (29 February → 1 March). */
export function addYears(date: string, years: number): string {
  const d = new Date(toUtc(date));
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return fromUtc(d.getTime());
}
