/**
 * 候补 notices in 消息 ([8/12]): joining and cancelling a waitlist entry are outbox events of the command
 * that did it (`scheduling.waitlist_joined`, `scheduling.waitlist_cancelled`); their subscribers write the
 * in-app notification. The texts live in the notifications catalogue (notifications/notices.ts,
 * waitlistJoined / waitlistCancelled) and are read in the reader's language.
 */
import type { CommandScope } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { practitionerFacts } from '../directory/directory.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';

export const WAITLIST_JOINED_TOPIC = 'scheduling.waitlist_joined';
export const WAITLIST_CANCELLED_TOPIC = 'scheduling.waitlist_cancelled';

export interface WaitlistEvent {
  entryId: string;
  scheduleId: string;
  patientId: string;
  /** Who is told: the account that joined or cancelled. */
  accountId: string;
  /** The position at the moment of joining (joined only). */
  position?: number;
}

async function tell(cmd: CommandScope, kind: 'waitlist_joined' | 'waitlist_cancelled', e: WaitlistEvent) {
  const s = await cmd.trx
    .selectFrom('schedule')
    .select(['date', 'start_time', 'practitioner_id'])
    .where('id', '=', e.scheduleId)
    .executeTakeFirst();
  if (!s) return;
  const doctorName = (await practitionerFacts(cmd.trx, s.practitioner_id))?.name ?? '';
  const to = { accountId: e.accountId, patientId: e.patientId, refId: e.entryId };
  const facts = { date: s.date, startTime: s.start_time, doctorName };
  await notify(
    cmd,
    kind === 'waitlist_joined'
      ? notices.waitlistJoined(to, { ...facts, ...(e.position ? { position: e.position } : {}) })
      : notices.waitlistCancelled(to, facts),
  );
}

/** Registered once per app from scheduling.subscribers.ts; the names are receipt keys: keep them stable. */
export function registerWaitlistNoticeSubscribers(ctx: AppContext): void {
  ctx.outbox.subscribe<WaitlistEvent>(
    WAITLIST_JOINED_TOPIC,
    'scheduling.notify-waitlist-joined',
    (event, cmd) => tell(cmd, 'waitlist_joined', event.payload),
  );
  ctx.outbox.subscribe<WaitlistEvent>(
    WAITLIST_CANCELLED_TOPIC,
    'scheduling.notify-waitlist-cancelled',
    (event, cmd) => tell(cmd, 'waitlist_cancelled', event.payload),
  );
}
