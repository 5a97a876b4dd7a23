import type { AppContext } from '../../platform/context.js';
import { expireUnfilledPrescriptions, lapseUnpaidFulfilments } from './fulfilment-end.service.js';
import type { PrescriptionsRuntime } from './prescriptions.runtime.js';
import { expireUnreviewed } from './review-expiry.js';

/**
 * Background work: unpaid fulfilments that lapse (their stock goes back, their order closes), then
 * approved prescriptions that expire unfilled (RX-6: released, refunded when paid), then signed ones
 * that expire still waiting for review (RX-6).
 */
export async function runPrescriptionJobs(ctx: AppContext, _rx: PrescriptionsRuntime): Promise<void> {
  await lapseUnpaidFulfilments(ctx);
  await expireUnfilledPrescriptions(ctx);
  await expireUnreviewed(ctx); // RX-6: signed, never reviewed within its validity
}
