/**
 * The simulated national insurance platform (the remote side, demo mode and tests only): its own ledger
 * in the `inssim_*` tables (persons, vouchers, messages, settlements), the split computed by the policy
 * engine under the policy in force, latency and faults. (helper B)
 *
 * Like the real platform it is "elsewhere": it shares our database only for convenience, reads none of
 * our tables but the policy (through `policyInForce`), knows an institution by the code and level it is
 * given, and writes no audit or outbox rows of ours (its transactions are its own, not `runCommand`).
 *
 * Idempotency: 2207 and 2208 are keyed by their message id (inssim_message). The same id answers the
 * first answer and changes nothing; an id used for another api is refused. A refused request stores
 * nothing, so its id may be sent again. Read-only calls (1101, 2206, lookup, 3201, 3202) are not stored.
 *
 * Daily figures (3201/3202) are by settlement day (Asia/Shanghai, `settled_at`) and answer the day as it
 * stands when asked: a settlement reversed later — on any day — is listed on its settlement day with
 * status `reversed` and its `reversedAt`, and no longer counts in that day's totals; a reversal adds
 * nothing to the day it happened on. So a day reconciled before a later reversal must be reconciled again.
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/database.js';
import {
  type DailyTotals,
  type InsurancePlatform,
  InsurancePlatformRefusal,
  InsurancePlatformUnavailable,
  type PersonInfo,
  type PlatformSettlementDetail,
  type PreSettleRequest,
  type PreSettleResult,
  type SettlementLookup,
  type SettleRequest,
  type SettleResult,
} from '../platform.js';
import { shanghaiDay } from '../policy-store.js';
import {
  claimMessage,
  personRows,
  psnNoOf,
  reviveSettleResult,
  type SimPersonRow,
  splitOf,
  storeAnswer,
  voucherPsnNo,
  yearOf,
  ytdOf,
} from './sim-ledger.js';
import { DEMO_INSURED, madeUpPerson, simIdHash } from './sim-persons.js';

export type SimApi = '1101' | '2206' | '2207' | '2208' | 'lookup' | '3201' | '3202';

/** How the simulated platform misbehaves, as the real one does. */
export interface SimInsuranceFaults {
  /** Delay before each answer. */
  latencyMs: number;
}

type FaultMode = 'timeout' | 'lost_answer';

const DAY_MS = 86_400_000;

export class SimInsurancePlatform implements InsurancePlatform {
  faults: SimInsuranceFaults = { latencyMs: 0 };
  private readonly queued = new Map<SimApi, FaultMode[]>();

  constructor(readonly ctx: AppContext) {}

  /**
   * The next `count` calls of `api` fail: `timeout` does nothing and throws InsurancePlatformUnavailable;
   * `lost_answer` does the work (records it under its msgId) and then throws InsurancePlatformUnavailable.
   */
  failNext(api: SimApi, mode: FaultMode, count = 1): void {
    const queue = this.queued.get(api) ?? [];
    for (let i = 0; i < count; i++) queue.push(mode);
    this.queued.set(api, queue);
  }

