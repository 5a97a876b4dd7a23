import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Address,
  AddressBody,
  AddressList,
  CancelFulfilmentBody,
  DispenseBody,
  FulfilmentBody,
  FulfilmentCreated,
  FulfilmentListQuery,
  FulfilmentPage,
  FulfilmentView,
  PharmacyOffers,
  PharmacyOffersQuery,
  Subdistricts,
} from '../../../shared/prescriptions.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import { addAddress, listAddresses, removeAddress, subdistrictList } from './addresses.service.js';
import { applyCourierCallback, confirmReceipt, reshipFulfilment } from './delivery.service.js';
import { dispenseFulfilment } from './dispense.service.js';
import { chooseFulfilment, pharmacyOffers } from './fulfilment.service.js';
import { cancelFulfilment } from './fulfilment-end.service.js';
import { getFulfilment, listFulfilments } from './fulfilment-queries.js';
import { prescriptionErrors } from './prescriptions.errors.js';
import type { PrescriptionsRuntime } from './prescriptions.runtime.js';

const PHARMACY = ['pharmacy_staff', 'pharmacist'] as const;
/** Courier pushes accepted per minute from one address (more are 429, and the courier pushes again). */
export const COURIER_CALLBACKS_PER_MINUTE = 120;
const EITHER_SIDE = ['patient', 'pharmacy_staff', 'pharmacist', 'org_admin'] as const;

/**
 * Circulation (RX-13), dispensing (RX-11), delivery and addresses; the courier's signed callbacks.
 */
