import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../platform/context.js';
import type { InsuranceRuntime } from '../insurance.runtime.js';

/** The simulated e-voucher app's routes (demo mode and tests only). (helper B) */
export function simPlatformRoutes(_ctx: AppContext, _rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (_app) => {};
}
