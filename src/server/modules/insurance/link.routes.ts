/**
 * The patient's insurance over HTTP ([7/12]): linking with the e-voucher (ID-3), "我的医保", and 家庭共济
 * (INS-2). Thin handlers: each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  InsuranceLinkBody,
  InsuranceMe,
  InsuredPerson,
  PatientIdParams,
  WalletLink,
  WalletLinkBody,
} from '../../../shared/insurance.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { insuranceMe, linkInsurance, unlinkInsurance } from './link.service.js';
import { answerWalletLink, endWalletLink, requestWalletLink } from './wallet.service.js';

const PATIENT = ['patient'] as const;

export function linkRoutes(ctx: AppContext, rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/insurance/link', {
      config: { access: PATIENT },
      schema: {
        tags: ['insurance'],
        summary: '用医保电子凭证绑定医保（ID-3）',
        description:
          '为本人或所代理的就诊人（patientId，ID-6）绑定；就诊人须已实名认证。医保平台按就诊人的身份证号核验凭证，他人的、无效或过期的凭证返回 INSURANCE_VOUCHER_INVALID，医保平台的其他拒绝返回 INSURANCE_LINK_REFUSED；医保平台无应答或未配置医保平台接口时返回 503 INSURANCE_PLATFORM_UNAVAILABLE。再次绑定会更新个人编号、险种和参保地。',
        body: InsuranceLinkBody,
        response: { 200: InsuredPerson, ...problems(400, 401, 403, 422, 503) },
      },
      handler: async (req) => linkInsurance(ctx, rt, authOf(req), req.body, actorOf(req)),
    });

    app.get('/insurance/me', {
      config: { access: PATIENT },
      schema: {
        tags: ['insurance'],
        summary: '我的医保',
        description:
          '本人及所代理的就诊人中已绑定医保的，余额和本年累计为医保平台最近一次报告（绑定或结算时，asOf）的数据；以及涉及他们的待确认和已生效的家庭共济关系。',
        response: { 200: InsuranceMe, ...problems(401, 403) },
      },
      handler: async (req) => insuranceMe(ctx, authOf(req)),
    });

    app.delete('/insurance/link/:patientId', {
      config: { access: PATIENT },
      schema: {
        tags: ['insurance'],
        summary: '解除医保绑定',
        description:
          '本人或代理人可解除；重复解除返回 204，不再改变任何数据。从未绑定返回 INSURANCE_NOT_LINKED。',
        params: PatientIdParams,
        response: { 204: Empty, ...problems(401, 403, 409) },
      },
      handler: async (req, reply) => {
        await unlinkInsurance(ctx, authOf(req), req.params.patientId, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.post('/insurance/wallet-links', {
      config: { access: PATIENT },
      schema: {
        tags: ['insurance'],
        summary: '申请家庭共济（INS-2）',
        description:
          '付款人（默认本人，或所代理的就诊人）须已绑定职工医保；受益的家人按姓名和身份证号查找，须已实名认证。状态为待确认，由受益人本人或其代理人同意后生效。',
        body: WalletLinkBody,
        response: { 201: WalletLink, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await requestWalletLink(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.post('/insurance/wallet-links/:id/confirm', {
      config: { access: PATIENT },
      schema: {
        tags: ['insurance'],
        summary: '同意家庭共济',
        description:
          '仅受益人本人或其代理人（如未成年人的监护人）；付款人一方不能代为同意，除非其同时是受益人的代理人。',
        params: IdParams,
        response: { 200: WalletLink, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => answerWalletLink(ctx, authOf(req), req.params.id, 'confirm', actorOf(req)),
    });

    app.post('/insurance/wallet-links/:id/decline', {
      config: { access: PATIENT },
      schema: {
        tags: ['insurance'],
        summary: '拒绝家庭共济',
        description: '仅受益人本人或其代理人。',
        params: IdParams,
        response: { 200: WalletLink, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => answerWalletLink(ctx, authOf(req), req.params.id, 'decline', actorOf(req)),
    });

    app.delete('/insurance/wallet-links/:id', {
      config: { access: PATIENT },
      schema: {
        tags: ['insurance'],
        summary: '解除家庭共济或撤回申请',
        description: '任一方均可解除，立即生效；重复解除返回 204。',
        params: IdParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await endWalletLink(ctx, authOf(req), req.params.id, actorOf(req));
        return reply.status(204).send(null);
      },
    });
  };
}
