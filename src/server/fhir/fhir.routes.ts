import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../platform/context.js';

/** `/fhir/R4`: the FHIR R4 API ([6/12]). [stub: implemented by the FHIR helper] */
export function fhirRoutes(_ctx: AppContext): FastifyPluginAsync {
  return async () => {};
}
