/**
 * The checkout with medical insurance (医保在线结算, [7/12]): paying with insurance (2207) inside
 * `POST /orders/{id}/pay` — the insurance part settled first, then only the cash part at the gateway.
 * The checks and the split before paying (2206) are in pre-settlement.service.ts; the state of one
 * settlement and its steps in settlement-store.ts; the jobs that resolve unsure ones in settlement-jobs.ts.
 *
 * Rules: INS-1 (designated institutions only), INS-2 (follow-ups' fees and drugs; the personal account
 * pays the self-pay part, also through 家庭共济), INS-3 (the follow-up fee as the offline ordinary fee),
 * INS-4 (blocked subjects refused; every settlement screened), ID-3 (the e-voucher each time).
 */
import type { PayInsurance, SETTLEMENT_STATUSES } from '../../../shared/insurance.js';
import type { PayResult } from '../../../shared/payments.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { patientIdNumber } from '../identity/identity.api.js';
import {
  gatewayOf,
  INSURED_ORDER_CLOSED,
  INSURED_ORDER_REFUNDED,
  type InsuredOrderClosed,
  type InsuredOrderRefunded,
  lockedOrderRow,
  type OrderRow,
  orderFor,
  orderRow,
  prepayOrder,
  requirePayable,
} from '../payments/payments.api.js';
import { assertNotBlocked } from './fraud.service.js';
import { insuranceErrors } from './insurance.errors.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { InsurancePlatformRefusal, type PersonInfo } from './platform.js';
import { type Prepared, prepare } from './pre-settlement.service.js';
import {
  completeReversal,
  finalizeSettlement,
  liveSettlement,
  markFailed,
  markReversing,
  newMsgId,
  noteUnresolved,
  refusalError,
  type SettlementRow,
  settlementById,
  settleRequestOf,
} from './settlement-store.js';
import { activeWalletPayer } from './wallet.service.js';

/** A settle request whose answer is unknown is sent again (same message id) at most this many times. */
export const SETTLE_RETRIES = 2;

/** The platform did not answer: nothing was settled that we know of (503). */
const unavailable = () => insuranceErrors.platformUnavailable();

/** The insured part of a payment's answer. */
const summaryOf = (s: SettlementRow) => ({
  settlementId: s.id,
  fundFen: s.fund_fen,
  accountFen: s.account_fen,
  cashFen: s.cash_fen,
});

/**
 * `POST /orders/{id}/pay` with `insurance`: settles the insurance part (2207), then answers the gateway's
 * prepay for the cash part (`awaiting_cash`), or `paid` when insurance covered everything. A settlement
 * already live for the order is reused (pending: resolved first), never a second one. Faults: a lost
 * answer is looked up by its message id and the same message id is sent again (at most SETTLE_RETRIES
 * times); still unknown → the row stays pending and 503 INSURANCE_PLATFORM_UNAVAILABLE (the job and the
 * next payment resolve it). A cash part the gateway will not take → the settlement is reversed at once.
 */
export async function payWithInsurance(
  ctx: AppContext,
  rt: InsuranceRuntime,
  auth: AuthContext,
  orderId: string,
  channel: string,
  insurance: PayInsurance,
  actor: Actor,
): Promise<PayResult> {
  const gateway = gatewayOf(rt.payments, channel);
  const order = await orderFor(ctx, auth, orderId);
  const now = ctx.clock.now();
  requirePayable(order, now);
  let live = await clearReversal(ctx, rt, actor, await liveSettlement(ctx.db, order.id));
  let fresh = false;
  if (!live) {
    // A cashier for the whole amount is open at the gateway: paying it too would pay twice (checked
    // again under the order's lock in openSettlement).
    if (wholeAmountPrepaid(order)) throw insuranceErrors.selfPayStarted();
    const p = await prepare(ctx.db, order, insurance.accountPayerId, now);
    const person = await voucherPerson(ctx, rt, order.patient_id, insurance.voucher);
    if (person.psnNo !== p.linked.psnNo)
      throw insuranceErrors.voucherInvalid('该医保电子凭证不属于本订单的就诊人（ID-3）。');
    ({ row: live, fresh } = await openSettlement(ctx, actor, order, p, person));
  }
  if (live.status === 'pending') live = await settlePending(ctx, rt, actor, live, insurance.voucher, !fresh);
  return cashPart(ctx, rt, gateway, order.id, live, actor);
}

