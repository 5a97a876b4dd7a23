import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, authOf, ROLES } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Empty, IdParams, Phone, page, problems, Uuid } from '../../platform/http.js';
import { login, logout, requestLoginOtp } from './auth.service.js';
import {
  addDependent,
  confirmDependent,
  getPatient,
  removeDependent,
  resendDependentCode,
} from './dependents.service.js';
import { RELATIONSHIPS } from './identity.rules.js';
import { getMe, listDependents, verifyRealName } from './people.service.js';

const Role = Type.Enum(ROLES);
const Relationship = Type.Enum(RELATIONSHIPS);
const Name = Type.String({ minLength: 1, maxLength: 30, description: '与身份证一致的姓名' });
const IdNumber = Type.String({ minLength: 1, maxLength: 32, description: '18 位居民身份证号码' });
const Otp = Type.String({ pattern: '^[0-9]{6}$', description: '6 位短信验证码' });

const Me = Type.Object({
  id: Uuid,
  name: Type.String(),
  roles: Type.Array(Role),
  phone: Type.String({ description: '脱敏手机号，如 138****0001' }),
  institutionId: Type.Optional(Uuid),
  institutionName: Type.Optional(Type.String()),
  practitionerId: Type.Optional(Uuid),
  realNameVerified: Type.Boolean(),
  patientId: Type.Optional(Uuid),
  idNumber: Type.Optional(Type.String({ description: '脱敏身份证号，如 1101**********1234' })),
  birthDate: Type.Optional(Type.String()),
  sex: Type.Optional(Type.String()),
});

const Dependent = Type.Object({
  id: Uuid,
  patientId: Uuid,
  name: Type.String(),
  idNumber: Type.String(),
  birthDate: Type.String(),
  sex: Type.String(),
  age: Type.Integer(),
  relationship: Relationship,
  status: Type.Union([Type.Literal('active'), Type.Literal('pending_confirmation')]),
  isMinor: Type.Boolean(),
  isGuardian: Type.Boolean(),
  devCode: Type.Optional(Type.String({ description: '仅演示模式：发给成年就诊人的确认验证码' })),
});

// Exactly one of password or otp; checked in the handler so the validation error names the field.
const LoginBody = Type.Object(
  {
    phone: Phone,
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    otp: Type.Optional(Otp),
  },
  { additionalProperties: false },
);

function oneCredential(body: { password?: string; otp?: string }) {
  if ((body.password === undefined) === (body.otp === undefined)) {
    throw new AppError(
      400,
      'VALIDATION_FAILED',
      '请求参数校验失败',
      '请提供密码（password）或短信验证码（otp）其中之一。',
      {
        fields: [{ field: 'body.password', message: '需提供 password 或 otp 之一' }],
      },
    );
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
        body: Type.Object({ phone: Phone }, { additionalProperties: false }),
        response: {
          202: Type.Object({ sent: Type.Boolean(), devCode: Type.Optional(Type.String()) }),
          ...problems(400, 429, 503),
        },
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
          200: Type.Object({
            token: Type.String(),
            user: Type.Object({ id: Uuid, name: Type.String(), roles: Type.Array(Role) }),
          }),
          ...problems(400, 401, 403, 429),
        },
      },
      handler: async (req) => {
        oneCredential(req.body);
        return login(ctx, req.body, actorOf(req));
      },
    });

    app.post('/auth/logout', {
      config: { access: 'authenticated' },
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
      config: { access: 'authenticated' },
      schema: { tags: ['identity'], summary: '当前用户', response: { 200: Me, ...problems(401) } },
      handler: async (req) => getMe(ctx, authOf(req)),
    });

    app.post('/me/real-name', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '实名认证',
        body: Type.Object({ name: Name, idNumber: IdNumber }, { additionalProperties: false }),
        response: { 200: Me, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req) => verifyRealName(ctx, authOf(req), req.body, actorOf(req)),
    });

    app.get('/me/dependents', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '我的就诊人（亲情账户）',
        response: { 200: page(Dependent), ...problems(401, 403) },
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
        body: Type.Object(
          { name: Name, idNumber: IdNumber, relationship: Relationship, phone: Type.Optional(Phone) },
          { additionalProperties: false },
        ),
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
        body: Type.Object({ code: Otp }, { additionalProperties: false }),
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
        response: {
          202: Type.Object({ sent: Type.Boolean(), devCode: Type.Optional(Type.String()) }),
          ...problems(401, 404, 409, 429),
        },
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
          200: Type.Object({
            id: Uuid,
            name: Type.String(),
            idNumber: Type.String(),
            birthDate: Type.String(),
            sex: Type.String(),
            age: Type.Integer(),
            relation: Type.Union([Type.Literal('self'), Type.Literal('proxy')]),
          }),
          ...problems(400, 401, 403),
        },
      },
      handler: async (req) => getPatient(ctx, authOf(req), req.params.id, actorOf(req)),
    });
  };
}
