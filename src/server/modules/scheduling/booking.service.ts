import { sql } from 'kysely';
import type { BookResult } from '../../../shared/scheduling.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type IdempotentResult, requestHash, runIdempotentCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { bookingParties, institutionFacts } from '../directory/directory.api.js';
import {
  identityErrors,
  type PatientCard,
  patientCard,
  requirePatientAccess,
} from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { createOrder } from '../payments/payment.service.js';
import { type Channel, LIVE_STATUSES, shanghaiInstant, suspendedUntil } from './schedule.rules.js';
import { POLICY_COLUMNS, policyFrom } from './schedule.service.js';
import { schedulingErrors } from './scheduling.errors.js';

export type { BookResult };

const fmtTime = (d: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);

/** The patient a request acts for: the caller's own record, or a dependent they are an active proxy for. */
async function patientFor(
  db: Executor,
  auth: AuthContext,
  patientId: string | undefined,
  referral: boolean,
): Promise<PatientCard> {
  // A referral names a patient the referring staff care for; anyone else names themself or a dependent.
  if (patientId && !referral) await requirePatientAccess(db, auth, patientId);
  const patient = await patientCard(db, patientId ? { patientId } : { accountId: auth.accountId });
  if (!patient) {
    throw identityErrors.realNameRequired(
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
  const facts = await institutionFacts(db, [
    schedule.institution_id,
    ...(auth.institutionId ? [auth.institutionId] : []),
  ]);
  const staffInstitution = auth.institutionId ? facts.get(auth.institutionId) : undefined;
  const target = facts.get(schedule.institution_id)!;
  const inAlliance = staffInstitution?.allianceOf === schedule.institution_id;
  const ok =
    channel === 'referral'
      ? inAlliance &&
        (staffInstitution?.type === 'community_centre' || staffInstitution?.type === 'community_station')
      : inAlliance && staffInstitution?.district !== target.district;
  if (!ok) {
    throw schedulingErrors.channelNotAllowed(
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
  /**
   * This token and no other ([6/12]: a FHIR Appointment names its Slot); when it is taken the booking is
   * refused as SLOT_FULL. Without it, the next free token of the channel.
   */
  tokenId?: string;
}

export interface BookOptions {
  /** The request's `Idempotency-Key`: a retry with it gets the first result instead of a second booking. */
  idempotencyKey?: string | undefined;
}

/**
 * 预约挂号 as one command (one transaction with its audit, notification and outbox events), behind the
 * caller's `Idempotency-Key`. Answers the result and whether it is a replay of an earlier one.
 */
export async function book(
  ctx: AppContext,
  auth: AuthContext,
  input: BookInput,
  actor: Actor,
  options: BookOptions = {},
): Promise<IdempotentResult<BookResult>> {
  // Staff book for patients through the reserved channels only; the public channel is the patient's own.
  if ((input.channel ?? 'public') === 'public' && !auth.roles.includes('patient'))
    throw errors.forbidden('医务人员只能使用转诊或合作机构号源为患者预约。');
  return runIdempotentCommand(
    ctx,
    actor,
    { accountId: auth.accountId, key: options.idempotencyKey, requestHash: requestHash(input), status: 201 },
    async (cmd) => {
      const { trx, now } = cmd;
      const channel = input.channel ?? 'public';
      const staffReferral = channel !== 'public';
      if (staffReferral && !input.patientId) throw errors.validationFailed('转诊预约须指定 patientId。');
      const patient = await patientFor(trx, auth, input.patientId, staffReferral);
      const patientId = patient.id;
      if (!patient.verifiedAt) throw identityErrors.realNameRequired('就诊人未实名认证（ID-1）。');

      const schedule = await trx
        .selectFrom('schedule as s')
        .leftJoin('booking_policy as bp', 'bp.institution_id', 's.institution_id')
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
          ...POLICY_COLUMNS.map((c) => `bp.${c}` as const),
          // The doctor and the institution, in this round trip: a fragment directory exports.
          (eb) => bookingParties(eb.ref('s.practitioner_id'), eb.ref('s.institution_id')).as('parties'),
          // Whether a token of this channel is still free: most attempts on a sold-out session stop here.
          (eb) =>
            eb
              .exists(
                eb
                  .selectFrom('token as t')
                  .select('t.id')
                  .whereRef('t.schedule_id', '=', 's.id')
                  .where('t.channel', '=', channel)
                  .where('t.status', '=', 'free')
                  .$if(input.tokenId !== undefined, (q) => q.where('t.id', '=', input.tokenId!)),
              )
              .as('has_free'),
        ])
        .where('s.id', '=', input.scheduleId)
        .executeTakeFirst();
      if (!schedule?.parties) throw errors.notFound('排班');
      const { parties } = schedule;
      if (schedule.status !== 'open') throw schedulingErrors.scheduleStopped();
      // ORG-5: a suspended doctor or institution cannot be booked.
      if (parties.doctorStatus !== 'active' || parties.institutionStatus !== 'active')
        throw schedulingErrors.doctorSuspended('该医生或机构已被暂停，暂不可预约。');
      if (schedule.release_at.getTime() > now.getTime()) {
        throw schedulingErrors.notReleased(`号源将于 ${schedule.release_at.toISOString()} 开放预约。`, {
          releaseAt: schedule.release_at.toISOString(),
        });
      }
      if (shanghaiInstant(schedule.date, schedule.start_time).getTime() <= now.getTime())
        throw schedulingErrors.schedulePast();
      await checkChannel(trx, auth, schedule, channel);
      if (!schedule.has_free) throw schedulingErrors.tokensFull();
      const policy = policyFrom(schedule, parties.institutionLevel);

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
        throw schedulingErrors.bookingSuspended(
          `近 ${policy.noShowWindowDays} 天内爽约 ${policy.noShowLimit} 次及以上，预约暂停至 ${until.toISOString().slice(0, 10)}。`,
          { suspendedUntil: until.toISOString() },
        );
      }
      if (duplicate) throw schedulingErrors.duplicateBooking();
      if (active >= policy.maxActiveBookings)
        throw schedulingErrors.tooManyBookings(
          `每位就诊人最多同时保留 ${policy.maxActiveBookings} 个待就诊预约。`,
        );

      // The token: an atomic UPDATE on a free row (FOR UPDATE SKIP LOCKED), so concurrent bookers each
      // get a different token or none.
      const paid = schedule.fee_fen > 0;
      const taken = await sql<{ id: string; token_number: number; window_start: Date; window_end: Date }>`
        update token set status = ${paid ? 'held' : 'booked'}
        where id = (select id from token where schedule_id = ${schedule.id} and channel = ${channel} and status = 'free'
                    ${input.tokenId !== undefined ? sql`and id = ${input.tokenId}` : sql``}
                    order by token_number limit 1 for update skip locked)
        returning id, token_number, window_start, window_end`.execute(trx);
      const token = taken.rows[0];
      if (!token) throw schedulingErrors.tokensFull();

      const appointmentId = newId();
      const holdUntil = paid ? new Date(now.getTime() + policy.holdMinutes * 60_000) : null;
      const orderId = paid
        ? await createOrder(trx, {
            patientId,
            accountId: auth.accountId,
            purpose: 'appointment',
            refId: appointmentId,
            institutionId: schedule.institution_id,
            description: `挂号费 ${parties.doctorName} ${schedule.date}`,
            amountFen: schedule.fee_fen,
            expiresAt: holdUntil!,
            now,
          })
        : null;
      // appointment_live_token and appointment_live_patient_doctor_day (0004, 0009) refuse what the checks
      // above might miss under concurrency.
      await mapUniqueViolation(
        trx
          .insertInto('appointment')
          .values({
            id: appointmentId,
            schedule_id: schedule.id,
            token_id: token.id,
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
          .execute(),
        schedulingErrors.duplicateBooking(),
      );
      await cmd.audit({
        action: 'appointment.book',
        resourceType: 'appointment',
        resourceId: appointmentId,
        patientId,
        details: { scheduleId: schedule.id, channel, tokenNumber: token.token_number },
      });
      await notify(
        cmd,
        notices.booked(
          { accountId: auth.accountId, patientId, refId: appointmentId },
          {
            patientName: patient.name,
            date: schedule.date,
            time: fmtTime(token.window_start),
            doctorName: parties.doctorName,
            tokenNumber: token.token_number,
            paid,
          },
        ),
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
    },
  );
}