/**
 * A gateway prepay for the whole amount is recorded on the order (payments records the amount under the
 * order's lock before calling the gateway): a self-pay cashier is open or opening.
 */
const wholeAmountPrepaid = (o: OrderRow) =>
  o.insurance_settlement_id === null && o.prepay_amount_fen !== null && o.prepay_amount_fen === o.amount_fen;

/** A reversal still under way is finished first; 503 while the platform does not answer it. */
async function clearReversal(
  ctx: AppContext,
  rt: InsuranceRuntime,
  actor: Actor,
  live: SettlementRow | undefined,
): Promise<SettlementRow | undefined> {
  if (live?.status !== 'reversing') return live;
  const after = await completeReversal(ctx, rt, actor, live.id);
  if (after.status === 'reversing') throw unavailable();
  return undefined;
}

/** 1101 with the patient's ID number: the voucher must be this person's (ID-3). */
async function voucherPerson(
  ctx: AppContext,
  rt: InsuranceRuntime,
  patientId: string,
  voucher: string,
): Promise<PersonInfo> {
  const idNumber = await patientIdNumber(ctx, ctx.db, patientId);
  try {
    return await rt.platform.personInfo({
      msgId: newMsgId('1101'),
      voucher,
      ...(idNumber ? { idNumber } : {}),
    });
  } catch (err) {
    if (err instanceof InsurancePlatformRefusal) throw refusalError(err);
    ctx.log.warn({ err, patientId }, 'insurance person information (1101) unanswered');
    throw unavailable();
  }
}

/**
 * The pending row, written before 2207 goes out, under the order's lock: a second payment of the same
 * order finds it and reuses it (insurance_settlement_live backs the lock). Amounts are the platform's
 * to give; until then the whole order is cash, and the policy is the one in force as we see it.
 */
async function openSettlement(
  ctx: AppContext,
  actor: Actor,
  order: OrderRow,
  p: Prepared,
  person: PersonInfo,
): Promise<{ row: SettlementRow; fresh: boolean }> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const o = await lockedOrderRow(trx, order.id);
    if (!o) throw insuranceErrors.notInsurable();
    requirePayable(o, now);
    const existing = await liveSettlement(trx, order.id);
    if (existing) return { row: existing, fresh: false };
    // Under the order's lock: a self-pay prepay for the whole amount recorded meanwhile wins (payments
    // records it under the same lock before calling the gateway), and the INS-4 block and the 家庭共济
    // link are read again, so a block confirmed or a link ended since prepare() is not settled past.
    if (wholeAmountPrepaid(o)) throw insuranceErrors.selfPayStarted();
    await assertNotBlocked(trx, { patientId: order.patient_id, practitionerId: p.subject.practitionerId });
    if (
      p.payer &&
      !(await activeWalletPayer(trx, {
        payerPatientId: p.payer.payerPatientId,
        beneficiaryPatientId: order.patient_id,
      }))
    )
      throw insuranceErrors.walletNotActive();
    const id = newId();
    const total = p.subject.totalFen;
    const row = await mapUniqueViolation(
      trx
        .insertInto('insurance_settlement')
        .values({
          id,
          order_id: order.id,
          patient_id: order.patient_id,
          institution_id: p.institution.id,
          psn_no: p.linked.psnNo,
          scheme: p.linked.scheme,
          insuring_region: p.linked.insuringRegion,
          account_payer_patient_id: p.payer?.payerPatientId ?? null,
          // What every resend of this 2207 carries (same message id, same content).
          payer_psn_no: p.payer?.psnNo ?? null,
          institution_code: p.institution.code,
          institution_level: p.institution.level,
          policy_id: p.policy.id,
          policy_version: p.policy.version,
          status: 'pending',
          msg_id: newMsgId('2207'),
          total_fen: total,
          fund_fen: 0,
          account_fen: 0,
          cash_fen: total,
          basis: JSON.stringify({ person }),
          practitioner_id: p.subject.practitionerId,
          requested_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
      (constraint) => (constraint === 'insurance_settlement_live' ? unavailable() : undefined),
    );
    await trx
      .insertInto('insurance_settlement_line')
      .values(
        p.subject.lines.map((l) => ({
          settlement_id: id,
          line: l.line,
          kind: l.kind,
          item_code: l.itemCode,
          item_name: l.itemName,
          category: l.category,
          quantity: l.quantity,
          days_supply: l.daysSupply,
          total_fen: l.totalFen,
          fund_fen: 0,
          account_fen: 0,
          cash_fen: l.totalFen,
        })),
      )
      .execute();
    await cmd.audit({
      action: 'insurance.settlement.requested',
      resourceType: 'insurance_settlement',
      resourceId: id,
      patientId: order.patient_id,
      details: {
        orderId: order.id,
        totalFen: total,
        institutionId: p.institution.id,
        accountPayerPatientId: p.payer?.payerPatientId ?? null,
      },
    });
    return { row, fresh: true };
  });
}

