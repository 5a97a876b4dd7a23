/**
 * The life of one insurance settlement ([7/12], insurance-design.md "The settlement flow"): pending (the
 * row is written BEFORE 2207 goes out, under a message id we never reuse for another request) → settled
 * (the platform's amounts, attached to the order, screened for fraud, INS-4) or failed (the platform
 * refused); settled → reversing (the order closed unpaid, was refunded, or its cash part could not start)
 * → reversed (2208, idempotent by reverse_msg_id). Each step is one command; no transaction is ever held
 * open across a call to the platform (it may be slow; the simulator shares our database).
 *
 * Never two settlements of an order: at most one live row per order (insurance_settlement_live, 0014),
 * taken under the order's lock; an answer that was lost is recovered by looking its message id up, or by
 * sending the SAME message id again, which the platform answers with its first answer.
 */
import type { Selectable } from 'kysely';
import type { Actor } from '../../platform/audit/audit.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { InsuranceSettlementTable } from '../../platform/db/schema.js';
import type { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { institutionCodes } from '../directory/directory.api.js';
import {
  attachSettlement,
  detachSettlement,
  lockedOrderRow,
  markOrderPaid,
  orderRefs,
} from '../payments/payments.api.js';
import { screenSettlement } from './fraud.service.js';
import { insuranceErrors } from './insurance.errors.js';
import { computeSplit } from './insurance.rules.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { type InsuredFigures, linkedPerson, recordInsuredFigures } from './insured-person.js';
import { familyDoctorOf, orderSubject, settlementFacts, settlementInstitution } from './order-facts.js';
import {
  type FeeLine,
  InsurancePlatformRefusal,
  type PersonInfo,
  type SettleRequest,
  type SettleResult,
} from './platform.js';
import { policyById } from './policy-store.js';

export type SettlementRow = Selectable<InsuranceSettlementTable>;

export const LIVE_STATUSES = ['pending', 'settled', 'reversing'] as const;

/** A fresh message id (报文ID) for one request to the platform; never reused for another request. */
export const newMsgId = (api: string) => `${api}-${newId()}`;
/** The reversal's message id: one per settlement, so every retry of 2208 is the same request. */
export const reverseMsgIdOf = (settlementId: string) => `2208-${settlementId}`;

/** What the settlement row keeps besides the platform's basis: the person as 1101 reported them. */
export function personOf(row: Pick<SettlementRow, 'basis'>): PersonInfo {
  return (row.basis as { person: PersonInfo }).person;
}

export async function settlementById(db: Executor, id: string, lock = false): Promise<SettlementRow> {
  const q = db.selectFrom('insurance_settlement').selectAll().where('id', '=', id);
  return lock ? q.forUpdate().executeTakeFirstOrThrow() : q.executeTakeFirstOrThrow();
}

/** The order's live settlement (pending, settled or reversing), if any. */
export async function liveSettlement(db: Executor, orderId: string, lock = false) {
  const q = db
    .selectFrom('insurance_settlement')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', 'in', [...LIVE_STATUSES]);
  return lock ? q.forUpdate().executeTakeFirst() : q.executeTakeFirst();
}

/** The platform's refusal as our error: the voucher (ID-3), an unknown person, or the platform's audit. */
export function refusalError(err: InsurancePlatformRefusal): AppError {
  switch (err.reason) {
    case 'voucher_invalid':
    case 'voucher_mismatch':
      return insuranceErrors.voucherInvalid();
    case 'person_not_found':
      return insuranceErrors.notLinked('医保平台找不到该参保人，请用医保电子凭证重新绑定。');
    default:
      return insuranceErrors.settlementRejected(`医保平台：${err.message}`);
  }
}

/** The settle request (2207) of a stored settlement: the same message id, lines and time every time. */
export async function settleRequestOf(
  db: Executor,
  s: SettlementRow,
  voucher: string,
): Promise<SettleRequest> {
  // Fixed on the row when it was opened (0017): a retry carries what the first request carried, even if
  // the institution's level or the payer's link changed since. Rows opened before 0017: read as now.
  const inst =
    s.institution_code && s.institution_level
      ? { code: s.institution_code, level: s.institution_level as SettleRequest['institutionLevel'] }
      : await settlementInstitution(db, s.institution_id);
  const lines = await db
    .selectFrom('insurance_settlement_line')
    .selectAll()
    .where('settlement_id', '=', s.id)
    .orderBy('line')
    .execute();
  const payer = s.payer_psn_no
    ? { psnNo: s.payer_psn_no }
    : s.account_payer_patient_id
      ? await linkedPerson(db, s.account_payer_patient_id)
      : null;
  // FD-6: judged as on the settlement's own time, so every resend carries the same facts.
  const ref = (await orderRefs(db, [s.order_id])).get(s.order_id);
  const fd = await familyDoctorOf(
    db,
    {
      patientId: s.patient_id,
      appointmentId: ref?.purpose === 'appointment' ? ref.refId : null,
      visitId: ref?.purpose === 'visit' ? ref.refId : null,
      prescriptionId: null,
    },
    inst.level,
    s.requested_at,
  );
  return {
    msgId: s.msg_id,
    voucher,
    psnNo: s.psn_no,
    institutionCode: inst.code,
    institutionLevel: inst.level,
    orderRef: s.order_id,
    at: s.requested_at,
    lines: lines.map(
      (l): FeeLine => ({
        line: l.line,
        kind: l.kind,
        itemCode: l.item_code,
        itemName: l.item_name,
        category: l.category,
        quantity: l.quantity,
        daysSupply: l.days_supply,
        totalFen: l.total_fen,
      }),
    ),
    ...(payer ? { accountPayerPsnNo: payer.psnNo } : {}),
    ...fd,
  };
}

const audit = (cmd: CommandScope, s: SettlementRow, action: string, details: Record<string, unknown> = {}) =>
  cmd.audit({
    action,
    resourceType: 'insurance_settlement',
    resourceId: s.id,
    patientId: s.patient_id,
    details: { orderId: s.order_id, ...details },
  });

/** How a platform's "settled" answer was taken. */
export type Finalized =
  | { outcome: 'settled'; row: SettlementRow }
  /** The order can no longer take it (closed, paid otherwise, another settlement): reverse it. */
  | { outcome: 'reverse'; row: SettlementRow }
  /** Already being reversed (the order closed meanwhile and a job saw to it). */
  | { outcome: 'gone'; row: SettlementRow }
  /** The platform's answer is not this order's (total or lines differ): reversing, refuse the payment. */
  | { outcome: 'rejected'; row: SettlementRow };

/** The platform's answer must be the order's: its total, and exactly its lines with each line's total. */
async function answerMatches(trx: Executor, s: SettlementRow, result: SettleResult): Promise<boolean> {
  if (result.totalFen !== s.total_fen) return false;
  const ours = await trx
    .selectFrom('insurance_settlement_line')
    .select(['line', 'total_fen'])
    .where('settlement_id', '=', s.id)
    .orderBy('line')
    .execute();
  if (ours.length !== result.lines.length) return false;
  const theirs = [...result.lines].sort((a, b) => a.line - b.line);
  return ours.every((l, i) => {
    const r = theirs[i]!;
    return (
      r.line === l.line &&
      r.fundFen + r.accountFen + r.cashFen === l.total_fen &&
      Math.min(r.fundFen, r.accountFen, r.cashFen) >= 0
    );
  });
}

/**
 * Takes the platform's "settled" answer for a settlement, in one command with the order locked first:
 * the amounts and lines, the order's cash part (payments' attachSettlement), the fraud screen (INS-4) and
 * the person's figures ("我的医保"); when insurance covers everything, the order is paid now (ORDER_PAID,
 * as the gateway's notification does it). A settlement whose order closed meanwhile — or one marked
 * failed while this answer was on its way — is set to be reversed instead: never a half-paid order.
 */
export async function finalizeSettlement(
  ctx: AppContext,
  actor: Actor,
  settlementId: string,
  result: SettleResult,
  attempts = 0,
): Promise<Finalized> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx } = cmd;
    const pre = await settlementById(trx, settlementId);
    const order = await lockedOrderRow(trx, pre.order_id);
    const s = await settlementById(trx, settlementId, true);
    if (s.status === 'settled') return { outcome: 'settled', row: s } as const;
    if (s.status === 'reversing' || s.status === 'reversed') return { outcome: 'gone', row: s } as const;
    const other =
      s.status === 'failed'
        ? await trx
            .selectFrom('insurance_settlement')
            .select('id')
            .where('order_id', '=', s.order_id)
            .where('status', 'in', [...LIVE_STATUSES])
            .where('id', '<>', s.id)
            .executeTakeFirst()
        : undefined;
    const person = personOf(s);
    if (!(await answerMatches(trx, s, result))) {
      // Not this order's settlement as we asked it: the amounts are kept as the platform gave them only
      // as evidence (the row's own check must hold), and it is reversed at once (2208 by the caller).
      const evidence = `platform answer differs: total ${result.totalFen}, ${result.lines.length} lines`;
      const row = await trx
        .updateTable('insurance_settlement')
        .set({
          platform_setl_id: result.setlId,
          settled_at: result.settledAt,
          attempts: s.attempts + attempts,
          last_error: evidence,
          ...(other
            ? { status: 'failed' as const }
            : {
                status: 'reversing' as const,
                reverse_msg_id: reverseMsgIdOf(s.id),
                reverse_reason: 'platform_answer_mismatch',
              }),
        })
        .where('id', '=', s.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(cmd, row, 'insurance.settlement.rejected', { setlId: result.setlId, evidence });
      return { outcome: 'rejected', row } as const;
    }
    const amounts = {
      platform_setl_id: result.setlId,
      total_fen: result.totalFen,
      fund_fen: result.fundFen,
      account_fen: result.accountFen,
      cash_fen: result.cashFen,
      policy_id: result.policyId,
      policy_version: result.policyVersion,
      basis: JSON.stringify({ ...result.basis, person }),
      settled_at: result.settledAt,
      attempts: s.attempts + attempts,
    };
    for (const l of result.lines)
      await trx
        .updateTable('insurance_settlement_line')
        .set({ fund_fen: l.fundFen, account_fen: l.accountFen, cash_fen: l.cashFen })
        .where('settlement_id', '=', s.id)
        .where('line', '=', l.line)
        .execute();
    // A self-pay cashier for the whole amount opened meanwhile (after this one was given up) keeps it.
    // (payments records the prepay's amount under the order's lock before calling the gateway).
    const selfPay =
      !!order &&
      order.insurance_settlement_id === null &&
      order.prepay_amount_fen !== null &&
      order.prepay_amount_fen === order.amount_fen;
    if (
      order?.status !== 'created' ||
      other ||
      selfPay ||
      !(await attachSettlement(trx, s.order_id, { id: s.id, cashFen: result.cashFen }))
    ) {
      // Settled at the platform for an order that cannot take it: the reversal (2208) follows. A failed
      // row with another live settlement beside it stays failed, with the platform's id, and is reversed
      // by the caller at once (the live index allows one reversing row per order).
      const row = await trx
        .updateTable('insurance_settlement')
        .set({
          ...amounts,
          ...(other
            ? {}
            : {
                status: 'reversing',
                reverse_msg_id: reverseMsgIdOf(s.id),
                reverse_reason: 'order_not_open',
              }),
        })
        .where('id', '=', s.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(cmd, row, 'insurance.settlement.reversing', {
        reason: 'order_not_open',
        orderStatus: order?.status ?? null,
      });
      return { outcome: 'reverse', row } as const;
    }
    const row = await trx
      .updateTable('insurance_settlement')
      .set({ ...amounts, status: 'settled', last_error: null })
      .where('id', '=', s.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // INS-4: every settlement is screened in the command that records it.
    const subject = await orderSubject(trx, order);
    const institution = await settlementInstitution(trx, s.institution_id);
    await screenSettlement(
      cmd,
      settlementFacts(subject, institution, person, {
        id: s.id,
        totalFen: result.totalFen,
        fundFen: result.fundFen,
        at: result.settledAt,
      }),
    );
    await recordFigures(trx, row, person, result);
    await audit(cmd, row, 'insurance.settlement.settled', {
      setlId: result.setlId,
      fundFen: result.fundFen,
      accountFen: result.accountFen,
      cashFen: result.cashFen,
      policyVersion: result.policyVersion,
    });
    if (result.cashFen === 0) {
      // Nothing left for the gateway: the order is paid now, as a gateway notification would pay it.
      await markOrderPaid(cmd, order, { channel: 'insurance', txnId: result.setlId });
    }
    return { outcome: 'settled', row } as const;
  });
}

