/**
 * Visits over HTTP: request, list and read visits, the lifecycle actions, the chat, the timeline, and the
 * on-demand queue (presence, a department's queue). Schemas come from src/shared/visits.ts; each handler
 * declares who may call it and calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CancelVisitBody,
  CreatedVisit,
  CreateVisitBody,
  MessagesQuery,
  OnDemandStatus,
  PostMessageBody,
  Presence,
  PresenceBody,
  RatingBody,
  ReferOfflineBody,
  Timeline,
  VisitListQuery,
  VisitMessage,
  VisitMessages,
  VisitPage,
  VisitParams,
  VisitView,
} from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import { type AuthContext, actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { languageOf } from '../../platform/texts.js';
import { timeline } from './calls.service.js';
import { completeVisit } from './complete-visit.service.js';
import { createVisit } from './create-visit.service.js';
import { listMessages, postMessage } from './messages.service.js';
import { myPresence, onDemandStatus, setPresence } from './presence.service.js';
import {
  acceptEvidence,
  cancelVisit,
  confirmGuardianPresence,
  rateVisit,
  referOffline,
  startVisit,
} from './visit-lifecycle.service.js';
import { getVisit, listVisits } from './visit-queries.js';
import type { VisitsRuntime } from './visits.runtime.js';

const PATIENT = ['patient'] as const;
const PRACTITIONERS = ['doctor', 'nurse'] as const;
const VIEWERS = ['patient', 'doctor', 'nurse', 'org_admin', 'regulator'] as const;
const PARTICIPANTS = ['patient', 'doctor', 'nurse'] as const;

export function visitRoutes(ctx: AppContext, rt: VisitsRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/visits', {
      config: { access: PATIENT },
      schema: {
        tags: ['visits'],
        summary: '发起线上问诊（咨询 / 复诊 / 首诊 / 护理咨询）',
        body: CreateVisitBody,
        response: { 201: CreatedVisit, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createVisit(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.get('/visits', {
      config: { access: VIEWERS },
      schema: {
        tags: ['visits'],
        summary: '问诊列表：患者的问诊、医生的接诊队列与历史、机构与监管的问诊',
        querystring: VisitListQuery,
        response: { 200: VisitPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listVisits(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.get('/visits/:id', {
      config: { access: VIEWERS },
      schema: {
        tags: ['visits'],
        summary: '问诊详情',
        params: IdParams,
        response: { 200: VisitView, ...problems(401, 403, 404) },
      },
      handler: async (req) => getVisit(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    /** A lifecycle action on one visit, answered with the visit as it now is. */
    const action = (
      path: string,
      summary: string,
      access: readonly ('patient' | 'doctor' | 'nurse')[],
      run: (auth: AuthContext, id: string, actor: Actor) => Promise<VisitView>,
    ) =>
      app.post(path, {
        config: { access },
        schema: {
          tags: ['visits'],
          summary,
          params: VisitParams,
          response: { 200: VisitView, ...problems(401, 403, 404, 409, 422) },
        },
        handler: async (req) => run(authOf(req), req.params.id, actorOf(req)),
      });

    action('/visits/:id/guardian-presence', '监护人确认陪同（ID-6, PILOT-3）', PATIENT, (auth, id, actor) =>
      confirmGuardianPresence(ctx, rt, auth, id, actor),
    );
    action('/visits/:id/start', '接诊（再次检查资格）', PRACTITIONERS, (auth, id, actor) =>
      startVisit(ctx, rt, auth, id, actor),
    );
    action(
      '/visits/:id/evidence/accept',
      '采纳患者上传的线下诊断资料（VISIT-2）',
      PRACTITIONERS,
      (auth, id, actor) => acceptEvidence(ctx, rt, auth, id, actor),
    );
    action('/visits/:id/complete', '完成问诊并签署病历（SM2）', PRACTITIONERS, (auth, id, actor) =>
      completeVisit(ctx, rt, auth, id, actor),
    );

    app.post('/visits/:id/cancel', {
      config: { access: PATIENT },
      schema: {
        tags: ['visits'],
        summary: '医生接诊前取消并退款',
        params: IdParams,
        body: CancelVisitBody,
        response: { 200: VisitView, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) =>
        cancelVisit(ctx, rt, authOf(req), req.params.id, req.body?.reason, actorOf(req)),
    });

    app.post('/visits/:id/refer-offline', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '终止线上诊疗，转线下就诊（VISIT-3）',
        params: IdParams,
        body: ReferOfflineBody,
        response: { 200: VisitView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => referOffline(ctx, rt, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/visits/:id/rating', {
      config: { access: PATIENT },
      schema: {
        tags: ['visits'],
        summary: '评价医生',
        params: IdParams,
        body: RatingBody,
        response: { 200: VisitView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => rateVisit(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.get('/visits/:id/timeline', {
      config: { access: VIEWERS },
      schema: {
        tags: ['visits'],
        summary: '问诊全程时间线（VISIT-5）',
        params: IdParams,
        response: { 200: Timeline, ...problems(401, 403, 404) },
      },
      handler: async (req) => ({ items: await timeline(ctx, authOf(req), req.params.id, actorOf(req)) }),
    });

    app.get('/visits/:id/messages', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '聊天记录（after 之后，按 id 升序）',
        description:
          '系统消息（kind=system）的 text 按 Accept-Language 给出（zh-CN，偏好英文时 en-US），另附 textKey/textParams。',
        params: IdParams,
        querystring: MessagesQuery,
        response: { 200: VisitMessages, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => ({
        items: await listMessages(
          ctx,
          authOf(req),
          req.params.id,
          req.query.after ?? 0,
          req.query.limit ?? 200,
          actorOf(req),
          undefined,
          languageOf(req),
        ),
      }),
    });

    app.post('/visits/:id/messages', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '发送消息（clientId 重发只存一次）',
        params: IdParams,
        body: PostMessageBody,
        response: { 200: VisitMessage, 201: VisitMessage, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) => {
        const { message, created } = await postMessage(
          ctx,
          authOf(req),
          req.params.id,
          req.body,
          actorOf(req),
        );
        if (created) rt.hub.publish(req.params.id, { type: 'message', visitId: req.params.id, message });
        return reply.status(created ? 201 : 200).send(message);
      },
    });

    app.get('/practitioners/me/presence', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '我的在线接诊状态',
        response: { 200: Presence, ...problems(401, 403) },
      },
      handler: async (req) => myPresence(ctx, authOf(req)),
    });
    app.put('/practitioners/me/presence', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '上线 / 下线（科室即时问诊队列）',
        body: PresenceBody,
        response: { 200: Presence, ...problems(400, 401, 403) },
      },
      handler: async (req) => setPresence(ctx, authOf(req), req.body.online, actorOf(req)),
    });
    app.get('/departments/:id/on-demand', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['visits'],
        summary: '科室即时问诊：在线医生与排队人数',
        params: IdParams,
        response: { 200: OnDemandStatus, ...problems(401) },
      },
      handler: async (req) => onDemandStatus(ctx, req.params.id),
    });
  };
}
