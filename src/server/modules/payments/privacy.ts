import type { Executor } from '../../platform/db/database.js';

/**
 * Payments' part of retention and of the patient's deletion request ([10/12]; 会计档案管理办法 第十四条):
 * orders, lines, notifications and refunds are accounting records, kept 30 years, then archived.
 */

/** Orders still waiting to be paid (not yet expired): a deletion request waits until they are settled. */
export async function unpaidOrdersOf(
  db: Executor,
  patientId: string,
  now: Date,
): Promise<{ id: string; purpose: string }[]> {
  return db
    .selectFrom('payment_order')
    .select(['id', 'purpose'])
    .where('patient_id', '=', patientId)
    .where('status', '=', 'created')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute();
}

export async function paymentsFootprint(db: Executor, patientId: string): Promise<{ orders: number }> {
  const row = await db
    .selectFrom('payment_order')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  return { orders: Number(row.n) };
}

/** Orders created before `before` (30 years): ids to mark archived. */
export async function ordersCreatedBefore(db: Executor, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('payment_order')
    .select('id')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
