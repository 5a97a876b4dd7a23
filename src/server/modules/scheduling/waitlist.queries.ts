import { sql } from 'kysely';
import type {
  Mode,
  WaitlistItem,
  WaitlistPage,
  WaitlistQuery,
  WaitlistStatus,
} from '../../../shared/scheduling.js';
import type { AppContext } from '../../platform/context.js';
import { patientsOfAccount } from '../identity/identity.api.js';
import { sessionNames } from './session-names.js';

/**
 * 我的候补: the waitlist entries of the account's own patient record and of the dependents it is an active
 * proxy for (ID-6), newest first, capped at `limit` (default 50). A waiting entry carries its 1-based
 * position among the waiting entries of its schedule, in the order promotion takes them (`created_at, id`):
 * it moves up as those ahead cancel or are promoted. Names come from directory and identity in one batch.
 */
export async function listWaitlist(
  ctx: AppContext,
  accountId: string,
  query: WaitlistQuery,
): Promise<WaitlistPage> {
  const db = ctx.db;
  const patients = await patientsOfAccount(db, accountId);
  if (patients.length === 0) return { items: [] };
  let q = db
    .selectFrom('waitlist_entry as w')
    .innerJoin('schedule as s', 's.id', 'w.schedule_id')
    .select([
      'w.id',
      'w.schedule_id',
      'w.patient_id',
      'w.status',
      'w.appointment_id',
      'w.created_at',
      's.practitioner_id',
      's.department_id',
      's.institution_id',
      's.date',
      's.start_time',
      's.end_time',
      's.mode',
      's.fee_fen',
      // The queue position of a waiting entry; waitlist_queue (0004) serves the count.
      sql<number | string | null>`case when w.status = 'waiting' then (
        select count(*) from waitlist_entry ahead
        where ahead.schedule_id = w.schedule_id and ahead.status = 'waiting'
          and (ahead.created_at, ahead.id) <= (w.created_at, w.id)) end`.as('position'),
    ])
    .where('w.patient_id', 'in', patients)
    .orderBy('w.created_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(query.limit ?? 50);
  if (query.status) q = q.where('w.status', '=', query.status);
  const rows = await q.execute();
  if (rows.length === 0) return { items: [] };
  const namesOf = await sessionNames(db, rows);
  const items: WaitlistItem[] = rows.map((r) => {
    const n = namesOf(r);
    return {
      id: r.id,
      scheduleId: r.schedule_id,
      patientId: r.patient_id,
      patientName: n.patientName,
      status: r.status as WaitlistStatus,
      position: r.position === null ? null : Number(r.position),
      doctorId: r.practitioner_id,
      doctorName: n.doctorName,
      departmentName: n.departmentName,
      institutionName: n.institutionName,
      date: r.date,
      startTime: r.start_time.slice(0, 5),
      endTime: r.end_time.slice(0, 5),
      mode: r.mode as Mode,
      feeFen: r.fee_fen,
      appointmentId: r.appointment_id,
      createdAt: r.created_at.toISOString(),
    };
  });
  return { items };
}
