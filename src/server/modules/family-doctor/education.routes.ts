/**
 * Health education and ratings over HTTP ([12/12] §2, seed 002 (十五)): articles (a resident's pushed ones
 * with read receipts, all for staff), pushing to a team's residents by condition or group, the team's read
 * counts, and the resident's rating of a service. Thin handlers: each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ArticleList,
  ArticleQuery,
  ArticleReadQuery,
  ArticleReadStats,
  ArticleReadsQuery,
  ArticleView,
  IdParams,
  PushArticleBody,
  PushResult,
  RatingBody,
  RatingView,
} from '../../../shared/family-doctor.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { articleReads, getArticle, listArticles, pushArticle } from './education.service.js';
import { rateService } from './ratings.service.js';

const TAGS = ['family-doctor'];
const READERS = ['patient', 'doctor', 'nurse'] as const;
const TEAM = ['doctor', 'nurse'] as const;

export function educationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/family-doctor/articles', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '健康教育文章：居民看推送给本人（或 patientId 指定的家人）的文章及阅读状态；医护看全部',
        description:
          '居民按推送时间新在前，含 pushedAt、readAt；patientId 须为本人或本账号有效代办的家人（403 NOT_YOUR_PATIENT）。医护人员按发布时间新在前。游标分页。',
        querystring: ArticleQuery,
        response: { 200: ArticleList, ...problems(400, 401, 403) },
      },
      handler: async (req) => listArticles(ctx, authOf(req), req.query),
    });

    app.get('/family-doctor/articles/:id', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '阅读一篇健康教育文章（居民首次阅读推送给本人或家人的文章即记录已读回执）',
        params: IdParams,
        querystring: ArticleReadQuery,
        response: { 200: ArticleView, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => getArticle(ctx, authOf(req), req.params.id, req.query.patientId, actorOf(req)),
    });

    app.post('/family-doctor/articles/:id/push', {
      config: { access: TEAM },
      schema: {
        tags: TAGS,
        summary: '按病种或人群向本团队在约居民推送文章（站内消息，不发短信）',
        description:
          'audiences 为服务包人群（basic、elderly、children、pregnancy、disability、hypertension、diabetes、personalised）或慢病（hypertension、diabetes）：推送给签约服务包属于这些人群、或有这些病种在管随访计划的在约居民。已推送过的居民不重复推送；pushed 为本次新推送人数。仅团队成员（403 NOT_TEAM_MEMBER）。',
        params: IdParams,
        body: PushArticleBody,
        response: { 200: PushResult, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => pushArticle(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.get('/family-doctor/articles/:id/reads', {
      config: { access: TEAM },
      schema: {
        tags: TAGS,
        summary: '文章在本团队（或 teamId 指定团队）的推送人数与已读人数（阅读回执）',
        params: IdParams,
        querystring: ArticleReadsQuery,
        response: { 200: ArticleReadStats, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => articleReads(ctx, authOf(req), req.params.id, req.query.teamId),
    });

    app.post('/family-doctor/ratings', {
      config: { access: ['patient'] },
      schema: {
        tags: TAGS,
        summary: '评价签约服务、一次随访或一次上门服务（1–5 星，每项服务一次）',
        description:
          '只能评价本人或所代办家人的在约或已到期签约、已完成的随访、已完成的上门服务（否则 422 RATING_NOT_ALLOWED）；同一服务再次评价 409 SERVICE_ALREADY_RATED。评价计入团队考核的满意度（seed 002 (十五)）。',
        body: RatingBody,
        response: { 201: RatingView, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await rateService(ctx, authOf(req), req.body, actorOf(req))),
    });
  };
}
