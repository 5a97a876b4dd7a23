import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AccountSecurity,
  ChangePasswordBody,
  InstitutionMfaPolicy,
  InstitutionMfaPolicyBody,
  LoginOptions,
  RecoveryCodes,
  SecondFactorBody,
  SecondFactorSmsBody,
  SessionGranted,
  TotpConfirmBody,
  TotpEnrolment,
} from '../../../shared/credentials.js';
import { CodeSent } from '../../../shared/identity.js';
import { actorOf, authOf, STAFF_ROLES } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import {
  accountSecurity,
  answerSecondFactor,
  beginTotpEnrolment,
  changePassword,
  confirmTotp,
  generateRecoveryCodes,
  getInstitutionMfaPolicy,
  sendSecondFactorSms,
  setInstitutionMfaPolicy,
} from './credentials.service.js';

/** Staff passwords (DJ-2) and the second factor (DJ-6): credentials.service.ts. */
export function credentialsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const authRateLimit = { max: ctx.config.auth.ipRateLimitPerMinute, timeWindow: '1 minute' };

    app.get('/auth/options', {
      config: { access: 'public' },
      schema: {
        tags: ['identity'],
        summary: '登录页选项：是否演示模式（演示账号未绑定第二因素时可免二次验证）',
        response: { 200: LoginOptions },
      },
      handler: async () => ({ demo: ctx.config.security.mfa.demoSkip }),
    });

    app.post('/auth/login/second-factor', {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['identity'],
        summary: '登录第二步：二次验证（身份验证器动态码、短信验证码或恢复码）',
        body: SecondFactorBody,
        response: { 200: SessionGranted, ...problems(400, 401, 403, 422, 429) },
      },
      handler: async (req) => answerSecondFactor(ctx, req.body, actorOf(req)),
    });

    app.post('/auth/login/second-factor/sms', {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['identity'],
        summary: '发送二次验证的短信验证码（演示模式返回 devCode）',
        body: SecondFactorSmsBody,
        response: { 200: CodeSent, ...problems(400, 401, 422, 429, 503) },
      },
      handler: async (req) => sendSecondFactorSms(ctx, req.body.challengeId, actorOf(req)),
    });

    app.post('/me/password', {
      // DJ-2: the one change a session whose password must change may make.
      config: { access: 'authenticated', passwordChangeAllowed: true, rateLimit: authRateLimit },
      schema: {
        tags: ['identity'],
        summary: '修改密码（工作人员：≥8 位、至少 3 类字符、非常见、不含手机号、不与最近 5 次重复）',
        body: ChangePasswordBody,
        response: { 204: Empty, ...problems(400, 401, 422, 429) },
      },
      handler: async (req, reply) => {
        await changePassword(ctx, authOf(req), req.body, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.get('/me/security', {
      // Also while the password must change: the page shows the policy's numbers as hints.
      config: { access: 'authenticated', passwordChangeAllowed: true },
      schema: {
        tags: ['identity'],
        summary: '账号安全：密码有效期、二次验证、恢复码',
        response: { 200: AccountSecurity, ...problems(401) },
      },
      handler: async (req) => accountSecurity(ctx, authOf(req)),
    });

    app.post('/me/totp', {
      config: { access: STAFF_ROLES },
      schema: {
        tags: ['identity'],
        summary: '绑定身份验证器：生成密钥（确认前不生效）',
        response: { 200: TotpEnrolment, ...problems(401, 403) },
      },
      handler: async (req) => beginTotpEnrolment(ctx, authOf(req), actorOf(req)),
    });

    app.post('/me/totp/confirm', {
      config: { access: STAFF_ROLES },
      schema: {
        tags: ['identity'],
        summary: '绑定身份验证器：用动态码确认',
        body: TotpConfirmBody,
        response: { 204: Empty, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req, reply) => {
        await confirmTotp(ctx, authOf(req), req.body.code, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.post('/me/recovery-codes', {
      config: { access: STAFF_ROLES },
      schema: {
        tags: ['identity'],
        summary: '生成 10 个恢复码（只显示这一次，旧的随即作废；每个只能用一次）',
        response: { 200: RecoveryCodes, ...problems(401, 403) },
      },
      handler: async (req) => generateRecoveryCodes(ctx, authOf(req), actorOf(req)),
    });

    app.get('/institutions/:id/mfa-policy', {
      config: { access: ['org_admin', 'security_admin'] },
      schema: {
        tags: ['identity'],
        summary: '本机构医生、药师登录是否须二次验证',
        params: IdParams,
        response: { 200: InstitutionMfaPolicy, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => getInstitutionMfaPolicy(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.put('/institutions/:id/mfa-policy', {
      config: { access: ['org_admin', 'security_admin'] },
      schema: {
        tags: ['identity'],
        summary: '设置本机构医生、药师登录是否须二次验证',
        params: IdParams,
        body: InstitutionMfaPolicyBody,
        response: { 200: InstitutionMfaPolicy, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) =>
        setInstitutionMfaPolicy(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });
  };
}
