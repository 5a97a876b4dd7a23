import { sql } from 'kysely';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { requirePatientAccess } from '../identity/patient-access.js';
import { type AfterCommit, notify } from '../notifications/notification.service.js';
import { createOrder } from '../payments/payment.service.js';
import {
  type AppointmentStatus,
  type Channel,
  LIVE_STATUSES,
  shanghaiInstant,
  suspendedUntil,
} from './schedule.rules.js';
import { policyOf } from './schedule.service.js';

const fmtTime = (d: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);

/** The patient a request acts for: the caller's own record, or a dependent they are an active proxy for (one query). */
async function patientFor(
  db: Executor,
  auth: AuthContext,
  patientId: string | undefined,
  referral: boolean,
): Promise<{ id: string; name: string; verified_at: Date | null }> {
  // A referral names a patient the referring staff care for; anyone else names themself or a dependent.
  if (patientId && !referral) await requirePatientAccess(db, auth, patientId);
  let q = db.selectFrom('patient').select(['id', 'name', 'verified_at']);
  q = patientId ? q.where('id', '=', patientId) : q.where('account_id', '=', auth.accountId);
  const patient = await q.executeTakeFirst();
  if (!patient) {
    throw new AppError(
      403,
      'REAL_NAME_REQUIRED',
      '请先完成实名认证',
      '预约挂号须实名（ID-1）：请先完成本人实名认证，或为已添加的就诊人预约。',
    );
  }
  return patient;
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
  const patient = await patientFor(trx, auth, input.patientId, staffReferral);
  const patientId = patient.id;
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
      // Whether a token of this channel is still free: most attempts on a sold-out session stop here.
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('slot as sl')
              .select('sl.id')
              .whereRef('sl.schedule_id', '=', 's.id')
              .where('sl.channel', '=', channel)
              .where('sl.status', '=', 'free'),
          )
          .as('has_free'),
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
  if (!schedule.has_free) throw slotFull();
  const policy = await policyOf(trx, schedule.institution_id);

  // The patient's standing in one query: recent no-shows (suspension), a live booking with this doctor
  // that day (duplicate), and live bookings still ahead (the active limit).
  const live = [...LIVE_STATUSES];
  const standing = await sql<{ no_shows: Date[]; duplicate: boolean; active: number }>`
    select coalesce(array_agg(window_end) filter (where status = 'no_show'), '{}') as no_shows,
           coalesce(bool_or(practitioner_id = ${schedule.practitioner_id} and date = ${schedule.date}
                            and status = any(${live})), false) as duplicate,
           (count(*) filter (where status = any(${live}) and window_end > ${now}))::int as active
      from appointment where patient_id = ${patientId}`.execute(trx);
  const { no_shows: noShows, duplicate, active } = standing.rows[0]!;
  const until = suspendedUntil(noShows, now, policy);
  if (until) {
    throw new AppError(
      403,
      'BOOKING_SUSPENDED',
      '预约权限已暂停',
      `近 ${policy.noShowWindowDays} 天内爽约 ${policy.noShowLimit} 次及以上，预约暂停至 ${until.toISOString().slice(0, 10)}。`,
      { suspendedUntil: until.toISOString() },
    );
  }
  if (duplicate) throw duplicateBooking();
  if (active >= policy.maxActiveBookings) {
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
  if (!token) throw slotFull();

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

const slotFull = () =>
  new AppError(409, 'SLOT_FULL', '号源已满', '该时段号源已约满，可加入候补，有号时将自动为您预约。');

const duplicateBooking = () =>
  new AppError(409, 'DUPLICATE_BOOKING', '重复预约', '同一就诊人同一天只能预约同一医生一次。');
