/**
 * How a fulfilment ends unfilled, and the money goes back: the pharmacy cannot fill it (or the parcel came
 * back and it will not ship again), the patient changes their mind before dispensing, the payment window
 * lapses, or the prescription expires unfilled (RX-6). The stock is released, an unpaid order is closed,
 * a paid one refunded in full (payments' `requestRefund`, an outbox event to the gateway). Orders exist
 * only once a prescription is approved: a rejected prescription has nothing to refund.
 */
import type { Actor } from '../../platform/audit/audit.js';
import { systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { closeOrder, lockOrder, orderRefunds, requestRefund } from '../payments/payments.api.js';
import { releaseReservation } from '../pharmacy/pharmacy.api.js';
import { recordVisitEvent } from '../visits/visits.api.js';
import { PAYMENT_WINDOW_MS } from './fulfilment.service.js';
import { type FulfilmentRow, fulfilmentRow, fulfilmentSide, liveFulfilment } from './fulfilment-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';
import {
  approvedPastValidity,
  isPastValidity,
  lockPrescription,
  markExpired,
  type PrescriptionRow,
} from './rx-filling.js';

export type EndReason =
  | 'pharmacy_cancelled'
  | 'patient_cancelled'
  | 'payment_timeout'
  | 'prescription_expired';

// The patient's notice of each reason is notices.rxEnded (notifications/notices.ts), in zh-CN and en-US.

/**
 * Ends a fulfilment in the caller's command, with the order (`orderStatus`, from `lockOrder`), the
 * prescription and the fulfilment already locked in that order. Answers whether money went back.
 */
async function endFulfilment(
  cmd: CommandScope,
  f: FulfilmentRow,
  p: PrescriptionRow,
  orderStatus: string | undefined,
  reason: EndReason,
  note: string | null,
): Promise<boolean> {
  const { trx, now } = cmd;
  // Paid is what the order says: a payment may have landed whose order_paid subscriber has not yet run;
  // it will find the fulfilment cancelled, answer false, and find nothing left to refund.
  const paid = orderStatus === 'paid' || orderStatus === 'partially_refunded';
  if (orderStatus === 'created') await closeOrder(trx, f.order_id, now);
  const refundNo = paid
    ? await requestRefund(cmd, f.order_id, f.drug_fen + f.delivery_fee_fen, `rx_${reason}`)
    : null;
  await trx
    .updateTable('fulfilment')
    .set({ status: 'cancelled', cancelled_at: now, cancel_reason: note ? `${reason}: ${note}` : reason })
    .where('id', '=', f.id)
    .execute();
  // A parcel that came back is at the pharmacy again.
  await trx
    .updateTable('delivery')
    .set({ status: 'returned', updated_at: now })
    .where('fulfilment_id', '=', f.id)
    .where('status', '=', 'failed')
    .execute();
  // Stock last: the lock order is fulfilment → delivery → stock (docs/prescriptions.md).
  await releaseReservation(trx, f.id, now);
  const details = {
    prescriptionId: p.id,
    fulfilmentId: f.id,
    reason,
    ...(note ? { note } : {}),
    ...(refundNo ? { refundFen: f.drug_fen + f.delivery_fee_fen } : {}),
  };
  await cmd.audit({
    action: 'fulfilment.cancel',
    resourceType: 'fulfilment',
    resourceId: f.id,
    patientId: f.patient_id,
    details,
  });
  await recordVisitEvent(
    trx,
    p.visit_id,
    refundNo ? 'rx_refunded' : 'rx_fulfilment_cancelled',
    cmd.actor,
    details,
    now,
  );
  const to = { accountId: f.account_id, patientId: f.patient_id, refId: f.id, sms: refundNo !== null };
  await notify(cmd, notices.rxEnded(to, { reason, ...(note ? { note } : {}), refunded: refundNo !== null }));
  return refundNo !== null;
}

/**
 * The pharmacy cannot fill it (awaiting payment, paid, or returned after a failed delivery), or the
 * patient cancels before dispensing (awaiting payment or paid). Paid money goes back in full.
 */
export async function cancelFulfilment(
  ctx: AppContext,
  auth: AuthContext,
  fulfilmentId: string,
  reason: string,
  actor: Actor,
): Promise<void> {
  const seen = await fulfilmentRow(ctx.db, fulfilmentId);
  const side = await fulfilmentSide(ctx.db, auth, seen);
  await runCommand(ctx, actor, async (cmd) => {
    const orderStatus = await lockOrder(cmd.trx, seen.order_id);
    const p = await lockPrescription(cmd.trx, seen.prescription_id);
    const f = await fulfilmentRow(cmd.trx, fulfilmentId, true);
    const allowed =
      side === 'pharmacy' ? ['awaiting_payment', 'paid', 'returned'] : ['awaiting_payment', 'paid'];
    if (!allowed.includes(f.status))
      throw prescriptionErrors.fulfilmentState(
        side === 'pharmacy'
          ? '只能取消未发药的订单，或配送失败退回药房的订单。'
          : '药房已发药，不能再取消；如有问题请联系药房。',
      );
    await endFulfilment(
      cmd,
      f,
      p,
      orderStatus,
      side === 'pharmacy' ? 'pharmacy_cancelled' : 'patient_cancelled',
      reason,
    );
  });
}

/** Job: unpaid fulfilments past their payment window (30 min, or the prescription's validity) lapse. */
export async function lapseUnpaidFulfilments(ctx: AppContext, limit = 100): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('fulfilment as f')
    .innerJoin('prescription as p', 'p.id', 'f.prescription_id')
    .select(['f.id', 'f.order_id', 'f.prescription_id'])
    .where('f.status', '=', 'awaiting_payment')
    .where((eb) =>
      eb.or([
        eb('f.created_at', '<=', new Date(now.getTime() - PAYMENT_WINDOW_MS)),
        eb('p.valid_until', '<=', now),
      ]),
    )
    .orderBy('f.created_at')
    .limit(limit)
    .execute();
  let lapsed = 0;
  for (const d of due) {
    const done = await runCommand(ctx, systemActor, async (cmd) => {
      // Paid already, its subscriber not yet run (backing off): the payment is kept, not lapsed.
      const orderStatus = await lockOrder(cmd.trx, d.order_id);
      if (orderStatus === 'paid') return false;
      const p = await lockPrescription(cmd.trx, d.prescription_id);
      const f = await fulfilmentRow(cmd.trx, d.id, true);
      if (f.status !== 'awaiting_payment') return false;
      await endFulfilment(cmd, f, p, orderStatus, 'payment_timeout', null);
      return true;
    }).catch((err) => {
      ctx.log.error({ err, fulfilmentId: d.id }, 'fulfilment lapse failed; the job will retry');
      return false;
    });
    if (done) lapsed += 1;
  }
  return lapsed;
}

