import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ReceiveBatchBody, StockLine, StockPage, StockQuery } from '../../../shared/prescriptions.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { listStock, receiveBatch } from './stock.service.js';

/** A pharmacy's stock, for its own staff (pharmacy_staff, pharmacist, its org_admin). */
export function pharmacyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/pharmacies/:id/stock', {
      config: { access: ['pharmacy_staff', 'pharmacist', 'org_admin'] },
      schema: {
        tags: ['pharmacy'],
        summary: '药房库存（按药品，含批次与效期）',
        params: IdParams,
        querystring: StockQuery,
        response: { 200: StockPage, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => listStock(ctx, authOf(req), req.params.id, req.query),
    });

    app.post('/pharmacies/:id/stock/batches', {
      config: { access: ['pharmacy_staff', 'pharmacist', 'org_admin'] },
      schema: {
        tags: ['pharmacy'],
        summary: '药品入库（按批次）',
        params: IdParams,
        body: ReceiveBatchBody,
        response: { 201: StockLine, ...problems(400, 401, 403, 404, 422) },
      },
      handler: async (req, reply) => {
        const line = await receiveBatch(ctx, authOf(req), req.params.id, req.body, actorOf(req));
        return reply.status(201).send(line);
      },
    });
  };
}
