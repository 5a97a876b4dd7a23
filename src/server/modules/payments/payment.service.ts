import type { Order, OrderLine, OrderStatus } from '../../../shared/payments.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { enqueueEvent, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { requirePatientAccess } from '../identity/identity.api.js';
import type { PaymentGateway } from './gateway.js';
import { paymentErrors } from './payments.errors.js';

/** The payment gateways by channel (`sim` in demo mode and tests). */
export interface Payments {
  gateways: Map<string, PaymentGateway>;
}

export interface OrderRow {
  id: string;
  patient_id: string;
  account_id: string;
  purpose: string;
  ref_id: string;
  description: string;
  amount_fen: number;
  refunded_fen: number;
  status: string;
  channel: string | null;
  prepay_id: string | null;
  expires_at: Date;
  paid_at: Date | null;
  /** [7/12] Who sold it (nullable for orders made before 0014). */
  institution_id: string | null;
  /** [7/12] What the gateway takes once insurance settled its part; null: the whole amount. */
  cash_fen: number | null;
  insurance_settlement_id: string | null;
  /** [7/12] The amount of the gateway prepay recorded (or being opened): decided under the order's lock. */
  prepay_amount_fen: number | null;
}

export type OrderView = Order;

/** What the gateway takes for an order: the cash part of an insured order, else the whole amount. */
export const gatewayAmount = (o: Pick<OrderRow, 'amount_fen' | 'cash_fen'>): number =>
  o.cash_fen ?? o.amount_fen;

/**
 * One itemised line of an order ([5/12]): a drug with its insurance category (甲/乙/丙, so insurance
 * settlement in [7/12] can split the order), the delivery fee, or a service. Integer fen.
 */
export interface OrderLineInput {
  kind: 'drug' | 'delivery' | 'service';
  /** What the line is for: a drug id, a fulfilment id. */
  ref: string | null;
  name: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  insuranceCategory: 'A' | 'B' | 'C' | null;
}

const view = (o: OrderRow, lines?: OrderLine[]): OrderView => ({
  id: o.id,
  patientId: o.patient_id,
  purpose: o.purpose,
  refId: o.ref_id,
  description: o.description,
  amountFen: o.amount_fen,
  refundedFen: o.refunded_fen,
  status: o.status as OrderStatus,
  channel: o.channel,
  expiresAt: o.expires_at.toISOString(),
  paidAt: o.paid_at ? o.paid_at.toISOString() : null,
  cashFen: gatewayAmount(o),
  ...(lines && lines.length > 0 ? { lines } : {}),
});

/**
 * Creates an order in the caller's transaction (amounts in integer fen). Itemised `lines`, when given,
 * must add up to `amountFen` exactly: an order whose lines disagree with its total is a defect, refused
 * before anything is written.
 */
export async function createOrder(
  db: Executor,
  input: {
    patientId: string;
    accountId: string;
    purpose: 'appointment' | 'visit' | 'prescription' | 'contract' | 'home_service';
    refId: string;
    /** The institution that sold it (reconciliation and INS-1 designation are per institution). */
    institutionId: string;
    description: string;
    amountFen: number;
    expiresAt: Date;
    now: Date;
    lines?: OrderLineInput[];
  },
): Promise<string> {
  const lines = input.lines ?? [];
  if (lines.length > 0) {
    const sum = lines.reduce((s, l) => s + l.amountFen, 0);
    if (sum !== input.amountFen)
      throw new Error(`order lines add up to ${sum} fen, not the order's ${input.amountFen} fen`);
    for (const l of lines)
      if (!Number.isInteger(l.amountFen) || l.amountFen < 0 || l.quantity <= 0)
        throw new Error(`order line ${l.name}: amount and quantity must be whole, non-negative fen`);
  }
  const id = newId();
  await db
    .insertInto('payment_order')
    .values({
      id,
      patient_id: input.patientId,
      account_id: input.accountId,
      purpose: input.purpose,
      ref_id: input.refId,
      institution_id: input.institutionId,
      description: input.description,
      amount_fen: input.amountFen,
      status: 'created',
      expires_at: input.expiresAt,
      created_at: input.now,
    })
    .execute();
  if (lines.length > 0) {
    await db
      .insertInto('payment_order_line')
      .values(
        lines.map((l, i) => ({
          order_id: id,
          line: i + 1,
          kind: l.kind,
          ref: l.ref,
          name: l.name,
          quantity: l.quantity,
          unit_price_fen: l.unitPriceFen,
          amount_fen: l.amountFen,
          insurance_category: l.insuranceCategory,
        })),
      )
      .execute();
  }
  return id;
}

