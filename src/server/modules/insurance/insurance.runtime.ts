/**
 * The insurance module's runtime: the platform adapter (the simulator in demo mode and tests; a real
 * adapter in production, docs/insurance.md) and the payment gateways the cash part goes through.
 */
import type { AppContext } from '../../platform/context.js';
import type { Payments } from '../payments/payment.service.js';
import { type InsurancePlatform, InsurancePlatformUnavailable } from './platform.js';
import { SimInsurancePlatform } from './sim/sim-platform.js';

export interface InsuranceRuntime {
  platform: InsurancePlatform;
  /** The simulator when it is the platform (demo mode, tests): vouchers and faults. */
  sim: SimInsurancePlatform | null;
  payments: Payments;
}

export function createInsuranceRuntime(
  ctx: AppContext,
  payments: Payments,
  opts: { simulate: boolean },
): InsuranceRuntime {
  if (!opts.simulate) {
    // No real adapter ships: insurance settlement is off outside demo mode until one is configured.
    return { platform: new UnconfiguredPlatform(), sim: null, payments };
  }
  const sim = new SimInsurancePlatform(ctx);
  return { platform: sim, sim, payments };
}

/**
 * The platform when none is configured: every call is unavailable, the adapter's own error for "no answer",
 * which every caller already maps to 503 INSURANCE_PLATFORM_UNAVAILABLE (a plain Error was a 500).
 */
export class UnconfiguredPlatform implements InsurancePlatform {
  private fail(): never {
    throw new InsurancePlatformUnavailable('no insurance platform adapter is configured');
  }
  personInfo = async () => this.fail();
  preSettle = async () => this.fail();
  settle = async () => this.fail();
  reverse = async () => this.fail();
  lookup = async () => this.fail();
  dailyTotals = async () => this.fail();
  dailyDetails = async () => this.fail();
}
