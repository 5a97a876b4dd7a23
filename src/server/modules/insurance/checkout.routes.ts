/**
 * The checkout's insurance routes ([7/12]): the split of an order before paying (2206). Paying with
 * insurance is `POST /orders/{id}/pay` with `insurance` (payments.routes.ts calls payWithInsurance).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PreSettlement, PreSettlementQuery } from '../../../shared/insurance.js';
import { authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { preSettlement } from './pre-settlement.service.js';

export function checkoutRoutes(ctx: AppContext, rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/orders/:id/pre-settlement', {
      config: { access: ['patient'] },
      schema: {
        tags: ['insurance'],
        summary: '医保预结算（2206）：统筹基金、个人账户、现金各付多少',
        description:
          '订单的就诊人本人或其代理人（ID-6）。只试算、不记账，无需医保电子凭证；支付时须出示凭证（ID-3）。accountPayerId：家庭共济的付款人（须有生效的共济关系）。' +
          '拒绝：INSURANCE_NOT_INSURABLE（预约挂号费等）、INSURANCE_NOT_DESIGNATED（INS-1）、INSURANCE_NOT_LINKED、INSURANCE_BLOCKED_PATIENT / INSURANCE_BLOCKED_PRACTITIONER（INS-4）、INSURANCE_WALLET_NOT_ACTIVE；医保平台无应答 INSURANCE_PLATFORM_UNAVAILABLE。',
        params: IdParams,
        querystring: PreSettlementQuery,
        response: { 200: PreSettlement, ...problems(400, 401, 403, 404, 409, 422, 503) },
      },
      handler: async (req) => preSettlement(ctx, rt, authOf(req), req.params.id, req.query.accountPayerId),
    });
  };
}
