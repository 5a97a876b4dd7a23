/**
 * Fund statistics for the insurer's console ([7/12], INS-4: the insurer watches the fund): what the fund paid, by institution, by month
 * (fund / personal account / cash) and by category (甲 A / 乙 B / 丙 C drugs, the online follow-up fee,
 * delivery). Settlements that stand only — settled and not reversed — by their settlement day
 * (Asia/Shanghai). The default range is the last 12 months, this one included.
 */
import { sql } from 'kysely';
import type { FundStats } from '../../../shared/insurance.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { institutionFacts } from '../directory/directory.api.js';
import { requireDays } from './business-day.js';
import { shanghaiDay } from './policy-store.js';
import { dayBounds } from './reconciliation.service.js';

const CATEGORIES = ['A', 'B', 'C', 'service', 'delivery'] as const;
/** The longest range a chart asks for (its months are listed one by one). */
const MAX_MONTHS = 60;

/** `YYYY-MM` of each month from `from` to `to`, both included. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const end = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > end) return out;
    out.push(month);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

/** The first day of the month 11 months before today's: with today's month, 12 months. */
function twelveMonthsBack(today: string): string {
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const back = y * 12 + (m - 1) - 11;
  return `${Math.floor(back / 12)}-${String((back % 12) + 1).padStart(2, '0')}-01`;
}

export async function fundStats(ctx: AppContext, query: { from?: string; to?: string }): Promise<FundStats> {
  requireDays({ 'querystring.from': query.from, 'querystring.to': query.to });
  const today = shanghaiDay(ctx.clock.now());
  const to = query.to ?? today;
  const from = query.from ?? twelveMonthsBack(to);
  if (from > to)
    throw errors.validationFailed('querystring.from：开始日期不能晚于结束日期。', {
      fields: [{ field: 'querystring.from', message: '不能晚于结束日期 to' }],
    });
  if (monthsBetween(from, to).length > MAX_MONTHS)
    throw errors.validationFailed(`querystring.from：统计范围最长 ${MAX_MONTHS} 个月。`, {
      fields: [{ field: 'querystring.from', message: `统计范围最长 ${MAX_MONTHS} 个月` }],
    });
  const start = dayBounds(from)[0];
  const end = dayBounds(to)[1];
  // Settled, not reversed, settled within [from, to] (index insurance_settlement_settled_at).
  const standing = ctx.db
    .selectFrom('insurance_settlement as s')
    .where('s.status', '=', 'settled')
    .where('s.settled_at', '>=', start)
    .where('s.settled_at', '<', end);

  const byInstitution = await standing
    .select((eb) => [
      's.institution_id',
      sql<number>`sum(s.fund_fen)::bigint`.as('fund'),
      eb.fn.countAll<number>().as('n'),
    ])
    .groupBy('s.institution_id')
    .execute();
  const names = await institutionFacts(
    ctx.db,
    byInstitution.map((r) => r.institution_id),
  );

  const month = sql<string>`to_char(s.settled_at at time zone 'Asia/Shanghai', 'YYYY-MM')`;
  const byMonth = await standing
    .select([
      month.as('month'),
      sql<number>`sum(s.fund_fen)::bigint`.as('fund'),
      sql<number>`sum(s.account_fen)::bigint`.as('account'),
      sql<number>`sum(s.cash_fen)::bigint`.as('cash'),
    ])
    .groupBy(month)
    .execute();
  const months = new Map(byMonth.map((r) => [r.month, r]));

  const category = sql<string>`case when l.kind = 'drug' then coalesce(l.category, 'C') else l.kind end`;
  const byCategory = await standing
    .innerJoin('insurance_settlement_line as l', 'l.settlement_id', 's.id')
    .select([
      category.as('category'),
      sql<number>`sum(l.fund_fen)::bigint`.as('fund'),
      sql<number>`sum(l.total_fen)::bigint`.as('total'),
    ])
    .groupBy(category)
    .execute();
  const categories = new Map(byCategory.map((r) => [r.category, r]));

  return {
    from,
    to,
    byInstitution: byInstitution
      .map((r) => ({
        institutionId: r.institution_id,
        name: names.get(r.institution_id)?.name ?? '',
        fundFen: Number(r.fund),
        settlements: Number(r.n),
      }))
      .sort((a, b) => b.fundFen - a.fundFen || a.name.localeCompare(b.name, 'zh-CN')),
    byMonth: monthsBetween(from, to).map((m) => ({
      month: m,
      fundFen: Number(months.get(m)?.fund ?? 0),
      accountFen: Number(months.get(m)?.account ?? 0),
      cashFen: Number(months.get(m)?.cash ?? 0),
    })),
    byCategory: CATEGORIES.map((c) => ({
      category: c,
      fundFen: Number(categories.get(c)?.fund ?? 0),
      totalFen: Number(categories.get(c)?.total ?? 0),
    })),
  };
}
