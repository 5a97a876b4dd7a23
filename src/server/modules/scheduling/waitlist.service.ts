import { sql } from 'kysely';
import type { WaitlistEntry } from '../../../shared/scheduling.js';
import { type Actor, recordAudit, systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { practitionerFacts } from '../directory/directory.api.js';
import { identityErrors, ownPatientId, requirePatientAccess } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { createOrder } from '../payments/payment.service.js';
import { liveBookingOfDay } from './appointment.store.js';
import { policyOf } from './schedule.service.js';
import { schedulingErrors } from './scheduling.errors.js';
import { WAITLIST_CANCELLED_TOPIC, WAITLIST_JOINED_TOPIC, type WaitlistEvent } from './waitlist.notices.js';

/** 候补: join a full schedule's waitlist; the earliest waiting patient gets the next returned token. */
export async function joinWaitlist(
  ctx: AppContext,
  auth: AuthContext,
  scheduleId: string,
  patientIdInput: string | undefined,
  actor: Actor,
): Promise<WaitlistEntry> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const patientId = patientIdInput ?? (await ownPatientId(trx, auth.accountId));
    if (!patientId) throw identityErrors.realNameRequired('候补须实名：请先完成本人实名认证（ID-1）。');
    if (patientIdInput) await requirePatientAccess(trx, auth, patientIdInput);
    const schedule = await trx
      .selectFrom('schedule')
      .select(['id', 'status', 'release_at', 'practitioner_id', 'date'])
      .where('id', '=', scheduleId)
      .forUpdate()
      .executeTakeFirst();
    if (!schedule) throw errors.notFound('排班');
    if (schedule.status !== 'open') throw schedulingErrors.scheduleStopped('医生已停诊，无法候补。');
    if (schedule.release_at.getTime() > now.getTime())
      throw schedulingErrors.notReleased('号源开放后才能候补。');
    const free = await trx
      .selectFrom('token')
      .select('id')
      .where('schedule_id', '=', scheduleId)
      .where('channel', '=', 'public')
      .where('status', '=', 'free')
      .executeTakeFirst();
    if (free) throw schedulingErrors.tokensAvailable();
    const booked = await liveBookingOfDay(trx, patientId, schedule.practitioner_id, schedule.date);
    if (booked) throw schedulingErrors.duplicateBooking('该就诊人当天已预约此医生。');
    const id = newId();
    // waitlist_live (0004) refuses a second waiting entry of one patient, whatever raced this one.
    await mapUniqueViolation(
      trx
        .insertInto('waitlist_entry')
        .values({
          id,
          schedule_id: scheduleId,
          patient_id: patientId,
          requested_by: auth.accountId,
          status: 'waiting',
          created_at: now,
        })
        .execute(),
      schedulingErrors.alreadyWaitlisted(),
    );
    const position = await waitlistPosition(trx, id);
    await cmd.audit({ action: 'waitlist.join', resourceType: 'waitlist_entry', resourceId: id, patientId });
    // 消息: "已加入候补，当前第 N 位" (waitlist.notices.ts), delivered from the outbox with this commit.
    const joined: WaitlistEvent = { entryId: id, scheduleId, patientId, accountId: auth.accountId, position };
    await cmd.emit(WAITLIST_JOINED_TOPIC, joined);
    return { id, scheduleId, patientId, status: 'waiting' as const, position };
  });
}

/**
 * The 1-based place of a waiting entry in its schedule's queue: waiting entries ahead of it in the order
 * promotion takes them (`created_at, id`, releaseToken), plus one. Cancelled and promoted entries drop
 * out, so those behind move up. Served by waitlist_queue (0004).
 */
