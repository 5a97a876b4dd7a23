/**
 * Reading fulfilments: one with its boxes, its delivery and a timeline built from the rows (created,
 * paid, dispensed, shipped, the courier's statuses, received, cancelled, refunded — zh-CN and en-US), and
 * the lists: a pharmacy's queue for its staff, the patient's own. The pick-up code is shown to the patient
 * side only: the pharmacy asks for it at the counter. Staff reads are audited (DJ-12).
 */
import type { FulfilmentSummary, FulfilmentView, TimelineEntry } from '../../../shared/prescriptions.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { cutPage, decodeCursor, type Page } from '../../platform/paging.js';
import { institutionContacts } from '../directory/directory.api.js';
import { patientNames, patientsOfAccount } from '../identity/identity.api.js';
import { orderLines, orderPaidAt, orderRefunds } from '../payments/payments.api.js';
import { drugCards } from './drug-cards.api.js';
import {
  addressOfFulfilment,
  type FulfilmentRow,
  fulfilmentRow,
  fulfilmentSide,
  requirePharmacyStaff,
} from './fulfilment-store.js';
import { fillLines, readPrescription } from './rx-filling.js';

const COURIER_TEXT: Record<string, [string, string]> = {
  picked_up: ['快递员已揽收', 'Picked up by the courier'],
  in_transit: ['运输中', 'In transit'],
  delivered: ['已送达', 'Delivered'],
  failed: ['配送失败，包裹退回药房', 'Delivery failed; the parcel goes back to the pharmacy'],
};
const COURIER_KIND: Record<string, string> = {
  picked_up: 'picked_up',
  in_transit: 'in_transit',
  delivered: 'delivered',
  failed: 'returned',
};
const CANCEL_TEXT: Record<string, [string, string]> = {
  payment_timeout: [
    '未在时限内支付，订单已取消，库存已释放',
    'Not paid in time; cancelled and the stock released',
  ],
  prescription_expired: ['处方已过期，订单已取消', 'The prescription expired; the order is cancelled'],
  pharmacy_cancelled: ['药房取消了订单', 'Cancelled by the pharmacy'],
  patient_cancelled: ['已取消订单', 'Cancelled by the patient'],
};

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const REFUND_TEXT: Record<string, [(amount: string) => string, (amount: string) => string]> = {
  pending: [
    (a) => `药费 ${a} 退款已发起，将原路退回`,
    (a) => `Refund of ${a} requested; it goes back the way it was paid`,
  ],
  succeeded: [(a) => `药费 ${a} 已原路退回`, (a) => `${a} refunded the way it was paid`],
  failed: [
    (a) => `药费 ${a} 退款未成功，请联系平台客服`,
    (a) => `Refund of ${a} did not go through; please contact support`,
  ],
};

