import { type Actor, recordAudit, systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { requirePatientAccess } from '../identity/patient-access.js';
import type { GatewayEvent, PaymentGateway } from './gateway.js';

export type OrderStatus = 'created' | 'paid' | 'partially_refunded' | 'refunded' | 'closed';

/**
 * What a module does when one of its orders is paid or closed: called inside the transaction that
 * changes the order, so the order and the booking never disagree. `onPaid` returns false when the thing
 * paid for is gone (an expired hold): the payment is then refunded in full.
 */
export interface OrderHooks {
  onPaid(trx: Tx, order: OrderRow, now: Date): Promise<boolean>;
  /** After the payment's transaction committed (live pushes, SMS); errors are logged, not raised. */
  afterPaid?(order: OrderRow): Promise<void>;
}

export interface Payments {
  gateways: Map<string, PaymentGateway>;
  hooks: Map<string, OrderHooks>;
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

export interface OrderView {
  id: string;
  patientId: string;
  purpose: string;
  refId: string;
  description: string;
  amountFen: number;
  refundedFen: number;
  status: OrderStatus;
  channel: string | null;
  expiresAt: string;
  paidAt: string | null;
}

const view = (o: OrderRow): OrderView => ({
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
});

/** Creates an order in the caller's transaction (amounts in integer fen). */
export async function createOrder(
  db: Executor,
  input: {
    patientId: string;
    accountId: string;
    purpose: 'appointment' | 'visit';
    refId: string;
    description: string;
    amountFen: number;
    expiresAt: Date;
    now: Date;
  },
): Promise<string> {
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
  return id;
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
  return view(await orderFor(ctx, auth, orderId));
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
  if (!gateway)
    throw new AppError(422, 'PAYMENT_CHANNEL_UNAVAILABLE', '支付方式不可用', `支付渠道 ${channel} 未开通。`);
  const order = await orderFor(ctx, auth, orderId);
  const now = ctx.clock.now();
  if (order.status !== 'created')
    throw new AppError(
      409,
      'ORDER_NOT_PAYABLE',
      '订单不可支付',
      order.status === 'paid' ? '订单已支付。' : '订单已关闭或已退款。',
    );
  if (order.expires_at.getTime() <= now.getTime())
    throw new AppError(409, 'ORDER_EXPIRED', '订单已超时', '支付时限已过，号源已释放，请重新预约。');
  const prepay = await gateway.prepay({
    orderId: order.id,
    amountFen: order.amount_fen,
    description: order.description,
    expiresAt: order.expires_at,
  });
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('payment_order')
      .set({ channel, prepay_id: prepay.prepayId })
      .where('id', '=', order.id)
      .where('status', '=', 'created')
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: 'order.prepay',
        resourceType: 'payment_order',
        resourceId: order.id,
        patientId: order.patient_id,
        details: { channel },
      },
      now,
    );
  });
  return prepay;
}

/**
 * Applies a verified gateway event at most once (unique channel + event id). Payments are applied by
 * state, so late, repeated and out-of-order events are harmless: a payment for an order already closed
 * (its hold expired) is refunded in full.
 */
export async function applyGatewayEvent(
  ctx: AppContext,
  payments: Payments,
  channel: string,
  event: GatewayEvent,
  payload: unknown,
): Promise<string> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
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
    if (!inserted)
      return {
        outcome: 'duplicate',
        refund: null as null | { orderId: string; amount: number },
        paid: null as OrderRow | null,
      };
    const order = await trx
      .selectFrom('payment_order')
      .selectAll()
      .where('id', '=', event.orderId)
      .forUpdate()
      .executeTakeFirst();
    let outcome = 'ignored';
    let refund: null | { orderId: string; amount: number } = null;
    let paid: OrderRow | null = null;
    if (order && event.kind === 'payment.succeeded') {
      if (event.amountFen !== order.amount_fen) outcome = 'amount_mismatch';
      else if (order.status === 'created') {
        await trx
          .updateTable('payment_order')
          .set({ status: 'paid', paid_at: now, gateway_txn_id: event.txnId ?? null })
          .where('id', '=', order.id)
          .execute();
        const hooks = payments.hooks.get(order.purpose);
        const kept = hooks ? await hooks.onPaid(trx, { ...order, status: 'paid' }, now) : true;
        outcome = kept ? 'paid' : 'paid_after_release';
        if (kept) paid = { ...order, status: 'paid' };
        if (!kept) refund = { orderId: order.id, amount: order.amount_fen };
        await recordAudit(
          trx,
          systemActor,
          {
            action: 'order.paid',
            resourceType: 'payment_order',
            resourceId: order.id,
            patientId: order.patient_id,
            details: { channel, txnId: event.txnId ?? null, kept },
          },
          now,
        );
      } else if (order.status === 'closed') {
        // Paid at the gateway after we closed the order: the money goes back.
        await trx
          .updateTable('payment_order')
          .set({ status: 'paid', paid_at: now, gateway_txn_id: event.txnId ?? null })
          .where('id', '=', order.id)
          .execute();
        outcome = 'paid_after_close';
        refund = { orderId: order.id, amount: order.amount_fen };
        await recordAudit(
          trx,
          systemActor,
          {
            action: 'order.paid_after_close',
            resourceType: 'payment_order',
            resourceId: order.id,
            patientId: order.patient_id,
            details: { channel },
          },
          now,
        );
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
        applied: outcome !== 'ignored' && outcome !== 'amount_mismatch',
        outcome,
      })
      .where('id', '=', inserted.id)
      .execute();
    return { outcome, refund, paid };
  });
  if (result.paid) {
    const order = result.paid;
    await payments.hooks
      .get(order.purpose)
      ?.afterPaid?.(order)
      .catch((err) => ctx.log.error({ err }, 'after-paid hook failed'));
  }
  if (result.refund)
    await refundOrder(
      ctx,
      payments,
      result.refund.orderId,
      result.refund.amount,
      'paid_after_release',
      systemActor,
    );
  return result.outcome;
}

