import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConsentBody, ConsentState } from '../../../shared/consent.js';
import { LoginAnswer } from '../../../shared/credentials.js';
import {
  CodeSent,
  ConfirmDependentBody,
  Dependent,
  DependentBody,
  DependentPage,
  LoginBody,
  Me,
  OtpBody,
  PatientProfile,
  RealNameBody,
} from '../../../shared/identity.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import { login, logout, requestLoginOtp } from './auth.service.js';
import { giveConsent } from './consent.service.js';
import {
  addDependent,
  confirmDependent,
  getPatient,
  removeDependent,
  resendDependentCode,
} from './dependents.service.js';
import { getMe, listDependents, verifyRealName } from './people.service.js';

function oneCredential(body: { password?: string; otp?: string }) {
  if ((body.password === undefined) === (body.otp === undefined)) {
    throw errors.validationFailed('请提供密码（password）或短信验证码（otp）其中之一。', {
      fields: [{ field: 'body.password', message: '需提供 password 或 otp 之一' }],
    });
  }
}

export function identityRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const authRateLimit = { max: ctx.config.auth.ipRateLimitPerMinute, timeWindow: '1 minute' };

    app.post('/auth/otp', {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['identity'],
        summary: '发送短信验证码',
        body: OtpBody,
        response: { 202: CodeSent, ...problems(400, 429, 503) },
      },
      handler: async (req, reply) =>
        reply.status(202).send({ sent: true, ...(await requestLoginOtp(ctx, req.body.phone, actorOf(req))) }),
    });

    app.post('/auth/login', {
      config: { access: 'public', rateLimit: authRateLimit },
      schema: {
        tags: ['identity'],
        summary: '登录（密码或短信验证码；验证码登录即注册）',
        body: LoginBody,
        response: {
          // DJ-6: a session, or (an account that needs a second factor) a challenge and no token.
          200: LoginAnswer,
          ...problems(400, 401, 403, 429),
        },
      },
      handler: async (req) => {
        oneCredential(req.body);
        return login(ctx, req.body, actorOf(req));
      },
    });

    app.post('/auth/logout', {
      config: { access: 'authenticated', passwordChangeAllowed: true },
      schema: {
        tags: ['identity'],
        summary: '退出登录（令牌立即失效）',
        response: { 204: Empty, ...problems(401) },
      },
      handler: async (req, reply) => {
        await logout(ctx, authOf(req), actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.get('/me', {
      config: { access: 'authenticated', passwordChangeAllowed: true },
      schema: { tags: ['identity'], summary: '当前用户', response: { 200: Me, ...problems(401) } },
      handler: async (req) => getMe(ctx, authOf(req)),
    });

    app.post('/me/consent', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['identity'],
        summary: '同意用户协议、隐私政策与敏感个人信息处理（SEC-1；文本更新后再次同意）',
        body: ConsentBody,
        response: { 200: ConsentState, ...problems(400, 401, 403) },
      },
      handler: async (req) => giveConsent(ctx, authOf(req), req.body, actorOf(req)),
    });

    app.post('/me/real-name', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '实名认证',
        body: RealNameBody,
        response: { 200: Me, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req) => verifyRealName(ctx, authOf(req), req.body, actorOf(req)),
    });

    app.get('/me/dependents', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '我的就诊人（亲情账户）',
        response: { 200: DependentPage, ...problems(401, 403) },
      },
      // At most MAX_DEPENDENTS items: one page holds them all.
      handler: async (req) => ({
        items: await listDependents(ctx, authOf(req), actorOf(req)),
        nextCursor: null,
      }),
    });

    app.post('/me/dependents', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '添加就诊人',
        body: DependentBody,
        response: { 201: Dependent, ...problems(400, 401, 403, 409, 422, 429) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await addDependent(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.post('/me/dependents/:id/confirm', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '成年就诊人短信确认授权',
        params: IdParams,
        body: ConfirmDependentBody,
        response: { 200: Dependent, ...problems(400, 401, 404, 422) },
      },
      handler: async (req) => confirmDependent(ctx, authOf(req), req.params.id, req.body.code, actorOf(req)),
    });

    app.post('/me/dependents/:id/resend', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '重新发送就诊人确认验证码',
        params: IdParams,
        response: { 202: CodeSent, ...problems(401, 404, 409, 429) },
      },
      handler: async (req, reply) =>
        reply.status(202).send({
          sent: true,
          ...(await resendDependentCode(ctx, authOf(req), req.params.id, actorOf(req))),
        }),
    });

    app.delete('/me/dependents/:id', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '解除就诊人代理',
        params: IdParams,
        response: { 204: Empty, ...problems(401, 404) },
      },
      handler: async (req, reply) => {
        await removeDependent(ctx, authOf(req), req.params.id, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.get('/patients/:id', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '就诊人信息（本人或已生效的代理人）',
        params: IdParams,
        response: {
          200: PatientProfile,
          ...problems(400, 401, 403),
        },
      },
      handler: async (req) => getPatient(ctx, authOf(req), req.params.id, actorOf(req)),
    });
  };
}
