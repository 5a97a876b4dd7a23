import { sql } from 'kysely';
import type { Schedule } from '../../../shared/scheduling.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  directoryErrors,
  institutionFacts,
  practitionerDepartmentsAt,
  practitionerFacts,
  requireOwnInstitution,
} from '../directory/directory.api.js';
import {
  type BookingPolicy,
  channelOfTokens,
  defaultFeeFen,
  defaultPolicy,
  type Mode,
  quotaCounts,
  releaseAt,
  reservedReleaseAt,
  tokenWindows,
} from './schedule.rules.js';
import { schedulingErrors } from './scheduling.errors.js';

export type ScheduleView = Schedule;

/** A `booking_policy` row's columns, as selected by `policyOf` or joined into a query (null: no row). */
export interface PolicyColumns {
  release_days_ahead: number | null;
  release_time: string | null;
  referral_percent: number | null;
  partner_percent: number | null;
  reserved_release_hours: number | null;
  cancel_cutoff_minutes: number | null;
  max_active_bookings: number | null;
  no_show_limit: number | null;
  no_show_window_days: number | null;
  suspension_days: number | null;
  hold_minutes: number | null;
}

export const POLICY_COLUMNS = [
  'release_days_ahead',
  'release_time',
  'referral_percent',
  'partner_percent',
  'reserved_release_hours',
  'cancel_cutoff_minutes',
  'max_active_bookings',
  'no_show_limit',
  'no_show_window_days',
  'suspension_days',
  'hold_minutes',
] as const;

/** The policy of a row, or — without a row — the defaults for the institution's level. */
export function policyFrom(row: PolicyColumns | undefined, level: string | null): BookingPolicy {
  if (!row || row.release_days_ahead === null) return defaultPolicy(level);
  return {
    releaseDaysAhead: row.release_days_ahead,
    releaseTime: row.release_time!.slice(0, 5),
    referralPercent: row.referral_percent!,
    partnerPercent: row.partner_percent!,
    reservedReleaseHours: row.reserved_release_hours!,
    cancelCutoffMinutes: row.cancel_cutoff_minutes!,
    maxActiveBookings: row.max_active_bookings!,
    noShowLimit: row.no_show_limit!,
    noShowWindowDays: row.no_show_window_days!,
    suspensionDays: row.suspension_days!,
    holdMinutes: row.hold_minutes!,
  };
}

/** The institution's booking policy: its row, or the defaults for its level (asked of directory). */
export async function policyOf(db: Executor, institutionId: string): Promise<BookingPolicy> {
  const row = await db
    .selectFrom('booking_policy')
    .select(POLICY_COLUMNS)
    .where('institution_id', '=', institutionId)
    .executeTakeFirst();
  if (row) return policyFrom(row, null);
  const institution = (await institutionFacts(db, [institutionId])).get(institutionId);
  if (!institution) throw errors.notFound('机构');
  return policyFrom(undefined, institution.level);
}

export interface CreateScheduleInput {
  doctorId: string;
  departmentId?: string;
  date: string;
  startTime: string;
  endTime: string;
  mode: Mode;
  feeFen?: number;
  capacity: number;
  quotas?: { referral?: number; partner?: number };
}

