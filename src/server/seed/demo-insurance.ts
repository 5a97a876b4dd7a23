/**
 * [7/12] The demo region's medical insurance: the district bureau's policy (version 1 for both schemes at
 * each institution level, in force from 2026-01-01) and the institutions designated for insured internet
 * services (INS-1). Numbers are illustrative, in the range of Chinese cities' 2026 outpatient pooling
 * rules (门诊共济保障): employees' pooled outpatient cover with a deductible rising with the level, a
 * higher ratio at community level, the personal account paying the self-pay part (INS-2); residents'
 * smaller outpatient pool and no personal account. FD-6's +1 yuan rules on both.
 */
import type { PolicyRules } from '../../shared/insurance.js';
import { seedFraudDemo } from '../modules/insurance/fraud.seed.js';
import type { Tx } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';

type Level = 'primary' | 'secondary' | 'tertiary';

const FD6 = { familyDoctorReferralBonusFen: 100, contractedElderlyCommunityCutFen: 100 };

/** The offline ordinary outpatient consultation fee at each level (INS-3: online follow-ups are paid like it). */
const SERVICE_FEE_BASIS: Record<Level, number> = { primary: 1_000, secondary: 1_200, tertiary: 1_500 };

export const DEMO_POLICIES: Record<'employee' | 'resident', Record<Level, PolicyRules>> = {
  employee: {
    primary: {
      deductibleFen: 0,
      reimbursementBp: 9_000,
      annualCapFen: 400_000,
      categoryBFirstSelfPayBp: 1_000,
      serviceFeeBasisFen: SERVICE_FEE_BASIS.primary,
      accountPaysSelfPay: true,
      ...FD6,
    },
    secondary: {
      deductibleFen: 20_000,
      reimbursementBp: 8_000,
      annualCapFen: 400_000,
      categoryBFirstSelfPayBp: 1_000,
      serviceFeeBasisFen: SERVICE_FEE_BASIS.secondary,
      accountPaysSelfPay: true,
      ...FD6,
    },
    tertiary: {
      deductibleFen: 30_000,
      reimbursementBp: 7_000,
      annualCapFen: 400_000,
      categoryBFirstSelfPayBp: 1_000,
      serviceFeeBasisFen: SERVICE_FEE_BASIS.tertiary,
      accountPaysSelfPay: true,
      ...FD6,
    },
  },
  resident: {
    primary: {
      deductibleFen: 0,
      reimbursementBp: 6_000,
      annualCapFen: 50_000,
      categoryBFirstSelfPayBp: 1_500,
      serviceFeeBasisFen: SERVICE_FEE_BASIS.primary,
      accountPaysSelfPay: false,
      ...FD6,
    },
    secondary: {
      deductibleFen: 10_000,
      reimbursementBp: 5_000,
      annualCapFen: 50_000,
      categoryBFirstSelfPayBp: 1_500,
      serviceFeeBasisFen: SERVICE_FEE_BASIS.secondary,
      accountPaysSelfPay: false,
      ...FD6,
    },
    tertiary: {
      deductibleFen: 20_000,
      reimbursementBp: 5_000,
      annualCapFen: 50_000,
      categoryBFirstSelfPayBp: 1_500,
      serviceFeeBasisFen: SERVICE_FEE_BASIS.tertiary,
      accountPaysSelfPay: false,
      ...FD6,
    },
  },
};

/**
 * Designated for insured internet services (INS-1): the three tertiary hospitals, the secondary
 * YC-H04 and every community health centre; YC-H05's internet hospital has no supplementary agreement
 * yet, so its online services are self-pay (the refusal INSURANCE_NOT_DESIGNATED shows in the demo).
 */
export const DEMO_DESIGNATED = [
  'YC-H01',
  'YC-H02',
  'YC-H03',
  'YC-H04',
  'YC-C01',
  'YC-C02',
  'YC-C03',
  'YC-C04',
  'YC-C05',
  'YC-C06',
];

export async function seedInsurance(
  trx: Tx,
  ids: {
    institutions: Map<string, string>;
    practitioners: Map<string, string>;
    patients: Map<string, string>;
  },
  now: Date,
): Promise<void> {
  const rows = (['employee', 'resident'] as const).flatMap((scheme) =>
    (['primary', 'secondary', 'tertiary'] as const).map((level) => ({
      id: newId(),
      scheme,
      institution_level: level,
      version: 1,
      effective_from: '2026-01-01',
      rules: JSON.stringify(DEMO_POLICIES[scheme][level]),
      note: '2026 年度门诊共济保障政策（演示）',
      created_by: null,
      created_at: now,
    })),
  );
  await trx.insertInto('insurance_policy').values(rows).execute();
  await trx
    .insertInto('insurance_designation')
    .values(
      DEMO_DESIGNATED.map((code, i) => ({
        institution_id: ids.institutions.get(code)!,
        agreement_no: `YCYB-HLW-2026-${String(i + 1).padStart(3, '0')}`,
        effective_from: '2026-01-01',
        effective_to: null,
        updated_by: null,
        updated_at: now,
      })),
    )
    .execute();
  // INS-4: the seeded overlapping-prescription case the insurer's review shows (张伟's amlodipine from two
  // institutions, 10 and 3 days ago, with the simulated platform's ledger agreeing).
  await seedFraudDemo(trx, ids, now);
}
