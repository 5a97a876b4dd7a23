/**
 * Refunds (退款): recorded in the transaction of the change that causes them, paid back by the gateway
 * after it. The submission is an outbox event (`payments.refund_requested`), so a crash between the
 * commit and the gateway call, or a gateway outage, only delays the money: the dispatcher retries until
 * the gateway has taken the refund, and the gateway is idempotent by our refund number.
 */
import { systemActor } from '../../platform/audit/audit.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { Payments } from './payment.service.js';

export const REFUND_REQUESTED = 'payments.refund_requested';

/**
 * [7/12] An insured order was refunded (whole): the gateway refunds its cash part (a refund row, if any
 * cash was paid) and the insurance module reverses the settlement (2208) on this event.
 */
export const INSURED_ORDER_REFUNDED = 'payments.insured_order_refunded';

/** The payload of `payments.insured_order_refunded`. */
export interface InsuredOrderRefunded {
  orderId: string;
  settlementId: string;
  reason: string;
}

/** The payload of `payments.refund_requested`. */
export interface RefundRequested {
  refundNo: string;
}

interface RecordedRefund {
  refundNo: string;
  orderId: string;
  patientId: string;
  /** What the gateway pays back (0: an insured order paid wholly by insurance — no refund row). */
  amountFen: number;
  /** [7/12] The insurance settlement to reverse, for an insured order. */
  settlementId: string | null;
}

/**
 * Writes a pending refund and moves the order to partially_refunded or refunded at once. Idempotent by
 * refund number (`<order>:<reason>`): a retried cancellation never refunds twice. Null when there is
 * nothing (more) to refund.
 */
