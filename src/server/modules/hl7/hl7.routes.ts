import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Hl7FeedStatus,
  Hl7MatchPage,
  Hl7MatchQuery,
  Hl7MatchResolve,
  Hl7MatchView,
  Hl7MessageDetail,
  Hl7MessagePage,
  Hl7MessageQuery,
  Hl7Replay,
} from '../../../shared/records.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { discardMessage, replayMessage, resolveMatch } from './admin.service.js';
import { feedStatus, getMessage, listMatches, listMessages } from './hl7.queries.js';

/**
 * HL7 feed administration ([6/12]): the listener's and feeds' status (an institution's administrators for
 * their feeds, the regulator for all, read-only), the institution's messages with dead letters to fix and
 * replay or discard, and the patient match queue. Message texts carry personal data: only the feed
 * institution's org_admin reads them, and each read is audited.
 */
export function hl7Routes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hl7/status', {
      config: { access: ['org_admin', 'regulator'] },
      schema: {
        tags: ['hl7'],
        summary: 'HL7 接口状态：监听端口与各接入系统的接收情况',
        response: { 200: Hl7FeedStatus, ...problems(401, 403) },
      },
      handler: async (req) => feedStatus(ctx, authOf(req)),
    });

    app.get('/hl7/messages', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['hl7'],
        summary: '本机构收到的 HL7 消息（status=dead：死信）',
        querystring: Hl7MessageQuery,
        response: { 200: Hl7MessagePage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listMessages(ctx, authOf(req), req.query),
    });

    app.get('/hl7/messages/:id', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['hl7'],
        summary: 'HL7 消息详情（含原文，调阅留痕）',
        params: IdParams,
        response: { 200: Hl7MessageDetail, ...problems(401, 403, 404) },
      },
      handler: async (req) => getMessage(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/hl7/messages/:id/replay', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['hl7'],
        summary: '修正死信后重放（成功为 replayed；失败仍为死信并记录新的错误）',
        params: IdParams,
        body: Hl7Replay,
        response: { 200: Hl7MessageDetail, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => replayMessage(ctx, authOf(req), req.params.id, req.body.raw, actorOf(req)),
    });

    app.post('/hl7/messages/:id/discard', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['hl7'],
        summary: '丢弃死信或待匹配消息（保留记录）',
        params: IdParams,
        response: { 200: Hl7MessageDetail, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => discardMessage(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/hl7/matches', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['hl7'],
        summary: '患者匹配队列（无身份证号的消息）',
        querystring: Hl7MatchQuery,
        response: { 200: Hl7MatchPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listMatches(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.post('/hl7/matches/:id', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['hl7'],
        summary: '处理待匹配记录：匹配候选患者、新建患者或拒绝，随后应用该消息',
        params: IdParams,
        body: Hl7MatchResolve,
        response: { 200: Hl7MatchView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => resolveMatch(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });
  };
}
