import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ClinicDepartmentList, SearchQuery, SearchResult } from '../../../shared/search.js';
import type { AppContext } from '../../platform/context.js';
import { IdParams, problems } from '../../platform/http.js';
import { institutionClinics, search } from './search.service.js';

const tags = ['directory'];

/**
 * The patient search and the bookable departments. Public like the rest of the directory: they read
 * institutions, departments and doctors only, never patient data (so they are not audited).
 */
export function searchRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/search', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '搜索医院、科室、医生（名称或拼音）和疾病症状',
        querystring: SearchQuery,
        response: { 200: SearchResult, ...problems(400) },
      },
      handler: async (req) => search(ctx, req.query.q),
    });

    app.get('/institutions/:id/clinics', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '可预约的临床科室（不含检验、影像、药剂等医技科室）',
        params: IdParams,
        response: { 200: ClinicDepartmentList, ...problems(400, 404) },
      },
      handler: async (req) => institutionClinics(ctx, req.params.id),
    });
  };
}
