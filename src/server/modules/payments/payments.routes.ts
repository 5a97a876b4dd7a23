import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotifyAck, Order, PayBody, PayResult } from '../../../shared/payments.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { IdParams, problems } from '../../platform/http.js';
import {
  applyGatewayEvent,
  getOrder,
  type Payments,
  payOrder,
  recordForgedNotification,
} from './payment.service.js';
import { paymentErrors } from './payments.errors.js';

export function paymentRoutes(ctx: AppContext, payments: Payments): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/orders/:id', {
      config: { access: ['patient'] },
      schema: {
        tags: ['payments'],
        summary: '订单',
        params: IdParams,
        response: { 200: Order, ...problems(401, 403, 404) },
      },
      handler: async (req) => getOrder(ctx, authOf(req), req.params.id),
    });

    app.post('/orders/:id/pay', {
      config: { access: ['patient'] },
      schema: {
        tags: ['payments'],
        summary: '发起支付（返回支付网关的预支付数据）',
        params: IdParams,
        body: PayBody,
        response: { 200: PayResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) =>
        payOrder(ctx, payments, authOf(req), req.params.id, req.body.channel, actorOf(req)),
    });

    // Gateway notifications: the signature is checked over the raw bytes, so this scope keeps them.
    await app.register(async (scope: Parameters<FastifyPluginAsyncTypebox>[0]) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
        done(null, body),
      );
      scope.post('/payments/notify/:channel', {
        config: { access: 'public' },
        schema: {
          tags: ['payments'],
          summary: '支付网关异步通知（验签）',
          params: Type.Object({ channel: Type.String({ maxLength: 20 }) }),
          response: { 200: NotifyAck, ...problems(400, 401, 404) },
        },
        handler: async (req) => {
          const gateway = payments.gateways.get(req.params.channel);
          if (!gateway) throw errors.notFound('支付渠道');
          const raw = typeof req.body === 'string' ? req.body : '';
          const event = gateway.parseNotification(req.headers, raw);
          if (!event) {
            await recordForgedNotification(ctx, gateway.channel, raw, req.ip);
            throw paymentErrors.invalidSignature();
          }
          const outcome = await applyGatewayEvent(ctx, gateway.channel, event, JSON.parse(raw));
          return { code: 'SUCCESS', outcome };
        },
      });
    });
  };
}
