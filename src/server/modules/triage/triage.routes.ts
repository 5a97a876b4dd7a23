/** Smart triage over HTTP ([8/12], 智能导诊): one route, a thin handler. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TriageBody, TriageResult } from '../../../shared/triage.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { runTriage } from './triage.service.js';

export function triageRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/triage', {
      // Patients only (the H5's signed-in users): a call is audited with its caller, and for a family
      // member the caller must act for them (ID-6).
      config: { access: ['patient'] },
      schema: {
        tags: ['triage'],
        summary: '智能导诊',
        description:
          '根据中文主诉（1–500 字）给出建议就诊的科室及理由；出现急危重症信号（胸痛伴出汗、卒中征象、大出血、呼吸困难、3 个月以下婴儿发热、轻生念头等）时 redFlag 为 true，advice 首先提示“请立即拨打 120 或前往急诊”。patientId 为本人或所代理的就诊人（ID-6），其年龄、性别用于调整建议；否则用请求中的 age、sex，都没有时用本人的档案。主诉不保存、不写入日志；审计只记录是否出现急危重症信号和首选科室。结果不是诊断。',
        body: TriageBody,
        response: { 200: TriageResult, ...problems(400, 401, 403, 422) },
      },
      handler: async (req) => runTriage(ctx, authOf(req), req.body, actorOf(req)),
    });
  };
}
