/**
 * Scheduling's outbox subscribers (architecture.md, "A command's path"), registered once per app: the
 * payment of an appointment's order confirms the booking.
 */
import type { AppContext } from '../../platform/context.js';
import { onOrderPaid } from '../payments/payments.api.js';
import { confirmPaidAppointment } from './appointments.service.js';
import { registerWaitlistNoticeSubscribers } from './waitlist.notices.js';

export function registerSchedulingSubscribers(ctx: AppContext): void {
  // The subscriber's name is its receipt key in outbox_receipt: keep it stable.
  onOrderPaid(ctx, 'appointment', 'scheduling.confirm-paid-appointment', (paid, cmd) =>
    confirmPaidAppointment(cmd, paid),
  );
  registerWaitlistNoticeSubscribers(ctx);
}
