import { sql } from 'kysely';
import type { BookResult } from '../../../shared/scheduling.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import {
  type CommandScope,
  type Idempotency,
  type IdempotentResult,
  idempotencyRecordJson,
  lockedIdempotencyRecord,
  recordIdempotentResult,
  replayOf,
  requestHash,
  runCommand,
} from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { type BookingParties, bookingParties, institutionFacts } from '../directory/directory.api.js';
import { identityErrors, patientCardJson, requirePatientAccess } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { createOrder } from '../payments/payment.service.js';
import {
  type BookingPolicy,
  type Channel,
  LIVE_STATUSES,
  shanghaiInstant,
  suspendedUntil,
} from './schedule.rules.js';
import { POLICY_COLUMNS, type PolicyColumns, policyFrom } from './schedule.service.js';
import { schedulingErrors } from './scheduling.errors.js';

export type { BookResult };

// Made once: building an Intl.DateTimeFormat costs more than a booking's own work in JavaScript.
const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const fmtTime = (d: Date) => timeFormat.format(d);

/**
 * Which channel the caller may book (FD-4): patients book `public`; staff of a primary-care institution
 * in the hospital's alliance book `referral` for a patient; staff of a partner institution in an outer
 * district book `partner`.
 */
async function checkChannel(
  db: Executor,
  bookerInstitutionId: string | null,
  schedule: { institution_id: string },
  channel: Channel,
): Promise<void> {
  if (channel === 'public') return;
  const facts = await institutionFacts(db, [
    schedule.institution_id,
    ...(bookerInstitutionId ? [bookerInstitutionId] : []),
  ]);
  const staffInstitution = bookerInstitutionId ? facts.get(bookerInstitutionId) : undefined;
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

/** Everything an attempt is judged on, read in one statement (one snapshot) before any transaction. */
interface BookingFacts extends PolicyColumns {
  replay: { requestHash: string; status: number; body: unknown } | null;
  patient: { id: string; accountId: string | null; name: string; verifiedAt: string | null } | null;
  id: string | null;
  institution_id: string;
  practitioner_id: string;
  date: string;
  start_time: string;
  fee_fen: number;
  release_at: Date;
  status: string;
  mode: string;
  parties: BookingParties | null;
  has_free: boolean;
  no_shows: Date[] | null;
  duplicate: boolean | null;
  active: number | null;
}

/**
 * The first look ([9/12]), one round trip outside any transaction: the Idempotency-Key's committed record,
 * the patient, the schedule with its policy, doctor, institution and whether a token is free, and the
 * patient's standing (no-shows, a live booking with this doctor that day, live bookings ahead). Most
 * attempts in a rush end here: a refusal needs no transaction, no lock and no second statement.
 *
 * One snapshot: a concurrent request with the same key either committed before it (its record is seen
 * and replayed) or not (nothing of it is seen, and the attempt is judged as if it had not run — a booking
 * goes on to the claim, which waits on the key's lock and then sees the record).
 */
async function readFacts(
  db: Executor,
  auth: AuthContext,
  input: BookInput,
  channel: Channel,
  key: string | undefined,
  now: Date,
): Promise<BookingFacts> {
  const live = [...LIVE_STATUSES];
  const by = input.patientId ? { patientId: input.patientId } : { accountId: auth.accountId };
  const { rows } = await sql<BookingFacts>`
    select ${idempotencyRecordJson(auth.accountId, key)} as replay, pc.card as patient,
           s.id, s.institution_id, s.practitioner_id, s.date, s.start_time, s.fee_fen, s.release_at, s.status,
           s.mode, ${sql.join(POLICY_COLUMNS.map((c) => sql.ref(`bp.${c}`)))},
           ${bookingParties(sql.ref('s.practitioner_id'), sql.ref('s.institution_id'))} as parties,
           exists (select 1 from token t where t.schedule_id = s.id and t.channel = ${channel} and t.status = 'free'
                   ${input.tokenId !== undefined ? sql`and t.id = ${input.tokenId}` : sql``}) as has_free,
           st.no_shows, st.duplicate, st.active
      from (select ${patientCardJson(by)} as card) pc
      left join schedule s on s.id = ${input.scheduleId}
      left join booking_policy bp on bp.institution_id = s.institution_id
      left join lateral (
        select coalesce(array_agg(a.window_end) filter (where a.status = 'no_show'), '{}') as no_shows,
               coalesce(bool_or(a.practitioner_id = s.practitioner_id and a.date = s.date
                                and a.status = any(${live})), false) as duplicate,
               (count(*) filter (where a.status = any(${live}) and a.window_end > ${now}))::int as active
          from appointment a where a.patient_id = (pc.card->>'id')::uuid) st on true`.execute(db);
  return rows[0]!;
}

/**
 * The refusals, in the documented order (docs/scheduling.md): who, the schedule, the patient's standing,
 * then a free token — so a patient who already holds a booking with the doctor that day hears
 * DUPLICATE_BOOKING even when the session is full.
 */
async function judge(
  db: Executor,
  auth: AuthContext,
  input: BookInput,
  channel: Channel,
  facts: BookingFacts,
  now: Date,
  // Whose reserved channel this is (FD-4): the staff member's institution, or a referral's referring one.
  bookerInstitutionId: string | null = auth.institutionId ?? null,
): Promise<{
  patient: NonNullable<BookingFacts['patient']>;
  parties: BookingParties;
  policy: BookingPolicy;
}> {
  const staffReferral = channel !== 'public';
  // A referral names a patient the referring staff care for; anyone else names themself or a dependent.
  if (input.patientId && !staffReferral) await requirePatientAccess(db, auth, input.patientId);
  const patient = facts.patient;
  if (!patient) {
    throw identityErrors.realNameRequired(
      '预约挂号须实名（ID-1）：请先完成本人实名认证，或为已添加的就诊人预约。',
    );
  }
  if (!patient.verifiedAt) throw identityErrors.realNameRequired('就诊人未实名认证（ID-1）。');
  const { parties } = facts;
  if (!facts.id || !parties) throw errors.notFound('排班');
  if (facts.status !== 'open') throw schedulingErrors.scheduleStopped();
  // ORG-5: a suspended doctor or institution cannot be booked.
  if (parties.doctorStatus !== 'active' || parties.institutionStatus !== 'active')
    throw schedulingErrors.doctorSuspended('该医生或机构已被暂停，暂不可预约。');
  if (facts.release_at.getTime() > now.getTime()) {
    throw schedulingErrors.notReleased(`号源将于 ${facts.release_at.toISOString()} 开放预约。`, {
      releaseAt: facts.release_at.toISOString(),
    });
  }
  if (shanghaiInstant(facts.date, facts.start_time).getTime() <= now.getTime())
    throw schedulingErrors.schedulePast();
  await checkChannel(db, bookerInstitutionId, facts, channel);
  const policy = policyFrom(facts, parties.institutionLevel);
  const until = suspendedUntil(facts.no_shows ?? [], now, policy);
  if (until) {
    throw schedulingErrors.bookingSuspended(
      `近 ${policy.noShowWindowDays} 天内爽约 ${policy.noShowLimit} 次及以上，预约暂停至 ${until.toISOString().slice(0, 10)}。`,
      { suspendedUntil: until.toISOString() },
    );
  }
  if (facts.duplicate) throw schedulingErrors.duplicateBooking();
  if ((facts.active ?? 0) >= policy.maxActiveBookings)
    throw schedulingErrors.tooManyBookings(
      `每位就诊人最多同时保留 ${policy.maxActiveBookings} 个待就诊预约。`,
    );
  // Sold out: answered here, without a transaction (the claim below is still the only thing that takes a token).
  if (!facts.has_free) throw schedulingErrors.tokensFull();
  return { patient, parties, policy };
}

/**
 * 预约挂号 behind the caller's `Idempotency-Key`: a first look outside any transaction (readFacts) answers a
 * replay or a refusal in one statement; a booking is then one command (one transaction with its audit,
 * notification and outbox events) whose first statement claims the key and a token together
 * (`scheduling_claim_token`, migration 0027). Answers the result and whether it is a replay of an earlier one.
 */
export async function book(
  ctx: AppContext,
  auth: AuthContext,
  input: BookInput,
  actor: Actor,
  options: BookOptions = {},
): Promise<IdempotentResult<BookResult>> {
  const channel = input.channel ?? 'public';
  // Staff book for patients through the reserved channels only; the public channel is the patient's own.
  if (channel === 'public' && !auth.roles.includes('patient'))
    throw errors.forbidden('医务人员只能使用转诊或合作机构号源为患者预约。');
  const idem: Idempotency = {
    accountId: auth.accountId,
    key: options.idempotencyKey,
    requestHash: requestHash(input),
    status: 201,
  };
  const facts = await readFacts(ctx.db, auth, input, channel, idem.key, ctx.clock.now());
  if (facts.replay) {
    const { requestHash: request_hash, status: status_code, body } = facts.replay;
    return replayOf<BookResult>({ request_hash, status_code, body }, idem);
  }
  if (channel !== 'public' && !input.patientId) throw errors.validationFailed('转诊预约须指定 patientId。');
  let judged: Awaited<ReturnType<typeof judge>>;
  try {
    judged = await judge(ctx.db, auth, input, channel, facts, ctx.clock.now());
  } catch (err) {
    // A keyed refusal other than SLOT_FULL may be a retry racing its own first request, which is booking
    // while something changed between the two looks (the session stopped, another booking raised the active
    // count): the key's lock is waited for and a committed first answer replayed instead. SLOT_FULL needs no
    // such look — the first request's token still looks free to this one until it commits.
    if (idem.key && err instanceof AppError && err.code !== schedulingErrors.tokensFull.spec.code) {
      const first = await lockedIdempotencyRecord(ctx, idem);
      if (first) return replayOf<BookResult>(first, idem);
    }
    throw err;
  }
  return runCommand(ctx, actor, (cmd) =>
    claimBooking(cmd, judged, facts, {
      auth,
      idem,
      channel,
      tokenId: input.tokenId,
      bookedBy: auth.accountId,
      notify: true,
    }),
  );
}

/**
 * FD-4: a referred patient booked on a session's `referral` quota inside the caller's command (family
 * doctor's `POST /referrals/{id}/book`, by the referring or the receiving side). The channel is judged by
 * the referring institution (a primary institution of the hospital's alliance), whoever books; the
 * appointment is the resident's (`booked_by`: their account, told of payment, reminders and lapses) and its
 * order theirs to pay from "my appointments" while the hold lasts. The usual refusals apply (real name,
 * duplicate, active bookings, no-shows, sold out). No notice here: the caller sends the referral's own.
 */
export async function bookReferralIn(
  cmd: CommandScope,
  auth: AuthContext,
  input: { scheduleId: string; patientId: string; referringInstitutionId: string },
): Promise<BookResult> {
  const channel: Channel = 'referral';
  const book: BookInput = { scheduleId: input.scheduleId, patientId: input.patientId, channel };
  const idem: Idempotency = { accountId: auth.accountId, key: undefined, requestHash: '', status: 201 };
  const facts = await readFacts(cmd.trx, auth, book, channel, undefined, cmd.now);
  const judged = await judge(cmd.trx, auth, book, channel, facts, cmd.now, input.referringInstitutionId);
  const r = await claimBooking(cmd, judged, facts, {
    auth,
    idem,
    channel,
    tokenId: undefined,
    bookedBy: judged.patient.accountId ?? auth.accountId,
    notify: false,
  });
  return r.body;
}

/** The booking itself, in the command: claim a token (and the key), the order, the appointment, audit. */
async function claimBooking(
  cmd: CommandScope,
  judged: Awaited<ReturnType<typeof judge>>,
  facts: BookingFacts,
  o: {
    auth: AuthContext;
    idem: Idempotency;
    channel: Channel;
    tokenId: string | undefined;
    /** The account the appointment is for (its notices, its order's payer). */
    bookedBy: string;
    notify: boolean;
  },
): Promise<IdempotentResult<BookResult>> {
  const { auth, idem, channel } = o;
  const input = { tokenId: o.tokenId };
  const { patient, parties, policy } = judged;
  const schedule = { ...facts, id: facts.id! };
  const paid = schedule.fee_fen > 0;
  const { trx, now } = cmd;
  const patientId = patient.id;
  // The key's record (under its lock) or a token — an atomic UPDATE on a free row, FOR UPDATE SKIP LOCKED,
  // so concurrent bookers each get a different token or none — in one round trip.
  const claimed = await sql<ClaimRow>`
      select * from scheduling_claim_token(${auth.accountId}, ${idem.key ?? null}, ${schedule.id}, ${channel},
                                           ${input.tokenId ?? null}, ${paid ? 'held' : 'booked'})`.execute(
    trx,
  );
  const claim = claimed.rows[0];
  if (claim?.replay_hash != null) {
    return replayOf<BookResult>(
      { request_hash: claim.replay_hash, status_code: claim.replay_status!, body: claim.replay_body },
      idem,
    );
  }
  if (!claim?.token_id) throw schedulingErrors.tokensFull();
  const token = {
    id: claim.token_id,
    token_number: claim.token_number!,
    window_start: claim.window_start!,
    window_end: claim.window_end!,
  };

  const appointmentId = newId();
  const holdUntil = paid ? new Date(now.getTime() + policy.holdMinutes * 60_000) : null;
  const orderId = paid
    ? await createOrder(trx, {
        patientId,
        accountId: o.bookedBy,
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
        booked_by: o.bookedBy,
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
  if (o.notify)
    await notify(
      cmd,
      notices.booked(
        { accountId: o.bookedBy, patientId, refId: appointmentId },
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
  const result: BookResult = {
    id: appointmentId,
    status: paid ? 'pending_payment' : 'confirmed',
    tokenNumber: token.token_number,
    windowStart: token.window_start.toISOString(),
    windowEnd: token.window_end.toISOString(),
    ...(orderId ? { orderId } : {}),
    ...(holdUntil ? { holdUntil: holdUntil.toISOString() } : {}),
  };
  await recordIdempotentResult(trx, idem, result, now);
  return { status: idem.status, body: result, replayed: false };
}

interface ClaimRow {
  replay_hash: string | null;
  replay_status: number | null;
  replay_body: unknown;
  token_id: string | null;
  token_number: number | null;
  window_start: Date | null;
  window_end: Date | null;
}
