import type { Order, OrderLine, OrderStatus } from '../../../shared/payments.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
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
}

export type OrderView = Order;

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
    purpose: 'appointment' | 'visit' | 'prescription';
    refId: string;
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

async function orderFor(ctx: AppContext, auth: AuthContext, orderId: string): Promise<OrderRow> {
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

/** Starts payment through a gateway: answers its prepay data (for `sim`, the cashier URL). */
export async function payOrder(
  ctx: AppContext,
  payments: Payments,
  auth: AuthContext,
  orderId: string,
  channel: string,
  actor: Actor,
) {
  const gateway = payments.gateways.get(channel);
  if (!gateway) throw paymentErrors.channelUnavailable(`支付渠道 ${channel} 未开通。`);
  const order = await orderFor(ctx, auth, orderId);
  const now = ctx.clock.now();
  if (order.status !== 'created')
    throw paymentErrors.orderNotPayable(order.status === 'paid' ? '订单已支付。' : '订单已关闭或已退款。');
  if (order.expires_at.getTime() <= now.getTime()) throw paymentErrors.orderExpired();
  const prepay = await gateway.prepay({
    orderId: order.id,
    amountFen: order.amount_fen,
    description: order.description,
    expiresAt: order.expires_at,
  });
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    await trx
      .updateTable('payment_order')
      .set({ channel, prepay_id: prepay.prepayId })
      .where('id', '=', order.id)
      .where('status', '=', 'created')
      .execute();
    await audit({
      action: 'order.prepay',
      resourceType: 'payment_order',
      resourceId: order.id,
      patientId: order.patient_id,
      details: { channel },
    });
  });
  return prepay;
}

/** Closes an unpaid order (hold expired, booking cancelled) in the caller's transaction. */
export async function closeOrder(trx: Executor, orderId: string, now: Date): Promise<void> {
  await trx
    .updateTable('payment_order')
    .set({ status: 'closed', closed_at: now })
    .where('id', '=', orderId)
    .where('status', '=', 'created')
    .execute();
}

// The gateway's events, reconciliation and the refund job, for the server's loops and tests.
export { applyGatewayEvent, reconcile, recordForgedNotification } from './gateway-events.service.js';
export { resubmitPendingRefunds } from './refund.service.js';
