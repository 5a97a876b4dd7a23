import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';

export type NotificationKind =
  | 'booked'
  | 'paid'
  | 'waitlist_promoted'
  | 'reminder'
  | 'cancelled'
  | 'schedule_stopped'
  | 'hold_expired';

export interface Notice {
  accountId: string;
  patientId?: string | null;
  kind: NotificationKind;
  title: string;
  body: string;
  refType?: string;
  refId?: string;
  /** Also send an SMS to the account's phone (after the transaction commits). */
  sms?: boolean;
}

/**
 * Side effects to run once the transaction that caused them has committed (SMS must never go out for a
 * change that rolled back).
 */
export class AfterCommit {
  private readonly tasks: (() => Promise<void>)[] = [];
  add(task: () => Promise<void>): void {
    this.tasks.push(task);
  }
  async run(onError: (err: unknown) => void): Promise<void> {
    for (const task of this.tasks.splice(0)) await task().catch(onError);
  }
}

/** In-app notification in the caller's transaction; SMS queued for after the commit. */
export async function notify(
  ctx: AppContext,
  db: Executor,
  notice: Notice,
  after: AfterCommit,
): Promise<void> {
  await insertNotification(db, notice, ctx.clock.now());
  if (notice.sms) {
    after.add(async () => {
      const account = await ctx.db
        .selectFrom('account')
        .select('phone_enc')
        .where('id', '=', notice.accountId)
        .executeTakeFirst();
      if (!account) return;
      await ctx.sms.send({
        phone: ctx.cipher.decrypt(account.phone_enc),
        template: 'notice',
        params: { title: notice.title, body: notice.body },
      });
    });
  }
}

/** The in-app notification alone, in the caller's transaction. */
export async function insertNotification(db: Executor, notice: Notice, now: Date): Promise<void> {
  await db
    .insertInto('notification')
    .values({
      id: newId(),
      account_id: notice.accountId,
      patient_id: notice.patientId ?? null,
      kind: notice.kind,
      title: notice.title,
      body: notice.body,
      ref_type: notice.refType ?? null,
      ref_id: notice.refId ?? null,
      created_at: now,
    })
    .execute();
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  refType: string | null;
  refId: string | null;
  read: boolean;
  createdAt: string;
}

export async function listNotifications(
  ctx: AppContext,
  accountId: string,
  before?: string,
  limit = 20,
): Promise<{ items: NotificationView[]; nextCursor: string | null; unread: number }> {
  let q = ctx.db
    .selectFrom('notification')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (before) q = q.where('created_at', '<', new Date(before));
  const rows = await q.execute();
  const unread = await ctx.db
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    refType: r.ref_type,
    refId: r.ref_id,
    read: r.read_at !== null,
    createdAt: r.created_at.toISOString(),
  }));
  return {
    items,
    nextCursor: rows.length > limit ? items[items.length - 1]!.createdAt : null,
    unread: Number(unread.n),
  };
}

export async function markRead(ctx: AppContext, accountId: string, id: string): Promise<void> {
  await ctx.db
    .updateTable('notification')
    .set({ read_at: ctx.clock.now() })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('read_at', 'is', null)
    .execute();
}
