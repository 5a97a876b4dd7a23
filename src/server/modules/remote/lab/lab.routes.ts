import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../platform/context.js';

// Stub: filled in by the [11/12] work on this part.
export function labRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  void ctx;
  return async () => {};
}
