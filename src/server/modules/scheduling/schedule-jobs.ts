import { sql } from 'kysely';
import { shanghaiDate } from '../../../shared/identity.js';
import type { StopScheduleResult } from '../../../shared/scheduling.js';
import { type Actor, systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { practitionerFacts, requireOwnInstitution } from '../directory/directory.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { closeOrder, lockOrder, requestRefund } from '../payments/payments.api.js';
import { addDays } from './schedule.rules.js';
import { schedulingErrors } from './scheduling.errors.js';
import { releaseToken } from './waitlist.service.js';

/** Unpaid holds past their time: the appointment expires, the order closes, the token goes back (to the waitlist first). */
export async function expireHolds(ctx: AppContext, limit = 200): Promise<number> {
  return runCommand(ctx, systemActor, async (cmd) => {
    const { trx, now } = cmd;
    const due = await trx
      .selectFrom('appointment')
      .select(['id', 'order_id'])
      .where('status', '=', 'pending_payment')
      .where('hold_until', '<=', now)
      .orderBy('hold_until')
      .limit(limit)
      .execute();
    // The orders' locks before the appointments', sorted by id, the order a payment's subscriber and
    // stopSchedule take them in (no deadlock). A payment arriving now either confirms the booking first or
    // finds it expired and is refunded; an order already paid, whose order_paid subscriber has not run yet
    // (backing off), is left to it: the booking is confirmed, not expired and refunded.
    const orderIds = [...new Set(due.flatMap((d) => (d.order_id ? [d.order_id] : [])))].sort();
    const paid = new Set<string>();
    for (const id of orderIds) if ((await lockOrder(trx, id)) === 'paid') paid.add(id);
    let expired = 0;
    for (const d of due) {
      if (d.order_id && paid.has(d.order_id)) continue;
      const a = await trx
        .updateTable('appointment')
        .set({ status: 'expired', hold_until: null })
        .where('id', '=', d.id)
        .where('status', '=', 'pending_payment')
        .returning(['id', 'token_id', 'order_id', 'patient_id', 'booked_by', 'date'])
        .executeTakeFirst();
      if (!a) continue; // paid or expired meanwhile
      expired += 1;
      if (a.order_id) await closeOrder(trx, a.order_id, now);
      await releaseToken(cmd, a.token_id);
      await cmd.audit({
        action: 'appointment.expire',
        resourceType: 'appointment',
        resourceId: a.id,
        patientId: a.patient_id,
      });
      const to = { accountId: a.booked_by, patientId: a.patient_id, refId: a.id };
      await notify(cmd, notices.holdExpired(to, { date: a.date }));
    }
    return expired;
  });
}

/** Reserved referral/partner tokens unused by their release time go to the public channel (and the waitlist). */
export async function releaseReservedQuotas(ctx: AppContext, limit = 50): Promise<number> {
  return runCommand(ctx, systemActor, async (cmd) => {
    const { trx, now } = cmd;
    const schedules = await trx
      .selectFrom('schedule')
      .select('id')
      .where('reserved_released', '=', false)
      .where('reserved_release_at', '<=', now)
      .where('status', '=', 'open')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    let count = 0;
    for (const s of schedules) {
      const tokens = await trx
        .updateTable('token')
        .set({ channel: 'public' })
        .where('schedule_id', '=', s.id)
        .where('channel', '<>', 'public')
        .where('status', '=', 'free')
        .returning('id')
        .execute();
      for (const token of tokens) await releaseToken(cmd, token.id);
      await trx.updateTable('schedule').set({ reserved_released: true }).where('id', '=', s.id).execute();
      if (tokens.length > 0)
        await cmd.audit({
          action: 'schedule.quota_release',
          resourceType: 'schedule',
          resourceId: s.id,
          details: { tokens: tokens.length },
        });
      count += tokens.length;
    }
    return count;
  });
}

/** The day-before reminder (once per appointment). */
export async function sendReminders(ctx: AppContext, limit = 500): Promise<number> {
  return runCommand(ctx, systemActor, async (cmd) => {
    const { trx, now } = cmd;
    const tomorrow = addDays(shanghaiDate(now), 1);
    const due = await trx
      .updateTable('appointment')
      .set({ reminded_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('appointment')
          .select('id')
          .where('date', '=', tomorrow)
          .where('status', '=', 'confirmed')
          .where('reminded_at', 'is', null)
          .limit(limit),
      )
      .returning(['id', 'booked_by', 'patient_id', 'date', 'token_number'])
      .execute();
    for (const a of due) {
      // The SMS is an outbox event of this command: sent once the reminder is marked, even after a crash.
      const to = { accountId: a.booked_by, patientId: a.patient_id, refId: a.id };
      await notify(cmd, notices.reminder(to, { date: a.date, tokenNumber: a.token_number }));
    }
    return due.length;
  });
}

/** After an offline session: confirmed appointments never checked in are no-shows (爽约). */
export async function recordNoShows(ctx: AppContext): Promise<number> {
  return runCommand(ctx, systemActor, async (cmd) => {
    const rows = await sql<{ id: string; patient_id: string }>`
      update appointment a set status = 'no_show'
      from schedule s
      where s.id = a.schedule_id and s.mode = 'offline' and a.status = 'confirmed' and a.window_end < ${new Date(cmd.now.getTime() - 2 * 3600_000)}
      returning a.id, a.patient_id`.execute(cmd.trx);
    for (const r of rows.rows)
      await cmd.audit({
        action: 'appointment.no_show',
        resourceType: 'appointment',
        resourceId: r.id,
        patientId: r.patient_id,
      });
    return rows.rows.length;
  });
}

/** The schedule's live appointments (pending payment or confirmed), by id; `lock` takes their rows. */
async function liveAppointments(trx: Tx, scheduleId: string, lock = false) {
  let q = trx
    .selectFrom('appointment')
    .select(['id', 'order_id'])
    .where('schedule_id', '=', scheduleId)
    .where('status', 'in', ['pending_payment', 'confirmed'])
    .orderBy('id');
  if (lock) q = q.forUpdate();
  return q.execute();
}

/** An appointment was booked or promoted while the stop took its locks: it starts again (below). */
class AppointmentsMoved extends Error {}
const STOP_ATTEMPTS = 5;

/**
 * 停诊: the institution stops a schedule; every live appointment is cancelled, refunded in full, and told.
 *
 * Lock order (docs/architecture.md, "Lock order"): the live appointments' orders first, sorted, then the
 * schedule's row, the appointments, the tokens — the order a payment's subscriber, a cancel, a visit's end
 * and the hold and visit jobs take them in. The schedule's row is locked `for no key update`: that
 * serialises stops and waitlist joins but not the share lock an appointment's insert takes on it, so a
 * booking or a cancel promoting from the waitlist (holding a token, an order) never waits for the stop
 * while the stop waits for it. Stopping the tokens waits for those in flight; an appointment they made
 * came too late for the order above (its order, its row), so the stop starts again, having changed
 * nothing; after STOP_ATTEMPTS it locks them where it is (a deadlock is then possible; PostgreSQL breaks it).
 */
export async function stopSchedule(
  ctx: AppContext,
  auth: AuthContext,
  scheduleId: string,
  reason: string,
  actor: Actor,
): Promise<StopScheduleResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const cancelled = await stopOnce(ctx, auth, scheduleId, reason, actor, attempt === STOP_ATTEMPTS);
      return { id: scheduleId, status: 'stopped' as const, cancelled };
    } catch (e) {
      if (!(e instanceof AppointmentsMoved)) throw e;
    }
  }
}

