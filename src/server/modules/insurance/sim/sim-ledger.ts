/**
 * The simulated insurance platform's ledger rows and its split (the remote side, insurance/sim/ only):
 * persons, vouchers, the message store that makes 2207/2208 idempotent, and the split of a settlement
 * request under the policy in force (2206/2207). It reads none of our tables but `insurance_policy`,
 * through `policyInForce` — the bureau's own copy of the policy, as the real platform has.
 */
import type { Executor } from '../../../platform/db/database.js';
import { computeSplit, type EngineResult } from '../insurance.rules.js';
import {
  InsurancePlatformRefusal,
  type PreSettleRequest,
  type PreSettleResult,
  type SettleResult,
} from '../platform.js';
import { policyInForce, shanghaiDay } from '../policy-store.js';

export interface SimPersonRow {
  psn_no: string;
  id_hash: string;
  name: string;
  scheme: 'employee' | 'resident';
  insuring_region: string;
  insuring_region_name: string;
  balance_fen: number;
  ytd_year: number;
  ytd_total_fen: number;
  ytd_deductible_fen: number;
  ytd_fund_fen: number;
  death_date: string | null;
}

const PERSON_COLUMNS = [
  'psn_no',
  'id_hash',
  'name',
  'scheme',
  'insuring_region',
  'insuring_region_name',
  'balance_fen',
  'ytd_year',
  'ytd_total_fen',
  'ytd_deductible_fen',
  'ytd_fund_fen',
  'death_date',
] as const;

/** The person number (个人编号) the platform gives a person: '5301' and ten digits of their key. */
export function psnNoOf(idHash: string): string {
  const n = BigInt(`0x${idHash.slice(0, 15)}`) % 10_000_000_000n;
  return `5301${n.toString().padStart(10, '0')}`;
}

/** The year (Asia/Shanghai) an instant falls in. */
export function yearOf(at: Date): number {
  return Number(shanghaiDay(at).slice(0, 4));
}

/**
 * A person's year-to-date figures for `year`: the stored ones when they are for that year, else zero —
 * the year rolled over (年度结转) and nothing has been settled in the new year yet.
 */
export function ytdOf(p: SimPersonRow, year: number) {
  const same = Number(p.ytd_year) === year;
  return {
    ytdYear: year,
    ytdTotalFen: same ? Number(p.ytd_total_fen) : 0,
    ytdDeductibleFen: same ? Number(p.ytd_deductible_fen) : 0,
    ytdFundFen: same ? Number(p.ytd_fund_fen) : 0,
  };
}

/** Persons by psn_no; with `forUpdate`, their rows locked in psn_no order (so two locks never deadlock). */
export async function personRows(
  db: Executor,
  psnNos: string[],
  forUpdate: boolean,
): Promise<Map<string, SimPersonRow>> {
  const q = db
    .selectFrom('inssim_person')
    .select(PERSON_COLUMNS)
    .where('psn_no', 'in', [...new Set(psnNos)])
    .orderBy('psn_no');
  const rows = forUpdate ? await q.forUpdate().execute() : await q.execute();
  return new Map(rows.map((r) => [r.psn_no, r as SimPersonRow]));
}

/** The person a voucher belongs to, or a refusal when it is unknown or expired (ID-3). */
export async function voucherPsnNo(db: Executor, token: string, now: Date): Promise<string> {
  const v = await db
    .selectFrom('inssim_voucher')
    .select(['psn_no', 'expires_at'])
    .where('token', '=', token)
    .executeTakeFirst();
  if (!v || v.expires_at.getTime() <= now.getTime()) {
    throw new InsurancePlatformRefusal('voucher_invalid', '医保电子凭证无效或已过期');
  }
  return v.psn_no;
}

/**
 * Claims a message id for a request that changes the ledger (2207, 2208), in the caller's transaction.
 * Returns null when the id is new (the caller does the work and stores its answer with `storeAnswer`),
 * or the stored answer of the first request with that id. A concurrent request with the same id waits
 * on the unique key until the first commits (then gets its answer) or rolls back (then does the work).
 * An id already used for another api is refused.
 */
export async function claimMessage(
  trx: Executor,
  msgId: string,
  api: '2207' | '2208',
  now: Date,
): Promise<Record<string, unknown> | null> {
  const claimed = await trx
    .insertInto('inssim_message')
    .values({ msg_id: msgId, api, response: '{}', received_at: now })
    .onConflict((oc) => oc.column('msg_id').doNothing())
    .returning('msg_id')
    .executeTakeFirst();
  if (claimed) return null;
  const stored = await trx
    .selectFrom('inssim_message')
    .select(['api', 'response'])
    .where('msg_id', '=', msgId)
    .executeTakeFirstOrThrow();
  if (stored.api !== api) {
    throw new InsurancePlatformRefusal('rejected', `报文ID ${msgId} 已用于另一交易（${stored.api}）`);
  }
  return stored.response;
}

