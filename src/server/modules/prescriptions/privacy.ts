import type { Executor } from '../../platform/db/database.js';

/**
 * Prescriptions' part of retention and of the patient's deletion request ([10/12]; RX-11, RX-12, REC-1,
 * REC-4): prescriptions and their dispensing and delivery are kept, then archived; saved addresses go.
 */

const DONE = ['received', 'picked_up', 'returned', 'cancelled'] as const;

/** Fulfilments not yet over (to pay, to dispense, on the way): a deletion request waits until they are. */
export async function pendingFulfilmentsOf(
  db: Executor,
  patientId: string,
): Promise<{ id: string; status: string }[]> {
  return db
    .selectFrom('fulfilment')
    .select(['id', 'status'])
    .where('patient_id', '=', patientId)
    .where('status', 'not in', DONE)
    .orderBy('created_at')
    .execute();
}

export async function prescriptionsFootprint(
  db: Executor,
  patientId: string,
  accountId: string,
): Promise<{ prescriptions: number; fulfilments: number; addresses: number }> {
  const n = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
    Number((await q.executeTakeFirstOrThrow()).n);
  return {
    prescriptions: await n(
      db
        .selectFrom('prescription')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('patient_id', '=', patientId)
        .where('status', '!=', 'draft'),
    ),
    fulfilments: await n(
      db
        .selectFrom('fulfilment')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('patient_id', '=', patientId),
    ),
    addresses: await n(
      db
        .selectFrom('delivery_address')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('removed_at', 'is', null),
    ),
  };
}

/**
 * Deletes the account's saved delivery addresses. A fulfilment keeps its own copy of the address it was
 * delivered to (RX-11: delivery records are traceable), so nothing kept points at these rows.
 */
export async function forgetDeliveryAddresses(db: Executor, accountId: string): Promise<number> {
  const res = await db.deleteFrom('delivery_address').where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Prescriptions issued before `before` (REC-1 with RX-12 as the floor): ids to mark archived. */
export async function prescriptionsIssuedBefore(
  db: Executor,
  before: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('prescription')
    .select('id')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
