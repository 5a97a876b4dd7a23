/**
 * Who may read a patient's records, over HTTP ([6/12], SEC-1): the patient's authorisations (授权调阅) and
 * access log (访问记录), break-glass (紧急调阅) and the regulator's alerts, and a doctor's "我的患者".
 * Thin handlers: each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AccessLogPage,
  AccessLogQuery,
  AuthorisationCreate,
  AuthorisationPage,
  AuthorisationQuery,
  AuthorisationView,
  BreakGlassPage,
  BreakGlassQuery,
  BreakGlassRequest,
  BreakGlassReview,
  BreakGlassView,
  CarePatientList,
} from '../../../shared/records.js';
import { actorOf, authOf, STAFF_ROLES } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import { breakGlass, breakGlassAlerts, listCarePatients, reviewBreakGlass } from './access.service.js';
import { accessLog } from './access-log.service.js';
import { grantAuthorisation, listAuthorisations, revokeAuthorisation } from './authorisations.service.js';

const PATIENT = ['patient'] as const;
const REGULATOR = ['regulator'] as const;
const CARERS = ['doctor', 'nurse'] as const;

export function accessRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/me/authorisations', {
      config: { access: PATIENT },
      schema: {
        tags: ['records'],
        summary: '我的授权（授权调阅）',
        description:
          '本人或所代理的就诊人（patientId，ID-6）给医生或机构的授权，最新在前。status=active 仅列出未撤销且未过期的；默认全部。',
        querystring: AuthorisationQuery,
        response: { 200: AuthorisationPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listAuthorisations(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.post('/me/authorisations', {
      config: { access: PATIENT },
      schema: {
        tags: ['records'],
        summary: '授权一位医生或一家机构查看我的健康档案',
        description:
          '二者选其一；days 为 1–365 天；categories 为空表示全部类别。为家属授权须是其已生效的代理人（ID-6）。',
        body: AuthorisationCreate,
        response: { 201: AuthorisationView, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await grantAuthorisation(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.delete('/me/authorisations/:id', {
      config: { access: PATIENT },
      schema: {
        tags: ['records'],
        summary: '撤销授权（立即生效）',
        description: '被授权人的下一次请求即被拒绝。重复撤销同样返回 204，不再改变任何数据。',
        params: IdParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await revokeAuthorisation(ctx, authOf(req), req.params.id, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.get('/me/access-log', {
      config: { access: PATIENT },
      schema: {
        tags: ['records'],
        summary: '谁查看了我的健康信息（访问记录）',
        description:
          '他人对本人或所代理就诊人（patientId）健康信息的每一次访问：谁、何时、哪类信息、依据何种关系、结果（被拒绝的尝试标为 failure）。不含本人自己的查看。',
        querystring: AccessLogQuery,
        response: { 200: AccessLogPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => accessLog(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.post('/patients/:id/break-glass', {
      config: { access: STAFF_ROLES },
      schema: {
        tags: ['records'],
        summary: '紧急调阅（写明理由，通知监管部门）',
        description:
          '仅医生、护士；理由必填。在 records.breakGlassMs（默认 24 小时）内可查看该患者全部类别的信息；记入患者的访问记录，并作为告警提交监管部门审查。',
        params: IdParams,
        body: BreakGlassRequest,
        response: { 201: BreakGlassView, ...problems(400, 401, 403, 404, 422) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await breakGlass(ctx, authOf(req), req.params.id, req.body, actorOf(req))),
    });

    app.get('/break-glass-alerts', {
      config: { access: REGULATOR },
      schema: {
        tags: ['records'],
        summary: '紧急调阅告警（监管）',
        description: '全部紧急调阅，最新在前；status=unreviewed 仅列出待审查的。',
        querystring: BreakGlassQuery,
        response: { 200: BreakGlassPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => breakGlassAlerts(ctx, req.query, actorOf(req)),
    });

    app.post('/break-glass-alerts/:id/review', {
      config: { access: REGULATOR },
      schema: {
        tags: ['records'],
        summary: '审查一次紧急调阅',
        params: IdParams,
        body: BreakGlassReview,
        response: { 200: BreakGlassView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => reviewBreakGlass(ctx, authOf(req), req.params.id, req.body.note, actorOf(req)),
    });

    app.get('/care-patients', {
      config: { access: CARERS },
      schema: {
        tags: ['records'],
        summary: '我的患者（当前可查看档案的患者）',
        description:
          '因问诊（进行中或结束 30 天内）、线下就诊、患者授权或紧急调阅而当前可查看的患者，及其关系、可查看的类别和截止时间。',
        response: { 200: CarePatientList, ...problems(401, 403) },
      },
      handler: async (req) => listCarePatients(ctx, authOf(req), actorOf(req)),
    });
  };
}
