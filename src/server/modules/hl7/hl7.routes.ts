import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';

/** HL7 feed administration: status, dead letters with fix-and-replay, the match queue ([6/12]). [stub] */
export function hl7Routes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
