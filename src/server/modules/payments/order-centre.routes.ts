import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OrderPage, OrdersQuery } from '../../../shared/orders.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
// The routes layer may ask other modules (the payments services never import them: insurance and
// scheduling import payments): the insurance split and the booked window come in as `OrderFacts`.
import { orderInsuranceSummary } from '../insurance/settlement.service.js';
import { appointmentForVisit } from '../scheduling/scheduling.api.js';
import { listOrders, type OrderFacts } from './order-centre.service.js';
import { orderReceipt } from './order-receipt.service.js';

/** What insurance and scheduling tell the order centre about an order. */
export const orderFacts: OrderFacts = {
  insurance: (db, orderId) => orderInsuranceSummary(db, orderId),
  appointmentStart: async (db, appointmentId) =>
    (await appointmentForVisit(db, appointmentId))?.windowStart ?? null,
};

/** [8/12] 缴费记录: the caller's orders and their e-receipts (电子票据). */
export function orderCentreRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/orders', {
      config: { access: ['patient'] },
      schema: {
        tags: ['payments'],
        summary: '缴费记录：本人及所代办家人的订单（新的在前）',
        description:
          '本人及有效授权家人（ID-6）的全部订单，按创建时间倒序，before 为上一页的 nextCursor；status 按订单状态筛选。' +
          '每条含就诊人、用途、金额（分）、医保分账、支付与退款记录。',
        querystring: OrdersQuery,
        response: { 200: OrderPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listOrders(ctx, authOf(req), req.query, orderFacts, actorOf(req)),
    });

    app.get('/orders/:id/receipt', {
      config: { access: ['patient'] },
      schema: {
        tags: ['payments'],
        summary: '电子票据（PDF，内嵌中文字体）',
        description:
          '仅已支付过的订单有电子票据；未支付的订单返回 409 RECEIPT_NOT_AVAILABLE。票据号按订单固定。',
        params: IdParams,
        response: problems(401, 403, 404, 409),
      },
      handler: async (req, reply) => {
        const { receiptNo, pdf } = await orderReceipt(
          ctx,
          authOf(req),
          req.params.id,
          orderFacts,
          actorOf(req),
        );
        return reply
          .header('content-disposition', `attachment; filename="receipt-${receiptNo}.pdf"`)
          .type('application/pdf')
          .send(pdf);
      },
    });
  };
}