/** The fulfilment's story from its rows and its order's refunds, oldest first. */
async function timelineOf(db: Executor, f: FulfilmentRow): Promise<TimelineEntry[]> {
  const entries: (TimelineEntry & { rank: number })[] = [];
  const add = (at: Date | null, kind: string, text: string, textEn: string, rank: number) => {
    if (at) entries.push({ at: at.toISOString(), kind, text, textEn, rank });
  };
  const pickup = f.method === 'pickup';
  add(
    f.created_at,
    'created',
    pickup ? '已选择药房，到店自取' : '已选择药房，配送到家',
    pickup ? 'Pharmacy chosen for pick-up' : 'Pharmacy chosen for delivery',
    0,
  );
  add(f.paid_at, 'paid', '已支付药费', 'Paid', 1);
  add(
    f.dispensed_at,
    'dispensed',
    pickup ? '药师已发药，患者已取药' : '药师已调配发药',
    pickup ? 'Dispensed and picked up' : 'Dispensed',
    2,
  );
  const deliveries = await db
    .selectFrom('delivery')
    .selectAll()
    .where('fulfilment_id', '=', f.id)
    .orderBy('created_at')
    .execute();
  const events =
    deliveries.length === 0
      ? []
      : await db
          .selectFrom('delivery_event')
          .select(['delivery_id', 'status', 'occurred_at', 'received_at'])
          .where(
            'delivery_id',
            'in',
            deliveries.map((d) => d.id),
          )
          .where('applied', '=', true)
          .orderBy('received_at')
          .execute();
  deliveries.forEach((d, i) => {
    add(
      d.created_at,
      'shipped',
      `${i > 0 ? '重新发货' : '已发货'}，运单号 ${d.waybill_no ?? '—'}`,
      `${i > 0 ? 'Shipped again' : 'Shipped'}, waybill ${d.waybill_no ?? '—'}`,
      3,
    );
    for (const e of events.filter((x) => x.delivery_id === d.id)) {
      const [text, textEn] = COURIER_TEXT[e.status] ?? [e.status, e.status];
      add(e.received_at, COURIER_KIND[e.status] ?? e.status, text, textEn, 4);
    }
  });
  if (f.status === 'received') add(f.completed_at, 'received', '患者已确认收货', 'Receipt confirmed', 5);
  if (f.status === 'cancelled') {
    const reason = (f.cancel_reason ?? '').split(':')[0]!;
    const note = (f.cancel_reason ?? '').split(': ').slice(1).join(': ');
    const [text, textEn] = CANCEL_TEXT[reason] ?? ['订单已取消', 'Cancelled'];
    add(
      f.cancelled_at,
      reason === 'prescription_expired' ? 'expired' : 'cancelled',
      note ? `${text}：${note}` : text,
      note ? `${textEn}: ${note}` : textEn,
      6,
    );
  }
  // The money that went back, from the order's refunds (payments' record), not from the fulfilment: a
  // payment that landed after the fulfilment ended never marked it paid, and is refunded all the same.
  for (const r of await orderRefunds(db, f.order_id)) {
    const [text, textEn] = REFUND_TEXT[r.status] ?? REFUND_TEXT.pending!;
    add(r.createdAt, 'refunded', text(yuan(r.amountFen)), textEn(yuan(r.amountFen)), 7);
  }
  entries.sort((a, b) => a.at.localeCompare(b.at) || a.rank - b.rank);
  return entries.map(({ rank: _rank, ...e }) => e);
}

export async function fulfilmentView(
  db: Executor,
  f: FulfilmentRow,
  side: 'patient' | 'pharmacy',
): Promise<FulfilmentView> {
  const [p, lines, names, contacts, paidAt, boxes, delivery, timeline] = await Promise.all([
    readPrescription(db, f.prescription_id),
    fillLines(db, f.prescription_id),
    patientNames(db, [f.patient_id]),
    institutionContacts(db, [f.pharmacy_id]),
    orderPaidAt(db, f.order_id),
    db
      .selectFrom('dispensed_box')
      .select(['drug_id', 'batch_no', 'trace_code'])
      .where('fulfilment_id', '=', f.id)
      .orderBy('drug_id')
      .orderBy('trace_code')
      .execute(),
    db
      .selectFrom('delivery')
      .select(['courier', 'waybill_no', 'status'])
      .where('fulfilment_id', '=', f.id)
      .orderBy('created_at', 'desc')
      .executeTakeFirst(),
    timelineOf(db, f),
  ]);
  const prices = new Map(
    (await orderLines(db, f.order_id)).filter((l) => l.kind === 'drug').map((l) => [l.ref, l.unitPriceFen]),
  );
  const address = addressOfFulfilment(f);
  const contact = contacts.get(f.pharmacy_id);
  return {
    id: f.id,
    prescriptionId: f.prescription_id,
    patientName: names.get(f.patient_id) ?? '',
    pharmacyId: f.pharmacy_id,
    pharmacyName: contact?.name ?? '',
    pharmacyAddress: contact?.address ?? '',
    method: f.method as FulfilmentView['method'],
    status: f.status as FulfilmentView['status'],
    orderId: f.order_id,
    orderStatus: f.status === 'cancelled' ? (paidAt ? 'refunded' : 'closed') : paidAt ? 'paid' : 'created',
    drugFen: f.drug_fen,
    deliveryFeeFen: f.delivery_fee_fen,
    pickupCode: side === 'patient' ? f.pickup_code : null,
    address: address
      ? {
          recipient: address.recipient,
          phoneMasked: address.phoneMasked,
          subdistrict: address.subdistrictName,
          detail: address.detail,
        }
      : null,
    items: lines.map((l) => ({
      drugId: l.drugId,
      genericName: l.card.genericName,
      spec: l.card.spec,
      quantity: l.quantity,
      packageUnit: l.card.packageUnit,
      unitPriceFen: prices.get(l.drugId) ?? l.card.priceFen,
    })),
    boxes: boxes.map((b) => ({ drugId: b.drug_id, batchNo: b.batch_no, traceCode: b.trace_code })),
    delivery: delivery
      ? { courier: delivery.courier, waybillNo: delivery.waybill_no, status: delivery.status }
      : null,
    timeline,
    createdAt: f.created_at.toISOString(),
    validUntil: p.valid_until ? p.valid_until.toISOString() : null,
    cancelReason: f.cancel_reason,
  };
}

