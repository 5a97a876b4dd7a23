/**
 * How a home-service order ends before the work ([12/12], FD-5): the resident or the institution cancels
 * it, the payment arrives (payments.order_paid) or the unpaid hold lapses (a job). An unpaid payment order
 * is closed, a paid one refunded in full; the payment order is always locked before the service, the order
 * payments' subscriber takes them in.
 */
import type { Static } from 'typebox';
import type { CancelHomeServiceBody, HomeServiceView } from '../../../shared/family-doctor.js';
import { type Actor, systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { closeOrder, lockOrder, type OrderPaid, requestRefund } from '../payments/payments.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { type HomeServiceAction, nextStatus } from './home-service.rules.js';
import { homeServiceViews } from './home-service.views.js';
import { type HomeServiceRow, homeServiceRow, requireParty } from './home-service-access.js';
import { sightOf } from './home-services.service.js';

/**
 * POST /home-services/{id}/cancel. The resident (or a proxy) until a provider accepts; the serving
 * institution's staff or administrator also after acceptance, until check-in. An unpaid order is closed,
 * a paid one refunded in full.
 */
export async function cancelHomeService(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof CancelHomeServiceBody>,
  actor: Actor,
): Promise<HomeServiceView> {
  const before = await homeServiceRow(ctx.db, id);
  const party = await requireParty(ctx.db, auth, before);
  const action: HomeServiceAction = party.resident ? 'cancel_by_resident' : 'cancel_by_institution';
  const row = await runCommand(ctx, actor, async (cmd) => {
    // Lock order: the payment order first (as the payment's subscriber does), then the service.
    const orderStatus = before.order_id ? await lockOrder(cmd.trx, before.order_id) : undefined;
    const r = await homeServiceRow(cmd.trx, id, true);
    if (!nextStatus(r.status, action))
      throw familyDoctorErrors.homeServiceState(
        party.resident
          ? '工单已有服务人员接单（或已结束），请联系服务机构取消。'
          : '服务人员已签到（或工单已结束），不能再取消。',
      );
    const refunded = await endService(cmd, r, orderStatus, `${action}: ${body.reason.trim()}`);
    await cmd.audit({
      action: 'family_doctor.home_service_cancel',
      resourceType: 'home_service',
      resourceId: r.id,
      patientId: r.patient_id,
      details: { serviceNo: r.service_no, by: party.resident ? 'resident' : 'institution', refunded },
    });
    // Also by SMS: the order number only, never the item (a health fact, DJ-10).
    if (!party.resident)
      await notify(
        cmd,
        notices.fdHomeCancelled(
          { accountId: r.requested_by, patientId: r.patient_id, refId: r.id, sms: true },
          { serviceNo: r.service_no, refunded },
        ),
      );
    return homeServiceRow(cmd.trx, id);
  });
  const [view] = await homeServiceViews(ctx, ctx.db, [row], () => sightOf(party));
  return view!;
}

/**
 * Cancels an order in the caller's command, its payment order locked first (`orderStatus`): an unpaid
 * order is closed, a paid one refunded in full. Answers whether money goes back.
 */
async function endService(
  cmd: CommandScope,
  r: HomeServiceRow,
  orderStatus: string | undefined,
  reason: string,
): Promise<boolean> {
  const { trx, now } = cmd;
  if (r.order_id && orderStatus === 'created') await closeOrder(trx, r.order_id, now);
  const paid = orderStatus === 'paid' || orderStatus === 'partially_refunded';
  const refundNo =
    r.order_id && paid ? await requestRefund(cmd, r.order_id, r.fee_fen, 'home_service_cancelled') : null;
  await trx
    .updateTable('home_service')
    .set({ status: 'cancelled', cancelled_at: now, cancel_reason: reason.slice(0, 300), updated_at: now })
    .where('id', '=', r.id)
    .execute();
  return refundNo !== null;
}

/**
 * payments.order_paid for a home service (the order already locked): pending_payment → requested. False
 * when the order is no longer waiting (cancelled, the hold lapsed), so payments refunds it in full.
 */
export async function homeServicePaid(paid: OrderPaid, cmd: CommandScope): Promise<boolean> {
  const r = await cmd.trx
    .selectFrom('home_service')
    .selectAll()
    .where('id', '=', paid.refId)
    .forUpdate()
    .executeTakeFirst();
  if (!r || r.order_id !== paid.orderId) return false;
  if (r.status !== 'pending_payment') return r.status !== 'cancelled';
  await cmd.trx
    .updateTable('home_service')
    .set({ status: nextStatus(r.status, 'pay')!, updated_at: cmd.now })
    .where('id', '=', r.id)
    .execute();
  await cmd.audit({
    action: 'family_doctor.home_service_paid',
    resourceType: 'home_service',
    resourceId: r.id,
    patientId: r.patient_id,
    details: { serviceNo: r.service_no, orderId: paid.orderId, amountFen: paid.amountFen },
  });
  return true;
}

/**
 * The end of unpaid holds (a job): orders still pending_payment whose payment order lapsed are cancelled
 * and the order closed — unless it was paid meanwhile, which its subscriber confirms. Answers how many.
 */
export async function expireHomeServiceHolds(
  ctx: AppContext,
  actor: Actor = systemActor,
  batch = 100,
): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.familyDoctor.holdMinutes * 60_000);
  const due = await ctx.db
    .selectFrom('home_service')
    .select(['id', 'order_id'])
    .where('status', '=', 'pending_payment')
    .where('created_at', '<=', cutoff)
    .orderBy('created_at')
    .limit(batch)
    .execute();
  let n = 0;
  for (const d of due) {
    const done = await runCommand(ctx, actor, async (cmd) => {
      const orderStatus = d.order_id ? await lockOrder(cmd.trx, d.order_id) : undefined;
      if (orderStatus === 'paid') return false;
      const r = await homeServiceRow(cmd.trx, d.id, true);
      if (!nextStatus(r.status, 'expire')) return false;
      await endService(cmd, r, orderStatus, 'payment_timeout');
      await cmd.audit({
        action: 'family_doctor.home_service_expire',
        resourceType: 'home_service',
        resourceId: r.id,
        patientId: r.patient_id,
        details: { serviceNo: r.service_no },
      });
      return true;
    });
    if (done) n++;
  }
  return n;
}
