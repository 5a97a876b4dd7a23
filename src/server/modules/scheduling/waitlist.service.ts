import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ownPatientId, requirePatientAccess } from '../identity/patient-access.js';
import { LIVE_STATUSES } from './booking.service.js';

/** 候补: join a full schedule's waitlist; the earliest waiting patient gets the next returned token. */
export async function joinWaitlist(
  ctx: AppContext,
  auth: AuthContext,
  scheduleId: string,
  patientIdInput: string | undefined,
  actor: Actor,
) {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const patientId = patientIdInput ?? (await ownPatientId(trx, auth.accountId));
    if (!patientId)
      throw new AppError(403, 'REAL_NAME_REQUIRED', '请先完成实名认证', '候补须实名：请先完成本人实名认证。');
    if (patientIdInput) await requirePatientAccess(trx, auth, patientIdInput);
    const schedule = await trx
      .selectFrom('schedule')
      .select(['id', 'status', 'release_at', 'practitioner_id', 'date'])
      .where('id', '=', scheduleId)
      .forUpdate()
      .executeTakeFirst();
    if (!schedule) throw errors.notFound('排班');
    if (schedule.status !== 'open')
      throw new AppError(409, 'SCHEDULE_STOPPED', '该排班已停诊', '医生已停诊，无法候补。');
    if (schedule.release_at.getTime() > now.getTime())
      throw new AppError(409, 'NOT_RELEASED', '号源尚未开放', '号源开放后才能候补。');
    const free = await trx
      .selectFrom('slot')
      .select('id')
      .where('schedule_id', '=', scheduleId)
      .where('channel', '=', 'public')
      .where('status', '=', 'free')
      .executeTakeFirst();
    if (free) throw new AppError(409, 'SLOT_AVAILABLE', '仍有号源', '该排班仍有可预约号源，请直接预约。');
    const booked = await trx
      .selectFrom('appointment')
      .select('id')
      .where('patient_id', '=', patientId)
      .where('practitioner_id', '=', schedule.practitioner_id)
      .where('date', '=', schedule.date)
      .where('status', 'in', LIVE_STATUSES)
      .executeTakeFirst();
    if (booked) throw new AppError(409, 'DUPLICATE_BOOKING', '重复预约', '该就诊人当天已预约此医生。');
    const id = newId();
    await trx
      .insertInto('waitlist_entry')
      .values({
        id,
        schedule_id: scheduleId,
        patient_id: patientId,
        requested_by: auth.accountId,
        status: 'waiting',
        created_at: now,
      })
      .execute()
      .catch((err: { code?: string }) => {
        if (err.code === '23505')
          throw new AppError(409, 'ALREADY_WAITLISTED', '已在候补中', '该就诊人已在此排班的候补队列中。');
        throw err;
      });
    const position = await trx
      .selectFrom('waitlist_entry')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('schedule_id', '=', scheduleId)
      .where('status', '=', 'waiting')
      .where('created_at', '<=', now)
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      { action: 'waitlist.join', resourceType: 'waitlist_entry', resourceId: id, patientId },
      now,
    );
    return { id, scheduleId, patientId, status: 'waiting' as const, position: Number(position.n) };
  });
}
