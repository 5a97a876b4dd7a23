import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotificationPage, NotificationQuery } from '../../../shared/notifications.js';
import { authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import { languageOf } from '../../platform/texts.js';
import { listNotifications, markRead } from './notification.service.js';

export function notificationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/notifications', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: '消息中心',
        description: '标题和正文按 Accept-Language 给出（zh-CN，偏好英文时 en-US）；短信始终为中文。',
        querystring: NotificationQuery,
        response: { 200: NotificationPage, ...problems(400, 401) },
      },
      handler: async (req) =>
        listNotifications(ctx, authOf(req).accountId, req.query.cursor, req.query.limit, languageOf(req)),
    });
    app.post('/notifications/:id/read', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: '标记已读',
        params: IdParams,
        response: { 204: Empty, ...problems(401) },
      },
      handler: async (req, reply) => {
        await markRead(ctx, authOf(req).accountId, req.params.id);
        return reply.status(204).send(null);
      },
    });
  };
}
