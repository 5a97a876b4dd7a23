/**
 * What the gateway tells us: signed notifications (payment and refund results) and, for orders left
 * unsure, the answers of its query API (对账). Each is applied once, by state, in one command.
 */
import { systemActor } from '../../platform/audit/audit.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import type { GatewayEvent } from './gateway.js';
import { gatewayAmount, type Payments } from './payment.service.js';
import { ORDER_PAID, type OrderPaid, PAID_AFTER_RELEASE } from './payments.events.js';
import { refundUntakenPayment, requestRefund } from './refund.service.js';

/**
 * Applies a verified gateway event at most once (unique channel + event id). Payments are applied by
 * state, so late, repeated and out-of-order events are harmless: a payment for an order already closed
 * (its hold expired) is refunded in full. A payment of an open order emits `payments.order_paid`, whose
 * subscriber (the module that sold the thing) confirms it — or refunds it when the thing is gone.
 */
export async function applyGatewayEvent(
  ctx: AppContext,
  channel: string,
  event: GatewayEvent,
  payload: unknown,
): Promise<string> {
  return runCommand(ctx, systemActor, async (cmd) => {
    const { trx, now } = cmd;
    const inserted = await trx
      .insertInto('payment_notification')
      .values({
        id: newId(),
        channel,
        event_id: event.eventId,
        order_id: null,
        kind: event.kind,
        signature_valid: true,
        applied: false,
        outcome: 'received',
        payload: JSON.stringify(payload),
        received_at: now,
      })
      .onConflict((oc) => oc.columns(['channel', 'event_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return 'duplicate';
    const order = await trx
      .selectFrom('payment_order')
      .selectAll()
      .where('id', '=', event.orderId)
      .forUpdate()
      .executeTakeFirst();
    let outcome = 'ignored';
    if (order && event.kind === 'payment.succeeded') {
      // The gateway takes the cash part of an insured order ([7/12]), else the whole amount.
      // A payment of another amount (a cashier opened for another amount) is never kept: refunded whole.
      if (event.amountFen !== gatewayAmount(order)) {
        outcome = 'amount_mismatch';
        await refundUntakenPayment(cmd, order, event.amountFen, event.txnId ?? event.eventId);
      } else if (order.status === 'created') {
        await markOrderPaid(cmd, order, { channel, txnId: event.txnId ?? null });
        outcome = 'paid';
      } else if (order.status === 'closed') {
        // Paid at the gateway after we closed the order: the money goes back.
        await trx
          .updateTable('payment_order')
          .set({ status: 'paid', paid_at: now, gateway_txn_id: event.txnId ?? null })
          .where('id', '=', order.id)
          .execute();
        outcome = 'paid_after_close';
        await cmd.audit({
          action: 'order.paid_after_close',
          resourceType: 'payment_order',
          resourceId: order.id,
          patientId: order.patient_id,
          details: { channel },
        });
        await requestRefund(cmd, order.id, order.amount_fen, PAID_AFTER_RELEASE);
      } else outcome = 'already_paid';
    } else if (order && (event.kind === 'refund.succeeded' || event.kind === 'refund.failed')) {
      const status = event.kind === 'refund.succeeded' ? 'succeeded' : 'failed';
      const changed = await trx
        .updateTable('refund')
        .set({ status, finished_at: now })
        .where('refund_no', '=', event.refundNo ?? '')
        .where('status', '=', 'pending')
        .executeTakeFirst();
      outcome = Number(changed.numUpdatedRows) === 1 ? `refund_${status}` : 'refund_already_final';
    }
    await trx
      .updateTable('payment_notification')
      .set({
        order_id: order?.id ?? null,
        applied: outcome !== 'ignored',
        outcome,
      })
      .where('id', '=', inserted.id)
      .execute();
    return outcome;
  });
}

/** An order as `markOrderPaid` needs it (the row, locked by the caller's command). */
export interface PayableOrderRow {
  id: string;
  purpose: string;
  ref_id: string;
  patient_id: string;
  account_id: string;
  amount_fen: number;
}

/**
 * Marks an open order paid in the caller's command, which holds the order's lock: the gateway's payment
 * notification, or ([7/12]) insurance covering the whole amount (channel `insurance`, no gateway). Either
 * way `payments.order_paid` is emitted once, with the order's whole amount, and `order.paid` audited.
 */
export async function markOrderPaid(
  cmd: CommandScope,
  order: PayableOrderRow,
  via: { channel: string; txnId: string | null },
): Promise<void> {
  const { trx, now } = cmd;
  await trx
    .updateTable('payment_order')
    .set({ status: 'paid', paid_at: now, gateway_txn_id: via.txnId, channel: via.channel })
    .where('id', '=', order.id)
    .where('status', '=', 'created')
    .execute();
  const paid: OrderPaid = {
    orderId: order.id,
    purpose: order.purpose,
    refId: order.ref_id,
    patientId: order.patient_id,
    accountId: order.account_id,
    amountFen: order.amount_fen,
    paidAt: now.toISOString(),
  };
  await cmd.emit(ORDER_PAID, paid);
  await cmd.audit({
    action: 'order.paid',
    resourceType: 'payment_order',
    resourceId: order.id,
    patientId: order.patient_id,
    details: { channel: via.channel, txnId: via.txnId },
  });
}

/** Records a notification whose signature did not verify (it changes nothing else). */
export async function recordForgedNotification(
  ctx: AppContext,
  channel: string,
  rawBody: string,
  ip: string,
): Promise<void> {
  await runCommand(ctx, { accountId: null, role: null, ip }, (cmd) =>
    cmd.audit({
      action: 'payment.notification.forged',
      outcome: 'failure',
      details: { channel, bytes: rawBody.length },
    }),
  );
}

/** Closed orders are asked about for an hour: a payment may land just after its hold expired. */
const RECONCILE_CLOSED_MS = 3600_000;

/**
 * Reconciliation (对账): asks the gateway about orders left unsure — prepaid, still `created`, older than
 * `minAgeMs` — and applies what it says, so a lost notification never loses a payment.
 */
export async function reconcile(
  ctx: AppContext,
  payments: Payments,
  minAgeMs = 60_000,
): Promise<{ checked: number; applied: number }> {
  const now = ctx.clock.now();
  const unsure = await ctx.db
    .selectFrom('payment_order')
    .select(['id', 'channel', 'amount_fen', 'cash_fen'])
    .where('prepay_id', 'is not', null)
    .where('created_at', '<', new Date(now.getTime() - minAgeMs))
    // Still open, or closed within the last hour; older closed orders are settled and are not asked
    // about again on every run.
    .where((eb) =>
      eb.or([
        eb('status', '=', 'created'),
        eb.and([
          eb('status', '=', 'closed'),
          eb('closed_at', '>', new Date(now.getTime() - RECONCILE_CLOSED_MS)),
        ]),
      ]),
    )
    .limit(500)
    .execute();
  let applied = 0;
  for (const o of unsure) {
    const gateway = payments.gateways.get(o.channel ?? '');
    if (!gateway) continue;
    const q = await gateway.query(o.id);
    if (q.state !== 'paid') continue;
    const outcome = await applyGatewayEvent(
      ctx,
      gateway.channel,
      {
        eventId: `query:${q.txnId}`,
        kind: 'payment.succeeded',
        orderId: o.id,
        amountFen: q.amountFen ?? gatewayAmount(o),
        ...(q.txnId ? { txnId: q.txnId } : {}),
        occurredAt: now.toISOString(),
      },
      { source: 'reconciliation' },
    );
    if (outcome !== 'duplicate') applied += 1;
  }
  return { checked: unsure.length, applied };
}
