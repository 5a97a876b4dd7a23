/**
 * The policy form's units: the insurer types yuan and percentages, the API keeps integer fen and basis
 * points (PolicyRules). Plain functions, tested on their own: a rounding slip here changes every split.
 */
import type { PolicyBody, PolicyRules, PolicyVersion } from '../../../shared/insurance.js';

/** Yuan typed in the form (two decimals at most) → integer fen. 12.34 → 1234; 0.1 + 0.2 safe. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

export const fenToYuan = (fen: number) => fen / 100;

/** A percentage typed in the form (two decimals at most) → basis points. 70 → 7000; 12.5 → 1250. */
export function percentToBp(percent: number): number {
  return Math.round(percent * 100);
}

export const bpToPercent = (bp: number) => bp / 100;

/** 7000 → 70%, 1250 → 12.5%. */
export function formatBp(bp: number): string {
  return `${Number((bp / 100).toFixed(2))}%`;
}

/** What the form holds: money in yuan, ratios in %. */
export interface PolicyFormValues {
  scheme: PolicyBody['scheme'];
  institutionLevel: PolicyBody['institutionLevel'];
  effectiveFrom: string;
  deductibleYuan: number;
  reimbursementPercent: number;
  annualCapYuan: number;
  categoryBFirstSelfPayPercent: number;
  serviceFeeBasisYuan: number;
  accountPaysSelfPay: boolean;
  familyDoctorReferralBonusYuan: number;
  contractedElderlyCommunityCutYuan: number;
  note?: string;
}

export type PolicyRuleFields = Omit<
  PolicyFormValues,
  'scheme' | 'institutionLevel' | 'effectiveFrom' | 'note'
>;

/** The form's fields of a version's rules (prefilling from the version in force). */
export function formFromRules(rules: PolicyRules): PolicyRuleFields {
  return {
    deductibleYuan: fenToYuan(rules.deductibleFen),
    reimbursementPercent: bpToPercent(rules.reimbursementBp),
    annualCapYuan: fenToYuan(rules.annualCapFen),
    categoryBFirstSelfPayPercent: bpToPercent(rules.categoryBFirstSelfPayBp),
    serviceFeeBasisYuan: fenToYuan(rules.serviceFeeBasisFen),
    accountPaysSelfPay: rules.accountPaysSelfPay,
    familyDoctorReferralBonusYuan: fenToYuan(rules.familyDoctorReferralBonusFen),
    contractedElderlyCommunityCutYuan: fenToYuan(rules.contractedElderlyCommunityCutFen),
  };
}

/** The request body of `POST /insurance/policies` from the form. */
export function policyBody(values: PolicyFormValues): PolicyBody {
  const note = values.note?.trim();
  return {
    scheme: values.scheme,
    institutionLevel: values.institutionLevel,
    effectiveFrom: values.effectiveFrom,
    rules: {
      deductibleFen: yuanToFen(values.deductibleYuan),
      reimbursementBp: percentToBp(values.reimbursementPercent),
      annualCapFen: yuanToFen(values.annualCapYuan),
      categoryBFirstSelfPayBp: percentToBp(values.categoryBFirstSelfPayPercent),
      serviceFeeBasisFen: yuanToFen(values.serviceFeeBasisYuan),
      accountPaysSelfPay: values.accountPaysSelfPay,
      familyDoctorReferralBonusFen: yuanToFen(values.familyDoctorReferralBonusYuan),
      contractedElderlyCommunityCutFen: yuanToFen(values.contractedElderlyCommunityCutYuan),
    },
    ...(note ? { note } : {}),
  };
}

/** The version a new one builds on: the one in force for the scheme and level, else the newest. */
export function baseVersion(
  items: readonly PolicyVersion[],
  scheme: PolicyVersion['scheme'],
  level: PolicyVersion['institutionLevel'],
): PolicyVersion | undefined {
  const same = items.filter((v) => v.scheme === scheme && v.institutionLevel === level);
  return same.find((v) => v.inForce) ?? [...same].sort((a, b) => b.version - a.version)[0];
}
