import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Department,
  DepartmentBody,
  DepartmentPage,
  DepartmentPatchBody,
  DepartmentQuery,
  DoctorQuery,
  Institution,
  InstitutionPage,
  InstitutionQuery,
  Practitioner,
  PractitionerBody,
  PractitionerPage,
  PractitionerPatchBody,
  SuspendBody,
} from '../../../shared/directory.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { IdParams, problems } from '../../platform/http.js';
import { doctorStats, onlineVisitFees } from '../visits/visits.api.js';
import { createDepartment, listDepartments, updateDepartment } from './departments.service.js';
import { getDoctor, searchDoctors } from './doctors.service.js';
import { getInstitution, listInstitutions, setInstitutionStatus } from './institutions.service.js';
import { createPractitioner, setPractitionerStatus, updatePractitioner } from './practitioners.service.js';

const tags = ['directory'];

/** A PATCH must change something; said in the handler so the message is zh-CN like the validator's. */
function somethingToChange(body: object) {
  if (Object.keys(body).length === 0) {
    throw errors.validationFailed('body：请至少提供一个要修改的字段', {
      fields: [{ field: 'body', message: '请至少提供一个要修改的字段', keyword: 'minProperties' }],
    });
  }
}

export function directoryRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // --- Public directory: institutions, departments, doctors (no login; not patient data).
    app.get('/institutions', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '医疗机构列表（含电子证照）',
        querystring: InstitutionQuery,
        response: { 200: InstitutionPage, ...problems(400) },
      },
      handler: async (req) => listInstitutions(ctx, req.query),
    });

    app.get('/institutions/:id', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '医疗机构详情',
        params: IdParams,
        response: { 200: Institution, ...problems(400, 404) },
      },
      handler: async (req) => getInstitution(ctx, req.params.id),
    });

    app.get('/departments', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '科室列表',
        querystring: DepartmentQuery,
        response: { 200: DepartmentPage, ...problems(400) },
      },
      handler: async (req) => listDepartments(ctx, req.query),
    });

    app.get('/doctors', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '找医生（按机构、科室、职称、出诊日期与方式、关键词）',
        querystring: DoctorQuery,
        response: { 200: PractitionerPage, ...problems(400) },
      },
      handler: async (req) => searchDoctors(ctx, req.query),
    });

    app.get('/doctors/:id', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '医生详情',
        params: IdParams,
        response: { 200: Practitioner, ...problems(400, 404) },
      },
      // [8/12] Prices up front: the visits module's figures, composed here through its exported functions.
      handler: async (req) => {
        const doctor = await getDoctor(ctx, req.params.id);
        const [stats, onlineFees] = await Promise.all([
          doctorStats(ctx.db, doctor.id),
          onlineVisitFees(ctx.db, { ...doctor, institutionId: doctor.institution.id }, ctx.clock.now()),
        ]);
        return { ...doctor, stats, onlineFees };
      },
    });

    // --- Institution administrators: their own institution's departments and practitioners.
    app.post('/departments', {
      config: { access: ['org_admin'] },
      schema: {
        tags,
        summary: '新增科室（本机构）',
        body: DepartmentBody,
        response: { 201: Department, ...problems(400, 401, 403, 409) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createDepartment(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.patch('/departments/:id', {
      config: { access: ['org_admin'] },
      schema: {
        tags,
        summary: '修改科室（本机构）',
        params: IdParams,
        body: DepartmentPatchBody,
        response: { 200: Department, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => {
        somethingToChange(req.body);
        return updateDepartment(ctx, authOf(req), req.params.id, req.body, actorOf(req));
      },
    });

    app.post('/practitioners', {
      config: { access: ['org_admin'] },
      schema: {
        tags,
        summary: '新增医务人员（本机构）',
        body: PractitionerBody,
        response: { 201: Practitioner, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createPractitioner(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.patch('/practitioners/:id', {
      config: { access: ['org_admin'] },
      schema: {
        tags,
        summary: '修改医务人员信息（本机构）',
        params: IdParams,
        body: PractitionerPatchBody,
        response: { 200: Practitioner, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => {
        somethingToChange(req.body);
        return updatePractitioner(ctx, authOf(req), req.params.id, req.body, actorOf(req));
      },
    });

    // --- The regulator (卫健委): suspension of practitioners and institutions (ORG-5).
    app.post('/practitioners/:id/suspend', {
      config: { access: ['regulator'] },
      schema: {
        tags,
        summary: '暂停医务人员执业（停止预约与接诊）',
        params: IdParams,
        body: SuspendBody,
        response: { 200: Practitioner, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        setPractitionerStatus(ctx, req.params.id, { suspend: true, reason: req.body.reason }, actorOf(req)),
    });

    app.post('/practitioners/:id/reinstate', {
      config: { access: ['regulator'] },
      schema: {
        tags,
        summary: '恢复医务人员执业',
        params: IdParams,
        response: { 200: Practitioner, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => setPractitionerStatus(ctx, req.params.id, { suspend: false }, actorOf(req)),
    });

    app.post('/institutions/:id/suspend', {
      config: { access: ['regulator'] },
      schema: {
        tags,
        summary: '暂停医疗机构（停止预约与接诊）',
        params: IdParams,
        body: SuspendBody,
        response: { 200: Institution, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        setInstitutionStatus(ctx, req.params.id, { suspend: true, reason: req.body.reason }, actorOf(req)),
    });

    app.post('/institutions/:id/reinstate', {
      config: { access: ['regulator'] },
      schema: {
        tags,
        summary: '恢复医疗机构',
        params: IdParams,
        response: { 200: Institution, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => setInstitutionStatus(ctx, req.params.id, { suspend: false }, actorOf(req)),
    });
  };
}
