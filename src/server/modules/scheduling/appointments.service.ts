import type { Appointment as AppointmentView, Mode } from '../../../shared/scheduling.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { patientsOfAccount, requirePatientAccess } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { closeOrder, lockOrder, type OrderPaid, requestRefund } from '../payments/payments.api.js';
import { liveVisitOfAppointment } from '../visits/visits.api.js';
import { type AppointmentStatus, type Channel, canCancel, shanghaiInstant } from './schedule.rules.js';
import { policyOf } from './schedule.service.js';
import { schedulingErrors } from './scheduling.errors.js';
import { sessionNames } from './session-names.js';
import { releaseToken } from './waitlist.service.js';

export type { AppointmentView };

/** Patient (or proxy) cancels until the cutoff before the session; a paid fee is refunded in full. */
export async function cancelAppointment(
  ctx: AppContext,
  auth: AuthContext,
  appointmentId: string,
  actor: Actor,
): Promise<AppointmentView> {
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    // The order's lock first, the order a payment's subscriber takes them in (no deadlock with it;
    // docs/architecture.md, "Lock order").
    const orderId = await orderOf(cmd, appointmentId);
    if (orderId) await lockOrder(trx, orderId);
    const a = await trx
      .selectFrom('appointment as a')
      .innerJoin('schedule as s', 's.id', 'a.schedule_id')
      .select([
        'a.id',
        'a.patient_id',
        'a.status',
        'a.token_id',
        'a.order_id',
        'a.fee_fen',
        's.date',
        's.start_time',
        's.institution_id',
      ])
      .where('a.id', '=', appointmentId)
      .forUpdate('a')
      .executeTakeFirst();
    if (!a) throw errors.notFound('预约');
    await requirePatientAccess(trx, auth, a.patient_id);
    if (a.status !== 'pending_payment' && a.status !== 'confirmed')
      throw schedulingErrors.notCancellable(
        a.status === 'cancelled' ? '该预约已取消。' : '该预约当前状态不可取消。',
      );
    // An online appointment that became a visit is cancelled from the visit (its fee is the visit's).
    const visitId = await liveVisitOfAppointment(trx, a.id);
    if (visitId) throw schedulingErrors.visitInProgress(undefined, { visitId });
    const policy = await policyOf(trx, a.institution_id);
    if (!canCancel(shanghaiInstant(a.date, a.start_time), now, policy.cancelCutoffMinutes))
      throw schedulingErrors.cancelWindowClosed(
        `就诊开始前 ${policy.cancelCutoffMinutes / 60} 小时内不可取消。`,
      );
    await trx
      .updateTable('appointment')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'patient' })
      .where('id', '=', a.id)
      .execute();
    if (a.order_id && a.status === 'pending_payment') await closeOrder(trx, a.order_id, now);
    await releaseToken(cmd, a.token_id);
    await cmd.audit({
      action: 'appointment.cancel',
      resourceType: 'appointment',
      resourceId: a.id,
      patientId: a.patient_id,
    });
    const to = { accountId: auth.accountId, patientId: a.patient_id, refId: a.id };
    await notify(
      cmd,
      notices.cancelled(to, { date: a.date, refund: a.status === 'confirmed' && a.fee_fen > 0 }),
    );
    // The refund is recorded with the cancellation; the gateway is asked through the outbox after the commit.
    if (a.status === 'confirmed' && a.order_id) await requestRefund(cmd, a.order_id, a.fee_fen, 'cancelled');
  });
  return (await listAppointments(ctx, { appointmentId }))[0]!;
}

/** The order of an appointment, if it has one (read before the locks are taken). */
async function orderOf(cmd: CommandScope, appointmentId: string): Promise<string | null> {
  const row = await cmd.trx
    .selectFrom('appointment')
    .select('order_id')
    .where('id', '=', appointmentId)
    .executeTakeFirst();
  return row?.order_id ?? null;
}

/**
 * The payment of an appointment's order (the outbox event `payments.order_paid`, in the subscriber's
 * command, the order locked): the booking is confirmed if its hold is still there. False when it is not
 * (expired, cancelled): payments then refunds the payment in full.
 */
export async function confirmPaidAppointment(cmd: CommandScope, paid: OrderPaid): Promise<boolean> {
  const res = await cmd.trx
    .updateTable('appointment')
    .set({ status: 'confirmed', hold_until: null })
    .where('id', '=', paid.refId)
    .where('status', '=', 'pending_payment')
    .returning(['token_id', 'booked_by', 'date', 'token_number'])
    .executeTakeFirst();
  if (!res) return false;
  await cmd.trx.updateTable('token').set({ status: 'booked' }).where('id', '=', res.token_id).execute();
  const to = { accountId: res.booked_by, patientId: paid.patientId, refId: paid.refId };
  await notify(cmd, notices.paid(to, { date: res.date, tokenNumber: res.token_number }));
  await cmd.audit({
    action: 'appointment.confirm',
    resourceType: 'appointment',
    resourceId: paid.refId,
    patientId: paid.patientId,
  });
  return true;
}

/**
 * Appointments with the names a list shows. Scheduling's own tables in one query; the names of the doctors,
 * departments, institutions and patients of the page are asked of directory and identity in one batch each.
 */
export async function listAppointments(
  ctx: AppContext,
  f: {
    appointmentId?: string;
    accountId?: string;
    scheduleId?: string;
    practitionerId?: string;
    date?: string;
  },
): Promise<AppointmentView[]> {
  const db = ctx.db;
  let q = db
    .selectFrom('appointment as a')
    .innerJoin('schedule as s', 's.id', 'a.schedule_id')
    .select([
      'a.id',
      'a.status',
      'a.schedule_id',
      'a.patient_id',
      'a.practitioner_id',
      's.department_id',
      's.institution_id',
      'a.date',
      's.mode',
      'a.channel',
      'a.token_number',
      'a.window_start',
      'a.window_end',
      'a.fee_fen',
      'a.order_id',
      'a.hold_until',
    ])
    .orderBy('a.window_start', 'desc')
    .limit(200);
  if (f.appointmentId) q = q.where('a.id', '=', f.appointmentId);
  if (f.scheduleId) q = q.where('a.schedule_id', '=', f.scheduleId);
  if (f.practitionerId) q = q.where('a.practitioner_id', '=', f.practitionerId);
  if (f.date) q = q.where('a.date', '=', f.date);
  if (f.accountId) {
    // Mine and my dependents' (active proxies); appointment_patient serves it.
    const patients = await patientsOfAccount(db, f.accountId);
    if (patients.length === 0) return [];
    q = q.where('a.patient_id', 'in', patients);
  }
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const namesOf = await sessionNames(db, rows);
  return rows.map((r) => ({
    id: r.id,
    status: r.status as AppointmentStatus,
    scheduleId: r.schedule_id,
    patientId: r.patient_id,
    doctorId: r.practitioner_id,
    ...namesOf(r),
    date: r.date,
    mode: r.mode as Mode,
    channel: r.channel as Channel,
    tokenNumber: r.token_number,
    windowStart: r.window_start.toISOString(),
    windowEnd: r.window_end.toISOString(),
    feeFen: r.fee_fen,
    ...(r.order_id ? { orderId: r.order_id } : {}),
    ...(r.hold_until && r.status === 'pending_payment' ? { holdUntil: r.hold_until.toISOString() } : {}),
  }));
}
