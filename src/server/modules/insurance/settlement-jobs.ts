/**
 * The settlement jobs ([7/12], run by insurance.jobs.ts on the server's jobs loop): nothing is ever left
 * half done by a lost answer, a crash or an order that closed unpaid.
 *
 * - pending settlements whose answer was lost are resolved by looking their message id up — never by a
 *   second settlement under a new message id: settled → taken (and reversed if the order closed
 *   meanwhile); not found for PENDING_GIVE_UP_MS → failed (the platform never had it).
 * - settled settlements whose order closed unpaid (the hold expired, the visit or the fill was cancelled)
 *   are set to be reversed by `payments.insured_order_closed`'s subscriber; a bounded scan of recently
 *   closed insured orders is the safety net.
 * - failed rows the platform settled after all (platform_setl_id, not reversed) are reversed too.
 * - reversing ones are reversed (2208, the same message id every time, so a retry reverses once).
 */
import { systemActor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { insuredOrdersClosedSince } from '../payments/payments.api.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import {
  completeReversal,
  finalizeSettlement,
  markFailed,
  markReversing,
  newMsgId,
  noteUnresolved,
} from './settlement-store.js';

/** A pending settlement younger than this may still be in its payment request: left alone. */
export const PENDING_GRACE_MS = 30_000;
/** Not found at the platform this long after the request: it never arrived; failed. */
export const PENDING_GIVE_UP_MS = 2 * 60_000;
/**
 * How far back closed insured orders are checked (the safety net under the close event): two days leaves
 * room for a long outage of the outbox dispatcher.
 */
export const CLOSED_ORDER_WINDOW_MS = 2 * 86_400_000;

const BATCH = 100;

export interface SettlementJobReport {
  settled: number;
  failed: number;
  reversing: number;
  reversed: number;
}

/** Resolves pending settlements by lookup (never a new settle), oldest first. */
export async function resolvePendingSettlements(
  ctx: AppContext,
  rt: InsuranceRuntime,
): Promise<Pick<SettlementJobReport, 'settled' | 'failed'>> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('insurance_settlement')
    .select(['id', 'msg_id', 'requested_at'])
    .where('status', '=', 'pending')
    .where('requested_at', '<', new Date(now.getTime() - PENDING_GRACE_MS))
    .orderBy('requested_at')
    .limit(BATCH)
    .execute();
  let settled = 0;
  let failed = 0;
  for (const s of rows) {
    try {
      const found = await rt.platform.lookup({ msgId: newMsgId('lookup'), settleMsgId: s.msg_id });
      if (found.state === 'settled') {
        const f = await finalizeSettlement(ctx, systemActor, s.id, found.result);
        if (f.outcome === 'settled') settled += 1;
        else if (f.outcome === 'reverse') await completeReversal(ctx, rt, systemActor, s.id);
      } else if (found.state === 'reversed') {
        await markFailed(ctx, systemActor, s.id, 'reversed at the platform');
        failed += 1;
      } else if (s.requested_at.getTime() < now.getTime() - PENDING_GIVE_UP_MS) {
        await markFailed(ctx, systemActor, s.id, 'not found at the platform');
        failed += 1;
      }
    } catch (err) {
      ctx.log.warn({ err, settlementId: s.id }, 'pending insurance settlement still unresolved');
      await noteUnresolved(ctx, s.id, err);
    }
  }
  return { settled, failed };
}

/**
 * The safety net under `payments.insured_order_closed` (whose subscriber marks the settlement reversing
 * at once): insured orders closed unpaid within the window (payments' index payment_order_insured_closed,
 * bounded), whose settlement is still settled, are set to be reversed. Refunds reverse through
 * `payments.insured_order_refunded`, recorded in the refund's own transaction.
 */
export async function reverseAbandonedSettlements(ctx: AppContext): Promise<number> {
  const since = new Date(ctx.clock.now().getTime() - CLOSED_ORDER_WINDOW_MS);
  const closed = await insuredOrdersClosedSince(ctx.db, since, 1000);
  if (closed.length === 0) return 0;
  const stuck = await ctx.db
    .selectFrom('insurance_settlement')
    .select('id')
    .where(
      'id',
      'in',
      closed.map((c) => c.settlementId),
    )
    .where('status', '=', 'settled')
    .execute();
  let marked = 0;
  for (const s of stuck)
    if (await runCommand(ctx, systemActor, (cmd) => markReversing(cmd, s.id, 'order_closed'))) marked += 1;
  return marked;
}

/** Reversing settlements: 2208 until the platform answers (idempotent by reverse_msg_id). */
export async function completeReversals(ctx: AppContext, rt: InsuranceRuntime): Promise<number> {
  const rows = await ctx.db
    .selectFrom('insurance_settlement')
    .select('id')
    // Reversing ones, and failed ones the platform turned out to have settled (a late answer while
    // another settlement of the order was live, which the live index keeps from being `reversing`).
    .where((eb) =>
      eb.or([
        eb('status', '=', 'reversing'),
        eb.and([eb('status', '=', 'failed'), eb('platform_setl_id', 'is not', null)]),
      ]),
    )
    .orderBy('requested_at')
    .limit(BATCH)
    .execute();
  let reversed = 0;
  for (const s of rows) {
    const after = await completeReversal(ctx, rt, systemActor, s.id);
    if (after.status === 'reversed') reversed += 1;
  }
  return reversed;
}

/** All three, in the order that lets one run finish a case: resolve, find the abandoned, reverse. */
export async function runSettlementJobs(ctx: AppContext, rt: InsuranceRuntime): Promise<SettlementJobReport> {
  const { settled, failed } = await resolvePendingSettlements(ctx, rt);
  const reversing = await reverseAbandonedSettlements(ctx);
  const reversed = await completeReversals(ctx, rt);
  return { settled, failed, reversing, reversed };
}