export async function getFulfilment(
  ctx: AppContext,
  auth: AuthContext,
  fulfilmentId: string,
  actor: Actor,
): Promise<FulfilmentView> {
  const f = await fulfilmentRow(ctx.db, fulfilmentId);
  const side = await fulfilmentSide(ctx.db, auth, f);
  if (side === 'pharmacy')
    await recordAudit(
      ctx.db,
      actor,
      { action: 'fulfilment.read', resourceType: 'fulfilment', resourceId: f.id, patientId: f.patient_id },
      ctx.clock.now(),
    );
  return fulfilmentView(ctx.db, f, side);
}

/**
 * A page of fulfilments, newest first: the staff's pharmacy queue (their institution), or the patient
 * side's own (the account's patients: itself and those it acts for).
 */
export async function listFulfilments(
  ctx: AppContext,
  auth: AuthContext,
  query: {
    pharmacyId?: string | undefined;
    status?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
  actor: Actor,
): Promise<Page<FulfilmentSummary>> {
  const limit = query.limit ?? 20;
  const after = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  const staff = !auth.roles.includes('patient');
  let q = ctx.db.selectFrom('fulfilment').selectAll();
  if (staff) {
    const pharmacyId = query.pharmacyId ?? auth.institutionId ?? '';
    requirePharmacyStaff(auth, pharmacyId);
    q = q.where('pharmacy_id', '=', pharmacyId);
  } else {
    const patients = await patientsOfAccount(ctx.db, auth.accountId);
    if (patients.length === 0) return { items: [], nextCursor: null };
    q = q.where('patient_id', 'in', patients);
  }
  if (query.status) q = q.where('status', '=', query.status);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', new Date(after[0])),
        eb.and([eb('created_at', '=', new Date(after[0])), eb('id', '<', after[1])]),
      ]),
    );
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
  if (page.rows.length === 0) return { items: [], nextCursor: null };
  const [names, contacts] = await Promise.all([
    patientNames(
      ctx.db,
      page.rows.map((r) => r.patient_id),
    ),
    institutionContacts(
      ctx.db,
      page.rows.map((r) => r.pharmacy_id),
    ),
  ]);
  const items = await ctx.db
    .selectFrom('prescription_item')
    .select(['prescription_id', 'drug_id'])
    .where(
      'prescription_id',
      'in',
      page.rows.map((r) => r.prescription_id),
    )
    .orderBy('line')
    .execute();
  const cards = await drugCards(
    ctx.db,
    items.map((i) => i.drug_id),
  );
  if (staff)
    await recordAudit(
      ctx.db,
      actor,
      {
        action: 'fulfilment.list',
        resourceType: 'fulfilment',
        details: { pharmacyId: query.pharmacyId ?? auth.institutionId, count: page.rows.length },
      },
      ctx.clock.now(),
    );
  return {
    items: page.rows.map((f) => ({
      id: f.id,
      prescriptionId: f.prescription_id,
      patientName: names.get(f.patient_id) ?? '',
      pharmacyName: contacts.get(f.pharmacy_id)?.name ?? '',
      method: f.method as FulfilmentSummary['method'],
      status: f.status as FulfilmentSummary['status'],
      drugs: items
        .filter((i) => i.prescription_id === f.prescription_id)
        .map((i) => cards.get(i.drug_id)?.genericName ?? i.drug_id),
      totalFen: f.drug_fen + f.delivery_fee_fen,
      createdAt: f.created_at.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}
