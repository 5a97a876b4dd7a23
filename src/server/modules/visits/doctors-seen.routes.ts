/** GET /me/doctors ([8/12]): 我看过的医生, what 复诊续方 and 再次预约 on the home page start from. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DoctorsSeenPage, DoctorsSeenQuery } from '../../../shared/doctors-seen.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { doctorsSeen } from './doctors-seen.service.js';

export function doctorsSeenRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/me/doctors', {
      config: { access: ['patient'] },
      schema: {
        tags: ['visits'],
        summary: '我看过的医生',
        description:
          '本人（默认）或所代理的就诊人（patientId，ID-6；否则 NOT_YOUR_PATIENT）看过的医生：线下就诊（已签到或已完成的预约）、医生已接诊的线上问诊、录入线下诊断的医生。每位医生附其诊断（同一疾病只列一次）、最近就诊日期、可否线上复诊及图文 / 视频价格（分）、最近可预约的出诊。最近看过的在前，最多 20 位，一页返回。读取记入审计日志。',
        querystring: DoctorsSeenQuery,
        response: { 200: DoctorsSeenPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => doctorsSeen(ctx, authOf(req), req.query, actorOf(req)),
    });
  };
}
