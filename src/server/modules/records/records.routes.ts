/**
 * The health archive over HTTP ([6/12] §1, §3; REC-3, SEC-1): the archive summary, the timeline, results
 * for trend charts, reports, and the export. Thin handlers: each calls one service function; the one access
 * check (care-access.ts) answers inside, so a reader without a care relationship gets 403
 * NO_CARE_RELATIONSHIP on every one of these routes. The paths are an API contract.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Archive,
  ExportQuery,
  ObservationPage,
  ObservationQuery,
  ReportPage,
  ReportQuery,
  TimelinePage,
  TimelineQuery,
} from '../../../shared/records.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { guardExport } from '../security/export-guard.js';
import { getArchive } from './archive.service.js';
import { exportRecords } from './export.service.js';
import { listObservations, listReports } from './results.service.js';
import { getTimeline } from './timeline.service.js';

const TAGS = ['records'];
/** The patient side (self, proxy: ID-6) and the care team (a care relationship or an authorisation, SEC-1). */
const READERS = ['patient', 'doctor', 'nurse'] as const;
const ACCESS =
  '本人、代理人（ID-6），或与患者有诊疗关系、获得授权或紧急调阅的医护人员（SEC-1）；无关系时 403 NO_CARE_RELATIONSHIP。每次查看记入患者的访问记录。';

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266): a safe name for every browser. */
export function attachment(ascii: string, utf8: string): string {
  const safe = ascii.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${safe}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}

export function recordsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/patients/:id/archive', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '居民健康档案摘要',
        description: `${ACCESS} 授权只含部分类别时，其余栏目为 null 并列在 hiddenCategories；身份证号仅对本人和代理人完整显示。`,
        params: IdParams,
        response: { 200: Archive, ...problems(400, 401, 403) },
      },
      handler: async (req) => getArchive(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/patients/:id/timeline', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '健康时间轴：就诊（线上线下）、诊断、处方与取药、检验与检查报告，按时间倒序',
        description: `${ACCESS} 用 nextCursor 作为下一页的 before；新记录到达时翻页不重复、不遗漏。读者无权查看的类别不出现。`,
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: TimelinePage, ...problems(400, 401, 403) },
      },
      handler: async (req) => getTimeline(ctx, authOf(req), req.params.id, req.query, actorOf(req)),
    });

    app.get('/patients/:id/observations', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '检验指标与生命体征（趋势图数据），含参考范围与异常标记',
        description: `${ACCESS} 按时间倒序（最新在前）分页，画趋势图时请反转；code 可用逗号分隔多个编码（如 8480-6,8462-4）。flag：H ↑、L ↓、HH/LL 危急值、A 异常；发送方未给出时按参考范围计算。`,
        params: IdParams,
        querystring: ObservationQuery,
        response: { 200: ObservationPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listObservations(ctx, authOf(req), req.params.id, req.query, actorOf(req)),
    });

    app.get('/patients/:id/reports', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '检验报告（kind=lab）与检查报告（kind=exam：影像、心电、超声等），含结果与异常项数',
        description: `${ACCESS} 按报告时间倒序分页。`,
        params: IdParams,
        querystring: ReportQuery,
        response: { 200: ReportPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listReports(ctx, authOf(req), req.params.id, req.query, actorOf(req)),
    });

    // A download, not a JSON answer: the PDF summary or the FHIR Bundle.
    app.get('/patients/:id/export', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '导出健康档案（个人信息可携带）：PDF 摘要或 FHIR R4 Bundle（JSON）',
        description:
          '仅限本人或代理人（403 RECORD_EXPORT_PATIENT_ONLY）；无诊疗关系者 403 NO_CARE_RELATIONSHIP。以附件下载；记入访问记录。',
        params: IdParams,
        querystring: ExportQuery,
        response: problems(400, 401, 403, 429),
      },
      handler: async (req, reply) => {
        // DJ-30: exports are rate-limited per account (429 EXPORT_RATE_LIMITED beyond the hourly limit).
        await guardExport(ctx, actorOf(req), 'record_export');
        const file = await exportRecords(ctx, authOf(req), req.params.id, req.query.format, actorOf(req));
        return reply
          .header('content-disposition', attachment(file.filename, file.filenameUtf8))
          .header('cache-control', 'no-store')
          .type(file.contentType)
          .send(file.body);
      },
    });
  };
}
