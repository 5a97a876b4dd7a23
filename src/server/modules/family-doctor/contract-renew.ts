/**
 * Renewing a family-doctor contract ([12/12], FD-1), possibly with another team: the contract made here
 * follows the one in force (previous_contract_id) and goes through the same signing and payment.
 */
import type { CreatedContract, RenewContractBody } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { planRenewal } from './contract.rules.js';
import { contractRow, lockResidents } from './contract-store.js';
import { choosePackages, created, heldBy, makeContracts, signablePatients } from './contracts.service.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { activeTeam } from './teams.service.js';

/**
 * POST /family-doctor/contracts/{id}/renew: the resident or their proxy renews the contract in force in
 * the renewal window (FD-1), with the same team or another (a switch at renewal); the new term starts the
 * day after the current one ends and is scheduled once signed and paid. A switch before the window is
 * refused (409 CONTRACT_SWITCH_NOT_ALLOWED) unless the policy allows it after enough months — then the new
 * contract starts today and the current one ends (terminated, switched) when it comes into force.
 */
export async function renewContract(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: RenewContractBody,
  actor: Actor,
): Promise<CreatedContract> {
  const current = await contractRow(ctx.db, id);
  if (!current || !auth.roles.includes('patient')) throw familyDoctorErrors.contractNotFound();
  await signablePatients(ctx, auth, [current.patient_id]).catch((err: unknown) => {
    throw (err as { code?: string }).code === 'NOT_YOUR_PATIENT'
      ? familyDoctorErrors.contractNotFound()
      : err;
  });
  if (current.status !== 'active')
    throw familyDoctorErrors.contractState('只有生效中的签约可以续约或更换团队。');
  const today = shanghaiDate(ctx.clock.now());
  const teamId = body.teamId ?? current.team_id;
  const settings = ctx.config.familyDoctor;
  const plan = planRenewal(
    { teamId: current.team_id, startsOn: String(current.starts_on), endsOn: String(current.ends_on) },
    {
      teamId,
      today,
      windowDays: settings.renewalWindowDays,
      earlySwitchAfterMonths: settings.earlySwitchAfterMonths,
    },
  );
  if (!plan.ok)
    throw plan.refusal === 'RENEWAL_NOT_OPEN'
      ? familyDoctorErrors.renewalNotOpen(
          `续约在协议到期前 ${settings.renewalWindowDays} 天内办理；本协议 ${String(current.ends_on)} 到期（FD-1）。`,
        )
      : familyDoctorErrors.contractSwitchNotAllowed();
  const team = await activeTeam(ctx.db, teamId);
  const packageIds =
    body.packageIds ??
    (
      await ctx.db
        .selectFrom('family_contract_package')
        .select('package_id')
        .where('contract_id', '=', current.id)
        .execute()
    ).map((p) => p.package_id);
  const pkgs = await choosePackages(ctx, packageIds, team, [current.patient_id], today);
  const made = await runCommand(ctx, actor, async (cmd) => {
    await lockResidents(cmd.trx, [current.patient_id]);
    const now = await contractRow(cmd.trx, current.id);
    if (now?.status !== 'active')
      throw familyDoctorErrors.contractState('只有生效中的签约可以续约或更换团队。');
    const held = await heldBy(cmd.trx, [current.patient_id]);
    if (held.some((h) => h.id !== current.id))
      throw familyDoctorErrors.contractAlreadyActive(
        '已有待签名、待支付或待生效的续约（FD-1）；请先完成或取消它。',
      );
    return makeContracts(cmd, { accountId: auth.accountId }, team, pkgs, body.years, [
      { patientId: current.patient_id, startsOn: plan.startsOn, previous: now },
    ]);
  });
  return created(ctx, made);
}