/** An order's itemised lines, in order (empty for orders without lines: appointments, visits). */
export async function orderLines(db: Executor, orderId: string): Promise<OrderLine[]> {
  const rows = await db
    .selectFrom('payment_order_line')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('line')
    .execute();
  return rows.map((l) => ({
    line: l.line,
    kind: l.kind as OrderLine['kind'],
    ref: l.ref,
    name: l.name,
    quantity: l.quantity,
    unitPriceFen: l.unit_price_fen,
    amountFen: l.amount_fen,
    insuranceCategory: l.insurance_category as OrderLine['insuranceCategory'],
  }));
}

/** An order the caller may see (the patient or their proxy, ID-6), else 404 / 403. */
export async function orderFor(ctx: AppContext, auth: AuthContext, orderId: string): Promise<OrderRow> {
  const order = await ctx.db
    .selectFrom('payment_order')
    .selectAll()
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order) throw errors.notFound('订单');
  await requirePatientAccess(ctx.db, auth, order.patient_id);
  return order;
}

export async function getOrder(ctx: AppContext, auth: AuthContext, orderId: string): Promise<OrderView> {
  const order = await orderFor(ctx, auth, orderId);
  return view(order, await orderLines(ctx.db, order.id));
}

/** The gateway of a channel, or PAYMENT_CHANNEL_UNAVAILABLE. */
export function gatewayOf(payments: Payments, channel: string): PaymentGateway {
  const gateway = payments.gateways.get(channel);
  if (!gateway) throw paymentErrors.channelUnavailable(`支付渠道 ${channel} 未开通。`);
  return gateway;
}

/** Refuses an order that cannot be paid now: paid, closed or refunded (409), or past its hold (409). */
export function requirePayable(order: Pick<OrderRow, 'status' | 'expires_at'>, now: Date): void {
  if (order.status !== 'created')
    throw paymentErrors.orderNotPayable(order.status === 'paid' ? '订单已支付。' : '订单已关闭或已退款。');
  if (order.expires_at.getTime() <= now.getTime()) throw paymentErrors.orderExpired();
}

/**
 * Starts payment through a gateway: answers its prepay data (for `sim`, the cashier URL). The gateway
 * takes the cash part of an insured order (cash_fen), else the whole amount. The route settles a live
 * insurance settlement first ([7/12], payments.routes.ts), so cash_fen is known here.
 */
export async function payOrder(
  ctx: AppContext,
  payments: Payments,
  auth: AuthContext,
  orderId: string,
  channel: string,
  actor: Actor,
) {
  const gateway = gatewayOf(payments, channel);
  const order = await orderFor(ctx, auth, orderId);
  requirePayable(order, ctx.clock.now());
  return prepayOrder(ctx, gateway, order.id, actor);
}

/**
 * The gateway's prepay for what it takes of an order (the cash part once insurance settled), recorded on
 * the order ([7/12]: insurance calls it after settling; no access check here — the caller did it).
 *
 * The amount is decided, and the attempt recorded (`prepay_amount_fen`), under the order's lock BEFORE
 * the gateway is called: insurance reads it under the same lock, so a self-pay cashier for the whole
 * amount and an insured payment of the same order never both open (INSURANCE_SELF_PAY_STARTED, and a
 * settlement answered after a whole-amount prepay is reversed). A gateway answers a repeated prepay of
 * an order with its first cashier — at the first amount — so a cashier recorded for another amount
 * (the cash part of a settlement since reversed, or the whole amount before a settlement) is CLOSED at
 * the gateway first and a new one opened; the trade stays the order's id (query, refunds, notifications
 * keep their key). A gateway that cannot be reached throws (GatewayUnavailableError or its own error).
 */
