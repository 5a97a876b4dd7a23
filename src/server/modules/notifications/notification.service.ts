import type { NotificationPage } from '../../../shared/notifications.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { TextLanguage } from '../../platform/texts.js';
import { renderNotice } from './notices.js';

export type NotificationKind =
  | 'booked'
  | 'paid'
  | 'waitlist_promoted'
  /** 候补 joined or cancelled by the patient ([8/12], scheduling/waitlist.notices.ts). */
  | 'waitlist_joined'
  | 'waitlist_cancelled'
  | 'reminder'
  | 'cancelled'
  | 'schedule_stopped'
  | 'hold_expired'
  /** A prescription's fulfilment: dispensed, shipped, delivered, refunded ([5/12]). */
  | 'prescription'
  /** Insurance ([7/12]): settlement suspended or restored after the insurer's fraud review (INS-4). */
  | 'insurance'
  /** Remote diagnosis ([11/12]): a critical value (危急值) to the requesting doctor, a signed report. */
  | 'remote'
  /** Family doctor ([12/12]): an urgent home reading to the resident's team (FD-7/FD-8), contracts, services. */
  | 'family_doctor';

export interface Notice {
  accountId: string;
  patientId?: string | null;
  kind: NotificationKind;
  title: string;
  body: string;
  refType?: string;
  refId?: string;
  /** Also send an SMS to the account's phone (an outbox event: sent once the transaction has committed). */
  sms?: boolean;
  /** [8/12] The text's key in notices.ts and its params: read in the reader's language (title/body are zh-CN). */
  key?: string;
  params?: Record<string, unknown>;
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
      message_key: notice.key ?? null,
      message_params: notice.key ? JSON.stringify(notice.params ?? {}) : null,
    })
    .execute();
}

export async function listNotifications(
  ctx: AppContext,
  accountId: string,
  before?: string,
  limit = 20,
  /** The reader's language: keyed notices are rendered in it; older rows show their stored zh-CN text. */
  lang: TextLanguage = 'zh-CN',
): Promise<NotificationPage> {
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
    ...(renderNotice(r.message_key, r.message_params, lang) ?? { title: r.title, body: r.body }),
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