export function circulationRoutes(ctx: AppContext, rx: PrescriptionsRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onClose', async () => rx.simCourier?.stop());

    app.get('/prescriptions/:id/pharmacies', {
      config: { access: ['patient'] },
      schema: {
        tags: ['circulation'],
        summary: '可选药房（库存、价格、距离）',
        params: IdParams,
        querystring: PharmacyOffersQuery,
        response: { 200: PharmacyOffers, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => pharmacyOffers(ctx, authOf(req), req.params.id, req.query.addressId),
    });

    app.post('/prescriptions/:id/fulfilment', {
      config: { access: ['patient'] },
      schema: {
        tags: ['circulation'],
        summary: '选择药房取药或配送（预留库存并生成订单）',
        params: IdParams,
        body: FulfilmentBody,
        response: { 201: FulfilmentCreated, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req, reply) => {
        const created = await chooseFulfilment(ctx, authOf(req), req.params.id, req.body, actorOf(req));
        return reply.status(201).send(created);
      },
    });

    app.get('/fulfilments', {
      config: { access: EITHER_SIDE },
      schema: {
        tags: ['circulation'],
        summary: '取药订单：药房的待办队列 / 患者的订单',
        querystring: FulfilmentListQuery,
        response: { 200: FulfilmentPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listFulfilments(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.get('/fulfilments/:id', {
      config: { access: EITHER_SIDE },
      schema: {
        tags: ['circulation'],
        summary: '取药订单详情与时间线',
        params: IdParams,
        response: { 200: FulfilmentView, ...problems(401, 403, 404) },
      },
      handler: async (req) => getFulfilment(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/fulfilments/:id/dispense', {
      config: { access: PHARMACY },
      schema: {
        tags: ['circulation'],
        summary: '核验签名后发药（逐盒扫描追溯码）',
        params: IdParams,
        body: DispenseBody,
        response: { 200: FulfilmentView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => {
        await dispenseFulfilment(ctx, authOf(req), req.params.id, req.body, actorOf(req));
        return getFulfilment(ctx, authOf(req), req.params.id, actorOf(req));
      },
    });

    app.post('/fulfilments/:id/reship', {
      config: { access: PHARMACY },
      schema: {
        tags: ['circulation'],
        summary: '配送失败退回后重新发货',
        params: IdParams,
        response: { 200: FulfilmentView, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => {
        await reshipFulfilment(ctx, authOf(req), req.params.id, actorOf(req));
        return getFulfilment(ctx, authOf(req), req.params.id, actorOf(req));
      },
    });

    app.post('/fulfilments/:id/cancel', {
      config: { access: ['patient', ...PHARMACY] },
      schema: {
        tags: ['circulation'],
        summary: '取消取药订单（已支付的原路退款）',
        params: IdParams,
        body: CancelFulfilmentBody,
        response: { 200: FulfilmentView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) => {
        await cancelFulfilment(ctx, authOf(req), req.params.id, req.body.reason.trim(), actorOf(req));
        return getFulfilment(ctx, authOf(req), req.params.id, actorOf(req));
      },
    });

    app.post('/fulfilments/:id/receipt', {
      config: { access: ['patient'] },
      schema: {
        tags: ['circulation'],
        summary: '确认收货',
        params: IdParams,
        response: { 200: FulfilmentView, ...problems(401, 403, 404, 409) },
      },
      handler: async (req) => {
        await confirmReceipt(ctx, authOf(req), req.params.id, actorOf(req));
        return getFulfilment(ctx, authOf(req), req.params.id, actorOf(req));
      },
    });

    app.get('/addresses', {
      config: { access: ['patient'] },
      schema: {
        tags: ['circulation'],
        summary: '我的收货地址',
        response: { 200: AddressList, ...problems(401, 403) },
      },
      handler: async (req) => listAddresses(ctx, authOf(req)),
    });

    app.post('/addresses', {
      config: { access: ['patient'] },
      schema: {
        tags: ['circulation'],
        summary: '新增收货地址',
        body: AddressBody,
        response: { 201: Address, ...problems(400, 401, 403) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await addAddress(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.delete('/addresses/:id', {
      config: { access: ['patient'] },
      schema: {
        tags: ['circulation'],
        summary: '删除收货地址',
        params: IdParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await removeAddress(ctx, authOf(req), req.params.id, actorOf(req));
        return reply.status(204).send(null);
      },
    });

    app.get('/subdistricts', {
      config: { access: 'authenticated' },
      schema: {
        tags: ['circulation'],
        summary: '云川区街道列表（收货地址用）',
        response: { 200: Subdistricts, ...problems(401) },
      },
      handler: async () => subdistrictList(),
    });

    // Courier callbacks: the signature is checked over the raw bytes, so this scope keeps them.
    await app.register(async (scope: Parameters<FastifyPluginAsyncTypebox>[0]) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
        done(null, body),
      );
      scope.post('/courier/:courier/callbacks', {
        // No session: a forged push is refused and audited (courier.callback.forged, DJ-17) — bounded per
        // address by this limit, so the audit trail cannot be flooded. A courier answered 429 pushes again.
        config: {
          access: 'public',
          rateLimit: { max: COURIER_CALLBACKS_PER_MINUTE, timeWindow: '1 minute' },
        },
        schema: {
          tags: ['circulation'],
          summary: '物流状态回调（验签，按状态顺序只应用一次）',
          params: Type.Object({ courier: Type.String({ maxLength: 20 }) }),
          response: {
            200: Type.Object({ code: Type.String(), outcome: Type.String() }),
            ...problems(400, 401, 404, 429),
          },
        },
        handler: async (req) => {
          const courier = rx.couriers.get(req.params.courier);
          if (!courier) throw errors.notFound('物流渠道');
          const raw = typeof req.body === 'string' ? req.body : '';
          const callback = courier.parseCallback(req.headers, raw);
          if (!callback) {
            await recordAudit(
              ctx.db,
              actorOf(req),
              {
                action: 'courier.callback.forged',
                outcome: 'failure',
                details: { courier: courier.name, bytes: raw.length },
              },
              ctx.clock.now(),
            );
            throw prescriptionErrors.courierInvalidSignature();
          }
          const outcome = await applyCourierCallback(ctx, courier.name, callback, JSON.parse(raw));
          return { code: 'SUCCESS', outcome };
        },
      });
    });
  };
}