export async function storeAnswer(trx: Executor, msgId: string, answer: object): Promise<void> {
  await trx
    .updateTable('inssim_message')
    .set({ response: JSON.stringify(answer) })
    .where('msg_id', '=', msgId)
    .execute();
}

/** A settlement answer as stored (JSON) back to its shape. */
export function reviveSettleResult(json: Record<string, unknown>): SettleResult {
  const r = json as unknown as Omit<SettleResult, 'settledAt'> & { settledAt: string };
  return { ...r, settledAt: new Date(r.settledAt) };
}

export interface Split {
  result: PreSettleResult;
  engine: EngineResult;
  year: number;
  patient: SimPersonRow;
  /** Whose account pays the account part: the patient, or the 家庭共济 payer. */
  payer: SimPersonRow;
}

/**
 * The split of a settlement request (2206/2207): the voucher must be valid and the patient's; the policy
 * in force for the patient's scheme, the institution's level and the day of service; the person's year-to-
 * date position for that year; the account that pays (the patient's, or an employee payer's under 家庭共济).
 * With `lock`, the person rows are locked (`for update`) until the caller's transaction ends, so two
 * settlements of one person (or one payer) serialise and the balance never goes below zero.
 */
export async function splitOf(db: Executor, req: PreSettleRequest, now: Date, lock: boolean): Promise<Split> {
  // A 2206 preview without a voucher (platform.ts PreSettleRequest) records nothing: the number is enough.
  if (req.voucher !== undefined) {
    const holder = await voucherPsnNo(db, req.voucher, now);
    if (holder !== req.psnNo) {
      throw new InsurancePlatformRefusal('voucher_mismatch', '医保电子凭证不属于该参保人');
    }
  }
  if (req.lines.length === 0) throw new InsurancePlatformRefusal('rejected', '没有费用明细');
  const payerPsnNo =
    req.accountPayerPsnNo && req.accountPayerPsnNo !== req.psnNo ? req.accountPayerPsnNo : null;
  const rows = await personRows(db, payerPsnNo ? [req.psnNo, payerPsnNo] : [req.psnNo], lock);
  const patient = rows.get(req.psnNo);
  if (!patient) throw new InsurancePlatformRefusal('person_not_found', '参保人不存在');
  const payer = payerPsnNo ? rows.get(payerPsnNo) : patient;
  if (!payer) throw new InsurancePlatformRefusal('person_not_found', '家庭共济的支付人不存在');
  // INS-2: only an employee's personal account (职工医保个人账户) pays, for themself or through 家庭共济.
  if (payerPsnNo && payer.scheme !== 'employee') {
    throw new InsurancePlatformRefusal('rejected', '家庭共济的支付人须为职工医保参保人');
  }

  const day = shanghaiDay(req.at);
  const year = Number(day.slice(0, 4));
  // The platform keeps one year's figures; once a person's year has rolled over, the year before is closed.
  if (Number(patient.ytd_year) > year) {
    throw new InsurancePlatformRefusal('rejected', `${year} 年度已结转，不能再结算该年度的费用`);
  }
  const policy = await policyInForce(db, patient.scheme, req.institutionLevel, day);
  if (!policy) throw new InsurancePlatformRefusal('rejected', '无适用的医保政策');
  let rules = policy.rules;
  let scheme = patient.scheme;
  if (payerPsnNo) {
    // 家庭共济: the fund's part follows the patient's own scheme and policy; whether the account may pay the
    // self-pay part is the payer's (employee) policy at this level — a resident family member's self-pay is
    // what the wallet is for, and the residents' policy has no account to pay it.
    const employee = await policyInForce(db, 'employee', req.institutionLevel, day);
    rules = { ...rules, accountPaysSelfPay: employee?.rules.accountPaysSelfPay ?? false };
    scheme = 'employee';
  }
  const ytd = ytdOf(patient, year);
  const balanceFen = Number(payer.balance_fen);
  const engine = computeSplit({
    rules,
    institutionLevel: req.institutionLevel,
    person: {
      scheme,
      ytdDeductibleFen: ytd.ytdDeductibleFen,
      ytdFundFen: ytd.ytdFundFen,
      accountBalanceFen: balanceFen,
    },
    lines: [...req.lines]
      .sort((a, b) => a.line - b.line)
      .map((l) => ({ line: l.line, kind: l.kind, category: l.category, totalFen: l.totalFen })),
    ...(req.familyDoctor ? { familyDoctor: req.familyDoctor } : {}),
  });
  return {
    result: {
      totalFen: engine.totalFen,
      fundFen: engine.fundFen,
      accountFen: engine.accountFen,
      cashFen: engine.cashFen,
      policyId: policy.id,
      policyVersion: policy.version,
      lines: engine.lines.map((l) => ({
        line: l.line,
        totalFen: l.totalFen,
        fundFen: l.fundFen,
        accountFen: l.accountFen,
        cashFen: l.cashFen,
      })),
      basis: { ...ytd, balanceFen },
    },
    engine,
    year,
    patient,
    payer,
  };
}
