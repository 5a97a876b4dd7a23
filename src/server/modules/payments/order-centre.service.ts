/**
 * The order centre ([8/12] 缴费记录): every order of the caller and of the family members they act for
 * (ID-6), newest first, with who and what it is for, its insurance split and its payments and refunds.
 *
 * Payments owns payment_order and refund; what other modules know (the insurance settlement, the booked
 * window of an appointment) comes in through `OrderFacts`, which the routes wire to those modules'
 * exported functions, so this service imports neither (scheduling and insurance import payments).
 */
import type {
  OrderDetail,
  OrderPayment,
  OrderRefundLine,
  OrderSummary,
  OrdersQuery,
} from '../../../shared/orders.js';
import type { OrderStatus } from '../../../shared/payments.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { cutPage, DEFAULT_LIMIT, decodeCursor, olderThan, type Page } from '../../platform/paging.js';
import { patientNames, patientsOfAccount } from '../identity/identity.api.js';
import { gatewayAmount, type OrderRow, orderFor, orderLines } from './payment.service.js';

/** The insurance split of an order, as insurance reports it (orderInsuranceSummary). */
export interface InsuranceSplit {
  settlementId: string;
  status: NonNullable<OrderSummary['insurance']>['status'];
  fundFen: number;
  accountFen: number;
  cashFen: number;
}

/** What other modules tell the order centre about an order (wired by the routes). */
export interface OrderFacts {
  insurance(db: Executor, orderId: string): Promise<InsuranceSplit | null>;
  /** The start of an appointment's booked window (scheduling), or null when unknown. */
  appointmentStart(db: Executor, appointmentId: string): Promise<Date | null>;
}

/** A refund's reason as a patient (and the receipt) reads it. */
export function refundReasonText(reason: string): string {
  if (reason === 'cancelled') return '取消预约退款';
  if (reason === 'schedule_stopped') return '医生停诊退款';
  if (reason === 'visit_ended' || reason === 'visit_expired') return '问诊未完成退款';
  if (reason.startsWith('rx_')) return '处方订单取消退款';
  if (reason.startsWith('late_')) return '超时支付退款';
  return '退款';
}

const SHANGHAI_MS = 8 * 3600_000;

/** 12月7日 上午: the day and half-day of an instant in Asia/Shanghai. */
export function dayAndSession(at: Date): string {
  const s = new Date(at.getTime() + SHANGHAI_MS);
  const hour = s.getUTCHours();
  const session = hour < 12 ? '上午' : hour < 18 ? '下午' : '晚上';
  return `${s.getUTCMonth() + 1}月${s.getUTCDate()}日 ${session}`;
}

/** An appointment order's description as booking writes it: `挂号费 陈建国 2026-12-07`. */
const APPOINTMENT_DESCRIPTION = /^挂号费 (\S+) (\d{4})-(\d{2})-(\d{2})/;

/** What an order is for, in a patient's words: 挂号费 · 陈建国 · 12月7日 上午 / 在线咨询（心内科）/ 处方药费 · 药房. */
export function orderTitle(
  o: Pick<OrderRow, 'purpose' | 'description'>,
  appointmentAt: Date | null,
): { title: string; doctorName: string | null } {
  if (o.purpose !== 'appointment') return { title: o.description, doctorName: null };
  const m = APPOINTMENT_DESCRIPTION.exec(o.description);
  if (!m) return { title: o.description, doctorName: null };
  const day = appointmentAt ? dayAndSession(appointmentAt) : `${Number(m[3])}月${Number(m[4])}日`;
  const waitlisted = o.description.includes('候补') ? '（候补）' : '';
  return { title: `挂号费 · ${m[1]} · ${day}${waitlisted}`, doctorName: m[1]! };
}

/**
 * The receipt number (电子票据号) of a paid order: stable (the paid day in Shanghai and the order id), so
 * every download of the same order's receipt carries the same number. The id's last 12 hex digits are its random
 * part (a UUIDv7 begins with its time, which orders of the same millisecond share).
 */
export function receiptNo(o: Pick<OrderRow, 'id' | 'paid_at'>): string | null {
  if (!o.paid_at) return null;
  const day = new Date(o.paid_at.getTime() + SHANGHAI_MS).toISOString().slice(0, 10).replaceAll('-', '');
  return `YY${day}${o.id.replaceAll('-', '').slice(-12).toUpperCase()}`;
}

/** Money that came in: insurance's parts (once it settled) and the gateway's cash part. */
function paymentsOf(o: OrderRow, insurance: InsuranceSplit | null): OrderPayment[] {
  if (!o.paid_at) return [];
  const at = o.paid_at.toISOString();
  const out: OrderPayment[] = [];
  // A settlement that settled (and may since be reversing or reversed) paid its parts.
  const settled = insurance && ['settled', 'reversing', 'reversed'].includes(insurance.status);
  if (settled && insurance.fundFen > 0)
    out.push({ method: 'insurance_fund', channel: null, amountFen: insurance.fundFen, at });
  if (settled && insurance.accountFen > 0)
    out.push({ method: 'insurance_account', channel: null, amountFen: insurance.accountFen, at });
  const cash = settled ? insurance.cashFen : gatewayAmount(o);
  if (cash > 0) out.push({ method: 'gateway', channel: o.channel, amountFen: cash, at });
  return out;
}