/**
 * Whether a fulfilment of the prescription was cancelled because it expired (`prescription_expired`, when
 * its payment landed too late: `fulfilmentPaid`) and its order's money went back.
 */
async function refundedAtExpiry(trx: Executor, prescriptionId: string): Promise<boolean> {
  const ended = await trx
    .selectFrom('fulfilment')
    .select('order_id')
    .where('prescription_id', '=', prescriptionId)
    .where('status', '=', 'cancelled')
    .where('cancel_reason', '=', 'prescription_expired')
    .execute();
  for (const e of ended) if ((await orderRefunds(trx, e.order_id)).length > 0) return true;
  return false;
}

/**
 * Job (RX-6): approved prescriptions past their validity and not dispensed expire; a live fulfilment is
 * ended — its stock released, its order closed or, when paid, refunded.
 */
export async function expireUnfilledPrescriptions(ctx: AppContext, limit = 100): Promise<number> {
  const ids = await approvedPastValidity(ctx.db, ctx.clock.now(), limit);
  let expired = 0;
  for (const id of ids) {
    const done = await runCommand(ctx, systemActor, async (cmd) => {
      const { trx, now } = cmd;
      // The live fulfilment is read before any lock (its order's lock comes first), so it may change
      // before the prescription's lock is held — cancelled, or another chosen (under the prescription's
      // lock) right at the end of the validity — and this command would then hold no lock on the order it
      // ends. Read it again under the prescription's lock; if it is not the one whose order we locked,
      // leave the prescription to the next run.
      const live = await liveFulfilment(trx, id);
      const orderStatus = live ? await lockOrder(trx, live.order_id) : undefined;
      const p = await lockPrescription(trx, id);
      if (p.status !== 'approved' || !isPastValidity(p, now)) return false;
      const current = await liveFulfilment(trx, id);
      if (current?.id !== live?.id) return false;
      const f = live ? await fulfilmentRow(trx, live.id, true) : undefined;
      let refunded = false;
      if (f && (f.status === 'awaiting_payment' || f.status === 'paid'))
        refunded = await endFulfilment(cmd, f, p, orderStatus, 'prescription_expired', null);
      else if (f && f.status !== 'cancelled') return false; // dispensed meanwhile: not ours to expire
      // A payment that landed after the validity ended was refunded then (fulfilmentPaid): say so too.
      if (!f) refunded = await refundedAtExpiry(trx, p.id);
      await markExpired(trx, p.id, now);
      await cmd.audit({
        action: 'prescription.expire',
        resourceType: 'prescription',
        resourceId: p.id,
        patientId: p.patient_id,
        details: { validUntil: p.valid_until?.toISOString() ?? null, refunded },
      });
      await recordVisitEvent(
        trx,
        p.visit_id,
        'rx_expired',
        cmd.actor,
        { prescriptionId: p.id, refunded },
        now,
      );
      return true;
    }).catch((err) => {
      ctx.log.error({ err, prescriptionId: id }, 'prescription expiry failed; the job will retry');
      return false;
    });
    if (done) expired += 1;
  }
  return expired;
}
