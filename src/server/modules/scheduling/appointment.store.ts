import type { Executor } from '../../platform/db/database.js';
import { LIVE_STATUSES } from './schedule.rules.js';

/** The patient's live booking with this doctor on this day, if any (one per day: DUPLICATE_BOOKING). */
export async function liveBookingOfDay(
  db: Executor,
  patientId: string,
  practitionerId: string,
  date: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('appointment')
    .select('id')
    .where('patient_id', '=', patientId)
    .where('practitioner_id', '=', practitionerId)
    .where('date', '=', date)
    .where('status', 'in', LIVE_STATUSES)
    .executeTakeFirst();
  return row !== undefined;
}
