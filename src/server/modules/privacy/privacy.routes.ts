/**
 * Retention and the patient's deletion request over HTTP ([10/12]; DJ-15, DJ-16, REC-4; 个人信息保护法
 * 第四十七条). Thin handlers: each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CodeSent } from '../../../shared/identity.js';
import {
  AuditRetention,
  DeletionPreview,
  DeletionRequestBody,
  DeletionResult,
  PutAuditRetentionBody,
} from '../../../shared/privacy.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { previewDeletion, requestDeletion, sendDeletionCode } from './deletion.service.js';
import { getAuditRetention, putAuditRetention } from './retention.service.js';

const AUDIT_ADMIN = ['audit_admin'] as const;
const PATIENT = ['patient'] as const;

export function privacyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/audit/retention', {
      config: { access: AUDIT_ADMIN },
      schema: {
        tags: ['privacy'],
        summary: '审计记录保存期限（审计管理员）',
        description:
          'DJ-15、DJ-16：各类审计记录的在线保存月数、法定下限、已到期可归档的条数，以及全平台的保存期限表。仅审计管理员；读取写入审计。',
        response: { 200: AuditRetention, ...problems(401, 403) },
      },
      handler: async (req) => getAuditRetention(ctx, actorOf(req)),
    });

    app.put('/audit/retention', {
      config: { access: AUDIT_ADMIN },
      schema: {
        tags: ['privacy'],
        summary: '设置审计记录保存期限（审计管理员）',
        description:
          'DJ-16：低于法定下限（病历相关审计 180 个月，其他 6 个月）返回 422 RETENTION_BELOW_FLOOR。审计记录从不删除，期限只决定何时可归档。修改写入审计（前后值）。',
        body: PutAuditRetentionBody,
        response: { 200: AuditRetention, ...problems(400, 401, 403, 422) },
      },
      handler: async (req) => putAuditRetention(ctx, actorOf(req), req.body),
    });

    app.get('/me/deletion-request/preview', {
      config: { access: PATIENT },
      schema: {
        tags: ['privacy'],
        summary: '注销账号：将删除与须保留的信息',
        description:
          '个人信息保护法 第四十七条；REC-4：列出注销时删除的信息、依法须保留的信息（依据与年限），以及阻止注销的未完成业务。',
        response: { 200: DeletionPreview, ...problems(401, 403) },
      },
      handler: async (req) => previewDeletion(ctx, authOf(req), actorOf(req)),
    });

    app.post('/me/deletion-request/otp', {
      config: { access: PATIENT, rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: ['privacy'],
        summary: '注销账号：发送短信验证码',
        response: { 202: CodeSent, ...problems(401, 403, 429, 503) },
      },
      handler: async (req, reply) =>
        reply.status(202).send(await sendDeletionCode(ctx, authOf(req), actorOf(req))),
    });

    app.post('/me/deletion-request', {
      config: { access: PATIENT, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['privacy'],
        summary: '注销账号（删除个人信息）',
        description:
          '以短信验证码（otp）或登录密码（password）再次确认。有进行中的问诊、待支付订单、未完成的处方配送或未就诊的预约时返回 409 DELETION_BLOCKED（blockers 列出）。' +
          '病历、处方、支付与医保结算、审计记录依法保留（REC-1、RX-12、会计档案管理办法、DJ-16）；其余删除，账号关闭、所有会话失效，手机号可重新注册。',
        body: DeletionRequestBody,
        response: { 200: DeletionResult, ...problems(400, 401, 403, 409, 422, 429) },
      },
      handler: async (req) => requestDeletion(ctx, authOf(req), actorOf(req), req.body),
    });
  };
}
