/**
 * The simulated national insurance platform (the remote side, demo mode and tests only): its own ledger
 * in the `inssim_*` tables (persons, vouchers, messages, settlements), the split computed by the policy
 * engine under the policy in force, latency and faults. (helper B)
 */
import type { AppContext } from '../../../platform/context.js';
import type {
  DailyTotals,
  InsurancePlatform,
  PersonInfo,
  PlatformSettlementDetail,
  PreSettleResult,
  SettlementLookup,
  SettleRequest,
  SettleResult,
} from '../platform.js';

export type SimApi = '1101' | '2206' | '2207' | '2208' | 'lookup' | '3201' | '3202';

/** How the simulated platform misbehaves, as the real one does. */
export interface SimInsuranceFaults {
  /** Delay before each answer. */
  latencyMs: number;
}

export class SimInsurancePlatform implements InsurancePlatform {
  faults: SimInsuranceFaults = { latencyMs: 0 };

  constructor(readonly ctx: AppContext) {}

  /**
   * The next `count` calls of `api` fail: `timeout` does nothing and throws InsurancePlatformUnavailable;
   * `lost_answer` does the work (records it under its msgId) and then throws InsurancePlatformUnavailable.
   */
  failNext(_api: SimApi, _mode: 'timeout' | 'lost_answer', _count = 1): void {
    throw new Error('not implemented');
  }

  /** The e-voucher app (医保电子凭证): a short-lived token for a verified person (created on first use). */
  async issueVoucher(_person: {
    idNumber: string;
    name: string;
  }): Promise<{ voucher: string; expiresAt: Date }> {
    throw new Error('not implemented');
  }

  async personInfo(_req: { msgId: string; voucher: string; idNumber?: string }): Promise<PersonInfo> {
    throw new Error('not implemented');
  }
  async preSettle(_req: SettleRequest): Promise<PreSettleResult> {
    throw new Error('not implemented');
  }
  async settle(_req: SettleRequest): Promise<SettleResult> {
    throw new Error('not implemented');
  }
  async reverse(_req: { msgId: string; setlId: string; psnNo: string; institutionCode: string }): Promise<{
    reversedAt: Date;
  }> {
    throw new Error('not implemented');
  }
  async lookup(_req: { msgId: string; settleMsgId: string }): Promise<SettlementLookup> {
    throw new Error('not implemented');
  }
  async dailyTotals(_req: { msgId: string; institutionCode: string; date: string }): Promise<DailyTotals> {
    throw new Error('not implemented');
  }
  async dailyDetails(_req: {
    msgId: string;
    institutionCode: string;
    date: string;
  }): Promise<PlatformSettlementDetail[]> {
    throw new Error('not implemented');
  }
}