/** 出诊排班: an org_admin schedules a doctor of their own institution; tokens and channels are created with it. */
export async function createSchedule(
  ctx: AppContext,
  auth: AuthContext,
  input: CreateScheduleInput,
  actor: Actor,
): Promise<ScheduleView> {
  const institutionId = requireOwnInstitution(auth);
  const id = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const doctor = await practitionerFacts(trx, input.doctorId);
    if (doctor?.kind !== 'doctor') throw errors.notFound('医生');
    // A doctor practises here as their primary institution or a registered second site (ORG-2).
    const allowedDepartments = await practitionerDepartmentsAt(trx, doctor.id, institutionId);
    if (allowedDepartments.length === 0)
      throw directoryErrors.notYourInstitution('该医生未在本机构注册或备案执业（多点执业需先备案）。');
    const departmentId = input.departmentId ?? allowedDepartments[0]!;
    if (!allowedDepartments.includes(departmentId)) throw schedulingErrors.departmentMismatch();
    if (input.endTime <= input.startTime) throw schedulingErrors.invalidTimeRange();
    const policy = await policyOf(trx, institutionId);
    const counts = quotaCounts(input.capacity, policy, input.quotas);
    if (!counts) throw schedulingErrors.invalidQuotas('转诊与合作机构预留号之和不能超过号源总数。');
    const overlap = await trx
      .selectFrom('schedule')
      .select('id')
      .where('practitioner_id', '=', doctor.id)
      .where('date', '=', input.date)
      .where('status', '=', 'open')
      .where('start_time', '<', input.endTime)
      .where('end_time', '>', input.startTime)
      .executeTakeFirst();
    if (overlap) throw schedulingErrors.scheduleOverlap();
    const scheduleId = newId();
    await trx
      .insertInto('schedule')
      .values({
        id: scheduleId,
        institution_id: institutionId,
        department_id: departmentId,
        practitioner_id: doctor.id,
        date: input.date,
        start_time: input.startTime,
        end_time: input.endTime,
        mode: input.mode,
        fee_fen: input.feeFen ?? defaultFeeFen(doctor.title),
        capacity: input.capacity,
        release_at: releaseAt(input.date, policy),
        reserved_release_at: reservedReleaseAt(input.date, input.startTime, policy.reservedReleaseHours),
        created_by: auth.accountId,
        created_at: now,
      })
      .execute();
    const channels = channelOfTokens(counts);
    await trx
      .insertInto('token')
      .values(
        tokenWindows(input.date, input.startTime, input.endTime, input.capacity).map((w, i) => ({
          id: newId(),
          schedule_id: scheduleId,
          token_number: w.tokenNumber,
          window_start: w.windowStart,
          window_end: w.windowEnd,
          channel: channels[i]!,
        })),
      )
      .execute();
    await cmd.audit({
      action: 'schedule.create',
      resourceType: 'schedule',
      resourceId: scheduleId,
      details: {
        doctorId: doctor.id,
        date: input.date,
        mode: input.mode,
        capacity: input.capacity,
        quotas: counts,
      },
    });
    return scheduleId;
  });
  return (await listSchedules(ctx, { id }))[0]!;
}

export interface ScheduleFilter {
  id?: string;
  doctorId?: string;
  departmentId?: string;
  institutionId?: string;
  from?: string;
  to?: string;
  mode?: Mode;
  limit?: number;
}

/** Schedules with their free public tokens (`available`); before release they are visible, not bookable. */
export async function listSchedules(ctx: AppContext, f: ScheduleFilter): Promise<ScheduleView[]> {
  let q = ctx.db
    .selectFrom('schedule as s')
    .select([
      's.id',
      's.practitioner_id',
      's.department_id',
      's.institution_id',
      's.date',
      's.start_time',
      's.end_time',
      's.mode',
      's.fee_fen',
      's.capacity',
      's.release_at',
      's.status',
    ])
    // One pass over the schedule's tokens for the free count and the channel split.
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('token')
          .select([
            sql<number>`(count(*) filter (where status = 'free' and channel = 'public'))::int`.as(
              'available',
            ),
            sql<number>`(count(*) filter (where channel = 'public'))::int`.as('q_public'),
            sql<number>`(count(*) filter (where channel = 'referral'))::int`.as('q_referral'),
            sql<number>`(count(*) filter (where channel = 'partner'))::int`.as('q_partner'),
          ])
          .whereRef('token.schedule_id', '=', 's.id')
          .as('c'),
      (join) => join.onTrue(),
    )
    .select(['c.available', 'c.q_public', 'c.q_referral', 'c.q_partner'])
    .orderBy('s.date')
    .orderBy('s.start_time')
    .orderBy('s.id')
    .limit(Math.min(f.limit ?? 200, 500));
  if (f.id) q = q.where('s.id', '=', f.id);
  if (f.doctorId) q = q.where('s.practitioner_id', '=', f.doctorId);
  if (f.departmentId) q = q.where('s.department_id', '=', f.departmentId);
  if (f.institutionId) q = q.where('s.institution_id', '=', f.institutionId);
  if (f.from) q = q.where('s.date', '>=', f.from);
  if (f.to) q = q.where('s.date', '<=', f.to);
  if (f.mode) q = q.where('s.mode', '=', f.mode);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    doctorId: r.practitioner_id,
    departmentId: r.department_id,
    institutionId: r.institution_id,
    date: r.date,
    startTime: r.start_time.slice(0, 5),
    endTime: r.end_time.slice(0, 5),
    mode: r.mode as Mode,
    feeFen: r.fee_fen,
    capacity: r.capacity,
    available: r.status === 'open' ? Number(r.available) : 0,
    releaseAt: r.release_at.toISOString(),
    status: r.status as 'open' | 'stopped',
    quotas: { public: Number(r.q_public), referral: Number(r.q_referral), partner: Number(r.q_partner) },
  }));
}