async function stopOnce(
  ctx: AppContext,
  auth: AuthContext,
  scheduleId: string,
  reason: string,
  actor: Actor,
  last: boolean,
): Promise<number> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const owner = await trx
      .selectFrom('schedule')
      .select('institution_id')
      .where('id', '=', scheduleId)
      .executeTakeFirst();
    if (!owner) throw errors.notFound('排班');
    requireOwnInstitution(auth, owner.institution_id);
    const ordersOf = (rows: { order_id: string | null }[]) =>
      [...new Set(rows.flatMap((r) => (r.order_id ? [r.order_id] : [])))].sort();
    const orders = ordersOf(await liveAppointments(trx, scheduleId));
    for (const id of orders) await lockOrder(trx, id);
    const s = await trx
      .selectFrom('schedule')
      .select(['id', 'institution_id', 'practitioner_id', 'status', 'date'])
      .where('id', '=', scheduleId)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow();
    if (s.status === 'stopped') throw schedulingErrors.scheduleStopped('该排班已停诊。');
    const held = await liveAppointments(trx, s.id, true);
    await trx.updateTable('token').set({ status: 'stopped' }).where('schedule_id', '=', s.id).execute();
    // From here no appointment can be made on the schedule; one made meanwhile is out of the order above.
    const heldIds = new Set(held.map((a) => a.id));
    const late = (await liveAppointments(trx, s.id)).filter((a) => !heldIds.has(a.id));
    const lateOrders = ordersOf([...held, ...late]).filter((id) => !orders.includes(id));
    if ((late.length > 0 || lateOrders.length > 0) && !last) throw new AppointmentsMoved();
    for (const id of lateOrders) await lockOrder(trx, id);
    await trx
      .updateTable('schedule')
      .set({ status: 'stopped', stopped_reason: reason })
      .where('id', '=', s.id)
      .execute();
    const live = await trx
      .updateTable('appointment')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'schedule_stopped' })
      .where('schedule_id', '=', s.id)
      .where('status', 'in', ['pending_payment', 'confirmed'])
      .returning(['id', 'order_id', 'patient_id', 'booked_by', 'fee_fen', 'token_number'])
      .execute();
    await trx
      .updateTable('waitlist_entry')
      .set({ status: 'cancelled' })
      .where('schedule_id', '=', s.id)
      .where('status', '=', 'waiting')
      .execute();
    const doctorName = live.length > 0 ? ((await practitionerFacts(trx, s.practitioner_id))?.name ?? '') : '';
    for (const a of live) {
      if (a.order_id) {
        // Unpaid orders close; paid ones are refunded in full, paid back through the outbox after the commit.
        await closeOrder(trx, a.order_id, now);
        await requestRefund(cmd, a.order_id, a.fee_fen, 'schedule_stopped');
      }
      const to = { accountId: a.booked_by, patientId: a.patient_id, refId: a.id };
      await notify(
        cmd,
        notices.scheduleStopped(to, { doctorName, date: s.date, reason, tokenNumber: a.token_number }),
      );
    }
    await cmd.audit({
      action: 'schedule.stop',
      resourceType: 'schedule',
      resourceId: s.id,
      details: { reason, cancelled: live.length },
    });
    return live.length;
  });
}

/** The scheduling background jobs, run together by the job loop. */
export async function runSchedulingJobs(ctx: AppContext): Promise<void> {
  await expireHolds(ctx);
  await releaseReservedQuotas(ctx);
  await sendReminders(ctx);
  await recordNoShows(ctx);
}
