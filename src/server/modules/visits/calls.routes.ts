/** Video calls of a visit over HTTP (WebRTC signalling itself goes over /ws). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CallParams, JoinCallBody, VisitCall } from '../../../shared/visits.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import { endCall, joinCall, startCall } from './calls.service.js';

const PARTICIPANTS = ['patient', 'doctor', 'nurse'] as const;

export function callRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/visits/:id/calls', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '发起视频通话',
        params: IdParams,
        response: { 201: VisitCall, ...problems(401, 403, 404, 409) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await startCall(ctx, authOf(req), req.params.id, actorOf(req))),
    });
    app.post('/visits/:id/calls/:callId/join', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '加入视频通话（并回答是否同意录音录像）',
        params: CallParams,
        body: JoinCallBody,
        response: { 200: VisitCall, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        joinCall(ctx, authOf(req), req.params.id, req.params.callId, req.body.recordingConsent, actorOf(req)),
    });
    app.post('/visits/:id/calls/:callId/end', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '结束视频通话',
        params: CallParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await endCall(ctx, authOf(req), req.params.id, req.params.callId, actorOf(req));
        return reply.status(204).send(null);
      },
    });
  };
}