async function refundsOf(db: Executor, orderIds: string[]): Promise<Map<string, OrderRefundLine[]>> {
  const out = new Map<string, OrderRefundLine[]>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .selectFrom('refund')
    .select(['order_id', 'amount_fen', 'status', 'reason', 'created_at', 'finished_at'])
    .where('order_id', 'in', orderIds)
    .orderBy('created_at')
    .orderBy('refund_no')
    .execute();
  for (const r of rows) {
    const list = out.get(r.order_id) ?? [];
    list.push({
      amountFen: r.amount_fen,
      status: r.status as OrderRefundLine['status'],
      reason: r.reason,
      reasonText: refundReasonText(r.reason),
      createdAt: r.created_at.toISOString(),
      finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    });
    out.set(r.order_id, list);
  }
  return out;
}

/** An order row with its creation time (selectAll reads it; OrderRow leaves it out). */
export type CentreRow = OrderRow & { created_at: Date };

export async function orderSummaries(
  ctx: AppContext,
  rows: CentreRow[],
  facts: OrderFacts,
): Promise<OrderSummary[]> {
  const now = ctx.clock.now();
  const names = await patientNames(
    ctx.db,
    rows.map((r) => r.patient_id),
  );
  const refunds = await refundsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return Promise.all(
    rows.map(async (o) => {
      const insurance = await facts.insurance(ctx.db, o.id);
      const start = o.purpose === 'appointment' ? await facts.appointmentStart(ctx.db, o.ref_id) : null;
      const { title, doctorName } = orderTitle(o, start);
      const summary: OrderSummary = {
        id: o.id,
        patientId: o.patient_id,
        patientName: names.get(o.patient_id) ?? '',
        purpose: o.purpose,
        refId: o.ref_id,
        description: o.description,
        title,
        doctorName,
        appointmentAt: start ? start.toISOString() : null,
        amountFen: o.amount_fen,
        refundedFen: o.refunded_fen,
        status: o.status as OrderStatus,
        payable: o.status === 'created' && o.expires_at.getTime() > now.getTime(),
        channel: o.channel,
        createdAt: o.created_at.toISOString(),
        expiresAt: o.expires_at.toISOString(),
        paidAt: o.paid_at ? o.paid_at.toISOString() : null,
        cashFen: gatewayAmount(o),
        ...(insurance ? { insurance } : {}),
        payments: paymentsOf(o, insurance),
        refunds: refunds.get(o.id) ?? [],
        receiptAvailable: o.paid_at !== null,
      };
      return summary;
    }),
  );
}

/**
 * `GET /orders`: the orders of every patient the caller is or acts for (ID-6: their own record and the
 * family members with an active proxy), newest first, keyset-paged by (created_at, id); index
 * payment_order_patient_created (0023) serves each patient's range.
 */
export async function listOrders(
  ctx: AppContext,
  auth: AuthContext,
  query: OrdersQuery,
  facts: OrderFacts,
  actor: Actor,
): Promise<Page<OrderSummary>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(query.before, ['instant', 'uuid'] as const);
  const patientIds = await patientsOfAccount(ctx.db, auth.accountId);
  if (patientIds.length === 0) return { items: [], nextCursor: null };
  let q = ctx.db.selectFrom('payment_order').selectAll().where('patient_id', 'in', patientIds);
  if (query.status) q = q.where('status', '=', query.status);
  const rows = await q
    .where(olderThan('created_at', after))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'order.list',
      resourceType: 'payment_order',
      // Whose orders were shown: the caller's own and any family member's (ID-6).
      details: {
        count: page.rows.length,
        status: query.status ?? null,
        patientIds: [...new Set(page.rows.map((r) => r.patient_id))],
      },
    },
    ctx.clock.now(),
  );
  return { items: await orderSummaries(ctx, page.rows, facts), nextCursor: page.nextCursor };
}

/** `GET /orders/{id}`: one order the caller may see (404 / 403 otherwise), with its lines and receipt number. */
export async function orderDetail(
  ctx: AppContext,
  auth: AuthContext,
  orderId: string,
  facts: OrderFacts,
): Promise<OrderDetail> {
  // orderFor selects every column: created_at is there though OrderRow does not name it.
  const order = (await orderFor(ctx, auth, orderId)) as CentreRow;
  const [summary] = await orderSummaries(ctx, [order], facts);
  const lines = await orderLines(ctx.db, order.id);
  return { ...summary!, ...(lines.length > 0 ? { lines } : {}), receiptNo: receiptNo(order) };
}
