/**
 * Background moves of family-doctor contracts ([12/12], FD-1), run by the job loop (server.ts) and by tests
 * with a moved clock: contracts past their last day expire; scheduled ones (renewals, switches) whose first
 * day has come start — ending their predecessor and starting the follow-up plans; and contracts still
 * unsigned or unpaid when their hold runs out are let go (cancelled, the order closed, a payment made
 * before a signature refunded). Each resident's move takes the resident's lock (contract-store.ts), an
 * order's move the order's lock first (docs/payments.md), so a move racing a user's action simply does
 * not happen twice.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import { systemActor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { closeOrder, orderPaidAt, requestRefund } from '../payments/payments.api.js';
import { bringIntoForce, holdOver, lockGroup } from './contract-sign.js';
import { contractRow, lockResidents, PENDING } from './contract-store.js';
import { endTeamCare, sameTeamTakesOver } from './followup-plans.js';

const BATCH = 100;

/** Active contracts whose last day is behind them: expired. */
export async function expireContracts(ctx: AppContext): Promise<number> {
  return runCommand(ctx, systemActor, async ({ trx, now, audit }) => {
    const today = shanghaiDate(now);
    const due = await trx
      .selectFrom('family_contract')
      .select(['id', 'patient_id'])
      .where('status', '=', 'active')
      .where('ends_on', '<', today)
      .orderBy('ends_on')
      .limit(BATCH)
      .execute();
    if (due.length === 0) return 0;
    await lockResidents(
      trx,
      due.map((d) => d.patient_id),
    );
    const rows = await trx
      .updateTable('family_contract')
      .set({ status: 'expired', updated_at: now })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where('status', '=', 'active')
      .where('ends_on', '<', today)
      .returning(['id', 'patient_id', 'team_id', 'contract_no'])
      .execute();
    for (const r of rows) {
      // SEC-1, FD-1: the team's care ends with the term, unless its renewal takes over today.
      const care = (await sameTeamTakesOver(trx, r, today))
        ? null
        : await endTeamCare(trx, { patientId: r.patient_id, teamId: r.team_id, now });
      await audit({
        action: 'family_doctor.contract_expire',
        resourceType: 'family_contract',
        resourceId: r.id,
        patientId: r.patient_id,
        details: { contractNo: r.contract_no, reason: 'term_over', careEnded: care },
      });
    }
    return rows.length;
  });
}

/** Scheduled contracts whose first day has come: in force (their predecessor ends, plans start). */
export async function startScheduled(ctx: AppContext): Promise<number> {
  const today = shanghaiDate(ctx.clock.now());
  const due = await ctx.db
    .selectFrom('family_contract')
    .select(['id', 'patient_id'])
    .where('status', '=', 'scheduled')
    .where('starts_on', '<=', today)
    .orderBy('starts_on')
    .limit(BATCH)
    .execute();
  let started = 0;
  for (const d of due) {
    started += await runCommand(ctx, systemActor, async (cmd) => {
      await lockResidents(cmd.trx, [d.patient_id]);
      const row = await contractRow(cmd.trx, d.id, true);
      if (row?.status !== 'scheduled' || String(row.starts_on) > shanghaiDate(cmd.now)) return 0;
      await bringIntoForce(cmd, [row]);
      return 1;
    });
  }
  return started;
}

/**
 * Contracts still pending when their hold ran out, group by group: cancelled (reason hold_expired) and the
 * order closed. A paid group still waiting for its payment's subscriber is left to it; a group paid before
 * it was signed is cancelled and its payment refunded in full.
 */
export async function releaseUnpaid(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.familyDoctor.holdMinutes * 60_000);
  const due = await ctx.db
    .selectFrom('family_contract')
    .selectAll()
    .where('status', 'in', PENDING)
    .where('created_at', '<=', cutoff)
    .orderBy('created_at')
    .limit(BATCH)
    .execute();
  const groups = new Map(due.map((r) => [r.group_id, r]));
  let released = 0;
  for (const first of groups.values()) {
    released += await runCommand(ctx, systemActor, async (cmd) => {
      const rows = (await lockGroup(cmd, first)).filter((r) =>
        (PENDING as readonly string[]).includes(r.status),
      );
      if (rows.length === 0 || !rows.every((r) => holdOver(ctx, r, cmd.now))) return 0;
      const paidAt = first.order_id ? await orderPaidAt(cmd.trx, first.order_id) : null;
      if (paidAt && rows.every((r) => r.status === 'pending_payment')) return 0;
      await cmd.trx
        .updateTable('family_contract')
        .set({
          status: 'cancelled',
          terminated_at: cmd.now,
          terminate_reason: 'hold_expired',
          updated_at: cmd.now,
        })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      if (first.order_id) {
        if (paidAt)
          await requestRefund(
            cmd,
            first.order_id,
            rows.reduce((s, r) => s + r.resident_fen, 0),
            'contract_hold_expired',
          );
        else await closeOrder(cmd.trx, first.order_id, cmd.now);
      }
      for (const r of rows)
        await cmd.audit({
          action: 'family_doctor.contract_cancel',
          resourceType: 'family_contract',
          resourceId: r.id,
          patientId: r.patient_id,
          details: { contractNo: r.contract_no, from: r.status, by: 'hold_expired', orderId: r.order_id },
        });
      return rows.length;
    });
  }
  return released;
}

export async function runContractJobs(ctx: AppContext): Promise<void> {
  await expireContracts(ctx);
  await startScheduled(ctx);
  await releaseUnpaid(ctx);
}
