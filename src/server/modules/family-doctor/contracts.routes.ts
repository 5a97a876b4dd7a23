import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';

/** Stub: filled in by the contracts part of [12/12]. */
export function contractsRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