  /** The e-voucher app (医保电子凭证): a short-lived token for a verified person (created on first use). */
  async issueVoucher(person: {
    idNumber: string;
    name: string;
  }): Promise<{ voucher: string; expiresAt: Date }> {
    const now = this.ctx.clock.now();
    const idHash = simIdHash(person.idNumber);
    const psnNo = psnNoOf(idHash);
    const seed = DEMO_INSURED[person.idNumber.trim().toUpperCase()] ?? madeUpPerson(person.idNumber);
    await this.ctx.db
      .insertInto('inssim_person')
      .values({
        psn_no: psnNo,
        id_hash: idHash,
        name: person.name,
        scheme: seed.scheme,
        insuring_region: seed.insuringRegion,
        insuring_region_name: seed.insuringRegionName,
        balance_fen: seed.balanceFen,
        // The seed's figures are this year's (the year the platform first sees the person).
        ytd_year: yearOf(now),
        ytd_total_fen: seed.ytdTotalFen,
        ytd_deductible_fen: seed.ytdDeductibleFen,
        ytd_fund_fen: seed.ytdFundFen,
        death_date: seed.deathDate,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const known = await this.ctx.db
      .selectFrom('inssim_person')
      .select('id_hash')
      .where('psn_no', '=', psnNo)
      .executeTakeFirstOrThrow();
    if (known.id_hash !== idHash) throw new Error(`simulated insurance: person number ${psnNo} collides`);
    const voucher = `ecv_${randomBytes(24).toString('base64url')}`;
    const expiresAt = new Date(now.getTime() + this.ctx.config.insurance.voucherTtlMs);
    await this.ctx.db
      .insertInto('inssim_voucher')
      .values({ token: voucher, psn_no: psnNo, expires_at: expiresAt })
      .execute();
    return { voucher, expiresAt };
  }

  /** 1101: the voucher's person; with `idNumber`, refused (voucher_mismatch) unless it is theirs. */
  async personInfo(req: { msgId: string; voucher: string; idNumber?: string }): Promise<PersonInfo> {
    return this.call('1101', async () => {
      const now = this.ctx.clock.now();
      const psnNo = await voucherPsnNo(this.ctx.db, req.voucher, now);
      const p = (await personRows(this.ctx.db, [psnNo], false)).get(psnNo)!;
      if (req.idNumber !== undefined && simIdHash(req.idNumber) !== p.id_hash) {
        throw new InsurancePlatformRefusal('voucher_mismatch', '医保电子凭证与身份证号不符');
      }
      return personInfoOf(p, yearOf(now));
    });
  }

  /** 2206: the split as 2207 would make it now; nothing recorded. */
  async preSettle(req: PreSettleRequest): Promise<PreSettleResult> {
    return this.call('2206', async () => {
      const { result } = await splitOf(this.ctx.db, req, this.ctx.clock.now(), false);
      return result;
    });
  }

  /**
   * 2207: in one transaction, with the person (and the 家庭共济 payer) locked: the split, the settlement,
   * the person's year-to-date figures and the paying account's balance, and the answer under msgId.
   */
  async settle(req: SettleRequest): Promise<SettleResult> {
    return this.call('2207', () =>
      this.ctx.db.transaction().execute(async (trx) => {
        const now = this.ctx.clock.now();
        const replay = await claimMessage(trx, req.msgId, '2207', now);
        if (replay) return reviveSettleResult(replay);
        const { result, engine, patient, payer } = await splitOf(trx, req, now, true);
        const answer: SettleResult = { ...result, setlId: newSetlId(now), settledAt: now };
        await trx
          .insertInto('inssim_settlement')
          .values({
            setl_id: answer.setlId,
            msg_id: req.msgId,
            psn_no: req.psnNo,
            institution_code: req.institutionCode,
            order_ref: req.orderRef,
            total_fen: answer.totalFen,
            fund_fen: answer.fundFen,
            account_fen: answer.accountFen,
            cash_fen: answer.cashFen,
            account_payer_psn_no: payer.psn_no === patient.psn_no ? null : payer.psn_no,
            deductible_fen: engine.deductibleFen,
            status: 'settled',
            settled_at: now,
          })
          .execute();
        const b = result.basis;
        await moveYtd(trx, patient.psn_no, {
          ytdYear: b.ytdYear,
          ytdTotalFen: b.ytdTotalFen + answer.totalFen,
          ytdDeductibleFen: b.ytdDeductibleFen + engine.deductibleFen,
          ytdFundFen: b.ytdFundFen + answer.fundFen,
        });
        // Computed from the balance read under the lock; the check constraint backs it (never below 0).
        await setBalance(trx, payer.psn_no, b.balanceFen - answer.accountFen);
        await storeAnswer(trx, req.msgId, answer);
        return answer;
      }),
    );
  }

  /**
   * 2208: reverses a settlement whole — status reversed, the year-to-date figures (when still that year's)
   * and the paying account's balance restored. Idempotent by msgId; a reversed one answers its reversedAt.
   */
  async reverse(req: { msgId: string; setlId: string; psnNo: string; institutionCode: string }): Promise<{
    reversedAt: Date;
  }> {
    return this.call('2208', () =>
      this.ctx.db.transaction().execute(async (trx) => {
        const now = this.ctx.clock.now();
        const replay = await claimMessage(trx, req.msgId, '2208', now);
        if (replay) return { reversedAt: new Date(String(replay.reversedAt)) };
        const s = await trx
          .selectFrom('inssim_settlement')
          .selectAll()
          .where('setl_id', '=', req.setlId)
          .forUpdate()
          .executeTakeFirst();
        // Another institution's or another person's settlement is as unknown to the caller as none at all.
        if (!s || s.institution_code !== req.institutionCode || s.psn_no !== req.psnNo) {
          throw new InsurancePlatformRefusal('not_settled', `没有结算 ${req.setlId}`);
        }
        if (s.status === 'reversed') {
          const answer = { reversedAt: s.reversed_at! };
          await storeAnswer(trx, req.msgId, answer);
          return answer;
        }
        const settled = await trx
          .selectFrom('inssim_message')
          .select('response')
          .where('msg_id', '=', s.msg_id)
          .executeTakeFirstOrThrow();
        const { basis } = reviveSettleResult(settled.response);
        const payerPsnNo = s.account_payer_psn_no ?? s.psn_no;
        const rows = await personRows(trx, [s.psn_no, payerPsnNo], true);
        const patient = rows.get(s.psn_no)!;
        // The figures of a year that has since rolled over are closed: only the balance goes back.
        if (Number(patient.ytd_year) === basis.ytdYear) {
          await moveYtd(trx, patient.psn_no, {
            ytdYear: basis.ytdYear,
            ytdTotalFen: Number(patient.ytd_total_fen) - Number(s.total_fen),
            ytdDeductibleFen: Number(patient.ytd_deductible_fen) - Number(s.deductible_fen),
            ytdFundFen: Number(patient.ytd_fund_fen) - Number(s.fund_fen),
          });
        }
        const payer = rows.get(payerPsnNo)!;
        await setBalance(trx, payerPsnNo, Number(payer.balance_fen) + Number(s.account_fen));
        await trx
          .updateTable('inssim_settlement')
          .set({ status: 'reversed', reversed_at: now, reverse_msg_id: req.msgId })
          .where('setl_id', '=', s.setl_id)
          .execute();
        const answer = { reversedAt: now };
        await storeAnswer(trx, req.msgId, answer);
        return answer;
      }),
    );
  }

  /** What became of a settle request's message id: settled, reversed, or never seen. */
  async lookup(req: { msgId: string; settleMsgId: string }): Promise<SettlementLookup> {
    return this.call('lookup', async () => {
      const s = await this.ctx.db
        .selectFrom('inssim_settlement')
        .select(['status', 'reversed_at'])
        .where('msg_id', '=', req.settleMsgId)
        .executeTakeFirst();
      if (!s) return { state: 'not_found' };
      const stored = await this.ctx.db
        .selectFrom('inssim_message')
        .select('response')
        .where('msg_id', '=', req.settleMsgId)
        .executeTakeFirstOrThrow();
      const result = reviveSettleResult(stored.response);
      return s.status === 'reversed'
        ? { state: 'reversed', result, reversedAt: s.reversed_at! }
        : { state: 'settled', result };
    });
  }

  /** 3201: the institution's settlements of the day that stand (reversed ones do not count). */
  async dailyTotals(req: { msgId: string; institutionCode: string; date: string }): Promise<DailyTotals> {
    return this.call('3201', async () => {
      const [from, to] = dayBounds(req.date);
      const r = await this.ctx.db
        .selectFrom('inssim_settlement')
        .select((eb) => [
          eb.fn.countAll<number>().as('settlements'),
          eb.fn.coalesce(eb.fn.sum<number>('fund_fen'), eb.lit(0)).as('fund'),
          eb.fn.coalesce(eb.fn.sum<number>('account_fen'), eb.lit(0)).as('account'),
          eb.fn.coalesce(eb.fn.sum<number>('cash_fen'), eb.lit(0)).as('cash'),
        ])
        .where('institution_code', '=', req.institutionCode)
        .where('settled_at', '>=', from)
        .where('settled_at', '<', to)
        .where('status', '=', 'settled')
        .executeTakeFirstOrThrow();
      // sum() is numeric (a string on pg): Number() here rather than ::bigint casts in the builder.
      return {
        settlements: Number(r.settlements),
        fundFen: Number(r.fund),
        accountFen: Number(r.account),
        cashFen: Number(r.cash),
      };
    });
  }

  /** 3202: the institution's settlements of the day, reversed ones included (status reversed). */
  async dailyDetails(req: {
    msgId: string;
    institutionCode: string;
    date: string;
  }): Promise<PlatformSettlementDetail[]> {
    return this.call('3202', async () => {
      const [from, to] = dayBounds(req.date);
      const rows = await this.ctx.db
        .selectFrom('inssim_settlement')
        .selectAll()
        .where('institution_code', '=', req.institutionCode)
        .where('settled_at', '>=', from)
        .where('settled_at', '<', to)
        .orderBy('settled_at')
        .orderBy('setl_id')
        .execute();
      return rows.map((s) => ({
        setlId: s.setl_id,
        msgId: s.msg_id,
        orderRef: s.order_ref,
        psnNo: s.psn_no,
        status: s.status,
        totalFen: Number(s.total_fen),
        fundFen: Number(s.fund_fen),
        accountFen: Number(s.account_fen),
        cashFen: Number(s.cash_fen),
        settledAt: s.settled_at,
        reversedAt: s.reversed_at,
      }));
    });
  }

  /**
   * One call as the network delivers it: the latency, then a queued fault of this api — a timeout does
   * nothing; a lost answer does the work (committed) and then loses the answer, whatever it was.
   */
  private async call<T>(api: SimApi, work: () => Promise<T>): Promise<T> {
    const fault = this.queued.get(api)?.shift();
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (fault === 'timeout') throw new InsurancePlatformUnavailable(`${api}: no answer in time (simulated)`);
    let answer: T;
    try {
      answer = await work();
    } catch (err) {
      if (fault === 'lost_answer' && err instanceof InsurancePlatformRefusal) {
        throw new InsurancePlatformUnavailable(`${api}: the answer was lost (simulated)`);
      }
      throw err;
    }
    if (fault === 'lost_answer')
      throw new InsurancePlatformUnavailable(`${api}: the answer was lost (simulated)`);
    return answer;
  }
}

function personInfoOf(p: SimPersonRow, year: number): PersonInfo {
  return {
    psnNo: p.psn_no,
    name: p.name,
    scheme: p.scheme,
    insuringRegion: p.insuring_region,
    insuringRegionName: p.insuring_region_name,
    balanceFen: Number(p.balance_fen),
    ...ytdOf(p, year),
    deathDate: p.death_date,
  };
}

async function moveYtd(
  trx: Executor,
  psnNo: string,
  to: { ytdYear: number; ytdTotalFen: number; ytdDeductibleFen: number; ytdFundFen: number },
): Promise<void> {
  await trx
    .updateTable('inssim_person')
    .set({
      ytd_year: to.ytdYear,
      ytd_total_fen: to.ytdTotalFen,
      ytd_deductible_fen: to.ytdDeductibleFen,
      ytd_fund_fen: to.ytdFundFen,
    })
    .where('psn_no', '=', psnNo)
    .execute();
}

async function setBalance(trx: Executor, psnNo: string, balanceFen: number): Promise<void> {
  await trx
    .updateTable('inssim_person')
    .set({ balance_fen: balanceFen })
    .where('psn_no', '=', psnNo)
    .execute();
}

/** The platform's settlement id (结算ID): the day and 16 random hex digits. */
function newSetlId(now: Date): string {
  return `SETL${shanghaiDay(now).replace(/-/g, '')}${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** The instants a business day (Asia/Shanghai, UTC+8) runs between: [start, next start). */
function dayBounds(date: string): [Date, Date] {
  const from = new Date(`${date}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(from.getTime())) {
    throw new InsurancePlatformRefusal('rejected', `对账日期无效：${date}`);
  }
  return [from, new Date(from.getTime() + DAY_MS)];
}
