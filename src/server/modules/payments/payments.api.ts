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

// --- [7/12] Insurance reconciliation (对账): an institution's paid orders as the gateway should have them.

/** An order as reconciliation compares it with the gateway and the insurance settlement (integer fen). */
export interface ReconciledOrder {
  id: string;
  patientId: string;
  purpose: string;
  amountFen: number;
  /** What the gateway takes: the cash part of an insured order, else the whole amount. */
  cashFen: number;
  refundedFen: number;
  status: string;
  channel: string | null;
  gatewayTxnId: string | null;
  insuranceSettlementId: string | null;
  paidAt: Date | null;
}

const reconciledOrder = (o: {
  id: string;
  patient_id: string;
  purpose: string;
  amount_fen: number;
  cash_fen: number | null;
  refunded_fen: number;
  status: string;
  channel: string | null;
  gateway_txn_id: string | null;
  insurance_settlement_id: string | null;
  paid_at: Date | null;
}): ReconciledOrder => ({
  id: o.id,
  patientId: o.patient_id,
  purpose: o.purpose,
  amountFen: o.amount_fen,
  cashFen: o.cash_fen ?? o.amount_fen,
  refundedFen: o.refunded_fen,
  status: o.status,
  channel: o.channel,
  gatewayTxnId: o.gateway_txn_id,
  insuranceSettlementId: o.insurance_settlement_id,
  paidAt: o.paid_at,
});

const RECONCILED_COLUMNS = [
  'id',
  'patient_id',
  'purpose',
  'amount_fen',
  'cash_fen',
  'refunded_fen',
  'status',
  'channel',
  'gateway_txn_id',
  'insurance_settlement_id',
  'paid_at',
] as const;

/**
 * The institution's orders paid in [from, to) — refunded since or not — oldest first (index
 * payment_order_institution_paid).
 */
export async function ordersPaidAt(
  db: Executor,
  institutionId: string,
  from: Date,
  to: Date,
): Promise<ReconciledOrder[]> {
  const rows = await db
    .selectFrom('payment_order')
    .select(RECONCILED_COLUMNS)
    .where('institution_id', '=', institutionId)
    .where('paid_at', '>=', from)
    .where('paid_at', '<', to)
    .orderBy('paid_at')
    .orderBy('id')
    .execute();
  return rows.map(reconciledOrder);
}

/** Orders by id (paid or not), for a settlement's order. */
export async function ordersByIds(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, ReconciledOrder>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('payment_order')
    .select(RECONCILED_COLUMNS)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, reconciledOrder(r)]));
}

/** The institutions with an order paid in [from, to) (the nightly reconciliation's work list). */
export async function institutionsWithPaidOrders(db: Executor, from: Date, to: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('payment_order')
    .select('institution_id')
    .distinct()
    .where('paid_at', '>=', from)
    .where('paid_at', '<', to)
    .where('institution_id', 'is not', null)
    .execute();
  return rows.map((r) => r.institution_id!);
}

// --- [7/12] Insured payment (医保在线结算): what the insurance module's checkout asks of payments. Payments
// never imports insurance; insurance settles its part, then attaches it to the order here, and the gateway
// takes the cash part (cash_fen) only.

export { markOrderPaid } from './gateway-events.service.js';
/**
 * `orderFor(ctx, auth, id)`: an order the caller may see, else 404/403 (ID-6). `requirePayable(order, now)`:
 * ORDER_NOT_PAYABLE / ORDER_EXPIRED. `gatewayOf(payments, channel)`: PAYMENT_CHANNEL_UNAVAILABLE.
 * `prepayOrder(ctx, gateway, orderId, actor)`: the gateway's prepay of the cash part, recorded on the order.
 * `gatewayAmount(row)`: cash_fen ?? amount_fen. `markOrderPaid(cmd, row, via)`: an open order paid in the
 * caller's command (insurance covered all of it: via channel `insurance`), ORDER_PAID emitted once.
 */
/** `payments.insured_order_closed`: an insured order closed unpaid (closeOrder); insurance reverses it. */
export {
  gatewayAmount,
  gatewayOf,
  INSURED_ORDER_CLOSED,
  type InsuredOrderClosed,
  type OrderRow,
  orderFor,
  prepayOrder,
  requirePayable,
} from './payment.service.js';
/** `payments.insured_order_refunded`: an insured order refunded whole; insurance reverses its settlement. */
export { INSURED_ORDER_REFUNDED, type InsuredOrderRefunded } from './refund.service.js';

/**
 * Insured orders closed unpaid since `since` (index payment_order_insured_closed), oldest first: the
 * safety net under `payments.insured_order_closed`.
 */
export async function insuredOrdersClosedSince(
  db: Executor,
  since: Date,
  limit: number,
): Promise<{ orderId: string; settlementId: string }[]> {
  const rows = await db
    .selectFrom('payment_order')
    .select(['id', 'insurance_settlement_id'])
    .where('status', '=', 'closed')
    .where('insurance_settlement_id', 'is not', null)
    .where('closed_at', '>', since)
    .orderBy('closed_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ orderId: r.id, settlementId: r.insurance_settlement_id! }));
}

/** The order's row, locked for the caller's transaction (take it before the settlement's row). */
export async function lockedOrderRow(trx: Executor, orderId: string) {
  return trx.selectFrom('payment_order').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
}

/** The order's row as it stands (no lock). */
export async function orderRow(db: Executor, orderId: string) {
  return db.selectFrom('payment_order').selectAll().where('id', '=', orderId).executeTakeFirst();
}

/**
 * Records an insurance settlement on an open order ([7/12]): from now on the gateway takes `cashFen`, the
 * cash part. False when the order is no longer open (paid, closed), so the caller reverses the settlement.
 */
export async function attachSettlement(
  trx: Executor,
  orderId: string,
  settlement: { id: string; cashFen: number },
): Promise<boolean> {
  const r = await trx
    .updateTable('payment_order')
    .set({ cash_fen: settlement.cashFen, insurance_settlement_id: settlement.id })
    .where('id', '=', orderId)
    .where('status', '=', 'created')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Takes a reversed settlement off an open order: the gateway takes the whole amount again (a later
 * payment with or without insurance starts afresh). Orders already closed or refunded keep it, as history.
 */
export async function detachSettlement(trx: Executor, orderId: string, settlementId: string): Promise<void> {
  await trx
    .updateTable('payment_order')
    .set({ cash_fen: null, insurance_settlement_id: null })
    .where('id', '=', orderId)
    .where('insurance_settlement_id', '=', settlementId)
    .where('status', '=', 'created')
    .execute();
}

// --- [7/12] 智能监管 (INS-4, insurance's fraud rules): what an insured order paid for, and the demo's history.

/** What orders are for (purpose and the thing's id: a fulfilment for `prescription`), by order id. */
export async function orderRefs(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { purpose: string; refId: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('payment_order')
    .select(['id', 'purpose', 'ref_id'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { purpose: r.purpose, refId: r.ref_id }]));
}

/**
 * Demo seed only (insurance/fraud.seed.ts): an open order marked paid on a past day without an
 * `order_paid` event — history the seed writes, which nothing waits for (channel `insurance`: insurance
 * paid all of it, no gateway).
 */
export async function markSeededOrderPaid(
  db: Executor,
  orderId: string,
  paidAt: Date,
  channel: string,
): Promise<void> {
  await db
    .updateTable('payment_order')
    .set({ status: 'paid', paid_at: paidAt, channel })
    .where('id', '=', orderId)
    .where('status', '=', 'created')
    .execute();
}
