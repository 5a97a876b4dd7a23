/**
 * Ending a family-doctor contract early ([12/12], FD-1): POST /family-doctor/contracts/{id}/terminate.
 *
 * - Not yet in force (pending_signature, pending_payment): the resident or their proxy withdraws; the whole
 *   group goes (a family signing is one agreement and one order) — cancelled, the unpaid order closed, or a
 *   payment made before the signature refunded in full.
 * - In force (active) or signed and waiting (scheduled): the resident, their proxy, or the team's lead
 *   ends it — terminated. Refund policy: the resident's part of the contract years not yet begun is paid
 *   back (the year under way is kept: its services were open to the resident; a scheduled contract gives
 *   back every year). The insurance and public-health parts are settled between the funds, not here.
 *   Ending the contract in force also, in the same command, cancels its renewal (scheduled, or being signed
 *   or paid; its paid resident part refunded in full, an unpaid order closed) and ends the team's care:
 *   plans closed, open follow-ups cancelled, open alerts handled ("contract ended") — SEC-1.
 */
import type { ContractView } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { CommandScope } from '../../platform/command.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { closeOrder, orderPaidAt, requestRefund } from '../payments/payments.api.js';
import { lockGroup, refundUnusedYears } from './contract-sign.js';
import type { ContractRow } from './contract-store.js';
import { contractRow, contractViews, PENDING, readableContract } from './contract-store.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { endTeamCare } from './followup-plans.js';

export async function terminateContract(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  reason: string,
  actor: Actor,
): Promise<ContractView> {
  const { row, reader } = await readableContract(ctx.db, auth, id);
  if (reader.kind === 'staff' && !reader.lead)
    throw familyDoctorErrors.notTeamMember('只有签约团队的团队长或居民本人（及其代理人）可以解除签约。');
  const text = reason.trim();
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now, audit } = cmd;
    const rows = await lockGroup(cmd, row);
    const target = rows.find((r) => r.id === id)!;
    const by = reader.kind === 'resident' ? 'resident' : 'team_lead';
    if ((PENDING as readonly string[]).includes(target.status)) {
      if (reader.kind !== 'resident')
        throw familyDoctorErrors.contractState('待签名或待支付的签约由居民本人（或其代理人）取消。');
      const pending = rows.filter((r) => (PENDING as readonly string[]).includes(r.status));
      await trx
        .updateTable('family_contract')
        .set({ status: 'cancelled', terminated_at: now, terminate_reason: text, updated_at: now })
        .where(
          'id',
          'in',
          pending.map((r) => r.id),
        )
        .execute();
      let refunded = false;
      if (target.order_id) {
        const paidAt = await orderPaidAt(trx, target.order_id);
        if (paidAt) {
          const order = await trx
            .selectFrom('family_contract')
            .select((eb) => eb.fn.sum<string>('resident_fen').as('fen'))
            .where('order_id', '=', target.order_id)
            .executeTakeFirst();
          refunded =
            (await requestRefund(cmd, target.order_id, Number(order?.fen ?? 0), 'contract_cancelled')) !==
            null;
        } else await closeOrder(trx, target.order_id, now);
      }
      for (const r of pending)
        await audit({
          action: 'family_doctor.contract_cancel',
          resourceType: 'family_contract',
          resourceId: r.id,
          patientId: r.patient_id,
          details: { contractNo: r.contract_no, from: r.status, by, orderId: r.order_id, refunded },
        });
      return;
    }
    if (target.status !== 'active' && target.status !== 'scheduled')
      throw familyDoctorErrors.contractState('该签约已到期、已取消或已解除。');
    await trx
      .updateTable('family_contract')
      .set({ status: 'terminated', terminated_at: now, terminate_reason: text, updated_at: now })
      .where('id', '=', target.id)
      .execute();
    const refundFen = await refundUnusedYears(cmd, target, shanghaiDate(now));
    let care = null;
    if (target.status === 'active') {
      await cancelSuccessors(cmd, target, text);
      care = await endTeamCare(trx, { patientId: target.patient_id, teamId: target.team_id, now });
    }
    await audit({
      action: 'family_doctor.contract_terminate',
      resourceType: 'family_contract',
      resourceId: target.id,
      patientId: target.patient_id,
      details: { contractNo: target.contract_no, from: target.status, by, refundFen, careEnded: care },
    });
  });
  const after = await contractRow(ctx.db, id);
  const [view] = await contractViews(ctx.db, [after!], ctx.clock.now(), {
    renewalWindowDays: ctx.config.familyDoctor.renewalWindowDays,
    staff: reader.kind === 'staff',
  });
  return view!;
}

/**
 * The renewal of a contract ended early goes with it: cancelled (reason predecessor_terminated), a paid
 * resident part refunded in full, an unpaid order closed. Its order is locked already (lockGroup).
 */
async function cancelSuccessors(cmd: CommandScope, ended: ContractRow, reason: string): Promise<void> {
  const { trx, now, audit } = cmd;
  const next = await trx
    .selectFrom('family_contract')
    .selectAll()
    .where('previous_contract_id', '=', ended.id)
    .where('status', 'in', ['scheduled', ...PENDING])
    .forUpdate()
    .execute();
  for (const r of next) {
    await trx
      .updateTable('family_contract')
      .set({
        status: 'cancelled',
        terminated_at: now,
        terminate_reason: `predecessor_terminated: ${reason}`,
        updated_at: now,
      })
      .where('id', '=', r.id)
      .execute();
    let refundFen = 0;
    if (r.order_id) {
      const paidAt = await orderPaidAt(trx, r.order_id);
      if (paidAt) {
        const refundNo = await requestRefund(
          cmd,
          r.order_id,
          r.resident_fen,
          `contract_cancelled:${r.contract_no}`,
        );
        refundFen = refundNo ? r.resident_fen : 0;
      } else await closeOrder(trx, r.order_id, now);
    }
    await audit({
      action: 'family_doctor.contract_cancel',
      resourceType: 'family_contract',
      resourceId: r.id,
      patientId: r.patient_id,
      details: {
        contractNo: r.contract_no,
        from: r.status,
        by: 'predecessor_terminated',
        previous: ended.id,
        orderId: r.order_id,
        refundFen,
      },
    });
  }
}