/**
 * "我的医保" after a settlement (insured-person.ts): the person's year-to-date figures moved by it, and
 * the balance of whoever's account paid (the patient's, or the 家庭共济 payer's).
 */
async function recordFigures(trx: Executor, s: SettlementRow, person: PersonInfo, result: SettleResult) {
  const b = result.basis;
  const policy = await policyById(trx, result.policyId);
  // The deductible this settlement consumed is not in 2207's answer: recomputed from its basis (pure).
  const deductible = policy
    ? computeSplit({
        rules: policy.rules,
        institutionLevel: policy.institutionLevel,
        person: {
          scheme: policy.scheme,
          ytdDeductibleFen: b.ytdDeductibleFen,
          ytdFundFen: b.ytdFundFen,
          accountBalanceFen: b.balanceFen,
        },
        lines: (
          await trx
            .selectFrom('insurance_settlement_line')
            .select(['line', 'kind', 'category', 'total_fen'])
            .where('settlement_id', '=', s.id)
            .orderBy('line')
            .execute()
        ).map((l) => ({ line: l.line, kind: l.kind, category: l.category, totalFen: l.total_fen })),
      }).deductibleFen
    : 0;
  const payer = s.account_payer_patient_id;
  const own: InsuredFigures = {
    ytdYear: b.ytdYear,
    ytdTotalFen: b.ytdTotalFen + result.totalFen,
    ytdDeductibleFen: b.ytdDeductibleFen + deductible,
    ytdFundFen: b.ytdFundFen + result.fundFen,
    // basis.balanceFen is the paying account's: the patient's own, unless a 家庭共济 payer paid.
    balanceFen: payer ? person.balanceFen : b.balanceFen - result.accountFen,
  };
  await recordInsuredFigures(trx, s.patient_id, own, result.settledAt);
  if (payer) {
    const stored = await trx
      .selectFrom('insured_person')
      .select('figures')
      .where('patient_id', '=', payer)
      .executeTakeFirst();
    if (stored?.figures)
      await recordInsuredFigures(
        trx,
        payer,
        { ...(stored.figures as unknown as InsuredFigures), balanceFen: b.balanceFen - result.accountFen },
        result.settledAt,
      );
  }
}

