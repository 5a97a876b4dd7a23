/**
 * The drug catalogue and institutions' online formularies over HTTP. Staff search the catalogue; an
 * org_admin keeps their institution's formulary (which drugs its doctors may prescribe online).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Uuid } from '../../../shared/http.js';
import {
  DrugList,
  DrugQuery,
  FormularyEntry,
  FormularyPage,
  FormularyQuery,
} from '../../../shared/prescriptions.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, IdParams, problems } from '../../platform/http.js';
import { addToFormulary, listFormulary, removeFromFormulary, searchDrugs } from './catalogue.service.js';

const tags = ['prescriptions'];
const CATALOGUE_READERS = [
  'doctor',
  'pharmacist',
  'pharmacy_staff',
  'org_admin',
  'regulator',
  'insurer',
] as const;
const FormularyDrugParams = Type.Object({ id: Uuid, drugId: Type.String({ pattern: '^[A-Z]{2}[0-9]{4}$' }) });

export function catalogueRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/drugs', {
      config: { access: [...CATALOGUE_READERS] },
      schema: {
        tags,
        summary: '药品目录检索（通用名、商品名、拼音首字母）',
        querystring: DrugQuery,
        response: { 200: DrugList, ...problems(400, 401, 403) },
      },
      handler: async (req) => searchDrugs(ctx, authOf(req), req.query),
    });

    app.get('/institutions/:id/formulary', {
      config: { access: ['org_admin', 'doctor', 'pharmacist', 'regulator'] },
      schema: {
        tags,
        summary: '机构线上处方药品目录',
        params: IdParams,
        querystring: FormularyQuery,
        response: { 200: FormularyPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listFormulary(ctx, authOf(req), req.params.id, req.query),
    });

    app.put('/institutions/:id/formulary/:drugId', {
      config: { access: ['org_admin'] },
      schema: {
        tags,
        summary: '将药品加入本机构线上处方目录',
        params: FormularyDrugParams,
        response: { 200: FormularyEntry, ...problems(401, 403, 404, 422) },
      },
      handler: async (req) =>
        addToFormulary(ctx, authOf(req), req.params.id, req.params.drugId, actorOf(req)),
    });

    app.delete('/institutions/:id/formulary/:drugId', {
      config: { access: ['org_admin'] },
      schema: {
        tags,
        summary: '从本机构线上处方目录移除药品',
        params: FormularyDrugParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await removeFromFormulary(ctx, authOf(req), req.params.id, req.params.drugId, actorOf(req));
        return reply.status(204).send(null);
      },
    });
  };
}
