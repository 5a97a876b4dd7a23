import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OrderDetail } from '../../../shared/orders.js';
import { NotifyAck, PayBody, PayResult } from '../../../shared/payments.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { IdParams, problems } from '../../platform/http.js';
// The routes layer may ask both modules (the payments SERVICE never imports insurance): an insured
// payment settles the insurance part first, and the order shows its settlement ([7/12]).
import type { InsuranceRuntime } from '../insurance/insurance.runtime.js';
import { payWithInsurance, settleLiveBeforePay } from '../insurance/settlement.service.js';
import { orderFacts } from './order-centre.routes.js';
import { orderDetail } from './order-centre.service.js';
import { applyGatewayEvent, type Payments, payOrder, recordForgedNotification } from './payment.service.js';
import { paymentErrors } from './payments.errors.js';

export function paymentRoutes(
  ctx: AppContext,
  payments: Payments,
  insurance: InsuranceRuntime,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/orders/:id', {
      config: { access: ['patient'] },
      schema: {
        tags: ['payments'],
        summary: '订单',
        params: IdParams,
        // [8/12] The order centre's detail: every field of Order, and who and what it is for, its
        // payments and refunds, the receipt number (order-centre.service.ts).
        response: { 200: OrderDetail, ...problems(401, 403, 404) },
      },
      handler: async (req) => orderDetail(ctx, authOf(req), req.params.id, orderFacts),
    });

    app.post('/orders/:id/pay', {
      config: { access: ['patient'] },
      schema: {
        tags: ['payments'],
        summary: '发起支付（返回支付网关的预支付数据）',
        description:
          '带 insurance（医保电子凭证）时先做医保结算（2207），支付网关只收现金部分：status 为 awaiting_cash（到收银台支付 cashFen）或 paid（医保付清，无收银台）。' +
          '医保平台无应答时返回 503 INSURANCE_PLATFORM_UNAVAILABLE，订单不会重复结算，再次支付会先确认上一次的结果。',
        params: IdParams,
        body: PayBody,
        response: { 200: PayResult, ...problems(400, 401, 403, 404, 409, 422, 503) },
      },
      handler: async (req) => {
        const { channel, insurance: voucher } = req.body;
        if (voucher)
          return payWithInsurance(ctx, insurance, authOf(req), req.params.id, channel, voucher, actorOf(req));
        // A settlement already live for the order: the gateway takes its cash part.
        const insured = await settleLiveBeforePay(ctx, insurance, authOf(req), req.params.id, actorOf(req));
        const prepay = await payOrder(ctx, payments, authOf(req), req.params.id, channel, actorOf(req));
        return insured ? { ...prepay, status: 'awaiting_cash' as const, insurance: insured } : prepay;
      },
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
