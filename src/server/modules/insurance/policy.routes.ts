/**
 * The insurer's policy administration over HTTP ([7/12]): policy versions and the designations of
 * institutions for insured internet services (INS-1). Thin handlers: each calls one service function.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Designation,
  DesignationBody,
  InstitutionIdParams,
  PolicyBody,
  PolicyList,
  PolicyVersion,
} from '../../../shared/insurance.js';
import { actorOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { listPolicies, publishPolicy, setDesignation } from './policy.service.js';

const INSURER = ['insurer'] as const;

export function policyRoutes(ctx: AppContext, _rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/insurance/policies', {
      config: { access: INSURER },
      schema: {
        tags: ['insurance'],
        summary: '医保政策版本与定点机构',
        description:
          '全部政策版本（每个险种×机构级别内最新版本在前），含下一版本接替的日期（effectiveTo）和今天（北京时间）是否有效；以及互联网医疗服务定点机构（INS-1）。',
        response: { 200: PolicyList, ...problems(401, 403) },
      },
      handler: async () => listPolicies(ctx),
    });

    app.post('/insurance/policies', {
      config: { access: INSURER },
      schema: {
        tags: ['insurance'],
        summary: '发布新的医保政策版本',
        description:
          '版本一经发布不可更改，版本号为该险种×机构级别的最新版本号加 1。生效日期最早为明天（INSURANCE_POLICY_BACKDATED），且不早于最新版本的生效日期（INSURANCE_POLICY_BEFORE_LATEST；同一天生效则替代之）。',
        body: PolicyBody,
        response: { 201: PolicyVersion, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) => reply.status(201).send(await publishPolicy(ctx, req.body, actorOf(req))),
    });

    app.put('/insurance/designations/:institutionId', {
      config: { access: INSURER },
      schema: {
        tags: ['insurance'],
        summary: '设定或终止机构的互联网医疗服务定点协议（INS-1）',
        description:
          'effectiveTo 为协议不再有效的第一天（不含），省略表示长期有效。今天以前各天的定点状态不能更改；已终止的协议可由今天起生效的新协议替代。',
        params: InstitutionIdParams,
        body: DesignationBody,
        response: { 200: Designation, ...problems(400, 401, 403, 404, 422) },
      },
      handler: async (req) => setDesignation(ctx, req.params.institutionId, req.body, actorOf(req)),
    });
  };
}
