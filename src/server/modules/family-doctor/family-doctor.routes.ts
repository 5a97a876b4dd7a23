/**
 * The family doctor over HTTP ([12/12], FD-1…FD-9): teams, packages and contracts (contracts.routes.ts),
 * home readings, plans, follow-ups and the worklist (followup.routes.ts), two-way referral
 * (referrals.routes.ts), home visits and home nursing (home-services.routes.ts), health education and
 * ratings (education.routes.ts) and the performance assessment (assessment.routes.ts), under /api/v1.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { assessmentRoutes } from './assessment.routes.js';
import { contractsRoutes } from './contracts.routes.js';
import { educationRoutes } from './education.routes.js';
import { followupRoutes } from './followup.routes.js';
import { homeServicesRoutes } from './home-services.routes.js';
import { referralsRoutes } from './referrals.routes.js';

export function familyDoctorRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(contractsRoutes(ctx));
    await app.register(followupRoutes(ctx));
    await app.register(referralsRoutes(ctx));
    await app.register(homeServicesRoutes(ctx));
    await app.register(educationRoutes(ctx));
    await app.register(assessmentRoutes(ctx));
  };
}
