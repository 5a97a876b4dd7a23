import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { IdParams, page, problems, Uuid } from '../../platform/http.js';
import { idempotent, requestHash } from '../../platform/idempotency.js';
import { AfterCommit } from '../notifications/notification.service.js';
import type { Payments } from '../payments/payment.service.js';
import { cancelAppointment, listAppointments } from './appointments.service.js';
import { book } from './booking.service.js';
import { checkIn, createFromTemplate, getPolicy, scheduleAppointments, setPolicy } from './clinic.service.js';
import { CHANNELS, MODES } from './schedule.rules.js';
import { createSchedule, listSchedules } from './schedule.service.js';
import { stopSchedule } from './schedule-jobs.js';
import { joinWaitlist } from './waitlist.service.js';

const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD（北京时间）' });
const TimeText = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM（北京时间）' });
const Mode = Type.Enum(MODES);
const Channel = Type.Enum(CHANNELS);

const Schedule = Type.Object({
  id: Uuid,
  doctorId: Uuid,
  departmentId: Uuid,
  institutionId: Uuid,
  date: Type.String(),
  startTime: Type.String(),
  endTime: Type.String(),
  mode: Mode,
  feeFen: Type.Integer(),
  capacity: Type.Integer(),
  available: Type.Integer(),
  releaseAt: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('stopped')]),
  quotas: Type.Object({ public: Type.Integer(), referral: Type.Integer(), partner: Type.Integer() }),
});

const Appointment = Type.Object({
  id: Uuid,
  status: Type.String(),
  scheduleId: Uuid,
  patientId: Uuid,
  patientName: Type.String(),
  doctorId: Uuid,
  doctorName: Type.String(),
  departmentName: Type.String(),
  institutionName: Type.String(),
  date: Type.String(),
  mode: Type.String(),
  channel: Channel,
  tokenNumber: Type.Integer(),
  windowStart: Type.String(),
  windowEnd: Type.String(),
  feeFen: Type.Integer(),
  orderId: Type.Optional(Uuid),
  holdUntil: Type.Optional(Type.String()),
});

const BookResult = Type.Object({
  id: Uuid,
  status: Type.String(),
  tokenNumber: Type.Integer(),
  windowStart: Type.String(),
  windowEnd: Type.String(),
  orderId: Type.Optional(Uuid),
  holdUntil: Type.Optional(Type.String()),
});

