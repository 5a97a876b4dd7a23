import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { alertRoutes } from './alerts.routes.js';
import { checkoutRoutes } from './checkout.routes.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { linkRoutes } from './link.routes.js';
import { policyRoutes } from './policy.routes.js';
import { reconciliationRoutes } from './reconciliation.routes.js';
import { simPlatformRoutes } from './sim/sim-platform.routes.js';

/** The insurance module's HTTP routes ([7/12]), one file per use case. */
export function insuranceRoutes(ctx: AppContext, rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(linkRoutes(ctx, rt));
    await app.register(checkoutRoutes(ctx, rt));
    await app.register(policyRoutes(ctx, rt));
    await app.register(alertRoutes(ctx, rt));
    await app.register(reconciliationRoutes(ctx, rt));
    if (rt.sim) await app.register(simPlatformRoutes(ctx, rt));
  };
}
