/**
 * What payments tells other modules, as outbox events (architecture.md, "A command's path"): an order was
 * paid (`payments.order_paid`), to which the module that sold the thing subscribes with `onOrderPaid`.
 */
import type { CommandScope } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import type { Payments } from './payment.service.js';
import { registerRefundSubscriber, requestRefund } from './refund.service.js';

export const ORDER_PAID = 'payments.order_paid';
/** Internal: a paid order its module kept, for effects that must see the committed change. */
const ORDER_PAID_APPLIED = 'payments.order_paid_applied';

/** The payload of `payments.order_paid`. */
export interface OrderPaid {
  orderId: string;
  /** Which module's thing was paid for: `appointment`, `visit`. */
  purpose: string;
  /** The appointment's or the visit's id. */
  refId: string;
  patientId: string;
  accountId: string;
  amountFen: number;
  paidAt: string;
}

/** The reason, and so the refund number (`<order>:paid_after_release`), of a payment nothing kept. */
export const PAID_AFTER_RELEASE = 'paid_after_release';

/**
 * Locks an order for the caller's transaction and answers its status (undefined when there is no such
 * order). A command that changes both an order's owner (a visit, an appointment) and possibly the order
 * takes the order's lock first — the order a payment notification and an `onOrderPaid` subscriber take
 * their locks in — so the two never deadlock; several orders are locked sorted by id. A job that ends an
 * unpaid hold skips it when the status is already `paid`: the payment committed and its `order_paid`
 * subscriber, which may still be backing off, confirms the booking. The whole order — order, schedule,
 * appointment or visit, token — is docs/architecture.md, "Lock order".
 */
export async function lockOrder(trx: Tx, orderId: string): Promise<string | undefined> {
  const o = await trx
    .selectFrom('payment_order')
    .select('status')
    .where('id', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  return o?.status;
}

/**
 * Subscribes a module to the payment of its orders (one `purpose`). The handler runs in the subscriber's
 * transaction, with the order locked first, at least once per payment (the outbox's receipt makes a second
 * delivery a no-op); it answers whether the thing paid for was still there. When it was not — the hold
 * expired, the visit was cancelled between the payment and this delivery — the payment is refunded in
 * full, in the same transaction, so money is never kept for nothing.
 *
 * `afterCommit` runs once the handler's change has committed (live pushes), through the outbox too.
 */
export function onOrderPaid(
  ctx: AppContext,
  purpose: string,
  subscriber: string,
  handler: (paid: OrderPaid, cmd: CommandScope) => Promise<boolean>,
  opts: { afterCommit?: (paid: OrderPaid) => Promise<void> } = {},
): void {
  ctx.outbox.subscribe<OrderPaid>(ORDER_PAID, subscriber, async (event, cmd) => {
    const paid = event.payload;
    if (paid.purpose !== purpose) return;
    await lockOrder(cmd.trx, paid.orderId);
    if (await handler(paid, cmd)) {
      if (opts.afterCommit) await cmd.emit(ORDER_PAID_APPLIED, { ...paid, subscriber });
      return;
    }
    const refundNo = await requestRefund(cmd, paid.orderId, paid.amountFen, PAID_AFTER_RELEASE);
    if (refundNo) {
      await cmd.trx
        .updateTable('payment_notification')
        .set({ outcome: PAID_AFTER_RELEASE })
        .where('order_id', '=', paid.orderId)
        .where('outcome', '=', 'paid')
        .execute();
    }
  });
  const after = opts.afterCommit;
  if (after) {
    ctx.outbox.subscribe<OrderPaid & { subscriber: string }>(
      ORDER_PAID_APPLIED,
      `${subscriber}.after-commit`,
      async (event) => {
        if (event.payload.subscriber === subscriber) await after(event.payload);
      },
    );
  }
}

/** Payments' own subscribers, registered once per app: refunds are paid back by the gateway. */
export function registerPaymentSubscribers(ctx: AppContext, payments: Payments): void {
  registerRefundSubscriber(ctx, payments);
}
