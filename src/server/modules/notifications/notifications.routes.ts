import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems, Uuid } from '../../platform/http.js';
import { listNotifications, markRead } from './notification.service.js';

const Notification = Type.Object({
  id: Uuid,
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  refType: Type.Union([Type.String(), Type.Null()]),
  refId: Type.Union([Type.String(), Type.Null()]),
  read: Type.Boolean(),
  createdAt: Type.String(),
});

export function notificationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/notifications', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: '消息中心',
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 40 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(Notification),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            unread: Type.Integer(),
          }),
          ...problems(400, 401),
        },
      },
      handler: async (req) =>
        listNotifications(ctx, authOf(req).accountId, req.query.cursor, req.query.limit),
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
