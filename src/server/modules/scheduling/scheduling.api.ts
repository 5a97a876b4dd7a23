/**
 * What other modules may ask of scheduling (style.md: a module owns its tables; others call these
 * functions with their own transaction — `cmd.trx`, or `cmd` when the change may notify or emit).
 */

import { type Expression, type SqlBool, sql } from 'kysely';
import type { NextAvailable } from '../../../shared/directory.js';
import type { Mode } from '../../../shared/scheduling.js';
import type { CommandScope } from '../../platform/command.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { institutionActive } from '../directory/directory.api.js';
import { releaseToken } from './waitlist.service.js';

/** FD-4: a referred patient booked on a session's referral quota, in the referral's command (family doctor). */
export { bookReferralIn } from './booking.service.js';
export { defaultFeeFen, shanghaiInstant } from './schedule.rules.js';

/** An appointment as visits needs it to start an online visit from it. */
export interface AppointmentForVisit {
  id: string;
  patientId: string;
  status: string;
  practitionerId: string;
  departmentId: string;
  mode: Mode;
  feeFen: number;
  orderId: string | null;
  windowStart: Date;
}

export async function appointmentForVisit(
  db: Executor,
  appointmentId: string,
): Promise<AppointmentForVisit | undefined> {
  const a = await db
    .selectFrom('appointment as a')
    .innerJoin('schedule as s', 's.id', 'a.schedule_id')
    .select([
      'a.id',
      'a.patient_id',
      'a.status',
      'a.practitioner_id',
      'a.fee_fen',
      'a.order_id',
      'a.window_start',
      's.department_id',
      's.mode',
    ])
    .where('a.id', '=', appointmentId)
    .executeTakeFirst();
  return a
    ? {
        id: a.id,
        patientId: a.patient_id,
        status: a.status,
        practitionerId: a.practitioner_id,
        departmentId: a.department_id,
        mode: a.mode as Mode,
        feeFen: a.fee_fen,
        orderId: a.order_id,
        windowStart: a.window_start,
      }
    : undefined;
}

/** The appointment a visit came from is done when the visit ends seen (completed or referred). */
export async function completeAppointment(trx: Tx, appointmentId: string): Promise<void> {
  await trx
    .updateTable('appointment')
    .set({ status: 'completed' })
    .where('id', '=', appointmentId)
    .where('status', 'in', ['confirmed', 'checked_in'])
    .execute();
}

/**
 * The appointment a visit came from is cancelled when the visit ends before it started, in the visit's
 * command; its token goes back (to the waitlist first, whose patient is told through `cmd`).
 */
export async function cancelForVisit(
  cmd: CommandScope,
  appointmentId: string,
  reason: 'visit_ended' | 'visit_expired',
): Promise<void> {
  const a = await cmd.trx
    .updateTable('appointment')
    .set({ status: 'cancelled', cancelled_at: cmd.now, cancel_reason: reason })
    .where('id', '=', appointmentId)
    .where('status', 'in', ['confirmed', 'checked_in'])
    .returning('token_id')
    .executeTakeFirst();
  if (a) await releaseToken(cmd, a.token_id);
}

/** Per doctor, the earliest bookable session: its date, mode and free public tokens (the directory's contract). */
export type { NextAvailable };

/**
 * The earliest open session from `today` on with public tokens that are released, free and not yet over,
 * per doctor, at an active institution (ORG-5): one grouped query for a page of doctors, served by
 * schedule_practitioner_date and token_free.
 */
export async function nextAvailable(
  db: Executor,
  practitionerIds: readonly string[],
  now: Date,
  today: string,
  mode?: Mode,
): Promise<Map<string, NextAvailable>> {
  if (practitionerIds.length === 0) return new Map();
  let q = db
    .selectFrom('schedule as s')
    .innerJoin('token as t', 't.schedule_id', 's.id')
    .distinctOn('s.practitioner_id')
    .select([
      's.practitioner_id',
      's.date',
      's.mode',
      (eb) => eb.fn.countAll<number | string>().as('available'),
    ])
    .where('s.practitioner_id', 'in', [...practitionerIds])
    .where('s.status', '=', 'open')
    .where('s.date', '>=', today)
    .where('s.release_at', '<=', now)
    // A session at another site (多点执业) of a suspended institution cannot be booked either (ORG-5).
    .where((eb) => institutionActive(eb.ref('s.institution_id')))
    .where('t.status', '=', 'free')
    .where('t.channel', '=', 'public')
    .where('t.window_end', '>', now);
  if (mode) q = q.where('s.mode', '=', mode);
  const rows = await q
    .groupBy(['s.practitioner_id', 's.id', 's.date', 's.start_time', 's.mode'])
    .orderBy('s.practitioner_id')
    .orderBy('s.date')
    .orderBy('s.start_time')
    .orderBy('s.id')
    .execute();
  return new Map(
    rows.map((r) => [
      r.practitioner_id,
      { date: r.date, mode: r.mode as Mode, available: Number(r.available) },
    ]),
  );
}

