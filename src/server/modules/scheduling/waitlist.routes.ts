/**
 * [8/12] The visible waitlist (我的候补) and an appointment's 就诊须知. Joining stays
 * `POST /schedules/{id}/waitlist` (scheduling.routes.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppointmentGuide, WaitlistPage, WaitlistQuery } from '../../../shared/scheduling.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import { appointmentGuide } from './appointment-guide.js';
import { listWaitlist } from './waitlist.queries.js';
import { cancelWaitlist } from './waitlist.service.js';

export function waitlistRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/waitlist', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '我和我的就诊人的候补（含当前位次）',
        querystring: WaitlistQuery,
        response: { 200: WaitlistPage, ...problems(400, 401) },
      },
      handler: async (req) => listWaitlist(ctx, authOf(req).accountId, req.query),
    });

    app.delete('/waitlist/:id', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '取消候补（仅候补中；再次取消为 409 WAITLIST_NOT_WAITING）',
        params: IdParams,
        response: { 204: Empty, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req, reply) => {
        await cancelWaitlist(ctx, authOf(req), req.params.id, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.get('/appointments/:id/guide', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '就诊须知：地址、取消与爽约规则、当日排队',
        params: IdParams,
        response: { 200: AppointmentGuide, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => appointmentGuide(ctx, authOf(req), req.params.id),
    });
  };
}
