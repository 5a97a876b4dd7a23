/**
 * What other modules may ask of payments (style.md: a module owns its tables; others call these
 * functions with their own transaction).
 */
import type { Executor } from '../../platform/db/database.js';

/**
 * Orders: created and closed in the caller's transaction; `Payments` is the gateways by channel.
 * `createOrder` takes itemised `lines` (drugs with their insurance category, the delivery fee) that must
 * add up to the amount; `orderLines` reads them back.
 */
export {
  closeOrder,
  createOrder,
  type OrderLineInput,
  orderLines,
  type Payments,
} from './payment.service.js';
/**
 * `lockOrder(trx, id)`: the order's lock, taken first by a command that may change an order and its owner
 * (several sorted by id); answers the order's status, so a hold-expiry job can leave a paid one to its
 * subscriber.
 * `onOrderPaid(ctx, purpose, subscriber, handler)`: a module's subscription to the payment of its orders
 * (`payments.order_paid`); the handler answers whether the thing paid for is still there, else the
 * payment is refunded in full.
 */
export { lockOrder, ORDER_PAID, type OrderPaid, onOrderPaid } from './payments.events.js';
/**
 * `requestRefund(cmd, orderId, amountFen, reason)`: a refund recorded in the caller's command, paid back
 * by the gateway after the commit through the outbox (`payments.refund_requested`).
 */
export { requestRefund } from './refund.service.js';

/** When an order was paid (null while unpaid); undefined when there is no such order. */
export async function orderPaidAt(db: Executor, orderId: string): Promise<Date | null | undefined> {
  const o = await db
    .selectFrom('payment_order')
    .select('paid_at')
    .where('id', '=', orderId)
    .executeTakeFirst();
  return o ? o.paid_at : undefined;
}

/** One refund of an order, as another module shows it (a fulfilment's timeline). */
export interface OrderRefund {
  amountFen: number;
  /** `pending` (recorded, not yet paid back by the gateway), `succeeded` or `failed`. */
  status: string;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The refunds of an order, oldest first (none when nothing went back). */
export async function orderRefunds(db: Executor, orderId: string): Promise<OrderRefund[]> {
  const rows = await db
    .selectFrom('refund')
    .select(['amount_fen', 'status', 'created_at', 'finished_at'])
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('refund_no')
    .execute();
  return rows.map((r) => ({
    amountFen: r.amount_fen,
    status: r.status,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  }));
}
