/**
 * The nightly reconciliation ([7/12]): once per business day, after `config.insurance.nightlyHour`
 * (Asia/Shanghai), yesterday's statement of every institution that had anything that day — orders paid,
 * settlements requested or settled — and of every institution designated that day (INS-1), so that a
 * settlement the platform has and we do not is found even on a day we sold nothing there.
 *
 * Safe on several nodes: each runs the loop; an institution whose statement was run since tonight's hour
 * is skipped, and the store re-checks that under the statement's advisory lock, so one node's statement
 * stands and the others write nothing (a rerun by the insurer after the hour counts as tonight's run).
 * A failing institution (the platform or a gateway not answering) is logged and tried again next loop.
 */
import { systemActor } from '../../platform/audit/audit.js';
import type { AppContext } from '../../platform/context.js';
import { institutionsWithPaidOrders } from '../payments/payments.api.js';
import type { InsuranceRuntime } from './insurance.runtime.js';
import { shanghaiDay } from './policy-store.js';
import { dayBefore, dayBounds, draftStatement, storeStatement } from './reconciliation.service.js';

export const NIGHTLY_RUN_BY = 'job';

export async function runNightlyReconciliation(
  ctx: AppContext,
  rt: InsuranceRuntime,
): Promise<{ date: string | null; ran: string[]; failed: string[] }> {
  const now = ctx.clock.now();
  const today = shanghaiDay(now);
  const tonight = new Date(
    `${today}T${String(ctx.config.insurance.nightlyHour).padStart(2, '0')}:00:00+08:00`,
  );
  if (now < tonight) return { date: null, ran: [], failed: [] };
  const date = dayBefore(today);
  const [from, to] = dayBounds(date);

  const candidates = new Set(await institutionsWithPaidOrders(ctx.db, from, to));
  const settled = await ctx.db
    .selectFrom('insurance_settlement')
    .select('institution_id')
    .distinct()
    .where((eb) =>
      eb.or([
        eb.and([eb('settled_at', '>=', from), eb('settled_at', '<', to)]),
        eb.and([eb('requested_at', '>=', from), eb('requested_at', '<', to)]),
      ]),
    )
    .execute();
  for (const r of settled) candidates.add(r.institution_id);
  const designated = await ctx.db
    .selectFrom('insurance_designation')
    .select('institution_id')
    .where('effective_from', '<=', date)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', date)]))
    .execute();
  for (const r of designated) candidates.add(r.institution_id);
  if (candidates.size === 0) return { date, ran: [], failed: [] };

  const done = await ctx.db
    .selectFrom('reconciliation_statement')
    .select('institution_id')
    .where('business_date', '=', date)
    .where('run_at', '>=', tonight)
    .where('institution_id', 'in', [...candidates])
    .execute();
  for (const r of done) candidates.delete(r.institution_id);

  const ran: string[] = [];
  const failed: string[] = [];
  let lastError: unknown = null;
  for (const institutionId of [...candidates].sort()) {
    try {
      const draft = await draftStatement(ctx, rt, institutionId, date);
      if (await storeStatement(ctx, systemActor, draft, NIGHTLY_RUN_BY, { unlessRunSince: tonight }))
        ran.push(institutionId);
    } catch (err) {
      failed.push(institutionId);
      lastError = err;
    }
  }
  // One line per run, however many failed (an outage fails them all, on every loop until it ends).
  if (failed.length > 0)
    ctx.log.warn({ err: lastError, date, failed }, 'nightly reconciliation failed; retried on the next run');
  return { date, ran, failed };
}
