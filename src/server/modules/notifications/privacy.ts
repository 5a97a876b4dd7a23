import type { Executor } from '../../platform/db/database.js';

/** Notifications' part of the patient's deletion request ([10/12]): the inbox is under no retention. */
export async function notificationCount(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function forgetNotifications(db: Executor, accountId: string): Promise<number> {
  const res = await db.deleteFrom('notification').where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
