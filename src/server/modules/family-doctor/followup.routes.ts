/**
 * Home readings, chronic follow-up and the team's worklist over HTTP ([12/12], FD-7, FD-8). Thin handlers:
 * each calls one service function, which checks access first (the resident or their proxy, ID-6; or a
 * member of the team of the resident's contract in force).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AlertView,
  FollowupRecord,
  FollowupResult,
  HandleAlertBody,
  IdParams,
  PatientFollowups,
  ReadingBody,
  ReadingPage,
  ReadingQuery,
  ReadingResult,
  Worklist,
  WorklistQuery,
} from '../../../shared/family-doctor.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { languageOf } from '../../platform/texts.js';
import { completeFollowup, handleAlert, patientFollowups } from './followups.service.js';
import { listReadings, submitReading } from './readings.service.js';
import { worklist } from './worklist.service.js';

const TAGS = ['family-doctor'];
const STAFF = ['doctor', 'nurse'] as const;
const READERS = ['patient', 'doctor', 'nurse'] as const;
const WHO =
  '本人或已生效的代理人（ID-6，否则 403 NOT_YOUR_PATIENT），或居民在约签约团队的医生、护士（否则 403 NOT_TEAM_MEMBER；居民未签约时 422 NOT_CONTRACTED）。';

export function followupRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/patients/:id/readings', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '上传居家血压或血糖读数（FD-7/FD-8 分级）',
        description: `${WHO} 血压 ≥140/90 为控制不满意（2 周内随访），连续两次转诊，≥180/110 危急；空腹血糖 ≥7.0 控制不满意，≥16.7 或 ≤3.9 mmol/L 危急（餐后、随机血糖只按危急界值判断）。有在约团队和慢病随访计划时，读数提前随访、产生预警，危急时通知团队每位成员。收缩压须高于舒张压，测量时间不晚于现在 5 分钟、不早于一年前，否则 422 READING_INVALID。advice 按 Accept-Language 返回中文或英文。`,
        params: IdParams,
        body: ReadingBody,
        response: { 201: ReadingResult, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) => {
        const result = await submitReading(
          ctx,
          authOf(req),
          req.params.id,
          req.body,
          actorOf(req),
          languageOf(req),
        );
        return reply.code(201).send(result);
      },
    });

    app.get('/patients/:id/readings', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '居家读数（最新在前，分页）',
        description: `${WHO} from/to 为测量时间范围（含 from，不含 to）。记入居民的访问记录。`,
        params: IdParams,
        querystring: ReadingQuery,
        response: { 200: ReadingPage, ...problems(400, 401, 403, 422) },
      },
      handler: async (req) => listReadings(ctx, authOf(req), req.params.id, req.query, actorOf(req)),
    });

    app.get('/family-doctor/worklist', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '团队工作清单：未处理预警（危急优先）、逾期随访、近期到期随访',
        description:
          '默认为本人所在的全部团队；teamId 须为本人所在团队（403 NOT_TEAM_MEMBER）。withinDays 默认 14 天。每类最多 200 条，counts 为总数。',
        querystring: WorklistQuery,
        response: { 200: Worklist, ...problems(400, 401, 403) },
      },
      handler: async (req) => worklist(ctx, authOf(req), req.query, actorOf(req), languageOf(req)),
    });

    app.post('/family-doctor/followups/:id/complete', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '记录随访（方式、血压/血糖、症状、服药依从性、用药、建议），按 FD-7/FD-8 分级并安排下次随访',
        description:
          '仅随访所属团队的成员（否则 404 FOLLOWUP_NOT_FOUND）；已完成或已取消 409 FOLLOWUP_ALREADY_DONE。控制不满意：2 周内随访；连续两次：转诊预警并 2 周内随访；危急：紧急转诊预警。',
        params: IdParams,
        body: FollowupRecord,
        response: { 200: FollowupResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) =>
        completeFollowup(ctx, authOf(req), req.params.id, req.body, actorOf(req), languageOf(req)),
    });

    app.post('/family-doctor/alerts/:id/handle', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '处理预警（已联系居民、已转诊等）',
        description:
          '仅预警所属团队的成员（否则 404 READING_ALERT_NOT_FOUND）；已处理 409 READING_ALERT_ALREADY_HANDLED。',
        params: IdParams,
        body: HandleAlertBody,
        response: { 200: AlertView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        handleAlert(ctx, authOf(req), req.params.id, req.body, actorOf(req), languageOf(req)),
    });

    app.get('/family-doctor/patients/:id/followups', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '居民的慢病随访计划与随访记录（最近 100 条）',
        description: `${WHO} 记入居民的访问记录。`,
        params: IdParams,
        response: { 200: PatientFollowups, ...problems(400, 401, 403, 422) },
      },
      handler: async (req) =>
        patientFollowups(ctx, authOf(req), req.params.id, actorOf(req), languageOf(req)),
    });
  };
}