/**
 * For a doctor search (directory's hot path): whether the doctor has an open session — that day, or from
 * `today` on — in that mode, at that site and department, as a condition of the caller's query
 * (`hasOpenSession(eb.ref('p.id'), {...})`), served by schedule_practitioner_date.
 */
export function hasOpenSession(
  practitionerId: Expression<string>,
  f: { date?: string; today: string; mode?: Mode; institutionId?: string; departmentId?: string },
) {
  return sql<SqlBool>`exists (select 1 from schedule s where s.practitioner_id = ${practitionerId}
    and s.status = 'open'
    ${f.date !== undefined ? sql`and s.date = ${f.date}` : sql`and s.date >= ${f.today}`}
    ${f.mode !== undefined ? sql`and s.mode = ${f.mode}` : sql``}
    ${f.institutionId !== undefined ? sql`and s.institution_id = ${f.institutionId}` : sql``}
    ${f.departmentId !== undefined ? sql`and s.department_id = ${f.departmentId}` : sql``})`;
}

/**
 * Whether the patient was seen at the institution: an appointment of one of its sessions that was checked in
 * or completed (a booking alone is not a visit). Visits asks it before a doctor there records an offline
 * diagnosis (VISIT-1, SEC-1); served by appointment_patient.
 */
export async function patientSeenAt(
  db: Executor,
  patientId: string,
  institutionId: string,
): Promise<boolean> {
  const seen = await db
    .selectFrom('appointment as a')
    .innerJoin('schedule as s', 's.id', 'a.schedule_id')
    .select('a.id')
    .where('a.patient_id', '=', patientId)
    .where('a.status', 'in', ['checked_in', 'completed'])
    .where('s.institution_id', '=', institutionId)
    .limit(1)
    .executeTakeFirst();
  return seen !== undefined;
}

/**
 * [8/12] 我看过的医生: per doctor, the last day the patient was seen at one of their sessions (checked in or
 * completed — a booking alone is not a visit), newest first; served by appointment_patient.
 */
export async function doctorsSeenAtAppointments(
  db: Executor,
  patientId: string,
): Promise<{ practitionerId: string; lastSeenOn: string }[]> {
  const rows = await db
    .selectFrom('appointment as a')
    .innerJoin('schedule as s', 's.id', 'a.schedule_id')
    .select(['s.practitioner_id', (eb) => eb.fn.max('s.date').as('last_seen_on')])
    .where('a.patient_id', '=', patientId)
    .where('a.status', 'in', ['checked_in', 'completed'])
    .groupBy('s.practitioner_id')
    .execute();
  return rows.map((r) => ({ practitionerId: r.practitioner_id, lastSeenOn: String(r.last_seen_on) }));
}

/** A session as a referral needs it (FD-4): where, which department, whom, when. */
export interface SessionFacts {
  id: string;
  institutionId: string;
  departmentId: string;
  practitionerId: string;
  date: string;
  mode: Mode;
  status: string;
}

export async function sessionFacts(db: Executor, scheduleId: string): Promise<SessionFacts | undefined> {
  const s = await db
    .selectFrom('schedule')
    .select(['id', 'institution_id', 'department_id', 'practitioner_id', 'date', 'mode', 'status'])
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  return s
    ? {
        id: s.id,
        institutionId: s.institution_id,
        departmentId: s.department_id,
        practitionerId: s.practitioner_id,
        date: String(s.date),
        mode: s.mode as Mode,
        status: s.status,
      }
    : undefined;
}

/** Appointments as a referral shows them (FD-4), many at once: when, with whom, and where they stand. */
export async function appointmentSummaries(
  db: Executor,
  ids: readonly string[],
): Promise<
  Map<string, { id: string; date: string; windowStart: Date; practitionerId: string; status: string }>
> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('appointment')
    .select(['id', 'date', 'window_start', 'practitioner_id', 'status'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        date: String(r.date),
        windowStart: r.window_start,
        practitionerId: r.practitioner_id,
        status: r.status,
      },
    ]),
  );
}

/**
 * Per institution, the departments with an open session from `today` on that still has a free referral
 * token (FD-4: where a referral can be booked), one grouped query.
 */
export async function departmentsWithReferralTokens(
  db: Executor,
  institutionIds: readonly string[],
  today: string,
): Promise<Map<string, string[]>> {
  if (institutionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('schedule as s')
    .select(['s.institution_id', 's.department_id'])
    .where('s.institution_id', 'in', [...new Set(institutionIds)])
    .where('s.status', '=', 'open')
    .where('s.date', '>=', today)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('token as t')
          .select('t.id')
          .whereRef('t.schedule_id', '=', 's.id')
          .where('t.channel', '=', 'referral')
          .where('t.status', '=', 'free'),
      ),
    )
    .groupBy(['s.institution_id', 's.department_id'])
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.institution_id, [...(out.get(r.institution_id) ?? []), r.department_id]);
  return out;
}
