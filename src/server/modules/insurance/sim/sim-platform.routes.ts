/**
 * The simulated e-voucher app's routes (demo mode and tests only; registered only when the simulator is
 * the platform). The real 医保电子凭证 is shown from the bureau's own app; here a patient gets a token
 * for themself or a dependent they act for, real-name verified (ID-1, ID-3, ID-6). (helper B)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SimVoucher, SimVoucherBody } from '../../../../shared/insurance.js';
import { type AuthContext, authOf } from '../../../platform/auth/access.js';
import type { AppContext } from '../../../platform/context.js';
import { problems } from '../../../platform/http.js';
import {
  identityErrors,
  ownPatientId,
  patientCard,
  patientIdNumber,
  requirePatientAccess,
} from '../../identity/identity.api.js';
import type { InsuranceRuntime } from '../insurance.runtime.js';
import type { SimInsurancePlatform } from './sim-platform.js';

export function simPlatformRoutes(ctx: AppContext, rt: InsuranceRuntime): FastifyPluginAsyncTypebox {
  return async (app) => {
    const sim = rt.sim;
    if (!sim) return;
    app.post('/insurance/sim/vouchers', {
      config: { access: ['patient'] },
      schema: {
        tags: ['insurance'],
        summary: '模拟医保电子凭证：为本人或代理的就诊人出示凭证（仅演示与测试）',
        description:
          '返回一个数分钟内有效的凭证令牌（ID-3）。就诊人须已实名认证；为家属出示须是其已生效的代理人（ID-6）。',
        body: SimVoucherBody,
        response: { 201: SimVoucher, ...problems(400, 401, 403) },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await issueSimVoucher(ctx, sim, authOf(req), req.body.patientId)),
    });
  };
}

/** A voucher for the caller's own patient or a dependent they act for, who must be real-name verified. */
export async function issueSimVoucher(
  ctx: AppContext,
  sim: SimInsurancePlatform,
  auth: AuthContext,
  patientId: string | undefined,
): Promise<SimVoucher> {
  const id = patientId ?? (await ownPatientId(ctx.db, auth.accountId));
  if (!id) throw identityErrors.realNameRequired('出示医保电子凭证须先完成本人实名认证（ID-3）。');
  await requirePatientAccess(ctx.db, auth, id);
  const [card, idNumber] = await Promise.all([
    patientCard(ctx.db, { patientId: id }),
    patientIdNumber(ctx, ctx.db, id),
  ]);
  if (!card?.verifiedAt || !idNumber) {
    throw identityErrors.realNameRequired('医保电子凭证只为实名认证的就诊人出示（ID-3）。');
  }
  const { voucher, expiresAt } = await sim.issueVoucher({ idNumber, name: card.name });
  return { voucher, expiresAt: expiresAt.toISOString() };
}
