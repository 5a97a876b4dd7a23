/**
 * Remote diagnosis over HTTP ([11/12], REMOTE-1…REMOTE-5): requests, the queue, reports and critical values
 * (requests.routes.ts), ECG (ecg/ecg.routes.ts), imaging uploads (imaging/imaging.routes.ts) and laboratory
 * specimens (lab/lab.routes.ts) under /api/v1; the DICOMweb store (imaging/dicomweb.routes.ts) at /dicomweb.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import type { BlobStore } from '../visits/blob-store.js';
import { ecgRoutes } from './ecg/ecg.routes.js';
import { imagingRoutes } from './imaging/imaging.routes.js';
import { labRoutes } from './lab/lab.routes.js';
import { requestRoutes } from './requests.routes.js';

export function remoteRoutes(ctx: AppContext, store: BlobStore): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(requestRoutes(ctx));
    await app.register(ecgRoutes(ctx, store));
    await app.register(imagingRoutes(ctx, store));
    await app.register(labRoutes(ctx));
  };
}

export { dicomwebRoutes } from './imaging/dicomweb.routes.js';
