import type { Executor } from '../../platform/db/database.js';

/**
 * Visits' part of retention and of the patient's deletion request ([10/12]; REC-1, REC-4): visits and
 * their records are kept (15 years; process records 3 years), then archived — never deleted.
 */

const OPEN = ['requested', 'paid', 'waiting', 'in_progress'] as const;

/** Visits of the patient not yet over: a deletion request waits until they are. */
export async function openVisitsOf(
  db: Executor,
  patientId: string,
): Promise<{ id: string; status: string }[]> {
  return db
    .selectFrom('visit')
    .select(['id', 'status'])
    .where('patient_id', '=', patientId)
    .where('status', 'in', OPEN)
    .orderBy('created_at')
    .execute();
}

export async function visitsFootprint(
  db: Executor,
  patientId: string,
): Promise<{ visits: number; records: number; messages: number }> {
  const visits = await db
    .selectFrom('visit')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  const records = await db
    .selectFrom('medical_record')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  const messages = await db
    .selectFrom('visit_message')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('visit_id', 'in', db.selectFrom('visit').select('id').where('patient_id', '=', patientId))
    .executeTakeFirstOrThrow();
  return { visits: Number(visits.n), records: Number(records.n), messages: Number(messages.n) };
}

/** Ended visits whose records are past `before` (REC-1: 15 years): their ids, to be marked archived. */
export async function visitsEndedBefore(db: Executor, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('visit')
    .select('id')
    .where('status', 'not in', OPEN)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