/**
 * Settles a pending settlement: 2207 with its own message id; an unknown answer (timeout, lost) is looked
 * up by that id — settled: taken; not found: sent again with the SAME id (the platform answers a repeated
 * id with its first answer, so this never settles twice). A refusal fails it. Answers the settled row.
 */
async function settlePending(
  ctx: AppContext,
  rt: InsuranceRuntime,
  actor: Actor,
  row: SettlementRow,
  voucher: string,
  lookupFirst: boolean,
): Promise<SettlementRow> {
  const req = await settleRequestOf(ctx.db, row, voucher);
  let lookup = lookupFirst;
  let sent = 0;
  let lastError: unknown = null;
  for (;;) {
    if (lookup) {
      let found: Awaited<ReturnType<InsuranceRuntime['platform']['lookup']>>;
      try {
        found = await rt.platform.lookup({ msgId: newMsgId('lookup'), settleMsgId: row.msg_id });
      } catch (err) {
        lastError = err;
        break;
      }
      if (found.state === 'settled') return taken(ctx, rt, actor, row.id, found.result, sent);
      if (found.state === 'reversed') {
        // Settled and reversed at the platform already: nothing stands; a new payment starts afresh.
        await markFailed(ctx, actor, row.id, 'reversed at the platform', sent);
        throw unavailable();
      }
    }
    if (sent > SETTLE_RETRIES) break;
    sent += 1;
    try {
      const result = await rt.platform.settle(req);
      return await taken(ctx, rt, actor, row.id, result, sent);
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof InsurancePlatformRefusal) {
        await markFailed(ctx, actor, row.id, `${err.reason}: ${err.message}`, sent);
        throw refusalError(err);
      }
      ctx.log.warn(
        { err, settlementId: row.id, sent },
        'insurance settlement (2207) unanswered; looking it up',
      );
      lastError = err;
      lookup = true;
    }
  }
  await noteUnresolved(ctx, row.id, lastError, sent);
  throw unavailable();
}

/** The platform's "settled", taken (finalizeSettlement); reversed at once when the order cannot take it. */
async function taken(
  ctx: AppContext,
  rt: InsuranceRuntime,
  actor: Actor,
  settlementId: string,
  result: Parameters<typeof finalizeSettlement>[3],
  attempts: number,
): Promise<SettlementRow> {
  const f = await finalizeSettlement(ctx, actor, settlementId, result, attempts);
  if (f.outcome === 'settled') return f.row;
  if (f.outcome === 'rejected') {
    // The platform's answer is not this order's (its total or lines differ): reversed at once, refused.
    await completeReversal(ctx, rt, actor, settlementId);
    throw insuranceErrors.settlementRejected(
      '医保平台返回的结算金额或明细与订单不一致，本次结算已撤销，订单未作医保结算。',
    );
  }
  if (f.outcome === 'reverse') await completeReversal(ctx, rt, actor, settlementId);
  // The order closed or was paid meanwhile (payments says which: ORDER_NOT_PAYABLE / ORDER_EXPIRED).
  const order = await orderRow(ctx.db, f.row.order_id);
  if (order) requirePayable(order, ctx.clock.now());
  throw unavailable();
}

/**
 * The cash part of a settled order: `paid` when insurance covered everything (the order was paid with the
 * settlement), else the gateway's prepay for cash_fen. A gateway that cannot take it when no cashier for
 * this cash part was ever opened → the settlement is reversed now (2208; the job retries an unanswered
 * one) and 503 INSURANCE_CASH_PREPAY_FAILED: never a half-paid order.
 */
