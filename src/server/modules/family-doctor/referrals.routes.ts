/**
 * Two-way referral over HTTP ([12/12], FD-4, FD-6): send, list, detail, targets, and the steps (accept,
 * decline, book on the referral quota, complete, cancel). Thin handlers: each calls one service function,
 * which checks the caller first; a caller on neither side of a referral gets 404 REFERRAL_NOT_FOUND.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static, TSchema } from 'typebox';
import {
  BookReferralBody,
  CompleteReferralBody,
  CreateReferralBody,
  DeclineReferralBody,
  IdParams,
  ReferralPage,
  ReferralQuery,
  ReferralTargetQuery,
  ReferralTargets,
  ReferralView,
} from '../../../shared/family-doctor.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { referralStep, type StepBody } from './referral-steps.service.js';
import { createReferral, getReferral, listReferrals, referralTargets } from './referrals.service.js';

const TAGS = ['family-doctor'];
const STAFF = ['doctor', 'nurse', 'org_admin'] as const;
const STATES =
  '状态：上转 sent → accepted → booked → completed，下转 sent → accepted → completed；declined、cancelled 为终态。状态不允许时 409 REFERRAL_STATE_CONFLICT；非转出或接收机构人员 404 REFERRAL_NOT_FOUND；另一方 403 REFERRAL_ACTION_FORBIDDEN。';

export function referralsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/referrals', {
      config: { access: ['doctor'] },
      schema: {
        tags: TAGS,
        summary: '发起双向转诊（FD-4）',
        description:
          '上转：社区卫生服务中心/站的医生转往本医联体内的二、三级医院；下转：医院医生转回居民签约的社区或本医联体内的基层机构，须附康复随访方案（422 CARE_PLAN_REQUIRED）。接收机构不符 422 REFERRAL_TARGET_INVALID；医生须与患者有诊疗关系（签约、接诊或转诊，403 REFERRAL_NO_CARE_RELATIONSHIP）。签约居民优先（FD-4）。',
        body: CreateReferralBody,
        response: { 201: ReferralView, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await createReferral(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.get('/referrals', {
      config: { access: [...STAFF, 'patient'] },
      schema: {
        tags: TAGS,
        summary: '转诊列表',
        description:
          '医护与机构管理员：本机构转出（box=outgoing）或转入（box=incoming，签约居民优先，再按时间倒序）的转诊单，不写 box 时两者都列；居民：本人和家人的转诊单（patientId 指定其一）。',
        querystring: ReferralQuery,
        response: { 200: ReferralPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listReferrals(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.get('/referrals/targets', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '可转诊的机构（上转：本医联体的二、三级医院及有转诊号源的科室；下转：本医联体的基层机构）',
        querystring: ReferralTargetQuery,
        response: { 200: ReferralTargets, ...problems(400, 401, 403) },
      },
      handler: async (req) => referralTargets(ctx, authOf(req), req.query.direction),
    });

    app.get('/referrals/:id', {
      config: { access: [...STAFF, 'patient'] },
      schema: {
        tags: TAGS,
        summary: '转诊单详情',
        description: '转出与接收机构的医护人员（记入患者的访问记录）及患者本人、家属代理人可见；其他人 404。',
        params: IdParams,
        response: { 200: ReferralView, ...problems(401, 403, 404) },
      },
      handler: async (req) => getReferral(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/referrals/:id/accept', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '接收转诊（接收机构）',
        description: `下转接收时，居民在本机构签约的，康复方案的随访任务进入其签约团队的工作清单；未在本机构签约的，方案只留在转诊单上。${STATES}`,
        params: IdParams,
        response: { 200: ReferralView, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) =>
        referralStep(ctx, authOf(req), req.params.id, { action: 'accept' }, actorOf(req)),
    });

    stepRoute(
      app,
      ctx,
      'decline',
      { summary: '拒绝转诊（接收机构，写明原因）', description: STATES, body: DeclineReferralBody },
      (b) => ({ action: 'decline', reason: b.reason }),
    );

    stepRoute(
      app,
      ctx,
      'book',
      {
        summary: '为上转患者预约医院的转诊号源（FD-4）',
        description: `仅上转、已接收；转出或接收机构办理。挂号费由居民在“我的预约”中支付（保留时限内）；逾期未付或取消后可重新预约。号源已满 409 SLOT_FULL。${STATES}`,
        body: BookReferralBody,
        also: [422],
      },
      (b) => ({ action: 'book', scheduleId: b.scheduleId }),
    );

    stepRoute(
      app,
      ctx,
      'complete',
      {
        summary: '完成转诊（接收机构：上转在就诊后，下转在开始随访后）',
        description: STATES,
        body: CompleteReferralBody,
      },
      (b) => ({ action: 'complete', note: b.note }),
    );

    app.post('/referrals/:id/cancel', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '撤回转诊（转出机构，预约前）',
        description: STATES,
        params: IdParams,
        response: { 200: ReferralView, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) =>
        referralStep(ctx, authOf(req), req.params.id, { action: 'cancel' }, actorOf(req)),
    });
  };
}

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/**
 * POST /referrals/{id}/{action} for a step with a body (decline, book, complete): staff only, the body
 * made into the step, the referral answered; 400 for a bad body, 404 off both sides, 403 the wrong side,
 * 409 a state that does not allow it, plus `also`.
 */
function stepRoute<B extends TSchema>(
  app: App,
  ctx: AppContext,
  action: StepBody['action'],
  doc: { summary: string; description: string; body: B; also?: number[] },
  toStep: (body: Static<B>) => StepBody,
): void {
  app.post(`/referrals/:id/${action}`, {
    config: { access: STAFF },
    schema: {
      tags: TAGS,
      summary: doc.summary,
      description: doc.description,
      params: IdParams,
      body: doc.body,
      response: { 200: ReferralView, ...problems(400, 401, 403, 404, 409, ...(doc.also ?? [])) },
    },
    handler: async (req) =>
      referralStep(ctx, authOf(req), req.params.id, toStep(req.body as Static<B>), actorOf(req)),
  });
}
