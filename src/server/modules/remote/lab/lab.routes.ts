/**
 * The laboratory part of remote diagnosis over HTTP ([11/12], REMOTE-5): the panel catalogue, specimens with
 * their chain of custody (collect, scan), and results entered by hand or sent as HL7 v2 ORU^R01.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  BarcodeParams,
  CreateSpecimenBody,
  LabPanelList,
  LabResultsView,
  RequestIdParams,
  ResultEntryBody,
  SpecimenEventBody,
  SpecimenView,
} from '../../../../shared/remote.js';
import { actorOf, authOf } from '../../../platform/auth/access.js';
import type { AppContext } from '../../../platform/context.js';
import { problems } from '../../../platform/http.js';
import { panelViews } from './panels.js';
import { enterResults, importOru } from './results.service.js';
import { collectSpecimen, readSpecimen, scanSpecimen } from './specimens.service.js';

const STAFF = ['doctor', 'nurse'] as const;
const CLINICAL_STAFF = ['doctor', 'nurse', 'pharmacist', 'org_admin'] as const;
/** The largest ORU accepted (a full panel set is a few kilobytes). */
const MAX_HL7 = 256 * 1024;

export function labRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // An HL7 v2 message posted as text (text/plain, or the HL7 media type application/hl7-v2).
    app.addContentTypeParser(
      'application/hl7-v2',
      { parseAs: 'string', bodyLimit: MAX_HL7 },
      (_req, body, done) => done(null, body),
    );

    app.get('/lab-panels', {
      config: { access: CLINICAL_STAFF },
      schema: {
        tags: ['remote'],
        summary: '检验项目目录（血常规、肝肾功能、电解质等，含参考区间与危急值）',
        response: { 200: LabPanelList, ...problems(401, 403) },
      },
      handler: async () => ({ items: panelViews() }),
    });

    app.post('/diagnostic-requests/:id/specimens', {
      config: { access: STAFF },
      schema: {
        tags: ['remote'],
        summary: '采集标本并生成条码（申请机构；被拒收后重采）',
        description:
          '一份申请一份在途标本（各采血管同袋送检、共用一个条码）。被拒收后重采：redrawOf 为被拒收标本，不填则对应最近一份被拒收的标本。',
        params: RequestIdParams,
        body: CreateSpecimenBody,
        response: { 201: SpecimenView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) =>
        reply
          .status(201)
          .send(await collectSpecimen(ctx, authOf(req), req.params.id, req.body ?? {}, actorOf(req))),
    });

    app.get('/specimens/:barcode', {
      config: { access: STAFF },
      schema: {
        tags: ['remote'],
        summary: '按条码查看标本及其流转记录（申请机构或检验中心）',
        params: BarcodeParams,
        response: { 200: SpecimenView, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => readSpecimen(ctx, authOf(req), req.params.barcode, actorOf(req)),
    });

    app.post('/specimens/:barcode/events', {
      config: { access: STAFF },
      schema: {
        tags: ['remote'],
        summary: '扫码记录标本流转：打包、取件、签收、检测或拒收',
        description:
          '依次为 采集 → 打包（申请机构）→ 取件 → 签收 → 检测（检验中心）→ 报告（签发时自动记录）；拒收须在签收后、报告前并说明原因。',
        params: BarcodeParams,
        body: SpecimenEventBody,
        response: { 200: SpecimenView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => scanSpecimen(ctx, authOf(req), req.params.barcode, req.body, actorOf(req)),
    });

    app.put('/diagnostic-requests/:id/results', {
      config: { access: ['doctor'] },
      schema: {
        tags: ['remote'],
        summary: '录入检验结果（领取的诊断医生；自动判断异常与危急值）',
        params: RequestIdParams,
        body: ResultEntryBody,
        response: { 200: LabResultsView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => enterResults(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/diagnostic-requests/:id/results/hl7', {
      config: { access: ['doctor'] },
      bodyLimit: MAX_HL7,
      schema: {
        tags: ['remote'],
        summary: '导入仪器中间件的 HL7 v2 ORU^R01 检验结果',
        description:
          'text/plain 或 application/hl7-v2。OBR-3 为标本条码或申请号；OBX-3 为本平台指标代码或 LOINC；与手工录入同样校验。',
        consumes: ['text/plain', 'application/hl7-v2'],
        params: RequestIdParams,
        body: Type.String({ minLength: 8, maxLength: MAX_HL7 }),
        response: { 200: LabResultsView, ...problems(400, 401, 403, 404, 409, 415, 422) },
      },
      handler: async (req) => importOru(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });
  };
}
