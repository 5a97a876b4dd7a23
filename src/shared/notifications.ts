/**
 * The notifications API's contract: the message centre (消息中心) of an account. TypeBox schemas the
 * routes validate with, `Static` types the web reads.
 */
import { type Static, Type } from 'typebox';
import { Limit, Nullable, Uuid } from './http.js';

export const AppNotification = Type.Object({
  id: Uuid,
  kind: Type.String({ description: '如 booked、paid、reminder、schedule_stopped' }),
  title: Type.String(),
  body: Type.String(),
  /** What the notice is about (appointment, visit…), for a link to it. */
  refType: Nullable(Type.String()),
  refId: Nullable(Type.String()),
  read: Type.Boolean(),
  createdAt: Type.String(),
});
export type AppNotification = Static<typeof AppNotification>;

export const NotificationQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 40, description: '上一页返回的 nextCursor' })),
  limit: Type.Optional(Limit(100)),
});
export type NotificationQuery = Static<typeof NotificationQuery>;

/** A page of notices and how many of all the account's notices are unread. */
export const NotificationPage = Type.Object({
  items: Type.Array(AppNotification),
  nextCursor: Nullable(Type.String()),
  unread: Type.Integer({ description: '未读条数（全部消息）' }),
});
export type NotificationPage = Static<typeof NotificationPage>;
