import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Appointment,
  AppointmentPage,
  BookBody,
  BookHeaders,
  BookingPolicy,
  BookResult,
  BulkScheduleBody,
  BulkScheduleResult,
  Schedule,
  ScheduleBody,
  SchedulePage,
  ScheduleQuery,
  StopScheduleBody,
  StopScheduleResult,
  WaitlistBody,
  WaitlistEntry,
} from '../../../shared/scheduling.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { cancelAppointment, listAppointments } from './appointments.service.js';
import { book } from './booking.service.js';
import { checkIn, createFromTemplate, getPolicy, scheduleAppointments, setPolicy } from './clinic.service.js';
import { createSchedule, listSchedules } from './schedule.service.js';
import { stopSchedule } from './schedule-jobs.js';
import { joinWaitlist } from './waitlist.service.js';

export function schedulingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/schedules', {
      config: { access: 'public' },
      schema: {
        tags: ['scheduling'],
        summary: '出诊排班（含可约号源）',
        querystring: ScheduleQuery,
        response: { 200: SchedulePage, ...problems(400) },
      },
      // A doctor's or department's schedules over a date range: one page of at most 200.
      handler: async (req) => ({ items: await listSchedules(ctx, req.query), nextCursor: null }),
    });

    app.post('/schedules', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '创建出诊排班（本机构）',
        body: ScheduleBody,
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
        body: StopScheduleBody,
        response: { 200: StopScheduleResult, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => stopSchedule(ctx, authOf(req), req.params.id, req.body.reason, actorOf(req)),
    });

    app.post('/schedules/:id/waitlist', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '加入候补',
        params: IdParams,
        body: Type.Optional(WaitlistBody),
        response: { 201: WaitlistEntry, ...problems(400, 401, 403, 404, 409) },
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
        headers: BookHeaders,
        body: BookBody,
        response: { 201: BookResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) => {
        const result = await book(ctx, authOf(req), req.body, actorOf(req), {
          idempotencyKey: req.headers['idempotency-key'],
        });
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
        response: { 200: AppointmentPage, ...problems(401, 403, 404) },
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
        body: BulkScheduleBody,
        response: {
          201: BulkScheduleResult,
          ...problems(400, 401, 403, 404),
        },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createFromTemplate(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.get('/booking-policy', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '本机构放号与预约规则',
        response: { 200: BookingPolicy, ...problems(401, 403) },
      },
      handler: async (req) => getPolicy(ctx, authOf(req)),
    });

    app.put('/booking-policy', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['scheduling'],
        summary: '修改本机构放号与预约规则',
        body: BookingPolicy,
        response: { 200: BookingPolicy, ...problems(400, 401, 403, 422) },
      },
      handler: async (req) => setPolicy(ctx, authOf(req), req.body, actorOf(req)),
    });

    app.get('/appointments', {
      config: { access: ['patient'] },
      schema: {
        tags: ['scheduling'],
        summary: '我和我的就诊人的预约',
        response: { 200: AppointmentPage, ...problems(401) },
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
      handler: async (req) => cancelAppointment(ctx, authOf(req), req.params.id, actorOf(req)),
    });
  };
}
