/**
 * The insurance module's background work, run by the server's jobs loop: settlements whose answer was
 * lost (resolved by querying, never by settling twice), settlements of orders that closed unpaid
 * (reversed, 2208), the nightly fraud batch and the nightly reconciliation of the day before.
 */
import type { AppContext } from '../../platform/context.js';
import { runFraudBatch } from './fraud-batch.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { runNightlyReconciliation } from './reconciliation-job.js';
import { runSettlementJobs } from './settlement-jobs.js';

export async function runInsuranceJobs(ctx: AppContext, rt: InsuranceRuntime): Promise<void> {
  await runSettlementJobs(ctx, rt);
  await runFraudBatch(ctx, rt);
  await runNightlyReconciliation(ctx, rt);
}