export function schedulingRoutes(ctx: AppContext, payments: Payments): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/schedules', {
      config: { access: 'public' },
      schema: {
        tags: ['scheduling'],
        summary: '出诊排班（含可约号源）',
        querystring: Type.Object({
          doctorId: Type.Optional(Uuid),
          departmentId: Type.Optional(Uuid),
          institutionId: Type.Optional(Uuid),
          from: Type.Optional(DateText),
          to: Type.Optional(DateText),
          mode: Type.Optional(Mode),
        }),
        response: { 200: page(Schedule), ...problems(400) },
      },
      // A doctor's or department's schedules over a date range: one page of at most 200.
      handler: async (req) => ({ items: await listSchedules(ctx, req.query), nextCursor: null }),
    });

    app.post('/schedules', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '创建出诊排班（本机构）',
        body: Type.Object(
          {
            doctorId: Uuid,
            departmentId: Type.Optional(Uuid),
            date: DateText,
            startTime: TimeText,
            endTime: TimeText,
            mode: Mode,
            feeFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
            capacity: Type.Integer({ minimum: 1, maximum: 500 }),
            quotas: Type.Optional(
              Type.Object(
                {
                  referral: Type.Optional(Type.Integer({ minimum: 0 })),
                  partner: Type.Optional(Type.Integer({ minimum: 0 })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Schedule, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createSchedule(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.post('/schedules/:id/stop', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '停诊（取消预约并全额退款）',
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ id: Uuid, status: Type.Literal('stopped'), cancelled: Type.Integer() }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
      handler: async (req) =>
        stopSchedule(ctx, payments, authOf(req), req.params.id, req.body.reason, actorOf(req)),
    });

    app.post('/schedules/:id/waitlist', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '加入候补',
        params: IdParams,
        body: Type.Optional(Type.Object({ patientId: Type.Optional(Uuid) }, { additionalProperties: false })),
        response: {
          201: Type.Object({
            id: Uuid,
            scheduleId: Uuid,
            patientId: Uuid,
            status: Type.Literal('waiting'),
            position: Type.Integer(),
          }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
      handler: async (req, reply) =>
        reply
          .status(201)
          .send(await joinWaitlist(ctx, authOf(req), req.params.id, req.body?.patientId, actorOf(req))),
    });

    app.post('/appointments', {
      config: { access: ['patient', 'doctor', 'nurse'] },
      schema: {
        tags: ['scheduling'],
        summary: '预约挂号（支持 Idempotency-Key）',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        }),
        body: Type.Object(
          { scheduleId: Uuid, patientId: Type.Optional(Uuid), channel: Type.Optional(Channel) },
          { additionalProperties: false },
        ),
        response: { 201: BookResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) => {
        const auth = authOf(req);
        if ((req.body.channel ?? 'public') === 'public' && !auth.roles.includes('patient')) {
          throw new AppError(403, 'FORBIDDEN', '无权访问', '医务人员只能使用转诊或合作机构号源为患者预约。');
        }
        const after = new AfterCommit();
        const result = await idempotent(
          ctx,
          auth.accountId,
          req.headers['idempotency-key'],
          requestHash(req.body),
          201,
          (trx) => book(ctx, auth, req.body, actorOf(req), trx, after),
        );
        await after.run((err) => req.log.error({ err }, 'after-commit task failed'));
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(201).send(result.body);
      },
    });

    app.get('/schedules/:id/appointments', {
      config: { access: ['doctor', 'nurse', 'org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '排班的预约名单（本人或本机构）',
        params: IdParams,
        response: { 200: page(Appointment), ...problems(401, 403, 404) },
      },
      handler: async (req) => ({
        items: await scheduleAppointments(ctx, authOf(req), req.params.id, actorOf(req)),
        nextCursor: null,
      }),
    });

    app.post('/appointments/:id/check-in', {
      config: { access: ['doctor', 'nurse', 'org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '到院签到',
        params: IdParams,
        response: { 200: Appointment, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => checkIn(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/schedules/bulk', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '按周模板批量排班',
        body: Type.Object(
          {
            doctorId: Uuid,
            departmentId: Type.Optional(Uuid),
            startDate: DateText,
            weeks: Type.Integer({ minimum: 1, maximum: 12 }),
            sessions: Type.Array(
              Type.Object(
                {
                  weekday: Type.Integer({ minimum: 1, maximum: 7 }),
                  startTime: TimeText,
                  endTime: TimeText,
                  mode: Mode,
                  capacity: Type.Integer({ minimum: 1, maximum: 500 }),
                  feeFen: Type.Optional(Type.Integer({ minimum: 0 })),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 14 },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            created: Type.Array(Uuid),
            skipped: Type.Array(
              Type.Object({
                date: Type.String(),
                startTime: Type.String(),
                code: Type.String(),
                reason: Type.String(),
              }),
            ),
          }),
          ...problems(400, 401, 403, 404),
        },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createFromTemplate(ctx, authOf(req), req.body, actorOf(req))),
    });

    const Policy = Type.Object(
      {
        releaseDaysAhead: Type.Integer({ minimum: 0, maximum: 90 }),
        releaseTime: TimeText,
        referralPercent: Type.Integer({ minimum: 0, maximum: 100 }),
        partnerPercent: Type.Integer({ minimum: 0, maximum: 100 }),
        reservedReleaseHours: Type.Integer({ minimum: 0, maximum: 168 }),
        cancelCutoffMinutes: Type.Integer({ minimum: 0, maximum: 2880 }),
        maxActiveBookings: Type.Integer({ minimum: 1, maximum: 50 }),
        noShowLimit: Type.Integer({ minimum: 1, maximum: 20 }),
        noShowWindowDays: Type.Integer({ minimum: 1, maximum: 730 }),
        suspensionDays: Type.Integer({ minimum: 0, maximum: 730 }),
        holdMinutes: Type.Integer({ minimum: 1, maximum: 120 }),
      },
      { additionalProperties: false },
    );

    app.get('/booking-policy', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '本机构放号与预约规则',
        response: { 200: Policy, ...problems(401, 403) },
      },
      handler: async (req) => getPolicy(ctx, authOf(req)),
    });

    app.put('/booking-policy', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '修改本机构放号与预约规则',
        body: Policy,
        response: { 200: Policy, ...problems(400, 401, 403, 422) },
      },
      handler: async (req) => setPolicy(ctx, authOf(req), req.body, actorOf(req)),
    });

    app.get('/appointments', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '我和我的就诊人的预约',
        response: { 200: page(Appointment), ...problems(401) },
      },
      handler: async (req) => ({
        items: await listAppointments(ctx, { accountId: authOf(req).accountId }),
        nextCursor: null,
      }),
    });

    app.post('/appointments/:id/cancel', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '取消预约',
        params: IdParams,
        response: { 200: Appointment, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => cancelAppointment(ctx, payments, authOf(req), req.params.id, actorOf(req)),
    });
  };
}