/**
 * "我的医保" after a reversal: the position before the settlement (its `basis`: year-to-date figures and
 * the paying account's balance) is shown again — for the patient, and the balance of a 家庭共济 payer —
 * but only where the figures shown are still this settlement's own (recorded at its settled_at); a later
 * settlement or link refreshed them since, and they stand.
 */
async function restoreFigures(trx: Executor, s: SettlementRow, at: Date) {
  const b = s.basis as Partial<InsuredFigures> & { person?: PersonInfo };
  if (!s.settled_at || typeof b.ytdYear !== 'number' || typeof b.balanceFen !== 'number') return;
  const settledAt = s.settled_at;
  const shown = async (patientId: string) => {
    const r = await trx
      .selectFrom('insured_person')
      .select(['figures', 'figures_at'])
      .where('patient_id', '=', patientId)
      .executeTakeFirst();
    return r?.figures && r.figures_at?.getTime() === settledAt.getTime()
      ? (r.figures as unknown as InsuredFigures)
      : null;
  };
  const payer = s.account_payer_patient_id;
  const own = await shown(s.patient_id);
  if (own)
    await recordInsuredFigures(
      trx,
      s.patient_id,
      {
        ytdYear: b.ytdYear,
        ytdTotalFen: b.ytdTotalFen ?? own.ytdTotalFen,
        ytdDeductibleFen: b.ytdDeductibleFen ?? own.ytdDeductibleFen,
        ytdFundFen: b.ytdFundFen ?? own.ytdFundFen,
        balanceFen: payer ? own.balanceFen : b.balanceFen,
      },
      at,
    );
  const payerShown = payer ? await shown(payer) : null;
  if (payer && payerShown)
    await recordInsuredFigures(trx, payer, { ...payerShown, balanceFen: b.balanceFen }, at);
}

