import { describe, expect, it } from 'vitest';
import type { PackageWithEligibility } from '../../../shared/family-doctor.js';
import {
  contractBadge,
  fdPath,
  feeOf,
  formatDate,
  initialSelection,
  stepValue,
  toggleSelection,
} from './fd.js';

const pkg = (
  id: string,
  group: PackageWithEligibility['group'],
  split: [number, number, number],
  eligible: boolean | null = true,
): PackageWithEligibility => ({
  id,
  institutionId: null,
  code: id.toUpperCase(),
  name: id,
  group,
  description: '',
  services: [],
  feeFen: split[0] + split[1] + split[2],
  insuranceFen: split[0],
  publicHealthFen: split[1],
  residentFen: split[2],
  minAge: null,
  maxAge: null,
  sex: null,
  conditions: [],
  status: 'active',
  eligible,
  ineligibleReason: eligible === false ? '须年满 65 周岁' : null,
});

const BASIC = pkg('basic', 'basic', [4_000, 6_000, 2_000]);
const ELDERLY = pkg('elderly', 'elderly', [3_000, 2_000, 1_000]);
const HTN = pkg('htn', 'hypertension', [4_000, 2_000, 2_000], false);
const CHILD = pkg('child', 'children', [2_000, 2_000, 1_000], null);
const ALL = [ELDERLY, BASIC, HTN, CHILD];

describe('the resident sign page (FD-2, FD-3)', () => {
  it('FD-2: the basic package is chosen first; a renewal keeps its packages still eligible', () => {
    expect(initialSelection(ALL)).toEqual(['basic']);
    expect(initialSelection(ALL, ['basic', 'elderly', 'htn'])).toEqual(['basic', 'elderly']);
  });

  it('FD-2: a basic package cannot be taken away, an ineligible one cannot be chosen', () => {
    expect(toggleSelection(ALL, ['basic'], 'basic')).toEqual(['basic']);
    expect(toggleSelection(ALL, ['basic'], 'htn')).toEqual(['basic']);
    expect(toggleSelection(ALL, ['basic'], 'elderly')).toEqual(['basic', 'elderly']);
    expect(toggleSelection(ALL, ['basic', 'elderly'], 'elderly')).toEqual(['basic']);
    // Eligibility unknown (null) is not a refusal: the server decides.
    expect(toggleSelection(ALL, ['basic'], 'child')).toEqual(['basic', 'child']);
  });

  it('FD-3: the three parts add up to the fee, per year and over the term', () => {
    const { perYear, total } = feeOf(ALL, ['basic', 'elderly'], 2);
    expect(perYear).toEqual({
      feeFen: 18_000,
      insuranceFen: 7_000,
      publicHealthFen: 8_000,
      residentFen: 3_000,
    });
    expect(total).toEqual({
      feeFen: 36_000,
      insuranceFen: 14_000,
      publicHealthFen: 16_000,
      residentFen: 6_000,
    });
    expect(total.insuranceFen + total.publicHealthFen + total.residentFen).toBe(total.feeFen);
  });
});

describe('the resident pages', () => {
  it('an active contract in its renewal window shows 即将到期', () => {
    expect(contractBadge({ status: 'active', renewable: true })).toBe('expiring');
    expect(contractBadge({ status: 'active', renewable: false })).toBe('active');
    expect(contractBadge({ status: 'pending_payment', renewable: false })).toBe('pending_payment');
  });

  it('links keep the family member (ID-6)', () => {
    expect(fdPath('readings', 'p1', { kind: 'bp' })).toBe(
      '/patient/family-doctor/readings?kind=bp&patient=p1',
    );
    expect(fdPath('', undefined)).toBe('/patient/family-doctor');
  });

  it('dates of another year carry their year', () => {
    expect(formatDate('2026-12-14', 'zh-CN', '2026-12-07')).toBe('12月14日 周一');
    expect(formatDate('2028-01-06', 'zh-CN', '2026-12-07')).toBe('2028年1月6日');
  });

  it('the steppers start from a usual value and stay within bounds', () => {
    const b = { min: 40, max: 300, start: 120, decimals: 0 };
    expect(stepValue('', 1, b)).toBe('120');
    expect(stepValue('165', 1, b)).toBe('166');
    expect(stepValue('300', 1, b)).toBe('300');
    expect(stepValue('6.9', 0.1, { min: 0.5, max: 60, start: 6, decimals: 1 })).toBe('7.0');
  });
});