async function cashPart(
  ctx: AppContext,
  rt: InsuranceRuntime,
  gateway: ReturnType<typeof gatewayOf>,
  orderId: string,
  s: SettlementRow,
  actor: Actor,
): Promise<PayResult> {
  const insurance = summaryOf(s);
  if (s.cash_fen === 0) return { prepayId: '', cashierUrl: '', status: 'paid', insurance };
  try {
    const prepay = await prepayOrder(ctx, gateway, orderId, actor);
    return { ...prepay, status: 'awaiting_cash', insurance };
  } catch (err) {
    if (err instanceof AppError) throw err; // the order closed meanwhile: the job reverses the settlement
    ctx.log.error({ err, orderId, settlementId: s.id }, 'gateway prepay of the cash part failed');
    const reversing = await runCommand(ctx, actor, async (cmd) => {
      const o = await lockedOrderRow(cmd.trx, orderId);
      // An earlier cashier for this cash part stays valid: keep the settlement it pays for.
      if (o?.prepay_id && o.prepay_amount_fen === s.cash_fen) return false;
      return markReversing(cmd, s.id, 'cash_prepay_failed');
    });
    if (!reversing)
      throw insuranceErrors.cashPrepayFailed(
        '支付渠道暂时没有受理现金部分；医保结算保留，此前打开的收银台仍可支付，订单仍待支付。',
      );
    await completeReversal(ctx, rt, actor, s.id);
    throw insuranceErrors.cashPrepayFailed();
  }
}

/**
 * `POST /orders/{id}/pay` without `insurance`, for an order with a live settlement: a pending one is
 * looked up first (settled: the gateway takes the cash part; unknown: 503); a reversal under way is
 * finished. Answers the settlement the payment goes with, or null (the gateway takes the whole amount).
 * Access: the order's patient or their proxy (payments' `orderFor`).
 */
export async function settleLiveBeforePay(
  ctx: AppContext,
  rt: InsuranceRuntime,
  auth: AuthContext,
  orderId: string,
  actor: Actor,
): Promise<PayResult['insurance'] | null> {
  const order = await orderFor(ctx, auth, orderId);
  let live = await clearReversal(ctx, rt, actor, await liveSettlement(ctx.db, order.id));
  if (!live) return null;
  if (live.status === 'pending') {
    let found: Awaited<ReturnType<InsuranceRuntime['platform']['lookup']>>;
    try {
      found = await rt.platform.lookup({ msgId: newMsgId('lookup'), settleMsgId: live.msg_id });
    } catch {
      throw unavailable();
    }
    // Not found: the request may still be on its way; the job decides after PENDING_GIVE_UP_MS.
    if (found.state !== 'settled') throw unavailable();
    live = await taken(ctx, rt, actor, live.id, found.result, 0);
  }
  return summaryOf(live);
}

/**
 * The order's insurance as `GET /orders/{id}` shows it: the live settlement (pending, settled, reversing;
 * index insurance_settlement_live), else the one the order kept after it closed or was refunded
 * (reversed, by the order's insurance_settlement_id). A settlement taken off an open order (its cash part
 * could not start) is not shown: the order is back to paying its whole amount.
 */
export async function orderInsuranceSummary(
  db: Executor,
  orderId: string,
): Promise<{
  settlementId: string;
  status: (typeof SETTLEMENT_STATUSES)[number];
  fundFen: number;
  accountFen: number;
  cashFen: number;
} | null> {
  let s = await liveSettlement(db, orderId);
  if (!s) {
    const kept = (await orderRow(db, orderId))?.insurance_settlement_id;
    s = kept ? await settlementById(db, kept) : undefined;
  }
  return s
    ? {
        settlementId: s.id,
        status: s.status,
        fundFen: s.fund_fen,
        accountFen: s.account_fen,
        cashFen: s.cash_fen,
      }
    : null;
}

/**
 * Insurance's subscriber: an insured order refunded (whole, payments' refund.service) has its settlement
 * marked reversing in the subscriber's transaction; the job calls 2208 (never inside a transaction).
 */
export function registerSettlementSubscribers(ctx: AppContext): void {
  ctx.outbox.subscribe<InsuredOrderRefunded>(
    INSURED_ORDER_REFUNDED,
    'insurance.reverse-refunded',
    async (event, cmd) => {
      await markReversing(cmd, event.payload.settlementId, `refund:${event.payload.reason}`);
    },
  );
  // An insured order closed unpaid (hold expired, visit or fill cancelled): reversing at once, in this
  // subscriber's command; the job sends 2208 (never inside a transaction).
  ctx.outbox.subscribe<InsuredOrderClosed>(
    INSURED_ORDER_CLOSED,
    'insurance.reverse-closed',
    async (event, cmd) => {
      await markReversing(cmd, event.payload.settlementId, 'order_closed');
    },
  );
}