/** The platform refused (a business answer): the settlement failed; the order is as it was. */
export async function markFailed(
  ctx: AppContext,
  actor: Actor,
  settlementId: string,
  reason: string,
  attempts = 0,
): Promise<void> {
  await runCommand(ctx, actor, async (cmd) => {
    const s = await settlementById(cmd.trx, settlementId, true);
    if (s.status !== 'pending') return;
    const row = await cmd.trx
      .updateTable('insurance_settlement')
      .set({ status: 'failed', last_error: reason.slice(0, 500), attempts: s.attempts + attempts })
      .where('id', '=', s.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(cmd, row, 'insurance.settlement.failed', { reason: reason.slice(0, 200) });
  });
}

/** Records that the platform's answer is still unknown (the row stays pending; the job looks again). */
export async function noteUnresolved(ctx: AppContext, settlementId: string, error: unknown, attempts = 0) {
  await ctx.db
    .updateTable('insurance_settlement')
    .set((eb) => ({
      last_error: String((error as Error)?.message ?? error).slice(0, 500),
      attempts: eb('attempts', '+', attempts),
    }))
    .where('id', '=', settlementId)
    .where('status', 'in', ['pending', 'reversing'])
    .execute();
}

/**
 * Starts the reversal of a settled settlement (the order closed unpaid, was refunded, or its cash part
 * could not start), in the caller's command, with the order locked first: reversing, with the reversal's
 * message id; an open order goes back to paying its whole amount. The platform is called afterwards
 * (`completeReversal`), never inside a transaction. False when the settlement is not settled.
 */
export async function markReversing(
  cmd: CommandScope,
  settlementId: string,
  reason: string,
): Promise<boolean> {
  const pre = await settlementById(cmd.trx, settlementId);
  await lockedOrderRow(cmd.trx, pre.order_id);
  const s = await settlementById(cmd.trx, settlementId, true);
  if (s.status !== 'settled') return false;
  const row = await cmd.trx
    .updateTable('insurance_settlement')
    .set({ status: 'reversing', reverse_msg_id: reverseMsgIdOf(s.id), reverse_reason: reason })
    .where('id', '=', s.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await detachSettlement(cmd.trx, s.order_id, s.id);
  await audit(cmd, row, 'insurance.settlement.reversing', { reason });
  return true;
}

/**
 * 2208 for a settlement being reversed (reversing, or a failed row the platform settled after all), then
 * reversed. Idempotent by its message id, so a retry after a lost answer reverses once. A platform that
 * does not answer leaves it reversing for the job. Answers the row as it ends.
 */
export async function completeReversal(
  ctx: AppContext,
  rt: InsuranceRuntime,
  actor: Actor,
  settlementId: string,
): Promise<SettlementRow> {
  const s = await settlementById(ctx.db, settlementId);
  if (!s.platform_setl_id || (s.status !== 'reversing' && s.status !== 'failed')) return s;
  const code = (await institutionCodes(ctx.db, [s.institution_id])).get(s.institution_id) ?? '';
  let reversedAt: Date;
  let note: string | null = null;
  try {
    ({ reversedAt } = await rt.platform.reverse({
      msgId: s.reverse_msg_id ?? reverseMsgIdOf(s.id),
      setlId: s.platform_setl_id,
      psnNo: s.psn_no,
      institutionCode: code,
    }));
  } catch (err) {
    if (err instanceof InsurancePlatformRefusal && err.reason === 'not_settled') {
      // The platform has no such settlement standing: nothing to give back.
      reversedAt = ctx.clock.now();
      note = err.message;
    } else {
      ctx.log.warn({ err, settlementId }, 'insurance reversal (2208) unanswered; the job retries');
      await noteUnresolved(ctx, s.id, err, 1);
      return settlementById(ctx.db, s.id);
    }
  }
  return runCommand(ctx, actor, async (cmd) => {
    const cur = await settlementById(cmd.trx, s.id, true);
    if (cur.status !== 'reversing' && cur.status !== 'failed') return cur;
    const row = await cmd.trx
      .updateTable('insurance_settlement')
      .set({
        status: 'reversed',
        reversed_at: reversedAt,
        reverse_msg_id: cur.reverse_msg_id ?? reverseMsgIdOf(cur.id),
        reverse_reason: cur.reverse_reason ?? 'superseded',
        last_error: note,
      })
      .where('id', '=', cur.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(cmd, row, 'insurance.settlement.reversed', {
      setlId: row.platform_setl_id,
      reason: row.reverse_reason,
    });
    if (cur.status === 'reversing') await restoreFigures(cmd.trx, row, reversedAt);
    return row;
  });
}
