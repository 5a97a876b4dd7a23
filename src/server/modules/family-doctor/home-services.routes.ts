/**
 * Home visits and home nursing over HTTP ([12/12], FD-5, FD-9): the catalogue, the resident's request and
 * cancellation, the lists and one order, and the provider's accept, check-in, trace, check-out and panic
 * button. Thin handlers: each calls one service function, which checks access first (a stranger gets 404).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CancelHomeServiceBody,
  CheckInBody,
  CheckOutBody,
  CreateHomeServiceBody,
  HandlePanicBody,
  HomeServiceDetail,
  HomeServiceItemList,
  HomeServiceItemQuery,
  HomeServicePage,
  HomeServiceQuery,
  HomeServiceView,
  IdParams,
  PanicBody,
  PositionBody,
} from '../../../shared/family-doctor.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { cancelHomeService } from './home-service-end.service.js';
import {
  acceptHomeService,
  checkIn,
  checkOut,
  handlePanic,
  panic,
  reportPosition,
} from './home-service-visit.service.js';
import { getHomeService, listHomeServices, listItems, requestHomeService } from './home-services.service.js';

const TAGS = ['family-doctor'];
const STAFF = ['doctor', 'nurse'] as const;
const PARTIES = ['patient', 'doctor', 'nurse', 'org_admin'] as const;
const WHO =
  '居民本人或其代理人（ID-6）、服务机构的医护人员和机构管理员可见；其他人 404 HOME_SERVICE_NOT_FOUND。';
const PROVIDER = '仅接单的医护人员（403 NOT_SERVICE_PROVIDER）。';

export function homeServicesRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/family-doctor/home-service-items', {
      config: { access: 'authenticated' },
      schema: {
        tags: TAGS,
        summary: '上门服务项目目录（上门巡诊、家庭病床查床、互联网+护理服务项目，FD-5、FD-9）',
        description:
          '每项含项目费和对应的上门服务费（FD-5：护士 50 元；医生按职称 60/70/80 元；家庭病床查床 80 元）。带 patientId 时，上门巡诊按该居民签约团队长的职称计价。',
        querystring: HomeServiceItemQuery,
        response: { 200: HomeServiceItemList, ...problems(400, 401, 403) },
      },
      handler: async (req) => listItems(ctx, authOf(req), req.query),
    });

    app.post('/home-services', {
      config: { access: ['patient'] },
      schema: {
        tags: TAGS,
        summary: '申请上门服务（本人或代家人），生成待支付订单',
        description:
          '仅签约居民（422 NOT_CONTRACTED），由签约团队所在机构提供；上门时间段须在将来、不超过 4 小时、30 天以内（422 SERVICE_WINDOW_INVALID）。住址加密保存；支付后进入机构的待接单列表。',
        body: CreateHomeServiceBody,
        response: { 201: HomeServiceView, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) => {
        const view = await requestHomeService(ctx, authOf(req), req.body, actorOf(req));
        return reply.code(201).send(view);
      },
    });

    app.get('/home-services', {
      config: { access: PARTIES },
      schema: {
        tags: TAGS,
        summary: '上门服务工单列表',
        description:
          '居民：本人和家人的工单（新在前）。医护人员：box=open 本机构待接单、box=mine 我接的单（上门时间早的在前）、box=all 本机构全部（上门时间晚的在前）；机构管理员：本机构全部。',
        querystring: HomeServiceQuery,
        response: { 200: HomeServicePage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listHomeServices(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.get('/home-services/:id', {
      config: { access: PARTIES },
      schema: {
        tags: TAGS,
        summary: '上门服务工单详情（含签到、轨迹、签退和紧急求助记录）',
        description: `${WHO} 完整住址仅居民和接单人员可见；核验码仅居民可见；位置仅机构人员可见。`,
        params: IdParams,
        response: { 200: HomeServiceDetail, ...problems(401, 403, 404) },
      },
      handler: async (req) => getHomeService(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/home-services/:id/accept', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '接单（服务机构的医生或护士，每单一人）',
        description:
          '护理项目须由 5 年以上临床护理经验、护师及以上职称的护士接单，上门巡诊和家庭病床查床须由医生接单（403 NURSE_NOT_QUALIFIED，FD-9）；上门巡诊按下单时团队长职称定价，职称对应的巡诊费与之不同的医生不能接单（403 PROVIDER_FEE_MISMATCH，FD-5）；已被接单 409 HOME_SERVICE_STATE_CONFLICT。',
        params: IdParams,
        response: { 200: HomeServiceView, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => acceptHomeService(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/home-services/:id/check-in', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '上门签到：核对服务对象的核验码并记录位置（FD-9）',
        description: `${PROVIDER} 核验码不符 422 CLIENT_CODE_INVALID（工单不变）；连续 5 次错误锁定 15 分钟（409 HOME_SERVICE_CODE_LOCKED）。`,
        params: IdParams,
        body: CheckInBody,
        response: { 200: HomeServiceView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => checkIn(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/home-services/:id/position', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '上报服务人员位置（接单后至签退前的轨迹，FD-9）',
        description: PROVIDER,
        params: IdParams,
        body: PositionBody,
        response: { 200: HomeServiceView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        reportPosition(ctx, authOf(req), req.params.id, req.body.position, actorOf(req)),
    });

    app.post('/home-services/:id/check-out', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '签退：记录位置和服务记录，工单完成',
        description: PROVIDER,
        params: IdParams,
        body: CheckOutBody,
        response: { 200: HomeServiceView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => checkOut(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/home-services/:id/panic', {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary: '紧急求助：通知机构管理员和团队长（站内信和短信，不含居民信息）',
        description: `${PROVIDER} 仅在已接单或服务中。`,
        params: IdParams,
        body: PanicBody,
        response: { 200: HomeServiceView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => panic(ctx, authOf(req), req.params.id, req.body ?? {}, actorOf(req)),
    });

    app.post('/home-services/:id/panic/handle', {
      config: { access: ['doctor', 'nurse', 'org_admin'] },
      schema: {
        tags: TAGS,
        summary: '处理紧急求助（服务机构的医护人员或管理员）',
        params: IdParams,
        body: HandlePanicBody,
        response: { 200: HomeServiceView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => handlePanic(ctx, authOf(req), req.params.id, req.body ?? {}, actorOf(req)),
    });

    app.post('/home-services/:id/cancel', {
      config: { access: PARTIES },
      schema: {
        tags: TAGS,
        summary: '取消上门服务（已付款的原路退款）',
        description:
          '居民本人或代理人在接单前可取消；服务机构在签到前可取消（并通知居民）。其他状态 409 HOME_SERVICE_STATE_CONFLICT。',
        params: IdParams,
        body: CancelHomeServiceBody,
        response: { 200: HomeServiceView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => cancelHomeService(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });
  };
}