export async function prepayOrder(
  ctx: AppContext,
  gateway: PaymentGateway,
  orderId: string,
  actor: Actor,
): Promise<{ prepayId: string; cashierUrl: string }> {
  const decided = await runCommand(ctx, actor, async ({ trx, now }) => {
    const o = await trx
      .selectFrom('payment_order')
      .selectAll()
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    if (!o) throw errors.notFound('订单');
    requirePayable(o, now);
    const amountFen = gatewayAmount(o);
    // A cashier (or an attempt) for another amount: closed at the gateway before a new one (below).
    const stale = o.prepay_amount_fen !== null && o.prepay_amount_fen !== amountFen;
    if (!stale && o.prepay_amount_fen === null)
      await trx
        .updateTable('payment_order')
        .set({ prepay_amount_fen: amountFen })
        .where('id', '=', o.id)
        .execute();
    return { order: o, amountFen, stale, previous: o.prepay_amount_fen };
  });
  const { order, amountFen } = decided;
  if (decided.stale) {
    if (!gateway.close)
      throw paymentErrors.channelUnavailable(`支付渠道 ${gateway.channel} 不能关闭此前金额不同的收银台。`);
    await gateway.close(order.id);
    await runCommand(ctx, actor, async ({ trx }) => {
      const r = await trx
        .updateTable('payment_order')
        .set({ prepay_amount_fen: amountFen, prepay_id: null })
        .where('id', '=', order.id)
        .where('status', '=', 'created')
        .where('prepay_amount_fen', '=', decided.previous)
        .executeTakeFirst();
      // Someone else moved the order meanwhile (another amount recorded, paid, closed): start over.
      if (Number(r.numUpdatedRows) !== 1) throw paymentErrors.orderNotPayable('订单状态已变化，请重试。');
    });
  }
  const prepay = await gateway.prepay({
    orderId: order.id,
    amountFen,
    description: order.description,
    expiresAt: order.expires_at,
  });
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    const r = await trx
      .updateTable('payment_order')
      .set({ channel: gateway.channel, prepay_id: prepay.prepayId })
      .where('id', '=', order.id)
      .where('status', '=', 'created')
      .where('prepay_amount_fen', '=', amountFen)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw paymentErrors.orderNotPayable('订单状态已变化，请重试。');
    await audit({
      action: 'order.prepay',
      resourceType: 'payment_order',
      resourceId: order.id,
      patientId: order.patient_id,
      details: { channel: gateway.channel, amountFen },
    });
  });
  return { prepayId: prepay.prepayId, cashierUrl: prepay.cashierUrl };
}

/**
 * `payments.insured_order_closed` ([7/12]): an order with an insurance settlement closed unpaid (its hold
 * expired, its visit or fill was cancelled); insurance reverses the settlement on this event.
 */
export const INSURED_ORDER_CLOSED = 'payments.insured_order_closed';

/** The payload of `payments.insured_order_closed`. */
export interface InsuredOrderClosed {
  orderId: string;
  settlementId: string;
}

/**
 * Closes an unpaid order (hold expired, booking cancelled) in the caller's transaction. An insured order
 * ([7/12]) emits `payments.insured_order_closed` in the same transaction (an outbox row, delivered by the
 * dispatcher after the commit), so its settlement is reversed at once rather than found by a scan.
 */
export async function closeOrder(trx: Executor, orderId: string, now: Date): Promise<void> {
  const closed = await trx
    .updateTable('payment_order')
    .set({ status: 'closed', closed_at: now })
    .where('id', '=', orderId)
    .where('status', '=', 'created')
    .returning(['id', 'insurance_settlement_id'])
    .executeTakeFirst();
  if (closed?.insurance_settlement_id) {
    const payload: InsuredOrderClosed = { orderId, settlementId: closed.insurance_settlement_id };
    await enqueueEvent(trx, INSURED_ORDER_CLOSED, payload, now);
  }
}

// The gateway's events, reconciliation and the refund job, for the server's loops and tests.
export { applyGatewayEvent, reconcile, recordForgedNotification } from './gateway-events.service.js';
export { resubmitPendingRefunds } from './refund.service.js';
