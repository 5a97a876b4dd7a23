/**
 * The medical-insurance API's contract ([7/12]): linking with the e-voucher (ID-3), pre-settlement and
 * the split of an order (fund / personal account / cash, integer fen), the insurer's policy versions,
 * fraud alerts (INS-4), reconciliation and fund statistics. TypeBox schemas the routes validate with,
 * `Static` types the web reads.
 */
import { type Static, Type } from 'typebox';
import { DateText, Limit, Nullable, page, Uuid } from './http.js';

export const SCHEMES = ['employee', 'resident'] as const;
/** employee 城镇职工基本医疗保险 / resident 城乡居民基本医疗保险. */
export const Scheme = Type.Enum(SCHEMES);
export type Scheme = Static<typeof Scheme>;

export const INSTITUTION_LEVELS = ['primary', 'secondary', 'tertiary'] as const;
export const InstitutionLevel = Type.Enum(INSTITUTION_LEVELS);
export type InstitutionLevel = Static<typeof InstitutionLevel>;

/** 甲 A fully eligible, 乙 B after a first self-pay ratio, 丙 C not payable. */
export const InsuranceCategory = Type.Enum(['A', 'B', 'C'] as const);
export type InsuranceCategory = Static<typeof InsuranceCategory>;

// --- Insured persons (ID-3)

/** The e-voucher token (医保电子凭证), short-lived, issued by the insurance platform for a verified person. */
export const Voucher = Type.String({ minLength: 8, maxLength: 200, description: '医保电子凭证令牌' });

export const InsuranceLinkBody = Type.Object(
  {
    patientId: Type.Optional(Uuid),
    voucher: Voucher,
  },
  { additionalProperties: false },
);
export type InsuranceLinkBody = Static<typeof InsuranceLinkBody>;

/** A linked person as the platform reports them now (1101 person information). */
export const InsuredPerson = Type.Object({
  patientId: Uuid,
  name: Type.String(),
  /** The platform's person number, masked (个人编号). */
  psnNoMasked: Type.String(),
  scheme: Scheme,
  insuringRegion: Type.String({ description: '参保地行政区划代码' }),
  insuringRegionName: Type.String(),
  balanceFen: Type.Integer({ description: '个人账户余额（分）' }),
  ytdTotalFen: Type.Integer({ description: '本年度医疗费用累计（分）' }),
  ytdFundFen: Type.Integer({ description: '本年度统筹基金累计支付（分）' }),
  ytdDeductibleFen: Type.Integer({ description: '本年度已累计起付线（分）' }),
  linkedAt: Type.String(),
  /**
   * When the balance and year-to-date figures were read from the platform: at the link, or the last
   * settlement. The platform answers only with a fresh e-voucher (ID-3), so between those they may be stale.
   */
  asOf: Type.String({ description: '余额及累计数据的截至时间' }),
});
export type InsuredPerson = Static<typeof InsuredPerson>;

export const WALLET_LINK_STATUSES = ['requested', 'active', 'revoked', 'declined'] as const;
/** 家庭共济: an employee's personal account pays for a family member's orders, confirmed by both. */
export const WalletLink = Type.Object({
  id: Uuid,
  payerPatientId: Uuid,
  payerName: Type.String(),
  beneficiaryPatientId: Uuid,
  beneficiaryName: Type.String(),
  status: Type.Enum(WALLET_LINK_STATUSES),
  /** Whether the caller may confirm or decline it (they are, or act for, the beneficiary). */
  canConfirm: Type.Boolean(),
  requestedAt: Type.String(),
  confirmedAt: Nullable(Type.String()),
});
export type WalletLink = Static<typeof WalletLink>;

export const InsuranceMe = Type.Object({
  /** The caller and the dependents they act for who have linked insurance. */
  persons: Type.Array(InsuredPerson),
  walletLinks: Type.Array(WalletLink),
});
export type InsuranceMe = Static<typeof InsuranceMe>;

