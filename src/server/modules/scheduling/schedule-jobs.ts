import { sql } from 'kysely';
import { shanghaiDate } from '../../../shared/identity.js';
import { type Actor, recordAudit, systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, errors } from '../../platform/errors.js';
import { AfterCommit, notify } from '../notifications/notification.service.js';
import { closeOrder, type Payments, recordRefund, submitRefunds } from '../payments/payment.service.js';
import { addDays } from './schedule.rules.js';
import { releaseToken } from './waitlist.service.js';

const logErr = (ctx: AppContext) => (err: unknown) => ctx.log.error({ err }, 'after-commit task failed');

/** Unpaid holds past their time: the appointment expires, the order closes, the token goes back (to the waitlist first). */
export async function expireHolds(ctx: AppContext, limit = 200): Promise<number> {
  const now = ctx.clock.now();
  const after = new AfterCommit();
  const n = await ctx.db.transaction().execute(async (trx) => {
    const expired = await sql<{
      id: string;
      slot_id: string;
      order_id: string | null;
      patient_id: string;
      booked_by: string;
      date: string;
    }>`
      update appointment set status = 'expired', hold_until = null
      where id in (select id from appointment where status = 'pending_payment' and hold_until <= ${now}
                   order by hold_until limit ${limit} for update skip locked)
      returning id, slot_id, order_id, patient_id, booked_by, date`.execute(trx);
    for (const a of expired.rows) {
      if (a.order_id) await closeOrder(trx, a.order_id, now);
      await releaseToken(ctx, trx, a.slot_id, after);
      await recordAudit(
        trx,
        systemActor,
        {
          action: 'appointment.expire',
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
          accountId: a.booked_by,
          patientId: a.patient_id,
          kind: 'hold_expired',
          title: '预约已失效',
          body: `${a.date} 的预约未在时限内支付，号源已释放。`,
          refType: 'appointment',
          refId: a.id,
        },
        after,
      );
    }
    return expired.rows.length;
  });
  await after.run(logErr(ctx));
  return n;
}

/** Reserved referral/partner tokens unused by their release time go to the public channel (and the waitlist). */
export async function releaseReservedQuotas(ctx: AppContext, limit = 50): Promise<number> {
  const now = ctx.clock.now();
  const after = new AfterCommit();
  const released = await ctx.db.transaction().execute(async (trx) => {
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
      const slots = await trx
        .updateTable('slot')
        .set({ channel: 'public' })
        .where('schedule_id', '=', s.id)
        .where('channel', '<>', 'public')
        .where('status', '=', 'free')
        .returning('id')
        .execute();
      for (const slot of slots) await releaseToken(ctx, trx, slot.id, after);
      await trx.updateTable('schedule').set({ reserved_released: true }).where('id', '=', s.id).execute();
      if (slots.length > 0)
        await recordAudit(
          trx,
          systemActor,
          {
            action: 'schedule.quota_release',
            resourceType: 'schedule',
            resourceId: s.id,
            details: { tokens: slots.length },
          },
          now,
        );
      count += slots.length;
    }
    return count;
  });
  await after.run(logErr(ctx));
  return released;
}

/** The day-before reminder (once per appointment). */
export async function sendReminders(ctx: AppContext, limit = 500): Promise<number> {
  const now = ctx.clock.now();
  const tomorrow = addDays(shanghaiDate(now), 1);
  const after = new AfterCommit();
  const n = await ctx.db.transaction().execute(async (trx) => {
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
      await notify(
        ctx,
        trx,
        {
          accountId: a.booked_by,
          patientId: a.patient_id,
          kind: 'reminder',
          title: '就诊提醒',
          body: `您预约的 ${a.date} ${a.token_number} 号明天就诊，请按时到院或上线。`,
          refType: 'appointment',
          refId: a.id,
          sms: true,
        },
        after,
      );
    }
    return due.length;
  });
  await after.run(logErr(ctx));
  return n;
}

/** After an offline session: confirmed appointments never checked in are no-shows (爽约). */
export async function recordNoShows(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await sql<{ id: string; patient_id: string }>`
      update appointment a set status = 'no_show'
      from schedule s
      where s.id = a.schedule_id and s.mode = 'offline' and a.status = 'confirmed' and a.window_end < ${new Date(now.getTime() - 2 * 3600_000)}
      returning a.id, a.patient_id`.execute(trx);
    for (const r of rows.rows)
      await recordAudit(
        trx,
        systemActor,
        {
          action: 'appointment.no_show',
          resourceType: 'appointment',
          resourceId: r.id,
          patientId: r.patient_id,
        },
        now,
      );
    return rows.rows.length;
  });
}

/** 停诊: the institution stops a schedule; every live appointment is cancelled, refunded in full, and told. */
export async function stopSchedule(
  ctx: AppContext,
  payments: Payments,
  auth: AuthContext,
  scheduleId: string,
  reason: string,
  actor: Actor,
) {
  const now = ctx.clock.now();
  const after = new AfterCommit();
  const refunds = await ctx.db.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom('schedule as s')
      .innerJoin('practitioner as p', 'p.id', 's.practitioner_id')
      .select(['s.id', 's.institution_id', 's.status', 's.date', 'p.name as doctor_name'])
      .where('s.id', '=', scheduleId)
      .forUpdate('s')
      .executeTakeFirst();
    if (!s) throw errors.notFound('排班');
    if (s.institution_id !== auth.institutionId)
      throw new AppError(403, 'NOT_YOUR_INSTITUTION', '无权操作', '只能停诊本机构的排班。');
    if (s.status === 'stopped') throw new AppError(409, 'SCHEDULE_STOPPED', '该排班已停诊', '该排班已停诊。');
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
    await trx.updateTable('slot').set({ status: 'stopped' }).where('schedule_id', '=', s.id).execute();
    await trx
      .updateTable('waitlist_entry')
      .set({ status: 'cancelled' })
      .where('schedule_id', '=', s.id)
      .where('status', '=', 'waiting')
      .execute();
    const refundNos: (string | null)[] = [];
    for (const a of live) {
      if (a.order_id) {
        // Unpaid orders close; paid ones are refunded in full, recorded in this transaction.
        await closeOrder(trx, a.order_id, now);
        refundNos.push(await recordRefund(trx, a.order_id, a.fee_fen, 'schedule_stopped', actor, now));
      }
      await notify(
        ctx,
        trx,
        {
          accountId: a.booked_by,
          patientId: a.patient_id,
          kind: 'schedule_stopped',
          title: '医生停诊通知',
          body: `很抱歉，${s.doctor_name} ${s.date} 停诊（${reason}），您的 ${a.token_number} 号预约已取消，挂号费将全额退回。`,
          refType: 'appointment',
          refId: a.id,
          sms: true,
        },
        after,
      );
    }
    await recordAudit(
      trx,
      actor,
      {
        action: 'schedule.stop',
        resourceType: 'schedule',
        resourceId: s.id,
        details: { reason, cancelled: live.length },
      },
      now,
    );
    return { refundNos, cancelled: live.length };
  });
  await submitRefunds(ctx, payments, refunds.refundNos);
  await after.run(logErr(ctx));
  return { id: scheduleId, status: 'stopped' as const, cancelled: refunds.cancelled };
}

/** The scheduling background jobs, run together by the job loop. */
export async function runSchedulingJobs(ctx: AppContext): Promise<void> {
  await expireHolds(ctx);
  await releaseReservedQuotas(ctx);
  await sendReminders(ctx);
  await recordNoShows(ctx);
}
