import type { Executor } from '../../platform/db/database.js';

/**
 * Scheduling's part of the patient's deletion request ([10/12]): appointments are kept with the payments
 * (会计档案); a booked appointment still to come refuses the request; waiting-list places go.
 */

const LIVE = ['pending_payment', 'confirmed', 'checked_in'] as const;

export async function openAppointmentsOf(
  db: Executor,
  patientId: string,
): Promise<{ id: string; status: string; date: string }[]> {
  return db
    .selectFrom('appointment')
    .select(['id', 'status', 'date'])
    .where('patient_id', '=', patientId)
    .where('status', 'in', LIVE)
    .orderBy('date')
    .execute();
}

export async function schedulingFootprint(
  db: Executor,
  patientId: string,
): Promise<{ appointments: number; waitlist: number }> {
  const a = await db
    .selectFrom('appointment')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  const w = await db
    .selectFrom('waitlist_entry')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .where('status', '!=', 'promoted')
    .executeTakeFirstOrThrow();
  return { appointments: Number(a.n), waitlist: Number(w.n) };
}

/** Deletes the patient's waiting-list places; a promoted one stays (its appointment points at it). */
export async function forgetWaitlist(db: Executor, patientId: string): Promise<number> {
  const res = await db
    .deleteFrom('waitlist_entry')
    .where('patient_id', '=', patientId)
    .where('status', '!=', 'promoted')
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
