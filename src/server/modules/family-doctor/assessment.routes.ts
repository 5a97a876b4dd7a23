/**
 * The performance assessment over HTTP (seed 002 (十五)): the measures per team and in total as JSON, and
 * the same numbers as a CSV file. Thin handlers: the service narrows to the caller's institution.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Assessment, AssessmentQuery } from '../../../shared/family-doctor.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { assessment } from './assessment.service.js';
import { assessmentCsv, assessmentDisposition } from './assessment-csv.js';

const TAGS = ['family-doctor'];
const VIEWERS = ['org_admin', 'regulator', 'doctor'] as const;
const WHO =
  '机构管理员和医生看本机构的团队（institutionId 为其他机构时 403 NOT_YOUR_INSTITUTION）；卫健委看全区或 institutionId 指定的机构。日期为北京时间，默认最近 12 个月（自 11 个月前的月初至今天），最长三年。';

export function assessmentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/family-doctor/assessment', {
      config: { access: VIEWERS },
      schema: {
        tags: TAGS,
        summary: '家庭医生签约服务考核：各团队与合计的签约、续约、随访、控制率、转诊、上门服务与满意度',
        description: `在约居民与签约人群、高血压/糖尿病控制率为当前状态；续约率为统计区间内到期的协议中与本团队续约的比例；随访、转诊、上门服务、评价按区间内发生计。合计的比率按各团队分子分母之和计算。${WHO}`,
        querystring: AssessmentQuery,
        response: { 200: Assessment, ...problems(400, 401, 403) },
      },
      handler: async (req) => assessment(ctx, authOf(req), req.query),
    });

    app.get('/family-doctor/assessment.csv', {
      config: { access: VIEWERS },
      schema: {
        tags: TAGS,
        summary: '导出家庭医生签约服务考核（CSV）',
        description: `与 GET /family-doctor/assessment 相同的数字：UTF-8（带 BOM，Excel 可直接打开）CSV，中文表头，每个团队一行及合计，其后为每月月末在约居民。每次导出记入审计日志（family_doctor.assessment_exported）。${WHO}`,
        querystring: AssessmentQuery,
        response: {
          200: { description: 'CSV 文件', content: { 'text/csv': { schema: Type.String() } } },
          ...problems(400, 401, 403),
        },
      },
      handler: async (req, reply) => {
        const result = await assessment(ctx, authOf(req), req.query);
        await recordAudit(
          ctx.db,
          actorOf(req),
          {
            action: 'family_doctor.assessment_exported',
            resourceType: 'institution',
            resourceId: req.query.institutionId ?? null,
            details: { from: result.from, to: result.to, teams: result.teams.length },
          },
          ctx.clock.now(),
        );
        return reply
          .header('content-disposition', assessmentDisposition(result))
          .header('cache-control', 'no-store')
          .type('text/csv; charset=utf-8')
          .send(assessmentCsv(result));
      },
    });
  };
}
