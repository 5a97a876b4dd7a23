/**
 * Delivery (药品配送, RX-13): a dispensed delivery fulfilment goes to the courier (an outbox subscriber,
 * idempotent by fulfilment and attempt), the courier's signed status callbacks move it on — each recorded
 * once (delivery_event's unique (courier, event_id)) and applied in state order (created < picked_up <
 * in_transit < delivered | failed: an older status arriving after a newer one is recorded, not applied) —
 * and the patient confirms receipt. A failed delivery returns the parcel to the pharmacy (`returned`),
 * which ships it again or cancels and refunds (fulfilment-end.service.ts).
 */
import type { CourierCallback } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { institutionContacts } from '../directory/directory.api.js';
import { type NoticeTo, notices } from '../notifications/notices.js';
import type { Notice } from '../notifications/notification.service.js';
import { notify } from '../notifications/notify.js';
import { pharmacySites } from '../pharmacy/pharmacy.api.js';
import { recordVisitEvent } from '../visits/visits.api.js';
import { advances } from './courier.js';
import { DISPENSED_TOPIC, type DispensedEvent } from './dispense.service.js';
import {
  addressOfFulfilment,
  fulfilmentRow,
  fulfilmentSide,
  requirePharmacyStaff,
} from './fulfilment-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';
import type { PrescriptionsRuntime } from './prescriptions.runtime.js';
import { readPrescription } from './rx-filling.js';

/** A delivery's status changed (the patient is told; other consumers may follow it). */
export const DELIVERY_STATUS_TOPIC = 'prescriptions.delivery_status';
export interface DeliveryStatusEvent {
  fulfilmentId: string;
  deliveryId: string;
  status: string;
  waybillNo: string | null;
}

const courierActor = (courier: string): Actor => ({ accountId: null, role: `courier:${courier}`, ip: null });

/**
 * The subscriber of `prescriptions.dispensed`: hands a dispensed delivery fulfilment to the courier. The
 * shipment's reference is `<fulfilment>#<attempt>`, the same on every retry of this event (a rolled-back
 * attempt wrote nothing), so the courier answers a retried request with the first waybill.
 */
