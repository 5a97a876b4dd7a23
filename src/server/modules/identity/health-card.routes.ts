/**
 * 电子健康卡 over HTTP ([8/12]): the patient's card with its QR code, and the staff's scan. Thin handlers:
 * each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  HealthCard,
  HealthCardParams,
  HealthCardVerifyBody,
  VerifiedHealthCard,
} from '../../../shared/health-card.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { getHealthCard, verifyHealthCard } from './health-card.service.js';

const PATIENT = ['patient'] as const;
/** Staff who identify patients at a counter, a clinic or a pharmacy window of any institution. */
const SCANNERS = ['doctor', 'nurse', 'pharmacist', 'org_admin'] as const;

/**
 * Scans per account per minute: a counter scans a patient every few seconds at most; a client guessing
 * codes is stopped long before a 128-bit MAC could be found. Counted after sign-in, per account.
 */
export const VERIFY_PER_MINUTE = 30;

const CARD_DESCRIPTION =
  '本人或所代理的就诊人（ID-6）的电子健康卡；仅已实名认证的就诊人有卡（首次读取时发卡），否则返回 REAL_NAME_REQUIRED。' +
  '二维码内容为 `YYHC1.<卡 id>.<分钟>.<MAC>`，不含手机号和身份证号；在生成的当分钟和下一分钟内有效（expiresAt），' +
  '客户端应在 refreshAt 重新获取。每次读取写入审计。';

export function healthCardRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health-cards/self', {
      config: { access: PATIENT },
      schema: {
        tags: ['identity'],
        summary: '我的电子健康卡',
        description: CARD_DESCRIPTION,
        response: { 200: HealthCard, ...problems(401, 403) },
      },
      handler: async (req) => getHealthCard(ctx, authOf(req), 'self', actorOf(req)),
    });

    app.get('/health-cards/:patientId', {
      config: { access: PATIENT },
      schema: {
        tags: ['identity'],
        summary: '就诊人的电子健康卡',
        description: CARD_DESCRIPTION,
        params: HealthCardParams,
        response: { 200: HealthCard, ...problems(400, 401, 403) },
      },
      handler: async (req) => getHealthCard(ctx, authOf(req), req.params.patientId, actorOf(req)),
    });

    app.post('/health-cards/verify', {
      config: {
        access: SCANNERS,
        rateLimit: {
          max: VERIFY_PER_MINUTE,
          timeWindow: '1 minute',
          // After the access check, so the budget is the signed-in account's.
          hook: 'preHandler',
          keyGenerator: (req: FastifyRequest) => `health-card-verify:${req.auth?.accountId ?? req.ip}`,
        },
      },
      schema: {
        tags: ['identity'],
        summary: '扫码识别电子健康卡',
        description:
          '医生、护士、药师和机构管理员扫描患者出示的电子健康卡二维码（或扫码枪输入的内容），返回患者姓名、性别、年龄、脱敏身份证号和卡号。' +
          '超过有效期（生成后的当分钟和下一分钟）返回 HEALTH_CARD_EXPIRED；被改动、伪造或未知的卡返回 HEALTH_CARD_INVALID。' +
          `每次扫码（成功或失败）写入审计：扫码人、所在机构、患者与结果。每个账号每分钟最多 ${VERIFY_PER_MINUTE} 次。`,
        body: HealthCardVerifyBody,
        response: { 200: VerifiedHealthCard, ...problems(400, 401, 403, 422, 429) },
      },
      handler: async (req) => verifyHealthCard(ctx, authOf(req), req.body.code, actorOf(req)),
    });
  };
}
