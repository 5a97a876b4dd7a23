import type { CommandScope } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { accountPhone } from '../identity/identity.api.js';
import { insertNotification, type Notice } from './notification.service.js';

export const SMS_TOPIC = 'notifications.sms';

export interface SmsNotice {
  accountId: string;
  title: string;
  body: string;
}

/**
 * An in-app notification (best made by the catalogue: `notify(cmd, notices.booked(to, params))`) in the command's transaction; its SMS, if any, is an outbox event, so it goes out
 * only if the change commits and still goes out if the process dies right after the commit.
 */
/** The SMS says the zh-CN title and body (SMS templates are filed in Chinese); the app renders the key. */
export async function notify(cmd: CommandScope, notice: Notice): Promise<void> {
  await insertNotification(cmd.trx, notice, cmd.now);
  if (notice.sms) {
    const sms: SmsNotice = { accountId: notice.accountId, title: notice.title, body: notice.body };
    await cmd.emit(SMS_TOPIC, sms);
  }
}

export function registerNotificationSubscribers(ctx: AppContext): void {
  ctx.outbox.subscribe<SmsNotice>(SMS_TOPIC, 'notifications.send-sms', async (event, cmd) => {
    const phone = await accountPhone(ctx, cmd.trx, event.payload.accountId);
    if (!phone) return;
    await ctx.sms.send({
      phone,
      template: 'notice',
      params: { title: event.payload.title, body: event.payload.body },
    });
  });
}
