import type { AppContext } from '../../platform/context.js';
import { expireUnfilledPrescriptions, lapseUnpaidFulfilments } from './fulfilment-end.service.js';
import type { PrescriptionsRuntime } from './prescriptions.runtime.js';

/**
 * Background work: unpaid fulfilments that lapse (their stock goes back, their order closes), then
 * approved prescriptions that expire unfilled (RX-6: released, refunded when paid).
 */
export async function runPrescriptionJobs(ctx: AppContext, _rx: PrescriptionsRuntime): Promise<void> {
  await lapseUnpaidFulfilments(ctx);
  await expireUnfilledPrescriptions(ctx);
}
