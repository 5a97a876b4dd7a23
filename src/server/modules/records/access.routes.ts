import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';

/** Authorisations, the access log, break-glass and "my patients" ([6/12], SEC-1). [stub] */
export function accessRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
