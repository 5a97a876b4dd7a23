/**
 * The insurance platform adapter ([7/12]): shaped after the national medical-insurance information
 * platform's interfaces for designated institutions (国家医保信息平台 定点医药机构接口), so a real adapter
 * is a drop-in. Every call carries a message id (`msgId`, 报文ID) that we choose and never reuse for
 * another request: the platform answers a repeated message id with the first answer and does nothing
 * twice — that is what makes a timeout safe to retry and a lost answer safe to query.
 *
 * Amounts are integer fen. The default implementation is the simulator (sim/sim-platform.ts), with its
 * own ledger, latency and faults; docs/insurance.md says how to plug a real one.
 */
import type { InsuranceCategory, Scheme } from '../../../shared/insurance.js';

/** A fee line as uploaded (2204 费用明细上传). */
export interface FeeLine {
  line: number;
  kind: 'drug' | 'delivery' | 'service';
  /** Drug code or service code; null for the delivery fee. */
  itemCode: string | null;
  itemName: string;
  category: InsuranceCategory | null;
  quantity: number;
  /** Days the drug lasts (for drugs); null otherwise. */
  daysSupply: number | null;
  totalFen: number;
}

export interface SplitAmounts {
  totalFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

export interface SplitLineAmounts extends SplitAmounts {
  line: number;
}

/** 1101 人员信息获取: who the voucher belongs to, and their year-to-date position. */
export interface PersonInfo {
  psnNo: string;
  name: string;
  scheme: Scheme;
  insuringRegion: string;
  insuringRegionName: string;
  balanceFen: number;
  /** The year the ytd figures are for. */
  ytdYear: number;
  ytdTotalFen: number;
  ytdDeductibleFen: number;
  ytdFundFen: number;
  /** A recorded date of death (YYYY-MM-DD), or null. */
  deathDate: string | null;
}

/** What a settlement (or its pre-settlement) is about. */
export interface SettleRequest {
  msgId: string;
  /** The e-voucher shown for this settlement (ID-3: each time). */
  voucher: string;
  psnNo: string;
  /** The institution's code (定点医药机构编号). */
  institutionCode: string;
  institutionLevel: 'primary' | 'secondary' | 'tertiary';
  /** Our reference for the visit/order (就诊ID). */
  orderRef: string;
  /** When the service was given (for the policy in force and the year). */
  at: Date;
  lines: FeeLine[];
  /** 家庭共济: whose personal account pays the account part (their psnNo), when not the patient's own. */
  accountPayerPsnNo?: string | null;
  /** FD-6 facts about the person at this visit. */
  familyDoctor?: { contractedElderly: boolean; referredByFamilyDoctor: boolean };
}

export interface SettleResult extends SplitAmounts {
  /** The platform's settlement id (结算ID). */
  setlId: string;
  policyId: string;
  policyVersion: number;
  lines: SplitLineAmounts[];
  /** The person's position before this settlement (what the split was computed from). */
  basis: {
    ytdYear: number;
    ytdTotalFen: number;
    ytdDeductibleFen: number;
    ytdFundFen: number;
    balanceFen: number;
  };
  settledAt: Date;
}

export type PreSettleResult = Omit<SettleResult, 'setlId' | 'settledAt'>;

/**
 * 2206 without the e-voucher: pre-settlement shows the split on the order page before the patient
 * presents a voucher; it records nothing, so the linked person's number (`psnNo`) is enough. Settlement
 * (2207) always carries the voucher (ID-3).
 */
export type PreSettleRequest = Omit<SettleRequest, 'voucher'> & { voucher?: string };

/** What the platform knows of a message id (for a lost answer): settled, reversed, or never seen. */
export type SettlementLookup =
  | { state: 'settled'; result: SettleResult }
  | { state: 'reversed'; result: SettleResult; reversedAt: Date }
  | { state: 'not_found' };

/** 3201 daily totals for an institution and business day (Asia/Shanghai). */
export interface DailyTotals {
  settlements: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

/** 3202 one settlement of the day, as the platform has it. */
export interface PlatformSettlementDetail extends SplitAmounts {
  setlId: string;
  msgId: string;
  orderRef: string;
  psnNo: string;
  status: 'settled' | 'reversed';
  settledAt: Date;
  reversedAt: Date | null;
}

/** A refusal by the platform (a business answer, not a fault): the voucher is bad, the balance short… */
export class InsurancePlatformRefusal extends Error {
  constructor(
    readonly reason: 'voucher_invalid' | 'voucher_mismatch' | 'person_not_found' | 'not_settled' | 'rejected',
    message: string,
  ) {
    super(message);
  }
}

/** The platform did not answer in time, or the answer was lost: the request may or may not have happened. */
export class InsurancePlatformUnavailable extends Error {}

export interface InsurancePlatform {
  /** 1101: the person the voucher belongs to; with `idNumber`, refused unless it is that person's. */
  personInfo(req: { msgId: string; voucher: string; idNumber?: string }): Promise<PersonInfo>;
  /** 2201 挂号 / 2203 就诊信息上传 / 2204 费用明细上传 are folded into pre-settlement and settlement here:
   *  each carries the visit and its fee lines. 2206 预结算: the split, nothing recorded. */
  preSettle(req: PreSettleRequest): Promise<PreSettleResult>;
  /** 2207 结算: records the settlement, moves the person's year-to-date and balance. Idempotent by msgId. */
  settle(req: SettleRequest): Promise<SettleResult>;
  /** 2208 结算撤销: reverses a settlement (whole). Idempotent by msgId; reversing a reversed one answers it. */
  reverse(req: { msgId: string; setlId: string; psnNo: string; institutionCode: string }): Promise<{
    reversedAt: Date;
  }>;
  /** What happened to a settle request's message id (for lost answers; 9001-style query). */
  lookup(req: { msgId: string; settleMsgId: string }): Promise<SettlementLookup>;
  /** 3201 对总账: the platform's totals for an institution and business day. */
  dailyTotals(req: { msgId: string; institutionCode: string; date: string }): Promise<DailyTotals>;
  /** 3202 明细对账: the platform's settlements of that day, one by one. */
  dailyDetails(req: {
    msgId: string;
    institutionCode: string;
    date: string;
  }): Promise<PlatformSettlementDetail[]>;
}
