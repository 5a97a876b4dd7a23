import { sql } from 'kysely';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ownPatientId, requirePatientAccess } from '../identity/patient-access.js';
import { AfterCommit, notify } from '../notifications/notification.service.js';
import { closeOrder, createOrder, type Payments, refundOrder } from '../payments/payment.service.js';
import { type Channel, canCancel, shanghaiInstant, suspendedUntil } from './schedule.rules.js';
import { policyOf } from './schedule.service.js';

export type AppointmentStatus =
  | 'pending_payment'
  | 'confirmed'
  | 'checked_in'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'no_show';
export const LIVE_STATUSES = ['pending_payment', 'confirmed', 'checked_in'] as const;

export interface AppointmentView {
  id: string;
  status: AppointmentStatus;
  scheduleId: string;
  patientId: string;
  patientName: string;
  doctorId: string;
  doctorName: string;
  departmentName: string;
  institutionName: string;
  date: string;
  mode: string;
  channel: Channel;
  tokenNumber: number;
  windowStart: string;
  windowEnd: string;
  feeFen: number;
  orderId?: string;
  holdUntil?: string;
}

const fmtTime = (d: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);

/** The patient a request acts for: the caller's own record, or a dependent they are an active proxy for. */
async function patientFor(db: Executor, auth: AuthContext, patientId: string | undefined): Promise<string> {
  if (patientId) {
    await requirePatientAccess(db, auth, patientId);
    return patientId;
  }
  const own = await ownPatientId(db, auth.accountId);
  if (!own)
    throw new AppError(
      403,
      'REAL_NAME_REQUIRED',
      '请先完成实名认证',
      '预约挂号须实名（ID-1）：请先完成本人实名认证，或为已添加的就诊人预约。',
    );
  return own;
}

/**
 * Which channel the caller may book (FD-4): patients book `public`; staff of a primary-care institution
 * in the hospital's alliance book `referral` for a patient; staff of a partner institution in an outer
 * district book `partner`.
 */
async function checkChannel(
  db: Executor,
  auth: AuthContext,
  schedule: { institution_id: string },
  channel: Channel,
): Promise<void> {
  if (channel === 'public') return;
  const staffInstitution = auth.institutionId
    ? await db
        .selectFrom('institution')
        .select(['id', 'type', 'level', 'alliance_of', 'district'])
        .where('id', '=', auth.institutionId)
        .executeTakeFirst()
    : undefined;
  const target = await db
    .selectFrom('institution')
    .select(['district'])
    .where('id', '=', schedule.institution_id)
    .executeTakeFirstOrThrow();
  const inAlliance = staffInstitution?.alliance_of === schedule.institution_id;
  const ok =
    channel === 'referral'
      ? inAlliance &&
        (staffInstitution?.type === 'community_centre' || staffInstitution?.type === 'community_station')
      : inAlliance && staffInstitution?.district !== target.district;
  if (!ok) {
    throw new AppError(
      403,
      'CHANNEL_NOT_ALLOWED',
      '无权使用该号源渠道',
      channel === 'referral'
        ? '转诊号源仅供医联体内基层医疗机构为转诊患者预约。'
        : '合作机构号源仅供医联体内远郊合作机构预约。',
    );
  }
}

export interface BookInput {
  scheduleId: string;
  patientId?: string;
  channel?: Channel;
}

export interface BookResult {
  id: string;
  status: AppointmentStatus;
  tokenNumber: number;
  windowStart: string;
  windowEnd: string;
  orderId?: string;
  holdUntil?: string;
}

/**
 * 预约挂号 in one transaction. The token is taken by an atomic UPDATE on a free slot row
 * (FOR UPDATE SKIP LOCKED, so concurrent bookers each get a different token or none), and unique
 * indexes refuse a second live booking of a token or of the same doctor on the same day.
 */
