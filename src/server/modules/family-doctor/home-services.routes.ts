import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';

/** Stub: filled in by the home-services part of [12/12]. */
export function homeServicesRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
