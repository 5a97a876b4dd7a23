/**
 * The security administrator's alerts over HTTP (DJ-17): list, acknowledge, close. security_admin only
 * (DJ-8: the three administrators' duties do not overlap); every read and change is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AlertNote, AlertPage, AlertQuery, AlertView, SECURITY_ROUTES } from '../../../shared/security.js';
import { actorOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { handleAlert, listAlerts } from './alerts.service.js';

const SECURITY_ADMIN = ['security_admin'] as const;
const TAGS = ['security'];

export function securityRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(SECURITY_ROUTES.list, {
      config: { access: SECURITY_ADMIN },
      schema: {
        tags: TAGS,
        summary: '安全告警（入侵检测，DJ-17）',
        description:
          '暴力破解、编号遍历、导出或批量调阅超量、员工从新网络登录、非许可地址反复访问。最新在前；可按状态、类型筛选。仅安全管理员。',
        querystring: AlertQuery,
        response: { 200: AlertPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listAlerts(ctx, req.query, actorOf(req)),
    });

    app.post(SECURITY_ROUTES.acknowledge, {
      config: { access: SECURITY_ADMIN },
      schema: {
        tags: TAGS,
        summary: '确认告警（处理中）',
        description: '须填写说明；已关闭的告警 409 SECURITY_ALERT_CLOSED。记入审计。',
        params: IdParams,
        body: AlertNote,
        response: { 200: AlertView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => handleAlert(ctx, req.params.id, 'acknowledged', req.body, actorOf(req)),
    });

    app.post(SECURITY_ROUTES.close, {
      config: { access: SECURITY_ADMIN },
      schema: {
        tags: TAGS,
        summary: '关闭告警',
        description: '须填写处理结论；已关闭的告警 409 SECURITY_ALERT_CLOSED。记入审计。',
        params: IdParams,
        body: AlertNote,
        response: { 200: AlertView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => handleAlert(ctx, req.params.id, 'closed', req.body, actorOf(req)),
    });
  };
}
