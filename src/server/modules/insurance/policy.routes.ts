import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import type { InsuranceRuntime } from './insurance.runtime.js';

export function policyRoutes(_ctx: AppContext, _rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (_app) => {};
}
