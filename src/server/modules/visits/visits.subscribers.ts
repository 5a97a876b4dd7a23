/**
 * The visits module's outbox subscribers (architecture.md, "A command's path"), registered once per app
 * from app.ts: what other modules' events mean for visits.
 */
import type { AppContext } from '../../platform/context.js';
import { onOrderPaid } from '../payments/payments.api.js';
import { queuePaidVisit } from './visit-settlement.js';
import type { VisitsRuntime } from './visits.runtime.js';

export function registerVisitSubscribers(ctx: AppContext, rt: VisitsRuntime): void {
  // payments.order_paid (purpose visit): the paid visit enters the queue; its sockets hear it after commit.
  onOrderPaid(ctx, 'visit', 'visits.queue-paid-visit', (paid, cmd) => queuePaidVisit(ctx, paid, cmd), {
    afterCommit: async (paid) => {
      rt.hub.publish(paid.refId, { type: 'visit', visitId: paid.refId, status: 'waiting' });
    },
  });
}