export const WalletLinkBody = Type.Object(
  {
    /** The employee whose account pays; default the caller's own patient. */
    payerPatientId: Type.Optional(Uuid),
    beneficiaryName: Type.String({ minLength: 1, maxLength: 50 }),
    beneficiaryIdNumber: Type.String({ minLength: 15, maxLength: 18 }),
  },
  { additionalProperties: false },
);
export type WalletLinkBody = Static<typeof WalletLinkBody>;

// --- Pre-settlement: the split of an order

export const SplitLine = Type.Object({
  item: Type.String({ description: '项目名称' }),
  category: Nullable(InsuranceCategory),
  totalFen: Type.Integer(),
  fundFen: Type.Integer({ description: '统筹基金支付' }),
  accountFen: Type.Integer({ description: '个人账户支付' }),
  cashFen: Type.Integer({ description: '现金支付' }),
});
export type SplitLine = Static<typeof SplitLine>;

export const PreSettlement = Type.Object({
  orderId: Uuid,
  totalFen: Type.Integer(),
  fundFen: Type.Integer(),
  accountFen: Type.Integer(),
  cashFen: Type.Integer(),
  policyVersion: Type.Integer(),
  scheme: Scheme,
  /** Whose personal account pays the account part (the patient, or an employee through 家庭共济). */
  accountPayer: Nullable(Type.Object({ patientId: Uuid, name: Type.String() })),
  lines: Type.Array(SplitLine),
});
export type PreSettlement = Static<typeof PreSettlement>;

