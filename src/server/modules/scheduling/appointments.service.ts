import type { AppointmentView, Mode } from '../../../shared/scheduling.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { requirePatientAccess } from '../identity/patient-access.js';
import { AfterCommit, insertNotification, notify } from '../notifications/notification.service.js';
import { closeOrder, type Payments, recordRefund, submitRefunds } from '../payments/payment.service.js';
import { type AppointmentStatus, type Channel, canCancel, shanghaiInstant } from './schedule.rules.js';
import { policyOf } from './schedule.service.js';
import { releaseToken } from './waitlist.service.js';

export type { AppointmentView };

/** Patient (or proxy) cancels until the cutoff before the session; a paid fee is refunded in full. */
export async function cancelAppointment(
  ctx: AppContext,
  payments: Payments,
  auth: AuthContext,
  appointmentId: string,
  actor: Actor,
): Promise<AppointmentView> {
  const after = new AfterCommit();
  const now = ctx.clock.now();
  const refund = await ctx.db.transaction().execute(async (trx) => {
    const a = await trx
      .selectFrom('appointment as a')
      .innerJoin('schedule as s', 's.id', 'a.schedule_id')
      .select([
        'a.id',
        'a.patient_id',
        'a.status',
        'a.slot_id',
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
    if (a.status !== 'pending_payment' && a.status !== 'confirmed') {
      throw new AppError(
        409,
        'NOT_CANCELLABLE',
        '无法取消',
        a.status === 'cancelled' ? '该预约已取消。' : '该预约当前状态不可取消。',
      );
    }
    // An online appointment that became a visit is cancelled from the visit (its fee is the visit's).
    const visit = await trx
      .selectFrom('visit')
      .select('id')
      .where('appointment_id', '=', a.id)
      .where('status', 'in', ['requested', 'paid', 'waiting', 'in_progress'])
      .executeTakeFirst();
    if (visit)
      throw new AppError(
        409,
        'VISIT_IN_PROGRESS',
        '请在问诊中取消',
        '该预约已进入线上问诊，请在问诊页面取消（医生接诊前可全额退款）。',
        { visitId: visit.id },
      );
    const policy = await policyOf(trx, a.institution_id);
    if (!canCancel(shanghaiInstant(a.date, a.start_time), now, policy.cancelCutoffMinutes)) {
      throw new AppError(
        409,
        'CANCEL_WINDOW_CLOSED',
        '已过取消时限',
        `就诊开始前 ${policy.cancelCutoffMinutes / 60} 小时内不可取消。`,
      );
    }
    await trx
      .updateTable('appointment')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'patient' })
      .where('id', '=', a.id)
      .execute();
    if (a.order_id && a.status === 'pending_payment') await closeOrder(trx, a.order_id, now);
    await releaseToken(ctx, trx, a.slot_id, after);
    await recordAudit(
      trx,
      actor,
      {
        action: 'appointment.cancel',
        resourceType: 'appointment',
        resourceId: a.id,
        patientId: a.patient_id,
      },
      now,
    );
    await notify(
      ctx,
      trx,
      {
        accountId: auth.accountId,
        patientId: a.patient_id,
        kind: 'cancelled',
        title: '预约已取消',
        body: `${a.date} 的预约已取消${a.status === 'confirmed' && a.fee_fen > 0 ? '，挂号费将原路退回' : ''}`,
        refType: 'appointment',
        refId: a.id,
      },
      after,
    );
    // The refund is recorded with the cancellation; the gateway is asked after the commit (retried by a job).
    return a.status === 'confirmed' && a.order_id
      ? recordRefund(trx, a.order_id, a.fee_fen, 'cancelled', actor, now)
      : null;
  });
  await submitRefunds(ctx, payments, [refund]);
  await after.run((err) => ctx.log.error({ err }, 'after-commit task failed'));
  return (await listAppointments(ctx, { appointmentId }))[0]!;
}

/** The payments hook: a paid appointment order confirms the booking if its hold is still there. */
export async function onAppointmentPaid(
  trx: Tx,
  order: { ref_id: string; patient_id: string },
  now: Date,
): Promise<boolean> {
  const res = await trx
    .updateTable('appointment')
    .set({ status: 'confirmed', hold_until: null })
    .where('id', '=', order.ref_id)
    .where('status', '=', 'pending_payment')
    .returning(['slot_id', 'booked_by', 'date', 'token_number'])
    .executeTakeFirst();
  if (!res) return false;
  await insertNotification(
    trx,
    {
      accountId: res.booked_by,
      patientId: order.patient_id,
      kind: 'paid',
      title: '支付成功',
      body: `${res.date} ${res.token_number} 号的挂号费已支付，预约已确认。`,
      refType: 'appointment',
      refId: order.ref_id,
    },
    now,
  );
  await trx.updateTable('slot').set({ status: 'booked' }).where('id', '=', res.slot_id).execute();
  await recordAudit(
    trx,
    { accountId: null, role: 'system', ip: null },
    {
      action: 'appointment.confirm',
      resourceType: 'appointment',
      resourceId: order.ref_id,
      patientId: order.patient_id,
    },
    now,
  );
  return true;
}

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
  let q = ctx.db
    .selectFrom('appointment as a')
    .innerJoin('schedule as s', 's.id', 'a.schedule_id')
    .innerJoin('practitioner as p', 'p.id', 'a.practitioner_id')
    .innerJoin('department as d', 'd.id', 's.department_id')
    .innerJoin('institution as i', 'i.id', 's.institution_id')
    .innerJoin('patient as pt', 'pt.id', 'a.patient_id')
    .select([
      'a.id',
      'a.status',
      'a.schedule_id',
      'a.patient_id',
      'pt.name as patient_name',
      'a.practitioner_id',
      'p.name as doctor_name',
      'd.name as department_name',
      'i.name as institution_name',
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
    const accountId = f.accountId;
    // Mine and my dependents' (active proxies).
    q = q.where((eb) =>
      eb.or([
        eb('pt.account_id', '=', accountId),
        eb(
          'a.patient_id',
          'in',
          eb
            .selectFrom('family_proxy')
            .select('patient_id')
            .where('proxy_account_id', '=', accountId)
            .where('status', '=', 'active'),
        ),
      ]),
    );
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status as AppointmentStatus,
    scheduleId: r.schedule_id,
    patientId: r.patient_id,
    patientName: r.patient_name,
    doctorId: r.practitioner_id,
    doctorName: r.doctor_name,
    departmentName: r.department_name,
    institutionName: r.institution_name,
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