export async function book(
  ctx: AppContext,
  auth: AuthContext,
  input: BookInput,
  actor: Actor,
  trx: Tx,
  after: AfterCommit,
): Promise<BookResult> {
  const now = ctx.clock.now();
  const channel = input.channel ?? 'public';
  const staffReferral = channel !== 'public';
  if (staffReferral && !input.patientId)
    throw new AppError(400, 'VALIDATION_FAILED', '请求参数校验失败', '转诊预约须指定 patientId。');
  const patientId = staffReferral ? input.patientId! : await patientFor(trx, auth, input.patientId);
  const patient = await trx
    .selectFrom('patient')
    .select(['id', 'name', 'verified_at', 'account_id'])
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!patient?.verified_at)
    throw new AppError(403, 'REAL_NAME_REQUIRED', '请先完成实名认证', '就诊人未实名认证（ID-1）。');

  const schedule = await trx
    .selectFrom('schedule as s')
    .innerJoin('practitioner as p', 'p.id', 's.practitioner_id')
    .innerJoin('institution as i', 'i.id', 's.institution_id')
    .select([
      's.id',
      's.institution_id',
      's.practitioner_id',
      's.date',
      's.start_time',
      's.fee_fen',
      's.release_at',
      's.status',
      's.mode',
      'p.status as doctor_status',
      'p.name as doctor_name',
      'i.status as institution_status',
      'i.name as institution_name',
    ])
    .where('s.id', '=', input.scheduleId)
    .executeTakeFirst();
  if (!schedule) throw errors.notFound('排班');
  if (schedule.status !== 'open')
    throw new AppError(409, 'SCHEDULE_STOPPED', '该排班已停诊', '医生已停诊，请选择其他时间或医生。');
  // ORG-5: a suspended doctor or institution cannot be booked.
  if (schedule.doctor_status !== 'active' || schedule.institution_status !== 'active') {
    throw new AppError(409, 'DOCTOR_SUSPENDED', '医生暂停执业', '该医生或机构已被暂停，暂不可预约。');
  }
  if (schedule.release_at.getTime() > now.getTime()) {
    throw new AppError(
      409,
      'NOT_RELEASED',
      '号源尚未开放',
      `号源将于 ${schedule.release_at.toISOString()} 开放预约。`,
      { releaseAt: schedule.release_at.toISOString() },
    );
  }
  if (shanghaiInstant(schedule.date, schedule.start_time).getTime() <= now.getTime()) {
    throw new AppError(409, 'SCHEDULE_PAST', '排班已开始', '该出诊时段已开始或已结束。');
  }
  await checkChannel(trx, auth, schedule, channel);
  const policy = await policyOf(trx, schedule.institution_id);

  const noShows = await trx
    .selectFrom('appointment')
    .select('window_end')
    .where('patient_id', '=', patientId)
    .where('status', '=', 'no_show')
    .execute();
  const until = suspendedUntil(
    noShows.map((n) => n.window_end),
    now,
    policy,
  );
  if (until) {
    throw new AppError(
      403,
      'BOOKING_SUSPENDED',
      '预约权限已暂停',
      `近 ${policy.noShowWindowDays} 天内爽约 ${policy.noShowLimit} 次及以上，预约暂停至 ${until.toISOString().slice(0, 10)}。`,
      { suspendedUntil: until.toISOString() },
    );
  }
  const duplicate = await trx
    .selectFrom('appointment')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('practitioner_id', '=', schedule.practitioner_id)
    .where('date', '=', schedule.date)
    .where('status', 'in', LIVE_STATUSES)
    .executeTakeFirst();
  if (duplicate) throw duplicateBooking();
  const active = await trx
    .selectFrom('appointment')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .where('status', 'in', LIVE_STATUSES)
    .where('window_end', '>', now)
    .executeTakeFirstOrThrow();
  if (Number(active.n) >= policy.maxActiveBookings) {
    throw new AppError(
      409,
      'TOO_MANY_BOOKINGS',
      '待就诊预约过多',
      `每位就诊人最多同时保留 ${policy.maxActiveBookings} 个待就诊预约。`,
    );
  }

  const paid = schedule.fee_fen > 0;
  const slot = await sql<{ id: string; token_number: number; window_start: Date; window_end: Date }>`
    update slot set status = ${paid ? 'held' : 'booked'}
    where id = (select id from slot where schedule_id = ${schedule.id} and channel = ${channel} and status = 'free'
                order by token_number limit 1 for update skip locked)
    returning id, token_number, window_start, window_end`.execute(trx);
  const token = slot.rows[0];
  if (!token)
    throw new AppError(409, 'SLOT_FULL', '号源已满', '该时段号源已约满，可加入候补，有号时将自动为您预约。');

  const appointmentId = newId();
  const holdUntil = paid ? new Date(now.getTime() + policy.holdMinutes * 60_000) : null;
  const orderId = paid
    ? await createOrder(trx, {
        patientId,
        accountId: auth.accountId,
        purpose: 'appointment',
        refId: appointmentId,
        description: `挂号费 ${schedule.doctor_name} ${schedule.date}`,
        amountFen: schedule.fee_fen,
        expiresAt: holdUntil!,
        now,
      })
    : null;
  await trx
    .insertInto('appointment')
    .values({
      id: appointmentId,
      schedule_id: schedule.id,
      slot_id: token.id,
      patient_id: patientId,
      booked_by: auth.accountId,
      practitioner_id: schedule.practitioner_id,
      date: schedule.date,
      channel,
      status: paid ? 'pending_payment' : 'confirmed',
      token_number: token.token_number,
      window_start: token.window_start,
      window_end: token.window_end,
      fee_fen: schedule.fee_fen,
      order_id: orderId,
      hold_until: holdUntil,
      created_at: now,
    })
    .execute()
    .catch((err: { code?: string }) => {
      if (err.code === '23505') throw duplicateBooking();
      throw err;
    });
  await recordAudit(
    trx,
    actor,
    {
      action: 'appointment.book',
      resourceType: 'appointment',
      resourceId: appointmentId,
      patientId,
      details: { scheduleId: schedule.id, channel, tokenNumber: token.token_number },
    },
    now,
  );
  await notify(
    ctx,
    trx,
    {
      accountId: auth.accountId,
      patientId,
      kind: 'booked',
      title: '预约成功',
      body: `${patient.name} ${schedule.date} ${fmtTime(token.window_start)} ${schedule.doctor_name}（${token.token_number} 号）${paid ? '，请在 15 分钟内完成支付' : ''}`,
      refType: 'appointment',
      refId: appointmentId,
    },
    after,
  );
  return {
    id: appointmentId,
    status: paid ? 'pending_payment' : 'confirmed',
    tokenNumber: token.token_number,
    windowStart: token.window_start.toISOString(),
    windowEnd: token.window_end.toISOString(),
    ...(orderId ? { orderId } : {}),
    ...(holdUntil ? { holdUntil: holdUntil.toISOString() } : {}),
  };
}

const duplicateBooking = () =>
  new AppError(409, 'DUPLICATE_BOOKING', '重复预约', '同一就诊人同一天只能预约同一医生一次。');

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
      const clash = await trx
        .selectFrom('appointment')
        .select('id')
        .where('patient_id', '=', next.patient_id)
        .where('practitioner_id', '=', slot.practitioner_id)
        .where('date', '=', slot.date)
        .where('status', 'in', LIVE_STATUSES)
        .executeTakeFirst();
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
    return a.status === 'confirmed' && a.order_id ? { orderId: a.order_id, amount: a.fee_fen } : null;
  });
  if (refund) await refundOrder(ctx, payments, refund.orderId, refund.amount, 'cancelled', actor);
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
    .returning('slot_id')
    .executeTakeFirst();
  if (!res) return false;
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
    mode: r.mode,
    channel: r.channel as Channel,
    tokenNumber: r.token_number,
    windowStart: r.window_start.toISOString(),
    windowEnd: r.window_end.toISOString(),
    feeFen: r.fee_fen,
    ...(r.order_id ? { orderId: r.order_id } : {}),
    ...(r.hold_until && r.status === 'pending_payment' ? { holdUntil: r.hold_until.toISOString() } : {}),
  }));
}