export const PreSettlementQuery = Type.Object(
  { accountPayerId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

/** `insurance` on `POST /orders/{id}/pay`: settle the insurance part with this voucher. */
export const PayInsurance = Type.Object(
  {
    voucher: Voucher,
    /** 家庭共济: an employee (with an active wallet link to the patient) whose account pays. */
    accountPayerId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type PayInsurance = Static<typeof PayInsurance>;

export const SETTLEMENT_STATUSES = ['pending', 'settled', 'failed', 'reversing', 'reversed'] as const;
export const Settlement = Type.Object({
  id: Uuid,
  orderId: Uuid,
  patientId: Uuid,
  patientName: Type.String(),
  institutionId: Uuid,
  institutionName: Type.String(),
  scheme: Scheme,
  status: Type.Enum(SETTLEMENT_STATUSES),
  totalFen: Type.Integer(),
  fundFen: Type.Integer(),
  accountFen: Type.Integer(),
  cashFen: Type.Integer(),
  policyVersion: Type.Integer(),
  platformSettlementId: Nullable(Type.String()),
  requestedAt: Type.String(),
  settledAt: Nullable(Type.String()),
  reversedAt: Nullable(Type.String()),
  lines: Type.Array(SplitLine),
});
export type Settlement = Static<typeof Settlement>;
export const SettlementPage = page(Settlement);

export const SettlementQuery = Type.Object(
  {
    institutionId: Type.Optional(Uuid),
    date: Type.Optional(DateText),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Limit(100, 20)),
  },
  { additionalProperties: false },
);

// --- Policy (versioned data)

export const PolicyRules = Type.Object(
  {
    /** INS-1: internet services are insured only at designated institutions (insurance_designation). */
    deductibleFen: Type.Integer({ minimum: 0, maximum: 10_000_000, description: '年度起付线（分）' }),
    /** The fund's share of the eligible amount above the deductible, in basis points (7000 = 70 %). */
    reimbursementBp: Type.Integer({ minimum: 0, maximum: 10_000, description: '报销比例（万分比）' }),
    annualCapFen: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: '年度最高支付限额（分）' }),
    /** 乙类先行自付比例 (basis points of a category-B line the patient pays before the rest is eligible). */
    categoryBFirstSelfPayBp: Type.Integer({ minimum: 0, maximum: 10_000 }),
    /**
     * INS-3: an online follow-up's fee is eligible up to the offline ordinary outpatient fee at this level
     * (普通门诊诊查费), whatever the doctor's title; the rest is self-pay.
     */
    serviceFeeBasisFen: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    /** INS-2: whether the personal account may pay the patient's self-pay part (employees). */
    accountPaysSelfPay: Type.Boolean(),
    /** FD-6: fen added to the reimbursed service fee of a contracted elderly person referred by their family doctor (secondary/tertiary). */
    familyDoctorReferralBonusFen: Type.Integer({ minimum: 0, maximum: 100_000 }),
    /** FD-6: fen taken off a contracted elderly person's community (primary) self-pay for the service fee. */
    contractedElderlyCommunityCutFen: Type.Integer({ minimum: 0, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
export type PolicyRules = Static<typeof PolicyRules>;

export const PolicyVersion = Type.Object({
  id: Uuid,
  scheme: Scheme,
  institutionLevel: InstitutionLevel,
  version: Type.Integer(),
  effectiveFrom: DateText,
  /** The day the next version takes over, or null while this one is the newest. */
  effectiveTo: Nullable(DateText),
  /** Whether this version is in force today (Asia/Shanghai). */
  inForce: Type.Boolean(),
  rules: PolicyRules,
  note: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type PolicyVersion = Static<typeof PolicyVersion>;

/** INS-1: an institution designated for insured internet services (互联网医疗服务医保补充协议). */
export const Designation = Type.Object({
  institutionId: Uuid,
  institutionName: Type.String(),
  level: Nullable(InstitutionLevel),
  agreementNo: Type.String(),
  effectiveFrom: DateText,
  /** The first day it no longer holds (exclusive), or null while open-ended. */
  effectiveTo: Nullable(DateText),
  /** Whether it holds today (Asia/Shanghai). */
  inForce: Type.Boolean(),
});
export type Designation = Static<typeof Designation>;

export const PolicyList = Type.Object({
  items: Type.Array(PolicyVersion),
  designations: Type.Array(Designation),
});
export type PolicyList = Static<typeof PolicyList>;

export const PolicyBody = Type.Object(
  {
    scheme: Scheme,
    institutionLevel: InstitutionLevel,
    effectiveFrom: DateText,
    rules: PolicyRules,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type PolicyBody = Static<typeof PolicyBody>;

/** `PUT /insurance/designations/{institutionId}`: designate, change, or end (effectiveTo) a designation (INS-1). */
export const DesignationBody = Type.Object(
  {
    agreementNo: Type.String({ minLength: 1, maxLength: 64, description: '补充协议编号' }),
    effectiveFrom: DateText,
    /** The first day it no longer holds (exclusive); omit for open-ended. */
    effectiveTo: Type.Optional(Nullable(DateText)),
  },
  { additionalProperties: false },
);
export type DesignationBody = Static<typeof DesignationBody>;

export const InstitutionIdParams = Type.Object({ institutionId: Uuid });
export const PatientIdParams = Type.Object({ patientId: Uuid });

// --- Fraud and misuse alerts (智能监管, INS-4)

export const FRAUD_RULES = [
  'overlapping_supply',
  'over_day_limit',
  'no_completed_visit',
  'doctor_hourly_volume',
  'out_of_region_high_value',
  'after_death',
] as const;
export const FraudRule = Type.Enum(FRAUD_RULES);
export type FraudRule = Static<typeof FraudRule>;

export const ALERT_STATUSES = ['open', 'confirmed', 'dismissed', 'cleared'] as const;
export const InsuranceAlert = Type.Object({
  id: Uuid,
  rule: FraudRule,
  /** Who a confirmed hit blocks: the insured person or the prescribing doctor. */
  subjectKind: Type.Enum(['patient', 'practitioner'] as const),
  subjectId: Uuid,
  subjectName: Type.String(),
  settlementId: Nullable(Uuid),
  /** What the rule saw: prescriptions, dates, institutions, amounts (rule-specific). */
  evidence: Type.Record(Type.String(), Type.Unknown()),
  /** One sentence of what was seen, in the caller's language. */
  summary: Type.String(),
  source: Type.Enum(['settlement', 'batch', 'seed'] as const),
  status: Type.Enum(ALERT_STATUSES),
  decidedAt: Nullable(Type.String()),
  /** The note of the latest decision (confirm or dismiss; a clear's note replaces it when one is given). */
  decisionNote: Nullable(Type.String()),
  /** When a confirmed alert was cleared (the block lifted). */
  clearedAt: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type InsuranceAlert = Static<typeof InsuranceAlert>;
export const AlertPage = page(InsuranceAlert);

export const AlertQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(ALERT_STATUSES)),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Limit(100, 20)),
  },
  { additionalProperties: false },
);

export const AlertDecisionBody = Type.Object(
  {
    /** confirm (blocks the subject), dismiss, or clear (lifts a confirmed block). */
    decision: Type.Enum(['confirm', 'dismiss', 'clear'] as const),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type AlertDecisionBody = Static<typeof AlertDecisionBody>;

// --- Reconciliation (对账)

export const MISMATCH_CAUSES = [
  'settlement_missing_at_platform',
  'settlement_only_at_platform',
  'settlement_amount_differs',
  'payment_missing_at_gateway',
  'payment_amount_differs',
  'paid_without_settlement',
  'settled_order_not_paid',
  /** The platform's 3201 day totals disagree with ours (settled, not reversed: count, fund, account, cash). */
  'totals_differ',
] as const;
export const Mismatch = Type.Object({
  cause: Type.Enum(MISMATCH_CAUSES),
  orderId: Nullable(Uuid),
  settlementId: Nullable(Type.String()),
  ours: Nullable(Type.Record(Type.String(), Type.Unknown())),
  theirs: Nullable(Type.Record(Type.String(), Type.Unknown())),
});
export type Mismatch = Static<typeof Mismatch>;

export const ReconciliationStatement = Type.Object({
  institutionId: Uuid,
  institutionName: Type.String(),
  date: DateText,
  status: Type.Enum(['balanced', 'mismatched'] as const),
  orders: Type.Integer(),
  settlements: Type.Integer(),
  payments: Type.Integer(),
  fundFen: Type.Integer(),
  accountFen: Type.Integer(),
  cashFen: Type.Integer(),
  mismatches: Type.Array(Mismatch),
  runBy: Type.String({ description: 'job 夜间任务 / 账号 id（手动）' }),
  runAt: Type.String(),
});
export type ReconciliationStatement = Static<typeof ReconciliationStatement>;

export const ReconciliationQuery = Type.Object(
  {
    institutionId: Uuid,
    date: DateText,
    format: Type.Optional(Type.Enum(['json', 'csv'] as const)),
    /** Run it again now (on demand) instead of answering the stored statement. */
    rerun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

// --- Fund statistics (insurer console charts)

export const FundStats = Type.Object({
  from: DateText,
  to: DateText,
  byInstitution: Type.Array(
    Type.Object({
      institutionId: Uuid,
      name: Type.String(),
      fundFen: Type.Integer(),
      settlements: Type.Integer(),
    }),
  ),
  byMonth: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      fundFen: Type.Integer(),
      accountFen: Type.Integer(),
      cashFen: Type.Integer(),
    }),
  ),
  byCategory: Type.Array(
    Type.Object({
      category: Type.Enum(['A', 'B', 'C', 'service', 'delivery'] as const),
      fundFen: Type.Integer(),
      totalFen: Type.Integer(),
    }),
  ),
});
export type FundStats = Static<typeof FundStats>;

export const FundStatsQuery = Type.Object(
  { from: Type.Optional(DateText), to: Type.Optional(DateText) },
  { additionalProperties: false },
);

// --- The simulated e-voucher app (demo mode and tests only: `POST /insurance/sim/vouchers`)

export const SimVoucherBody = Type.Object(
  {
    /** The caller's own patient by default, or a dependent they act for (ID-6). */
    patientId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type SimVoucherBody = Static<typeof SimVoucherBody>;

export const SimVoucher = Type.Object({
  voucher: Voucher,
  expiresAt: Type.String({ description: '凭证失效时间' }),
});
export type SimVoucher = Static<typeof SimVoucher>;