export async function waitlistPosition(db: Executor, entryId: string): Promise<number> {
  const row = await sql<{ n: number | string }>`
    select count(*) as n from waitlist_entry w
    join waitlist_entry me on me.id = ${entryId}
    where w.schedule_id = me.schedule_id and w.status = 'waiting'
      and (w.created_at, w.id) <= (me.created_at, me.id)`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

/**
 * 取消候补: the account that may act for the entry's patient (ID-6: self or an active proxy) cancels a
 * waiting entry. The entry's row is locked first, so a promotion racing this cancel either took it before
 * (then this answers WAITLIST_NOT_WAITING: the patient has an appointment to pay or cancel) or skips it
 * (releaseToken's `skip locked`) and promotes the next one. A second cancel is WAITLIST_NOT_WAITING too.
 */
export async function cancelWaitlist(
  ctx: AppContext,
  auth: AuthContext,
  entryId: string,
  actor: Actor,
): Promise<void> {
  await runCommand(ctx, actor, async (cmd) => {
    const { trx } = cmd;
    const entry = await trx
      .selectFrom('waitlist_entry')
      .select(['id', 'schedule_id', 'patient_id', 'status'])
      .where('id', '=', entryId)
      .forUpdate()
      .executeTakeFirst();
    if (!entry) throw errors.notFound('候补');
    await requirePatientAccess(trx, auth, entry.patient_id);
    if (entry.status !== 'waiting')
      throw schedulingErrors.waitlistNotWaiting(
        entry.status === 'promoted'
          ? '候补已成功并转为预约，请在"我的预约"中查看或取消该预约。'
          : '该候补已取消。',
      );
    await trx
      .updateTable('waitlist_entry')
      .set({ status: 'cancelled' })
      .where('id', '=', entry.id)
      .where('status', '=', 'waiting')
      .execute();
    await cmd.audit({
      action: 'waitlist.cancel',
      resourceType: 'waitlist_entry',
      resourceId: entry.id,
      patientId: entry.patient_id,
    });
    const cancelled: WaitlistEvent = {
      entryId: entry.id,
      scheduleId: entry.schedule_id,
      patientId: entry.patient_id,
      accountId: auth.accountId,
    };
    await cmd.emit(WAITLIST_CANCELLED_TOPIC, cancelled);
  });
}

/**
 * A token comes back (cancellation, expired hold, released quota) in the command that freed it: the
 * earliest waiting patient gets it at once with a hold to pay (候补), otherwise it is free again.
 */
export async function releaseToken(cmd: CommandScope, tokenId: string): Promise<void> {
  const { trx, now } = cmd;
  const token = await trx
    .selectFrom('token as t')
    .innerJoin('schedule as s', 's.id', 't.schedule_id')
    .select([
      't.id',
      't.schedule_id',
      't.token_number',
      't.window_start',
      't.window_end',
      't.channel',
      's.fee_fen',
      's.practitioner_id',
      's.date',
      's.status',
      's.institution_id',
    ])
    .where('t.id', '=', tokenId)
    .executeTakeFirstOrThrow();
  if (token.status !== 'open') {
    await trx.updateTable('token').set({ status: 'stopped' }).where('id', '=', tokenId).execute();
    return;
  }
  if (token.channel === 'public') {
    const policy = await policyOf(trx, token.institution_id);
    for (;;) {
      const entry = await sql<{ id: string; patient_id: string; requested_by: string }>`
        select id, patient_id, requested_by from waitlist_entry
        where schedule_id = ${token.schedule_id} and status = 'waiting'
        order by created_at, id limit 1 for update skip locked`.execute(trx);
      const next = entry.rows[0];
      if (!next) break;
      // The waiting patient may meanwhile have booked this doctor that day: skip them.
      const clash = await liveBookingOfDay(trx, next.patient_id, token.practitioner_id, token.date);
      if (clash) {
        await trx
          .updateTable('waitlist_entry')
          .set({ status: 'cancelled' })
          .where('id', '=', next.id)
          .execute();
        continue;
      }
      const doctorName = (await practitionerFacts(trx, token.practitioner_id))?.name ?? '';
      const paid = token.fee_fen > 0;
      const appointmentId = newId();
      const holdUntil = paid ? new Date(now.getTime() + policy.holdMinutes * 60_000) : null;
      const orderId = paid
        ? await createOrder(trx, {
            patientId: next.patient_id,
            accountId: next.requested_by,
            purpose: 'appointment',
            refId: appointmentId,
            institutionId: token.institution_id,
            description: `挂号费 ${doctorName} ${token.date}（候补）`,
            amountFen: token.fee_fen,
            expiresAt: holdUntil!,
            now,
          })
        : null;
      await trx
        .updateTable('token')
        .set({ status: paid ? 'held' : 'booked' })
        .where('id', '=', token.id)
        .execute();
      await trx
        .insertInto('appointment')
        .values({
          id: appointmentId,
          schedule_id: token.schedule_id,
          token_id: token.id,
          patient_id: next.patient_id,
          booked_by: next.requested_by,
          practitioner_id: token.practitioner_id,
          date: token.date,
          channel: 'public',
          status: paid ? 'pending_payment' : 'confirmed',
          token_number: token.token_number,
          window_start: token.window_start,
          window_end: token.window_end,
          fee_fen: token.fee_fen,
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
      // The platform promotes, whoever's command returned the token.
      await recordAudit(
        trx,
        systemActor,
        {
          action: 'waitlist.promote',
          resourceType: 'appointment',
          resourceId: appointmentId,
          patientId: next.patient_id,
          details: { waitlistId: next.id, tokenNumber: token.token_number },
        },
        now,
      );
      const to = { accountId: next.requested_by, patientId: next.patient_id, refId: appointmentId };
      await notify(
        cmd,
        notices.waitlistPromoted(to, { date: token.date, doctorName, tokenNumber: token.token_number, paid }),
      );
      return;
    }
  }
  await trx.updateTable('token').set({ status: 'free' }).where('id', '=', token.id).execute();
}
