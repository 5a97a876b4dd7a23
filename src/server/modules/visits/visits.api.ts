/**
 * What other modules may ask of visits (style.md: a module owns its tables; others call these functions
 * with their own executor or transaction).
 */
import type { Executor } from '../../platform/db/database.js';

/** The online visit an appointment became, while it is still live (not yet ended); undefined otherwise. */
export async function liveVisitOfAppointment(
  db: Executor,
  appointmentId: string,
): Promise<string | undefined> {
  const visit = await db
    .selectFrom('visit')
    .select('id')
    .where('appointment_id', '=', appointmentId)
    .where('status', 'in', ['requested', 'paid', 'waiting', 'in_progress'])
    .executeTakeFirst();
  return visit?.id;
}
