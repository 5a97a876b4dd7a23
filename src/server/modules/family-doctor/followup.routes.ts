import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';

/** Stub: filled in by the followup part of [12/12]. */
export function followupRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
