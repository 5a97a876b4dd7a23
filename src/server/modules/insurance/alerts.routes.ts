/**
 * 智能监管 over HTTP (INS-4): the insurer's fraud alerts and decisions on them. Thin handlers: each calls
 * one function of alerts.service.ts. Summaries are in the caller's language (Accept-Language).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AlertDecisionBody, AlertPage, AlertQuery, InsuranceAlert } from '../../../shared/insurance.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { prefersEnglish } from '../../platform/errors.js';
import { IdParams, problems } from '../../platform/http.js';
import { decideAlert, listAlerts } from './alerts.service.js';
import type { InsuranceRuntime } from './insurance.runtime.js';

const INSURER = ['insurer'] as const;

export function alertRoutes(ctx: AppContext, _rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/insurance/alerts', {
      config: { access: INSURER },
      schema: {
        tags: ['insurance'],
        summary: '智能监管告警（医保）',
        description:
          '欺诈与违规规则（INS-4）命中的告警，最新在前；status 过滤。每条附规则所见的证据（evidence）和一句话摘要（summary，按 Accept-Language）。',
        querystring: AlertQuery,
        response: { 200: AlertPage, ...problems(400, 401, 403) },
      },
      handler: async (req) =>
        listAlerts(ctx, req.query, prefersEnglish(req) ? 'en-US' : 'zh-CN', actorOf(req)),
    });

    app.post('/insurance/alerts/:id/decision', {
      config: { access: INSURER },
      schema: {
        tags: ['insurance'],
        summary: '处理一条告警：确认（暂停结算）、排除或解除',
        description:
          '待处理（open）的告警可确认（confirmed：暂停该参保人或医生的医保结算）或排除（dismissed）；已确认的可解除（cleared：恢复结算）。其他情况 409 INSURANCE_ALERT_DECISION_NOT_ALLOWED。确认和解除都会通知当事人。',
        params: IdParams,
        body: AlertDecisionBody,
        response: { 200: InsuranceAlert, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        decideAlert(
          ctx,
          authOf(req),
          req.params.id,
          req.body,
          prefersEnglish(req) ? 'en-US' : 'zh-CN',
          actorOf(req),
        ),
    });
  };
}
