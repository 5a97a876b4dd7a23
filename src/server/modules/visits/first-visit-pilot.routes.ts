/**
 * The online first-visit pilot over HTTP: the regulator's pilot scopes (PILOT-1) and each institution's
 * first-visit whitelist with the bar checked (PILOT-2).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  PilotScopeBody,
  PilotScopes,
  PilotScopeView,
  Whitelist,
  WhitelistBody,
  WhitelistEntryParams,
} from '../../../shared/visits.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import {
  addToWhitelist,
  createPilotScope,
  listPilotScopes,
  listWhitelist,
  removeFromWhitelist,
  revokePilotScope,
} from './first-visit-pilot.service.js';

export function firstVisitPilotRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/pilot-scopes', {
      config: { access: ['regulator', 'org_admin', 'doctor'] },
      schema: {
        tags: ['visits'],
        summary: '互联网首诊试点范围（PILOT-1）',
        response: { 200: PilotScopes, ...problems(401, 403) },
      },
      handler: async () => ({ items: await listPilotScopes(ctx) }),
    });
    app.post('/pilot-scopes', {
      config: { access: ['regulator'] },
      schema: {
        tags: ['visits'],
        summary: '开放首诊试点（机构 × 专业，起止日期）',
        body: PilotScopeBody,
        response: { 201: PilotScopeView, ...problems(400, 401, 403, 422) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await createPilotScope(ctx, authOf(req), req.body, actorOf(req))),
    });
    app.post('/pilot-scopes/:id/revoke', {
      config: { access: ['regulator'] },
      schema: {
        tags: ['visits'],
        summary: '撤销首诊试点范围',
        params: IdParams,
        response: { 200: PilotScopeView, ...problems(401, 403, 404) },
      },
      handler: async (req) => revokePilotScope(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/institutions/:id/first-visit-whitelist', {
      config: { access: ['org_admin', 'regulator'] },
      schema: {
        tags: ['visits'],
        summary: '首诊医生白名单（含资质条件核验，PILOT-2）',
        params: IdParams,
        response: { 200: Whitelist, ...problems(401, 403) },
      },
      handler: async (req) => ({ items: await listWhitelist(ctx, authOf(req), req.params.id) }),
    });
    app.post('/institutions/:id/first-visit-whitelist', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['visits'],
        summary: '加入首诊医生白名单（不符合条件的拒绝）',
        params: IdParams,
        body: WhitelistBody,
        response: { 201: Whitelist, ...problems(400, 401, 403, 404, 422) },
      },
      handler: async (req, reply) => {
        const auth = authOf(req);
        const items = await addToWhitelist(ctx, auth, req.params.id, req.body.practitionerId, actorOf(req));
        return reply.status(201).send({ items });
      },
    });
    app.delete('/institutions/:id/first-visit-whitelist/:practitionerId', {
      config: { access: ['org_admin'] },
      schema: {
        tags: ['visits'],
        summary: '移出首诊医生白名单',
        params: WhitelistEntryParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await removeFromWhitelist(ctx, authOf(req), req.params.id, req.params.practitionerId, actorOf(req));
        return reply.status(204).send(null);
      },
    });
  };
}
