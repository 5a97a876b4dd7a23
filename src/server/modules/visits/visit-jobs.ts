/**
 * Background moves of the visit lifecycle, run by the job loop (and by tests with a moved clock):
 * booked visits enter the queue, unpaid ones lapse, unstarted ones expire with a full refund, and completed
 * text visits' chats close 48 h after the last message. Each move is one conditional UPDATE in one command,
 * so a move that raced with a user's action (start, cancel) simply does not happen. A move that may touch
 * an order locks the order first (docs/payments.md, lock order).
 */
import { systemActor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { closeOrder, lockOrder } from '../payments/payments.api.js';
import { systemLines } from './system-lines.js';
import { endUnstarted, refundVisitFee } from './visit-settlement.js';
import { systemMessage, visitEvent } from './visit-store.js';
import type { VisitsRuntime } from './visits.runtime.js';

const BATCH = 100;

export async function openBookedQueues(ctx: AppContext, rt: VisitsRuntime): Promise<number> {
  const rows = await runCommand(ctx, systemActor, async ({ trx, now }) => {
    const due = await trx
      .selectFrom('visit')
      .select('id')
      .where('status', '=', 'paid')
      .where('queue_opens_at', '<=', now)
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    const moved = await trx
      .updateTable('visit')
      .set({
        status: 'waiting',
        queued_at: now,
        expires_at: new Date(now.getTime() + ctx.config.visits.expiryMs),
      })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where('status', '=', 'paid')
      .returning('id')
      .execute();
    for (const m of moved) await visitEvent(trx, m.id, 'queued', systemActor, now);
    return moved;
  });
  for (const r of rows) rt.hub.publish(r.id, { type: 'visit', visitId: r.id, status: 'waiting' });
  return rows.length;
}

export async function lapseUnpaid(ctx: AppContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.visits.paymentHoldMs);
  const due = await ctx.db
    .selectFrom('visit')
    .select(['id', 'order_id'])
    .where('status', '=', 'requested')
    .where('created_at', '<=', cutoff)
    .limit(BATCH)
    .execute();
  let lapsed = 0;
  for (const d of due) {
    lapsed += await runCommand(ctx, systemActor, async ({ trx, now }) => {
      // Order before visit, as a payment notification locks them (no deadlock with a payment arriving now).
      // An order already paid is left to its order_paid subscriber (maybe backing off), which queues the visit.
      if (d.order_id && (await lockOrder(trx, d.order_id)) === 'paid') return 0;
      const r = await trx
        .updateTable('visit')
        .set({ status: 'cancelled', cancel_reason: 'unpaid', ended_at: now })
        .where('id', '=', d.id)
        .where('status', '=', 'requested')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return 0;
      if (d.order_id) await closeOrder(trx, d.order_id, now);
      await visitEvent(trx, d.id, 'cancelled', systemActor, now, { reason: 'unpaid' });
      return 1;
    });
  }
  return lapsed;
}

/** No doctor started in time: the visit expires and the fee goes back in full. */
export async function expireUnstarted(ctx: AppContext, rt: VisitsRuntime): Promise<number> {
  const expired = await runCommand(ctx, systemActor, async (cmd) => {
    const { trx, now } = cmd;
    // The orders' locks first, sorted by id, then the visits (and their appointments): the order a payment's
    // subscriber, a visit's cancel or referral and an appointment's cancel take them in (no deadlock).
    const due = await trx
      .selectFrom('visit')
      .select(['id', 'order_id'])
      .where('status', 'in', ['paid', 'waiting'])
      .where('expires_at', '<=', now)
      .execute();
    if (due.length === 0) return [];
    const orderIds = [...new Set(due.flatMap((d) => (d.order_id ? [d.order_id] : [])))].sort();
    for (const orderId of orderIds) await lockOrder(trx, orderId);
    const rows = await trx
      .updateTable('visit')
      .set({ status: 'expired', ended_at: now })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where('status', 'in', ['paid', 'waiting'])
      .where('expires_at', '<=', now)
      .returning(['id', 'order_id', 'fee_fen', 'appointment_id', 'patient_id', 'requested_by'])
      .execute();
    const out: { id: string; message: Awaited<ReturnType<typeof systemMessage>> }[] = [];
    for (const r of rows) {
      // Paid or waiting (never 'requested'): the booked token goes back and the fee is refunded.
      const refund = await endUnstarted(cmd, { ...r, status: 'expired' }, 'visit_expired');
      await visitEvent(trx, r.id, 'expired', systemActor, now, { refundFen: r.fee_fen });
      await cmd.audit({
        action: 'visit.expire',
        resourceType: 'visit',
        resourceId: r.id,
        patientId: r.patient_id,
      });
      const to = { accountId: r.requested_by, patientId: r.patient_id, refId: r.id };
      await notify(cmd, notices.visitExpired(to, { refund: r.fee_fen > 0 }));
      const message = await systemMessage(trx, r.id, systemLines.visitExpired({}), now);
      if (refund) await refundVisitFee(cmd, r.id, refund, 'visit_expired');
      out.push({ id: r.id, message });
    }
    return out;
  });
  for (const e of expired) {
    rt.hub.publish(e.id, { type: 'message', visitId: e.id, message: e.message });
    rt.hub.publish(e.id, { type: 'visit', visitId: e.id, status: 'expired' });
  }
  return expired.length;
}

export async function closeChats(ctx: AppContext, rt: VisitsRuntime): Promise<number> {
  const rows = await runCommand(ctx, systemActor, async ({ trx, now }) => {
    const rows = await trx
      .updateTable('visit')
      .set({ chat_closed_at: now })
      .where('status', '=', 'completed')
      .where('chat_closed_at', 'is', null)
      .where('chat_closes_at', '<=', now)
      .returning('id')
      .execute();
    for (const r of rows) await visitEvent(trx, r.id, 'chat_closed', systemActor, now);
    return rows;
  });
  for (const r of rows) rt.hub.publish(r.id, { type: 'visit', visitId: r.id, status: 'completed' });
  return rows.length;
}

export async function runVisitJobs(ctx: AppContext, rt: VisitsRuntime): Promise<void> {
  await openBookedQueues(ctx, rt);
  await lapseUnpaid(ctx);
  await expireUnstarted(ctx, rt);
  await closeChats(ctx, rt);
}
