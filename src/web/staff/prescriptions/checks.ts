/**
 * The rule checks a save, a dry run or a 422 answers with (RuleCheck: rule id, code, outcome), sorted and
 * grouped for the screen: failures first, then overrides, then what passed. Pure.
 */
import type { RuleCheck } from '../../../shared/prescriptions.js';
import { ApiError } from '../../api.js';

const ORDER: Record<RuleCheck['outcome'], number> = { fail: 0, overridden: 1, pass: 2 };

/** Failures first, then overrides, then passes; within each, by rule id as the server listed them. */
export function sortChecks(checks: readonly RuleCheck[]): RuleCheck[] {
  return checks
    .map((check, i) => ({ check, i }))
    .sort((a, b) => ORDER[a.check.outcome] - ORDER[b.check.outcome] || a.i - b.i)
    .map(({ check }) => check);
}

export interface CheckCounts {
  fail: number;
  overridden: number;
  pass: number;
}

export function countChecks(checks: readonly RuleCheck[]): CheckCounts {
  const counts: CheckCounts = { fail: 0, overridden: 0, pass: 0 };
  for (const check of checks) counts[check.outcome] += 1;
  return counts;
}

/** The failures and overrides that name this drug (shown under its line). */
export function findingsFor(checks: readonly RuleCheck[], drugId: string | undefined): RuleCheck[] {
  if (!drugId) return [];
  return checks.filter((c) => c.drugId === drugId && c.outcome !== 'pass');
}

/** RX-10: the line's drug is in a severe interaction — the doctor may go on only with a written reason. */
export function interactionFlagged(checks: readonly RuleCheck[], drugId: string | undefined): boolean {
  return (
    drugId !== undefined &&
    checks.some((c) => c.code === 'RX_SEVERE_INTERACTION' && c.drugId === drugId && c.outcome !== 'pass')
  );
}

/** The failed checks a 422 carries in `violations` (empty for any other refusal). */
export function violationsOf(error: unknown): RuleCheck[] {
  if (!(error instanceof ApiError) || error.status !== 422) return [];
  const list = error.extensions.violations;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (v): v is RuleCheck =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as RuleCheck).rule === 'string' &&
      typeof (v as RuleCheck).code === 'string' &&
      typeof (v as RuleCheck).message === 'string',
  );
}
