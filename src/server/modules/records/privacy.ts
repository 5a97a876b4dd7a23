import type { Executor } from '../../platform/db/database.js';

/**
 * Records' part of the patient's deletion request ([10/12]; REC-1, REC-4): health records are kept; the
 * patient's live authorisations end (the grants stay as the record of who could read and why).
 */
export async function recordsFootprint(
  db: Executor,
  patientId: string,
  now: Date,
): Promise<{ encounters: number; reports: number; liveGrants: number }> {
  const e = await db
    .selectFrom('encounter')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  const r = await db
    .selectFrom('diagnostic_report')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  const g = await db
    .selectFrom('access_grant')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return { encounters: Number(e.n), reports: Number(r.n), liveGrants: Number(g.n) };
}

/** Revokes every live authorisation of the patient (by the patient, closing the account). */
export async function revokePatientGrants(
  db: Executor,
  patientId: string,
  accountId: string,
  now: Date,
): Promise<number> {
  const res = await db
    .updateTable('access_grant')
    .set({ revoked_at: now, revoked_by: accountId, updated_at: now })
    .where('patient_id', '=', patientId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
