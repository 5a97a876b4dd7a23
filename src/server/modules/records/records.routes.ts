import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';

/** The health archive: archive, timeline, observations, reports, export ([6/12]). [stub] */
export function recordsRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
