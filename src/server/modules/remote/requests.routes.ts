/**
 * Remote diagnosis's core over HTTP ([11/12], REMOTE-1…REMOTE-5, REC-3): centres and agreements, requests,
 * the centre's queue, claim, report, sign, critical values, the signed report in the archive (view, PDF,
 * verification) and the statistics. Thin handlers: each calls one service function; the services narrow
 * every route to the request's parties (a stranger gets 404).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AcknowledgeAlertBody,
  CancelRequestBody,
  CreateDiagnosticRequestBody,
  CriticalAlertPage,
  CriticalAlertQuery,
  CriticalAlertView,
  DiagnosticCentreList,
  DiagnosticRequestDetail,
  DiagnosticRequestPage,
  DiagnosticRequestQuery,
  DiagnosticRequestView,
  RemoteDiagnosticReport,
  RemoteReportVerification,
  RemoteStats,
  RemoteStatsQuery,
  ReportIdParams,
  RequestIdParams,
  SaveReportBody,
  ServiceAgreementList,
} from '../../../shared/remote.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { acknowledgeAlert, listAlerts } from './alerts.service.js';
import { claimRequest, saveReport, signReport } from './reading.service.js';
import { getReport, reportPdfOf, verifyReportOf } from './reports.service.js';
import {
  cancelRequest,
  createRequest,
  getRequest,
  listAgreements,
  listCentres,
  listRequests,
} from './requests.service.js';
import { remoteStats } from './stats.service.js';

const TAGS = ['remote'];
const STAFF = ['doctor', 'nurse'] as const;
const DOCTORS = ['doctor'] as const;
const PARTIES = '仅申请机构与承接的诊断中心的医护人员可见；其他人 404 DIAGNOSTIC_REQUEST_NOT_FOUND。';

export function requestRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/diagnostic-centres', {
      config: { access: ['doctor', 'nurse', 'org_admin'] },
      schema: {
        tags: TAGS,
        summary: '可申请远程诊断的诊断中心（与本机构有有效合作协议，REMOTE-1）',
        response: { 200: DiagnosticCentreList, ...problems(401, 403) },
      },
      handler: async (req) => listCentres(ctx, authOf(req)),
    });

    app.get('/service-agreements', {
      config: { access: ['doctor', 'nurse', 'org_admin', 'regulator'] },
      schema: {
        tags: TAGS,
        summary: '远程医疗合作协议（本机构作为申请方或诊断中心；卫健委看全部）',
        response: { 200: ServiceAgreementList, ...problems(401, 403) },
      },
      handler: async (req) => listAgreements(ctx, authOf(req)),
    });

    app.post('/diagnostic-requests', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '申请远程诊断（心电、影像、检验）',
        description:
          '须有与诊断中心的有效合作协议且覆盖该类别（422 NO_SERVICE_AGREEMENT，REMOTE-1）；须确认患者或监护人知情同意（422 REMOTE_CONSENT_REQUIRED，REMOTE-2）；须扫描患者的电子健康卡或已与患者有诊疗关系（422 PATIENT_NOT_IDENTIFIED）。',
        body: CreateDiagnosticRequestBody,
        response: { 201: DiagnosticRequestView, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) => {
        const view = await createRequest(ctx, authOf(req), req.body, actorOf(req));
        return reply.code(201).send(view);
      },
    });

    app.get('/diagnostic-requests', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary:
          '远程诊断申请列表：role=requester 本机构的申请（新在前），role=centre 诊断中心队列（急诊优先、等待最久在前）',
        querystring: DiagnosticRequestQuery,
        response: { 200: DiagnosticRequestPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listRequests(ctx, authOf(req), req.query),
    });

    app.get('/diagnostic-requests/:id', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '远程诊断申请详情（检查资料、标本流转、报告）',
        description: `${PARTIES} 记入患者的访问记录。`,
        params: RequestIdParams,
        response: { 200: DiagnosticRequestDetail, ...problems(401, 403, 404) },
      },
      handler: async (req) => getRequest(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/diagnostic-requests/:id/cancel', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '取消申请（诊断中心领取之前）',
        params: RequestIdParams,
        body: CancelRequestBody,
        response: { 200: DiagnosticRequestView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => cancelRequest(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/diagnostic-requests/:id/claim', {
      config: { access: DOCTORS },
      schema: {
        tags: TAGS,
        summary: '诊断医生领取申请（须 3 年以上独立执业经历，REMOTE-4）',
        description:
          '仅队列中（ready）的申请可领取；已被他人领取 409 ALREADY_CLAIMED；资格不符 403 READER_NOT_QUALIFIED。',
        params: RequestIdParams,
        response: { 200: DiagnosticRequestView, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => claimRequest(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/diagnostic-requests/:id/report', {
      config: { access: DOCTORS },
      schema: {
        tags: TAGS,
        summary: '保存报告草稿（检查所见、诊断意见、建议、危急值）',
        description: '仅领取的医生（403 NOT_CLAIMANT）。标记危急值时立即通知申请医生。',
        params: RequestIdParams,
        body: SaveReportBody,
        response: { 200: DiagnosticRequestView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => saveReport(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/diagnostic-requests/:id/sign', {
      config: { access: DOCTORS },
      schema: {
        tags: TAGS,
        summary: '签发报告（SM2 电子签名），报告回传申请机构并进入患者健康档案',
        description:
          '须填写诊断意见；心电图须确认或更正自动测量的心率；检验须有已检测标本的全部结果（422 REPORT_INCOMPLETE）。',
        params: RequestIdParams,
        response: { 200: DiagnosticRequestView, ...problems(401, 403, 404, 409, 422) },
      },
      handler: async (req) => signReport(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/critical-alerts', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '危急值通知（申请机构收到的，或本人发出的）',
        querystring: CriticalAlertQuery,
        response: { 200: CriticalAlertPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listAlerts(ctx, authOf(req), req.query),
    });

    app.post('/critical-alerts/:id/acknowledge', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '确认收到危急值（申请机构的医护人员，一次）',
        params: RequestIdParams,
        body: AcknowledgeAlertBody,
        response: { 200: CriticalAlertView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => acknowledgeAlert(ctx, authOf(req), req.params.id, req.body ?? {}, actorOf(req)),
    });

    const REPORT_READERS = ['patient', 'doctor', 'nurse'] as const;
    const REPORT_ACCESS =
      '患者本人或其代理人（ID-6），以及申请机构与诊断中心的医护人员；其他人 404。记入患者的访问记录。';

    app.get('/diagnostic-reports/:id', {
      config: { access: REPORT_READERS },
      schema: {
        tags: TAGS,
        summary: '已签发的远程诊断报告（id 为健康档案中的报告编号）',
        description: REPORT_ACCESS,
        params: ReportIdParams,
        response: { 200: RemoteDiagnosticReport, ...problems(401, 403, 404) },
      },
      handler: async (req) => getReport(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/diagnostic-reports/:id/pdf', {
      config: { access: REPORT_READERS },
      schema: {
        tags: TAGS,
        summary: '打印远程诊断报告（PDF，含诊断中心、签名医生与核验二维码）',
        description: REPORT_ACCESS,
        params: ReportIdParams,
        response: problems(401, 403, 404),
      },
      handler: async (req, reply) => {
        const { pdf, accessionNo } = await reportPdfOf(ctx, authOf(req), req.params.id, actorOf(req));
        return reply
          .header('content-disposition', `inline; filename="report-${accessionNo}.pdf"`)
          .header('cache-control', 'no-store')
          .type('application/pdf')
          .send(pdf);
      },
    });

    app.get('/diagnostic-reports/:id/verify', {
      config: { access: REPORT_READERS },
      schema: {
        tags: TAGS,
        summary: '核验报告签名（证书、SM3 摘要、SM2 签名）',
        description: REPORT_ACCESS,
        params: ReportIdParams,
        response: { 200: RemoteReportVerification, ...problems(401, 403, 404) },
      },
      handler: async (req) => verifyReportOf(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/remote-diagnosis/stats', {
      config: { access: ['org_admin', 'regulator'] },
      schema: {
        tags: TAGS,
        summary: '远程诊断统计：各诊断中心与申请机构的量、周转时间、危急值、不合格标本，按日签发量',
        description:
          '机构管理员看本机构（作为诊断中心或申请方）；卫健委看全区。日期为北京时间，默认最近 30 天。',
        querystring: RemoteStatsQuery,
        response: { 200: RemoteStats, ...problems(400, 401, 403) },
      },
      handler: async (req) => remoteStats(ctx, authOf(req), req.query),
    });
  };
}
