/**
 * Prescribing over HTTP (issue [5/12] §3–§5): drafts with rule checks and dry runs, signing, revision,
 * the pharmacist's review, reading and listing, and the signed prescription leaving the platform (file,
 * verification, PDF). Thin handlers: each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CheckResult,
  Created,
  PrescriptionBody,
  PrescriptionListQuery,
  PrescriptionPage,
  PrescriptionView,
  ReviewBody,
  ReviewResult,
  SignedResult,
  VerifyResult,
} from '../../../shared/prescriptions.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import {
  checkForPrescription,
  checkForVisit,
  createPrescription,
  revisePrescription,
  updatePrescription,
} from './prescribing.service.js';
import { exportPrescription, prescriptionPdfOf, verifyPrescription } from './prescription-files.service.js';
import { getPrescription, listPrescriptions } from './prescription-queries.js';
import { signPrescription } from './prescription-signing.service.js';
import { reviewPrescription } from './review.service.js';

const TAGS = ['prescriptions'];
const READERS = ['patient', 'doctor', 'pharmacist', 'pharmacy_staff', 'org_admin', 'regulator'] as const;
const RULES_422 =
  '规则不通过时 422：code 为第一条未通过规则的错误码，detail 写明药品和规则编号，violations 列出全部未通过的检查。';

export function prescribingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/visits/:id/prescriptions', {
      config: { access: ['doctor'] },
      schema: {
        tags: TAGS,
        summary: '开具处方（草稿，保存时检查全部处方规则）',
        description: `仅限本次问诊的接诊医生（RX-1）；问诊为复诊或试点范围内的首诊、有诊断、进行中或结束 24 小时内。${RULES_422}`,
        params: IdParams,
        body: PrescriptionBody,
        response: { 201: Created, ...problems(400, 401, 403, 404, 422) },
      },
      handler: async (req, reply) =>
        reply
          .status(201)
          .send(await createPrescription(ctx, authOf(req), req.params.id, req.body, actorOf(req))),
    });

    app.post('/visits/:id/prescriptions/check', {
      config: { access: ['doctor'] },
      schema: {
        tags: TAGS,
        summary: '处方规则预检（不保存，供输入时实时提示）',
        description: '与保存相同的检查，只返回结果：规则不通过也是 200（ok=false），从不 422。',
        params: IdParams,
        body: PrescriptionBody,
        response: { 200: CheckResult, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => checkForVisit(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.put('/prescriptions/:id', {
      config: { access: ['doctor'] },
      schema: {
        tags: TAGS,
        summary: '修改处方草稿（签名后不可修改：409 RX_NOT_EDITABLE）',
        description: RULES_422,
        params: IdParams,
        body: PrescriptionBody,
        response: { 200: Created, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => updatePrescription(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/prescriptions/:id/check', {
      config: { access: ['doctor'] },
      schema: {
        tags: TAGS,
        summary: '按修改后的内容预检处方规则（不保存）',
        params: IdParams,
        body: PrescriptionBody,
        response: { 200: CheckResult, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => checkForPrescription(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/prescriptions/:id/sign', {
      config: { access: ['doctor'] },
      schema: {
        tags: TAGS,
        summary: '医生签名处方（SM2；签名前再次检查全部规则，RX-2）',
        description: `签名后处方不可修改，进入开方机构的审方队列；药师审核通过后生效。${RULES_422}`,
        params: IdParams,
        response: { 200: SignedResult, ...problems(401, 403, 404, 409, 422) },
      },
      handler: async (req) => signPrescription(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/prescriptions/:id/revise', {
      config: { access: ['doctor'] },
      schema: {
        tags: TAGS,
        summary: '修改被驳回的处方：生成新版本草稿（RX-10）',
        description: '复制原处方的药品，新版本注明所替代的版本；新版本签名后，原版本变为 superseded。',
        params: IdParams,
        response: { 201: Created, ...problems(401, 403, 404, 409) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await revisePrescription(ctx, authOf(req), req.params.id, actorOf(req))),
    });

    app.post('/prescriptions/:id/review', {
      config: { access: ['pharmacist'] },
      schema: {
        tags: TAGS,
        summary: '药师审方：通过或驳回（驳回须写明理由）',
        description:
          '开方机构的药师（ORG-4），不得为开方医生本人（403 RX_SELF_REVIEW，RX-10）；审核结论由药师 SM2 签名。',
        params: IdParams,
        body: ReviewBody,
        response: { 200: ReviewResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => reviewPrescription(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.get('/prescriptions', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '处方列表：我的处方，或药师的审方队列（queue=review）',
        querystring: PrescriptionListQuery,
        response: { 200: PrescriptionPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listPrescriptions(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.get('/prescriptions/:id', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '处方详情（含诊断、过敏史、规则预检结果与审方结论）',
        params: IdParams,
        response: { 200: PrescriptionView, ...problems(401, 403, 404) },
      },
      handler: async (req) => getPrescription(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/prescriptions/:id/verify', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '核验处方签名（证书、SM3 摘要、SM2 签名）',
        params: IdParams,
        response: { 200: VerifyResult, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => verifyPrescription(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    // Downloads, not JSON answers: the signed file (verify-prescription checks it offline) and the PDF.
    app.get('/prescriptions/:id/file', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '导出签名处方文件（npm run cli -- verify-prescription 可离线核验）',
        params: IdParams,
        response: problems(401, 403, 404, 409),
      },
      handler: async (req, reply) => {
        const file = await exportPrescription(ctx, authOf(req), req.params.id, actorOf(req));
        return reply
          .header('content-disposition', `attachment; filename="prescription-${req.params.id}.json"`)
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(file, null, 2));
      },
    });

    app.get('/prescriptions/:id/pdf', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '打印处方笺（PDF，含核验二维码）',
        params: IdParams,
        response: problems(401, 403, 404, 409),
      },
      handler: async (req, reply) => {
        const pdf = await prescriptionPdfOf(ctx, authOf(req), req.params.id, actorOf(req));
        return reply
          .header('content-disposition', `inline; filename="prescription-${req.params.id}.pdf"`)
          .type('application/pdf')
          .send(pdf);
      },
    });
  };
}