/** Records a notification whose signature did not verify (it changes nothing else). */
export async function recordForgedNotification(
  ctx: AppContext,
  channel: string,
  rawBody: string,
  ip: string,
): Promise<void> {
  const now = ctx.clock.now();
  await recordAudit(
    ctx.db,
    { accountId: null, role: null, ip },
    {
      action: 'payment.notification.forged',
      outcome: 'failure',
      details: { channel, bytes: rawBody.length },
    },
    now,
  );
}

/**
 * Records a refund in the caller's transaction (the order moves to partially_refunded or refunded at
 * once) and answers its refund number, or null when there is nothing to refund. Idempotent by refund
 * number (`<order>:<reason>`), so a retried cancellation never refunds twice. The gateway is asked after
 * the commit (`submitRefund`); a refund the process never got to submit is picked up by
 * `resubmitPendingRefunds`, so a crash between the two loses no money.
 */
export async function recordRefund(
  trx: Executor,
  orderId: string,
  amountFen: number,
  reason: string,
  actor: Actor,
  now: Date,
): Promise<string | null> {
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
  await recordAudit(
    trx,
    actor,
    {
      action: 'order.refund',
      resourceType: 'payment_order',
      resourceId: o.id,
      patientId: o.patient_id,
      details: { amountFen: amount, reason },
    },
    now,
  );
  return refundNo;
}

/** Asks the order's gateway to pay a recorded refund back (idempotent by refund number at the gateway). */
export async function submitRefund(ctx: AppContext, payments: Payments, refundNo: string): Promise<void> {
  const r = await ctx.db
    .selectFrom('refund as r')
    .innerJoin('payment_order as o', 'o.id', 'r.order_id')
    .select(['r.order_id', 'r.amount_fen', 'r.status', 'o.channel', 'o.amount_fen as total_fen'])
    .where('r.refund_no', '=', refundNo)
    .executeTakeFirst();
  if (r?.status !== 'pending') return;
  const gateway = payments.gateways.get(r.channel ?? '');
  if (!gateway) return; // free or never-prepaid orders have nothing at a gateway
  const result = await gateway.refund({
    orderId: r.order_id,
    refundNo,
    amountFen: r.amount_fen,
    totalFen: r.total_fen,
  });
  await ctx.db
    .updateTable('refund')
    .set({
      gateway_refund_id: result.refundId ?? null,
      ...(result.state !== 'pending' ? { status: result.state, finished_at: ctx.clock.now() } : {}),
    })
    .where('refund_no', '=', refundNo)
    .where('status', '=', 'pending')
    .execute();
}

/** Submits, after the commit, the refunds a transaction recorded; a failure is left for the job to retry. */
export async function submitRefunds(ctx: AppContext, payments: Payments, refundNos: (string | null)[]) {
  for (const no of refundNos) {
    if (!no) continue;
    await submitRefund(ctx, payments, no).catch((err) =>
      ctx.log.error({ err, refundNo: no }, 'refund submission failed; the job will retry'),
    );
  }
}

/** Job: refunds recorded but never accepted by the gateway (crash, gateway down) are submitted again. */
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
  await submitRefunds(
    ctx,
    payments,
    due.map((d) => d.refund_no),
  );
  return due.length;
}

/** Records and submits a refund in one go (callers with no transaction of their own). */
export async function refundOrder(
  ctx: AppContext,
  payments: Payments,
  orderId: string,
  amountFen: number,
  reason: string,
  actor: Actor,
): Promise<void> {
  const now = ctx.clock.now();
  const refundNo = await ctx.db
    .transaction()
    .execute((trx) => recordRefund(trx, orderId, amountFen, reason, actor, now));
  if (refundNo) await submitRefund(ctx, payments, refundNo);
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

/**
 * Reconciliation (对账): asks the gateway about orders left unsure — prepaid, still `created`, older than
 * `minAgeMs` — and applies what it says, so a lost notification never loses a payment.
 */
const RECONCILE_CLOSED_MS = 3600_000;

export async function reconcile(
  ctx: AppContext,
  payments: Payments,
  minAgeMs = 60_000,
): Promise<{ checked: number; applied: number }> {
  const now = ctx.clock.now();
  const unsure = await ctx.db
    .selectFrom('payment_order')
    .select(['id', 'channel', 'amount_fen'])
    .where('prepay_id', 'is not', null)
    .where('created_at', '<', new Date(now.getTime() - minAgeMs))
    // Still open, or closed within the last hour (a payment may land just after its hold expired);
    // older closed orders are settled and are not asked about again on every run.
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
      payments,
      gateway.channel,
      {
        eventId: `query:${q.txnId}`,
        kind: 'payment.succeeded',
        orderId: o.id,
        amountFen: q.amountFen ?? o.amount_fen,
        ...(q.txnId ? { txnId: q.txnId } : {}),
        occurredAt: now.toISOString(),
      },
      { source: 'reconciliation' },
    );
    if (outcome !== 'duplicate') applied += 1;
  }
  return { checked: unsure.length, applied };
}
