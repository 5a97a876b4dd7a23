import { describe, expect, it } from 'vitest';
import type { PolicyRules, PolicyVersion } from '../../../shared/insurance.js';
import {
  baseVersion,
  formatBp,
  formFromRules,
  type PolicyFormValues,
  percentToBp,
  policyBody,
  yuanToFen,
} from './policyForm.js';

const RULES: PolicyRules = {
  deductibleFen: 30_000,
  reimbursementBp: 7_000,
  annualCapFen: 30_000_000,
  categoryBFirstSelfPayBp: 1_000,
  serviceFeeBasisFen: 1_250,
  accountPaysSelfPay: true,
  familyDoctorReferralBonusFen: 500,
  contractedElderlyCommunityCutFen: 300,
};

const version = (patch: Partial<PolicyVersion>): PolicyVersion => ({
  id: '00000000-0000-4000-8000-000000000001',
  scheme: 'employee',
  institutionLevel: 'tertiary',
  version: 1,
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  inForce: true,
  rules: RULES,
  note: null,
  createdAt: '2025-12-01T00:00:00.000Z',
  ...patch,
});

describe('the policy form’s units (yuan and % typed, fen and basis points sent)', () => {
  it('turns yuan into whole fen without floating-point drift', () => {
    expect(yuanToFen(12.34)).toBe(1234);
    expect(yuanToFen(19.99)).toBe(1999);
    expect(yuanToFen(0.1 + 0.2)).toBe(30);
    expect(yuanToFen(300)).toBe(30_000);
  });

  it('turns percentages into basis points, and shows basis points as percentages', () => {
    expect(percentToBp(70)).toBe(7000);
    expect(percentToBp(12.5)).toBe(1250);
    expect(percentToBp(33.33)).toBe(3333);
    expect(formatBp(7000)).toBe('70%');
    expect(formatBp(1250)).toBe('12.5%');
  });

  it('INS-3, FD-6: a version prefilled and published unchanged sends the same rules back', () => {
    const values: PolicyFormValues = {
      scheme: 'employee',
      institutionLevel: 'tertiary',
      effectiveFrom: '2026-07-01',
      ...formFromRules(RULES),
      note: '  ',
    };
    expect(policyBody(values)).toEqual({
      scheme: 'employee',
      institutionLevel: 'tertiary',
      effectiveFrom: '2026-07-01',
      rules: RULES,
    });
    expect(policyBody({ ...values, reimbursementPercent: 75, note: ' 2026 调整 ' })).toMatchObject({
      rules: { reimbursementBp: 7500 },
      note: '2026 调整',
    });
  });

  it('prefills from the version in force for the scheme and level, else the newest', () => {
    const items = [
      version({ id: 'a', version: 1, inForce: true }),
      version({ id: 'b', version: 2, inForce: false, effectiveFrom: '2027-01-01' }),
      version({ id: 'c', version: 3, inForce: false, institutionLevel: 'primary' }),
      version({ id: 'd', version: 1, inForce: false, institutionLevel: 'primary' }),
    ];
    expect(baseVersion(items, 'employee', 'tertiary')?.id).toBe('a');
    expect(baseVersion(items, 'employee', 'primary')?.id).toBe('c');
    expect(baseVersion(items, 'resident', 'primary')).toBeUndefined();
  });
});
