/** A patient's recorded allergies over HTTP (RX-10: what every prescription is checked against). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Allergy, AllergyBody, AllergyList } from '../../../shared/prescriptions.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { Empty, problems, Uuid } from '../../platform/http.js';
import { addAllergy, listAllergies, removeAllergy } from './allergies.service.js';

const ACCESS = ['patient', 'doctor'] as const;
const PatientParams = Type.Object({ id: Uuid });
const AllergyParams = Type.Object({ id: Uuid, allergyId: Uuid });

export function allergyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/patients/:id/allergies', {
      config: { access: ACCESS },
      schema: {
        tags: ['identity'],
        summary: '就诊人的过敏史',
        description: '患者本人、已生效的代理人，或正在为其诊疗（问诊进行中或结束 24 小时内）的医生。',
        params: PatientParams,
        response: { 200: AllergyList, ...problems(401, 403) },
      },
      handler: async (req) => listAllergies(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/patients/:id/allergies', {
      config: { access: ACCESS },
      schema: {
        tags: ['identity'],
        summary: '记录过敏史（成分或类别，如“青霉素类”）',
        params: PatientParams,
        body: AllergyBody,
        response: { 201: Allergy, ...problems(400, 401, 403) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await addAllergy(ctx, authOf(req), req.params.id, req.body, actorOf(req))),
    });

    app.delete('/patients/:id/allergies/:allergyId', {
      config: { access: ACCESS },
      schema: {
        tags: ['identity'],
        summary: '移除一条过敏记录（标记移除，不删除，RX-12）',
        params: AllergyParams,
        response: { 204: Empty, ...problems(401, 403, 404) },
      },
      handler: async (req, reply) => {
        await removeAllergy(ctx, authOf(req), req.params.id, req.params.allergyId, actorOf(req));
        return reply.status(204).send(null);
      },
    });
  };
}