async function insertRefund(
  trx: Executor,
  orderId: string,
  amountFen: number,
  reason: string,
  now: Date,
): Promise<RecordedRefund | null> {
  const refundNo = `${orderId}:${reason}`;
  const o = await trx
    .selectFrom('payment_order')
    .selectAll()
    .where('id', '=', orderId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const existing = await trx
    .selectFrom('refund')
    .select('id')
    .where('refund_no', '=', refundNo)
    .executeTakeFirst();
  if (existing || (o.status !== 'paid' && o.status !== 'partially_refunded')) return null;
  if (o.insurance_settlement_id !== null && o.cash_fen !== null)
    return insertInsuredRefund(
      trx,
      { ...o, insurance_settlement_id: o.insurance_settlement_id, cash_fen: o.cash_fen },
      refundNo,
      reason,
      now,
    );
  const amount = Math.min(amountFen, o.amount_fen - o.refunded_fen);
  if (amount <= 0) return null;
  await trx
    .insertInto('refund')
    .values({
      id: newId(),
      order_id: o.id,
      refund_no: refundNo,
      amount_fen: amount,
      reason,
      status: 'pending',
      created_at: now,
    })
    .execute();
  const refunded = o.refunded_fen + amount;
  await trx
    .updateTable('payment_order')
    .set({ refunded_fen: refunded, status: refunded === o.amount_fen ? 'refunded' : 'partially_refunded' })
    .where('id', '=', o.id)
    .execute();
  return { refundNo, orderId: o.id, patientId: o.patient_id, amountFen: amount, settlementId: null };
}

/**
 * [7/12] An insured order is refunded whole, whatever amount was asked: the settlement cannot be reversed
 * in part (2208 reverses a settlement whole), so the order goes to `refunded` with refunded_fen = its whole
 * amount, the gateway pays back the cash part it took (a refund row of cash_fen, none when insurance paid
 * everything), and the insurance part goes back to the fund and the personal account by the reversal.
 */
async function insertInsuredRefund(
  trx: Executor,
  o: {
    id: string;
    patient_id: string;
    amount_fen: number;
    cash_fen: number;
    insurance_settlement_id: string;
  },
  refundNo: string,
  reason: string,
  now: Date,
): Promise<RecordedRefund> {
  if (o.cash_fen > 0)
    await trx
      .insertInto('refund')
      .values({
        id: newId(),
        order_id: o.id,
        refund_no: refundNo,
        amount_fen: o.cash_fen,
        reason,
        status: 'pending',
        created_at: now,
      })
      .execute();
  await trx
    .updateTable('payment_order')
    .set({ refunded_fen: o.amount_fen, status: 'refunded' })
    .where('id', '=', o.id)
    .execute();
  return {
    refundNo,
    orderId: o.id,
    patientId: o.patient_id,
    amountFen: o.cash_fen,
    settlementId: o.insurance_settlement_id,
  };
}

const refundAudit = (r: RecordedRefund, reason: string) => ({
  action: 'order.refund',
  resourceType: 'payment_order',
  resourceId: r.orderId,
  patientId: r.patientId,
  details: {
    amountFen: r.amountFen,
    reason,
    ...(r.settlementId ? { insuranceSettlementId: r.settlementId } : {}),
  },
});

/**
 * Refunds (part of) a paid order in the caller's command: the refund and its audit row commit with the
 * change that causes it, and its submission to the gateway is an outbox event of the same transaction.
 * Answers the refund number, or null when there is nothing to refund (unpaid, already refunded for this
 * reason, or fully refunded). [7/12] An insured order is refunded whole (see insertInsuredRefund), and
 * `payments.insured_order_refunded` tells insurance to reverse its settlement.
 */
export async function requestRefund(
  cmd: CommandScope,
  orderId: string,
  amountFen: number,
  reason: string,
): Promise<string | null> {
  const r = await insertRefund(cmd.trx, orderId, amountFen, reason, cmd.now);
  if (!r) return null;
  await cmd.audit(refundAudit(r, reason));
  if (r.amountFen > 0) {
    const event: RefundRequested = { refundNo: r.refundNo };
    await cmd.emit(REFUND_REQUESTED, event);
  }
  if (r.settlementId) {
    const insured: InsuredOrderRefunded = { orderId: r.orderId, settlementId: r.settlementId, reason };
    await cmd.emit(INSURED_ORDER_REFUNDED, insured);
  }
  return r.refundNo;
}

/**
 * [7/12] A gateway payment the order does not take — its amount is not what the order expects (a cashier
 * opened for another amount: the whole amount of an order since insured, or a reversed settlement's cash
 * part) — is paid back in full, in the caller's command (the notification's), never kept. The order stays
 * as it was (still open to pay the right amount); the refund (`<order>:amount_mismatch:<txn>`) is
 * submitted to the gateway after the commit like any other. Null when already recorded.
 */
export async function refundUntakenPayment(
  cmd: CommandScope,
  order: { id: string; patient_id: string },
  amountFen: number,
  txnKey: string,
): Promise<string | null> {
  const refundNo = `${order.id}:amount_mismatch:${txnKey}`;
  const inserted = await cmd.trx
    .insertInto('refund')
    .values({
      id: newId(),
      order_id: order.id,
      refund_no: refundNo,
      amount_fen: amountFen,
      reason: 'amount_mismatch',
      status: 'pending',
      created_at: cmd.now,
    })
    .onConflict((oc) => oc.column('refund_no').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await cmd.audit(
    refundAudit(
      { refundNo, orderId: order.id, patientId: order.patient_id, amountFen, settlementId: null },
      'amount_mismatch',
    ),
  );
  const event: RefundRequested = { refundNo };
  await cmd.emit(REFUND_REQUESTED, event);
  return refundNo;
}

/**
 * Asks the order's gateway to pay a pending refund back, with the refund number as the gateway's
 * idempotency key (a second submission after a crash or a retry answers the first refund). Throws when
 * the gateway cannot be reached, so the outbox tries again later. The refund row is locked for the
 * call: a refund notification arriving meanwhile is applied after the gateway's answer is recorded.
 */
export async function submitRefund(
  payments: Payments,
  trx: Executor,
  refundNo: string,
  now: Date,
): Promise<void> {
  const r = await trx
    .selectFrom('refund as r')
    .innerJoin('payment_order as o', 'o.id', 'r.order_id')
    .select([
      'r.order_id',
      'r.amount_fen',
      'r.reason',
      'r.status',
      'r.gateway_refund_id',
      'o.channel',
      // What the gateway took: the cash part of an insured order ([7/12]), else the whole amount.
      (eb) => eb.fn.coalesce('o.cash_fen', 'o.amount_fen').as('total_fen'),
    ])
    .where('r.refund_no', '=', refundNo)
    .forUpdate('r')
    .executeTakeFirst();
  // Final, or already taken by the gateway (its notification will say how it ended).
  if (r?.status !== 'pending' || r.gateway_refund_id !== null) return;
  const gateway = payments.gateways.get(r.channel ?? '');
  if (!gateway) return; // free or never-prepaid orders have nothing at a gateway
  const result = await gateway.refund({
    orderId: r.order_id,
    refundNo,
    amountFen: r.amount_fen,
    // A payment of another amount than the order's is refunded whole: its own amount is the trade's total.
    totalFen: r.reason === 'amount_mismatch' ? r.amount_fen : r.total_fen,
  });
  await trx
    .updateTable('refund')
    .set({
      gateway_refund_id: result.refundId ?? null,
      ...(result.state !== 'pending' ? { status: result.state, finished_at: now } : {}),
    })
    .where('refund_no', '=', refundNo)
    .where('status', '=', 'pending')
    .execute();
}

/** The subscriber that pays refunds back: one gateway call per `payments.refund_requested` event. */
export function registerRefundSubscriber(ctx: AppContext, payments: Payments): void {
  ctx.outbox.subscribe<RefundRequested>(REFUND_REQUESTED, 'payments.submit-refund', (event, cmd) =>
    submitRefund(payments, cmd.trx, event.payload.refundNo, cmd.now),
  );
}

/**
 * Job, the safety net under the outbox: refunds still pending with no answer from the gateway after
 * `minAgeMs` are submitted again — refunds recorded before the outbox existed (they have no event), and
 * any whose event is waiting out a backoff. The gateway is idempotent by refund number, so a refund the
 * outbox also submits is paid back once.
 */
export async function resubmitPendingRefunds(ctx: AppContext, payments: Payments, minAgeMs = 30_000) {
  const due = await ctx.db
    .selectFrom('refund')
    .select('refund_no')
    .where('status', '=', 'pending')
    .where('gateway_refund_id', 'is', null)
    .where('created_at', '<=', new Date(ctx.clock.now().getTime() - minAgeMs))
    .orderBy('created_at')
    .limit(100)
    .execute();
  for (const { refund_no: no } of due) {
    await runCommand(ctx, systemActor, (cmd) => submitRefund(payments, cmd.trx, no, cmd.now)).catch((err) =>
      ctx.log.error({ err, refundNo: no }, 'refund submission failed; the job will retry'),
    );
  }
  return due.length;
}
