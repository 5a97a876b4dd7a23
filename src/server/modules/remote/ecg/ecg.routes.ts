import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../platform/context.js';
import type { BlobStore } from '../../visits/blob-store.js';

// Stub: filled in by the [11/12] work on this part.
export function ecgRoutes(ctx: AppContext, store: BlobStore): FastifyPluginAsyncTypebox {
  void ctx;
  void store;
  return async () => {};
}
