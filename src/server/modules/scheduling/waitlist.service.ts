import { sql } from 'kysely';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ownPatientId, requirePatientAccess } from '../identity/patient-access.js';
import { type AfterCommit, notify } from '../notifications/notification.service.js';
import { createOrder } from '../payments/payment.service.js';
import { liveBookingOfDay } from './appointment.store.js';
import { policyOf } from './schedule.service.js';

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
    const booked = await liveBookingOfDay(trx, patientId, schedule.practitioner_id, schedule.date);
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

/**
 * A token comes back (cancellation, expired hold, released quota): the earliest waiting patient gets it
 * at once with a hold to pay (候补), otherwise it is free again.
 */
export async function releaseToken(
  ctx: AppContext,
  trx: Tx,
  slotId: string,
  after: AfterCommit,
): Promise<void> {
  const now = ctx.clock.now();
  const slot = await trx
    .selectFrom('slot as sl')
    .innerJoin('schedule as s', 's.id', 'sl.schedule_id')
    .innerJoin('practitioner as p', 'p.id', 's.practitioner_id')
    .select([
      'sl.id',
      'sl.schedule_id',
      'sl.token_number',
      'sl.window_start',
      'sl.window_end',
      'sl.channel',
      's.fee_fen',
      's.practitioner_id',
      's.date',
      's.status',
      's.institution_id',
      'p.name as doctor_name',
    ])
    .where('sl.id', '=', slotId)
    .executeTakeFirstOrThrow();
  if (slot.status !== 'open') {
    await trx.updateTable('slot').set({ status: 'stopped' }).where('id', '=', slotId).execute();
    return;
  }
  if (slot.channel === 'public') {
    const policy = await policyOf(trx, slot.institution_id);
    for (;;) {
      const entry = await sql<{ id: string; patient_id: string; requested_by: string }>`
        select id, patient_id, requested_by from waitlist_entry
        where schedule_id = ${slot.schedule_id} and status = 'waiting'
        order by created_at, id limit 1 for update skip locked`.execute(trx);
      const next = entry.rows[0];
      if (!next) break;
      // The waiting patient may meanwhile have booked this doctor that day: skip them.
      const clash = await liveBookingOfDay(trx, next.patient_id, slot.practitioner_id, slot.date);
      if (clash) {
        await trx
          .updateTable('waitlist_entry')
          .set({ status: 'cancelled' })
          .where('id', '=', next.id)
          .execute();
        continue;
      }
      const paid = slot.fee_fen > 0;
      const appointmentId = newId();
      const holdUntil = paid ? new Date(now.getTime() + policy.holdMinutes * 60_000) : null;
      const orderId = paid
        ? await createOrder(trx, {
            patientId: next.patient_id,
            accountId: next.requested_by,
            purpose: 'appointment',
            refId: appointmentId,
            description: `挂号费 ${slot.doctor_name} ${slot.date}（候补）`,
            amountFen: slot.fee_fen,
            expiresAt: holdUntil!,
            now,
          })
        : null;
      await trx
        .updateTable('slot')
        .set({ status: paid ? 'held' : 'booked' })
        .where('id', '=', slot.id)
        .execute();
      await trx
        .insertInto('appointment')
        .values({
          id: appointmentId,
          schedule_id: slot.schedule_id,
          slot_id: slot.id,
          patient_id: next.patient_id,
          booked_by: next.requested_by,
          practitioner_id: slot.practitioner_id,
          date: slot.date,
          channel: 'public',
          status: paid ? 'pending_payment' : 'confirmed',
          token_number: slot.token_number,
          window_start: slot.window_start,
          window_end: slot.window_end,
          fee_fen: slot.fee_fen,
          order_id: orderId,
          hold_until: holdUntil,
          created_at: now,
        })
        .execute();
      await trx
        .updateTable('waitlist_entry')
        .set({ status: 'promoted', appointment_id: appointmentId, promoted_at: now })
        .where('id', '=', next.id)
        .execute();
      await recordAudit(
        trx,
        { accountId: null, role: 'system', ip: null },
        {
          action: 'waitlist.promote',
          resourceType: 'appointment',
          resourceId: appointmentId,
          patientId: next.patient_id,
          details: { waitlistId: next.id, tokenNumber: slot.token_number },
        },
        now,
      );
      await notify(
        ctx,
        trx,
        {
          accountId: next.requested_by,
          patientId: next.patient_id,
          kind: 'waitlist_promoted',
          title: '候补成功',
          body: `您候补的 ${slot.date} ${slot.doctor_name} 已为您预约 ${slot.token_number} 号${paid ? '，请在 15 分钟内完成支付' : ''}`,
          refType: 'appointment',
          refId: appointmentId,
          sms: true,
        },
        after,
      );
      return;
    }
  }
  await trx.updateTable('slot').set({ status: 'free' }).where('id', '=', slot.id).execute();
}
