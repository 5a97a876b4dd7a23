import { describe, expect, it } from 'vitest';
import type { RuleCheck } from '../../../shared/prescriptions.js';
import { ApiError } from '../../api.js';
import { countChecks, findingsFor, interactionFlagged, sortChecks, violationsOf } from './checks.js';

const check = (rule: string, code: string, outcome: RuleCheck['outcome'], drugId?: string): RuleCheck => ({
  rule,
  code,
  outcome,
  ...(drugId ? { drugId, drugName: drugId } : {}),
  message: `${code}（${rule}）`,
  messageEn: `${code} (${rule})`,
});

const checks = [
  check('RX-8', 'RX_TOO_MANY_ITEMS', 'pass'),
  check('RX-10', 'RX_SEVERE_INTERACTION', 'overridden', 'YY0002'),
  check('RX-10', 'RX_DOSE_EXCEEDED', 'fail', 'YY0001'),
  check('RX-9', 'RX_DAYS_EXCEEDED', 'pass'),
  check('RX-10', 'RX_ALLERGY_CONFLICT', 'fail', 'YY0002'),
];

describe('rule checks on screen', () => {
  it('lists failures first, then overrides, then passes, keeping the server order within each', () => {
    expect(sortChecks(checks).map((c) => c.code)).toEqual([
      'RX_DOSE_EXCEEDED',
      'RX_ALLERGY_CONFLICT',
      'RX_SEVERE_INTERACTION',
      'RX_TOO_MANY_ITEMS',
      'RX_DAYS_EXCEEDED',
    ]);
    expect(countChecks(checks)).toEqual({ fail: 2, overridden: 1, pass: 2 });
  });

  it('puts under a line the failures and overrides naming its drug', () => {
    expect(findingsFor(checks, 'YY0002').map((c) => c.code)).toEqual([
      'RX_SEVERE_INTERACTION',
      'RX_ALLERGY_CONFLICT',
    ]);
    expect(findingsFor(checks, undefined)).toEqual([]);
  });

  it('RX-10: asks for an override reason where a severe interaction names the line’s drug', () => {
    expect(interactionFlagged(checks, 'YY0002')).toBe(true);
    expect(interactionFlagged(checks, 'YY0001')).toBe(false);
    expect(interactionFlagged([check('RX-10', 'RX_SEVERE_INTERACTION', 'pass')], 'YY0001')).toBe(false);
  });

  it('reads the violations of a 422, and nothing from another refusal', () => {
    const violations = [checks[2], { junk: true }];
    const refusal = new ApiError(422, 'RX_DOSE_EXCEEDED', '超过最大日剂量', undefined, { violations });
    expect(violationsOf(refusal)).toEqual([checks[2]]);
    expect(violationsOf(new ApiError(409, 'RX_NOT_EDITABLE', 'x', undefined, { violations }))).toEqual([]);
    expect(violationsOf(new Error('x'))).toEqual([]);
  });
});
