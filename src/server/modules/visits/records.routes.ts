/**
 * Medical records over HTTP: the visit's record (draft, signed, addenda, the signed file), what the doctor
 * sees of the patient's history, the ICD-10 catalogue, record templates, and offline diagnoses, the
 * evidence follow-ups rest on (VISIT-1).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AddendumBody,
  Icd10Page,
  Icd10Query,
  MedicalRecordView,
  OfflineDiagnoses,
  OfflineDiagnosisBody,
  OfflineDiagnosisView,
  PatientHistory,
  RecordContent,
  RecordTemplates,
  RecordTemplatesQuery,
} from '../../../shared/visits.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { guardExport } from '../security/export-guard.js';
import { searchIcd10 } from './icd10.js';
import { listOfflineDiagnoses, recordOfflineDiagnosis } from './offline-diagnosis.service.js';
import { addAddendum, exportRecord, getRecord, saveRecord } from './record.service.js';
import { patientHistory, recordTemplatesOf } from './visit-queries.js';

const PRACTITIONERS = ['doctor', 'nurse'] as const;
const PARTICIPANTS = ['patient', 'doctor', 'nurse'] as const;

export function recordRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/visits/:id/record', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '互联网诊疗病历',
        params: IdParams,
        response: { 200: MedicalRecordView, ...problems(401, 403, 404) },
      },
      handler: async (req) => getRecord(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.put('/visits/:id/record', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '保存病历草稿（签名后不可修改）',
        params: IdParams,
        body: RecordContent,
        response: { 200: MedicalRecordView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => saveRecord(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/visits/:id/record/addenda', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '签名病历的补充记录（REC-2）',
        params: IdParams,
        body: AddendumBody,
        response: { 200: MedicalRecordView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => addAddendum(ctx, authOf(req), req.params.id, req.body.text, actorOf(req)),
    });

    // A file download (the signed record file, verified offline by `verify-record`), not a JSON answer.
    app.get('/visits/:id/record/export', {
      config: { access: PARTICIPANTS },
      schema: {
        tags: ['visits'],
        summary: '导出签名病历文件（verify-record 可验证）',
        params: IdParams,
        response: problems(401, 403, 404, 429),
      },
      handler: async (req, reply) => {
        // DJ-30: exports are rate-limited per account (429 EXPORT_RATE_LIMITED beyond the hourly limit).
        await guardExport(ctx, actorOf(req), 'visit_record_export');
        const file = await exportRecord(ctx, authOf(req), req.params.id, actorOf(req));
        return reply
          .header('content-disposition', `attachment; filename="record-${req.params.id}.json"`)
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(file, null, 2));
      },
    });

    app.get('/visits/:id/patient-history', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '患者线下诊断与本机构既往线上病历',
        params: IdParams,
        response: { 200: PatientHistory, ...problems(401, 403, 404) },
      },
      handler: async (req) => patientHistory(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/icd10', {
      config: { access: ['doctor', 'nurse', 'pharmacist', 'org_admin', 'regulator', 'patient'] },
      schema: {
        tags: ['visits'],
        summary: 'ICD-10 疾病编码检索（编码前缀或中文名称）',
        querystring: Icd10Query,
        response: { 200: Icd10Page, ...problems(400, 401, 403) },
      },
      handler: async (req) => ({ items: searchIcd10(req.query.q, req.query.limit ?? 20) }),
    });

    app.get('/record-templates', {
      config: { access: PRACTITIONERS },
      schema: {
        tags: ['visits'],
        summary: '科室病历模板',
        querystring: RecordTemplatesQuery,
        response: { 200: RecordTemplates, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => ({ items: await recordTemplatesOf(ctx, req.query.departmentId) }),
    });

    app.get('/patients/:id/offline-diagnoses', {
      config: { access: ['patient'] },
      schema: {
        tags: ['visits'],
        summary: '就诊人的线下确诊记录（复诊依据，VISIT-1）',
        params: IdParams,
        response: { 200: OfflineDiagnoses, ...problems(401, 403) },
      },
      handler: async (req) => ({
        items: await listOfflineDiagnoses(ctx, authOf(req), req.params.id, actorOf(req)),
      }),
    });
    app.post('/patients/:id/offline-diagnoses', {
      config: { access: ['doctor'] },
      schema: {
        tags: ['visits'],
        summary: '医院医生录入线下门诊 / 住院诊断（复诊依据）',
        description:
          '仅限患者实际就诊（已签到或已完成的预约，或已接诊的线上问诊）的机构的医生，为本机构录入；否则 403 NO_CARE_RELATIONSHIP 并记入审计（VISIT-1, SEC-1）。',
        params: IdParams,
        body: OfflineDiagnosisBody,
        response: { 201: OfflineDiagnosisView, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) =>
        reply
          .status(201)
          .send(await recordOfflineDiagnosis(ctx, authOf(req), req.params.id, req.body, actorOf(req))),
    });
  };
}
