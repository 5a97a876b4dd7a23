import { shanghaiDate } from '../../../shared/identity.js';
import type { TemplateSession } from '../../../shared/scheduling.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { requireOwnInstitution } from '../directory/directory.api.js';
import { type AppointmentView, listAppointments } from './appointments.service.js';
import { addDays, type BookingPolicy } from './schedule.rules.js';
import { createSchedule, policyOf } from './schedule.service.js';
import { schedulingErrors } from './scheduling.errors.js';

/**
 * A schedule's bookings, for the doctor who holds it and the staff of its institution (a care
 * relationship); the read of the patients' names is audited.
 */
export async function scheduleAppointments(
  ctx: AppContext,
  auth: AuthContext,
  scheduleId: string,
  actor: Actor,
): Promise<AppointmentView[]> {
  const s = await ctx.db
    .selectFrom('schedule')
    .select(['id', 'institution_id', 'practitioner_id'])
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  if (!s) throw errors.notFound('排班');
  const ownDoctor = auth.practitionerId !== null && auth.practitionerId === s.practitioner_id;
  if (!ownDoctor && auth.institutionId !== s.institution_id)
    throw errors.forbidden('只能查看本人或本机构排班的预约。');
  const items = await listAppointments(ctx, { scheduleId });
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'schedule.appointments.read',
      resourceType: 'schedule',
      resourceId: scheduleId,
      details: { count: items.length },
    },
    ctx.clock.now(),
  );
  return items;
}

/** 签到: staff of the institution check a patient in for an offline visit (scanning the patient's QR). */
export async function checkIn(
  ctx: AppContext,
  auth: AuthContext,
  appointmentId: string,
  actor: Actor,
): Promise<AppointmentView> {
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const a = await trx
      .selectFrom('appointment as a')
      .innerJoin('schedule as s', 's.id', 'a.schedule_id')
      .select(['a.id', 'a.status', 'a.patient_id', 'a.date', 's.institution_id', 's.mode'])
      .where('a.id', '=', appointmentId)
      .forUpdate('a')
      .executeTakeFirst();
    if (!a) throw errors.notFound('预约');
    if (a.institution_id !== auth.institutionId) throw errors.forbidden('只能为本机构的预约签到。');
    if (a.status !== 'confirmed')
      throw schedulingErrors.notCheckable(a.status === 'checked_in' ? '该预约已签到。' : undefined);
    if (a.date !== shanghaiDate(now)) throw schedulingErrors.notToday();
    await trx
      .updateTable('appointment')
      .set({ status: 'checked_in', checked_in_at: now })
      .where('id', '=', a.id)
      .execute();
    await cmd.audit({
      action: 'appointment.check_in',
      resourceType: 'appointment',
      resourceId: a.id,
      patientId: a.patient_id,
    });
  });
  return (await listAppointments(ctx, { appointmentId }))[0]!;
}

/**
 * Bulk creation from a weekly template for N weeks. Each session is created on its own (a clash with an
 * existing schedule skips that session and says why), so one bad day does not lose the rest.
 */
export async function createFromTemplate(
  ctx: AppContext,
  auth: AuthContext,
  input: {
    doctorId: string;
    departmentId?: string;
    startDate: string;
    weeks: number;
    sessions: TemplateSession[];
  },
  actor: Actor,
): Promise<{
  created: string[];
  skipped: { date: string; startTime: string; code: string; reason: string }[];
}> {
  const created: string[] = [];
  const skipped: { date: string; startTime: string; code: string; reason: string }[] = [];
  const [y, m, d] = input.startDate.split('-').map(Number) as [number, number, number];
  const startWeekday = ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
  for (let week = 0; week < input.weeks; week++) {
    for (const s of input.sessions) {
      const date = addDays(input.startDate, week * 7 + ((s.weekday - startWeekday + 7) % 7));
      try {
        const schedule = await createSchedule(
          ctx,
          auth,
          {
            doctorId: input.doctorId,
            ...(input.departmentId ? { departmentId: input.departmentId } : {}),
            date,
            startTime: s.startTime,
            endTime: s.endTime,
            mode: s.mode,
            capacity: s.capacity,
            ...(s.feeFen !== undefined ? { feeFen: s.feeFen } : {}),
          },
          actor,
        );
        created.push(schedule.id);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.status === 403 || err.status === 404)
          throw err;
        skipped.push({ date, startTime: s.startTime, code: err.code, reason: err.detail ?? err.title });
      }
    }
  }
  return { created, skipped };
}

export async function getPolicy(ctx: AppContext, auth: AuthContext): Promise<BookingPolicy> {
  return policyOf(ctx.db, requireOwnInstitution(auth));
}

/** The institution's release and booking policy (FD-4 quota percentages are settings). */
export async function setPolicy(
  ctx: AppContext,
  auth: AuthContext,
  policy: BookingPolicy,
  actor: Actor,
): Promise<BookingPolicy> {
  const institutionId = requireOwnInstitution(auth);
  const row = {
    release_days_ahead: policy.releaseDaysAhead,
    release_time: policy.releaseTime,
    referral_percent: policy.referralPercent,
    partner_percent: policy.partnerPercent,
    reserved_release_hours: policy.reservedReleaseHours,
    cancel_cutoff_minutes: policy.cancelCutoffMinutes,
    max_active_bookings: policy.maxActiveBookings,
    no_show_limit: policy.noShowLimit,
    no_show_window_days: policy.noShowWindowDays,
    suspension_days: policy.suspensionDays,
    hold_minutes: policy.holdMinutes,
  };
  if (policy.referralPercent + policy.partnerPercent > 100)
    throw schedulingErrors.invalidQuotas('转诊与合作机构预留比例之和不能超过 100%。');
  await runCommand(ctx, actor, async (cmd) => {
    await cmd.trx
      .insertInto('booking_policy')
      .values({ institution_id: institutionId, ...row })
      .onConflict((oc) => oc.column('institution_id').doUpdateSet(row))
      .execute();
    await cmd.audit({
      action: 'booking_policy.update',
      resourceType: 'institution',
      resourceId: institutionId,
      details: { ...policy },
    });
  });
  return policyOf(ctx.db, institutionId);
}
