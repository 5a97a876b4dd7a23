/**
 * Where visits meet payments and bookings (what a visit's start or end means for its order and its
 * appointment), each through the owning module's functions in the visit's own transaction: a paid order
 * moving the visit into the queue, the order lock taken first, the refund of the fee requested with the
 * change (paid back after it through the outbox), and the end of a visit that never started.
 */
import { recordAudit, systemActor } from '../../platform/audit/audit.js';
import type { CommandScope } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { closeOrder, lockOrder, type OrderPaid, requestRefund } from '../payments/payments.api.js';
import { cancelForVisit } from '../scheduling/scheduling.api.js';
import { visitEvent } from './visit-store.js';

/**
 * A paid visit order moves the visit into the queue (`payments.order_paid`, purpose `visit`), in the
 * subscriber's command with the order locked first. False when the visit is no longer waiting for its
 * payment (cancelled or lapsed meanwhile): payments then refunds the payment in full.
 */
export async function queuePaidVisit(ctx: AppContext, paid: OrderPaid, cmd: CommandScope): Promise<boolean> {
  const { trx, now } = cmd;
  const res = await trx
    .updateTable('visit')
    .set({
      status: 'waiting',
      paid_at: new Date(paid.paidAt),
      queue_opens_at: now,
      queued_at: now,
      expires_at: new Date(now.getTime() + ctx.config.visits.expiryMs),
    })
    .where('id', '=', paid.refId)
    .where('status', '=', 'requested')
    .returning(['id', 'patient_id'])
    .executeTakeFirst();
  if (!res) return false;
  await visitEvent(trx, res.id, 'paid', systemActor, now, {
    orderId: paid.orderId,
    amountFen: paid.amountFen,
  });
  await visitEvent(trx, res.id, 'queued', systemActor, now);
  await recordAudit(
    trx,
    systemActor,
    { action: 'visit.paid', resourceType: 'visit', resourceId: res.id, patientId: res.patient_id },
    now,
  );
  return true;
}

/** Locks a visit's order first, the order a payment notification takes its locks in (no deadlock with it). */
export async function lockVisitOrder(trx: Tx, visitId: string): Promise<void> {
  const pre = await trx.selectFrom('visit').select('order_id').where('id', '=', visitId).executeTakeFirst();
  if (pre?.order_id) await lockOrder(trx, pre.order_id);
}

/**
 * Ends a visit that had not started (cancelled or expired) in the visit's command: closes an unpaid order,
 * gives a booked appointment's token back, and tells what to refund.
 */
export async function endUnstarted(
  cmd: CommandScope,
  v: { status: string; order_id: string | null; fee_fen: number; appointment_id: string | null },
  reason: 'visit_ended' | 'visit_expired',
): Promise<{ orderId: string; amount: number } | null> {
  if (v.status === 'requested') {
    if (v.order_id) await closeOrder(cmd.trx, v.order_id, cmd.now);
    return null;
  }
  if (v.appointment_id) await cancelForVisit(cmd, v.appointment_id, reason);
  return v.order_id && v.fee_fen > 0 ? { orderId: v.order_id, amount: v.fee_fen } : null;
}

/**
 * The refund of a visit's fee, requested in the visit's own command: recorded with the change, paid back by
 * the gateway after the commit through the outbox (payments' `payments.refund_requested`).
 */
export async function refundVisitFee(
  cmd: CommandScope,
  visitId: string,
  refund: { orderId: string; amount: number },
  reason: string,
): Promise<string | null> {
  const refundNo = await requestRefund(cmd, refund.orderId, refund.amount, reason);
  if (refundNo)
    await visitEvent(cmd.trx, visitId, 'refunded', cmd.actor, cmd.now, { amountFen: refund.amount });
  return refundNo;
}