export async function shipFulfilment(rx: PrescriptionsRuntime, event: DispensedEvent, cmd: CommandScope) {
  const { trx, now, ctx } = cmd;
  const f = await fulfilmentRow(trx, event.fulfilmentId, true);
  if (f.status !== 'dispensed' || f.method !== 'delivery') return; // shipped already, or cancelled
  const courier = rx.couriers.get(rx.defaultCourier);
  if (!courier) throw new Error(`courier ${rx.defaultCourier} is not configured`); // the outbox retries
  const attempts = await trx
    .selectFrom('delivery')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('fulfilment_id', '=', f.id)
    .executeTakeFirstOrThrow();
  const to = addressOfFulfilment(f);
  if (!to) throw new Error(`fulfilment ${f.id}: delivery without an address`);
  const [site] = await pharmacySites(trx, [f.pharmacy_id]);
  const contact = (await institutionContacts(trx, [f.pharmacy_id])).get(f.pharmacy_id);
  const boxes = await trx
    .selectFrom('dispensed_box')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('fulfilment_id', '=', f.id)
    .executeTakeFirstOrThrow();
  const { waybillNo } = await courier.createShipment({
    reference: `${f.id}#${Number(attempts.n) + 1}`,
    fulfilmentId: f.id,
    from: {
      name: contact?.name ?? '',
      address: contact?.address ?? '',
      phone: contact?.phone ?? null,
      lat: site?.lat ?? to.lat,
      lng: site?.lng ?? to.lng,
    },
    to: {
      recipient: to.recipient,
      phone: ctx.cipher.decrypt(to.phoneEnc),
      address: `云川区${to.subdistrictName}${to.detail}`,
      lat: to.lat,
      lng: to.lng,
    },
    parcel: { boxes: Number(boxes.n), description: '处方药品' },
  });
  const deliveryId = newId();
  await trx
    .insertInto('delivery')
    .values({
      id: deliveryId,
      fulfilment_id: f.id,
      courier: courier.name,
      waybill_no: waybillNo,
      status: 'created',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await trx.updateTable('fulfilment').set({ status: 'shipping' }).where('id', '=', f.id).execute();
  const p = await readPrescription(trx, f.prescription_id);
  const details = { prescriptionId: p.id, fulfilmentId: f.id, courier: courier.name, waybillNo };
  await cmd.audit({
    action: 'delivery.create',
    resourceType: 'delivery',
    resourceId: deliveryId,
    patientId: f.patient_id,
    details,
  });
  await recordVisitEvent(trx, p.visit_id, 'rx_shipped', cmd.actor, details, now);
  const status: DeliveryStatusEvent = { fulfilmentId: f.id, deliveryId, status: 'created', waybillNo };
  await cmd.emit(DELIVERY_STATUS_TOPIC, status);
}

/**
 * Applies a verified courier callback: recorded once per (courier, event id); applied when it moves the
 * delivery forward. Answers the outcome: applied, stale (older than where the delivery stands, or for a
 * delivery that is over), duplicate.
 */
export async function applyCourierCallback(
  ctx: AppContext,
  courier: string,
  cb: CourierCallback,
  payload: unknown,
): Promise<'applied' | 'stale' | 'duplicate'> {
  const found = await ctx.db
    .selectFrom('delivery')
    .select(['id', 'fulfilment_id'])
    .where('courier', '=', courier)
    .where('waybill_no', '=', cb.waybillNo)
    .executeTakeFirst();
  if (!found) throw errors.notFound('运单');
  return runCommand(ctx, courierActor(courier), async (cmd) => {
    const { trx, now } = cmd;
    // Locks: the fulfilment, then its delivery.
    const f = await fulfilmentRow(trx, found.fulfilment_id, true);
    const d = await trx
      .selectFrom('delivery')
      .selectAll()
      .where('id', '=', found.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const apply = advances(d.status, cb.status);
    const inserted = await trx
      .insertInto('delivery_event')
      .values({
        id: newId(),
        delivery_id: d.id,
        courier,
        event_id: cb.eventId,
        status: cb.status,
        occurred_at: new Date(cb.occurredAt),
        received_at: now,
        applied: apply,
        outcome: apply ? 'applied' : 'stale',
        payload: JSON.stringify(payload),
      })
      .onConflict((oc) => oc.columns(['courier', 'event_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return 'duplicate';
    await cmd.audit({
      action: 'delivery.callback',
      resourceType: 'delivery',
      resourceId: d.id,
      patientId: f.patient_id,
      details: { waybillNo: cb.waybillNo, status: cb.status, eventId: cb.eventId, applied: apply },
    });
    if (!apply) return 'stale';
    await trx
      .updateTable('delivery')
      .set({ status: cb.status, updated_at: now })
      .where('id', '=', d.id)
      .execute();
    const p = await readPrescription(trx, f.prescription_id);
    const facts = { prescriptionId: p.id, fulfilmentId: f.id, waybillNo: cb.waybillNo };
    if (cb.status === 'delivered' && f.status === 'shipping') {
      await trx.updateTable('fulfilment').set({ status: 'delivered' }).where('id', '=', f.id).execute();
      await recordVisitEvent(trx, p.visit_id, 'rx_delivered', cmd.actor, facts, now);
    } else if (cb.status === 'failed' && f.status === 'shipping') {
      // The parcel goes back to the pharmacy, which ships it again or cancels and refunds.
      await trx.updateTable('fulfilment').set({ status: 'returned' }).where('id', '=', f.id).execute();
      await recordVisitEvent(
        trx,
        p.visit_id,
        'rx_delivery_failed',
        cmd.actor,
        { ...facts, note: cb.note ?? null },
        now,
      );
    }
    const event: DeliveryStatusEvent = {
      fulfilmentId: f.id,
      deliveryId: d.id,
      status: cb.status,
      waybillNo: cb.waybillNo,
    };
    await cmd.emit(DELIVERY_STATUS_TOPIC, event);
    return 'applied';
  });
}

/** The notice of each delivery status (texts in notifications/notices.ts; SMS when it arrives or fails). */
const STATUS_NOTICE = {
  created: (to: NoticeTo, waybill: string) => notices.rxShipped(to, { waybill }),
  picked_up: (to: NoticeTo, waybill: string) => notices.rxCourierPickedUp(to, { waybill }),
  delivered: (to: NoticeTo) => notices.rxDelivered(to, {}),
  failed: (to: NoticeTo) => notices.rxDeliveryFailed(to, {}),
} as Record<string, ((to: NoticeTo, waybill: string) => Notice) | undefined>;

/** The subscriber of `prescriptions.delivery_status`: tells the patient (an SMS when it arrives or fails). */
export async function notifyDeliveryStatus(event: DeliveryStatusEvent, cmd: CommandScope): Promise<void> {
  const n = STATUS_NOTICE[event.status];
  if (!n) return;
  const f = await fulfilmentRow(cmd.trx, event.fulfilmentId);
  await notify(
    cmd,
    n({ accountId: f.account_id, patientId: f.patient_id, refId: f.id }, event.waybillNo ?? ''),
  );
}

/** The patient confirms receipt (a parcel in hand, whether or not the courier has said delivered yet). */
export async function confirmReceipt(
  ctx: AppContext,
  auth: AuthContext,
  fulfilmentId: string,
  actor: Actor,
): Promise<void> {
  const seen = await fulfilmentRow(ctx.db, fulfilmentId);
  if ((await fulfilmentSide(ctx.db, auth, seen)) !== 'patient') throw errors.forbidden('由患者确认收货。');
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const f = await fulfilmentRow(trx, fulfilmentId, true);
    if (f.status !== 'delivered' && f.status !== 'shipping')
      throw prescriptionErrors.fulfilmentState(
        f.status === 'received' ? '已确认收货。' : '药品尚未发出或不是配送订单。',
      );
    await trx
      .updateTable('fulfilment')
      .set({ status: 'received', completed_at: now })
      .where('id', '=', f.id)
      .execute();
    const p = await readPrescription(trx, f.prescription_id);
    await cmd.audit({
      action: 'fulfilment.receive',
      resourceType: 'fulfilment',
      resourceId: f.id,
      patientId: f.patient_id,
    });
    await recordVisitEvent(
      trx,
      p.visit_id,
      'rx_received',
      actor,
      { prescriptionId: p.id, fulfilmentId: f.id },
      now,
    );
  });
}

/** The pharmacy ships a returned parcel again: a new delivery through the courier (a new attempt). */
export async function reshipFulfilment(
  ctx: AppContext,
  auth: AuthContext,
  fulfilmentId: string,
  actor: Actor,
): Promise<void> {
  const seen = await fulfilmentRow(ctx.db, fulfilmentId);
  requirePharmacyStaff(auth, seen.pharmacy_id);
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const f = await fulfilmentRow(trx, fulfilmentId, true);
    if (f.status !== 'returned')
      throw prescriptionErrors.fulfilmentState('只有配送失败退回的订单可以重新发货。');
    await trx
      .updateTable('delivery')
      .set({ status: 'returned', updated_at: now })
      .where('fulfilment_id', '=', f.id)
      .where('status', '=', 'failed')
      .execute();
    await trx.updateTable('fulfilment').set({ status: 'dispensed' }).where('id', '=', f.id).execute();
    await cmd.audit({
      action: 'fulfilment.reship',
      resourceType: 'fulfilment',
      resourceId: f.id,
      patientId: f.patient_id,
    });
    const event: DispensedEvent = { fulfilmentId: f.id };
    await cmd.emit(DISPENSED_TOPIC, event);
  });
}
