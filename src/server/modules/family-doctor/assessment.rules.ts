/**
 * The performance assessment's arithmetic (seed 002 (十五), 家庭医生签约服务考核): the period asked for, the
 * months of its trend, the ratios and their rounding, and the total over the teams shown. Pure: the service
 * counts with SQL aggregates per team and hands the counts here.
 */

/** What the SQL aggregates count for one team (or, summed, for all teams shown). */
export interface AssessmentCounts {
  /** Contracts in force (status active). */
  signed: number;
  /** Contracts in force by the groups of their packages (a contract counts once in each of its groups). */
  byGroup: Record<string, number>;
  /** Contracts whose term ended in the period, and those of them the resident renewed with the team. */
  ended: number;
  renewed: number;
  /** Follow-ups done in the period, and those done on or before their due day (Asia/Shanghai). */
  followupsDone: number;
  followupsOnTime: number;
  /** Live plans with a classification, and those whose last classification is controlled (FD-7, FD-8). */
  hypertensionClassified: number;
  hypertensionControlled: number;
  diabetesClassified: number;
  diabetesControlled: number;
  referralsUp: number;
  referralsDown: number;
  homeServices: number;
  /** Ratings given in the period and the sum of their stars (1–5 each). */
  ratings: number;
  starsSum: number;
}

export const emptyCounts = (): AssessmentCounts => ({
  signed: 0,
  byGroup: {},
  ended: 0,
  renewed: 0,
  followupsDone: 0,
  followupsOnTime: 0,
  hypertensionClassified: 0,
  hypertensionControlled: 0,
  diabetesClassified: 0,
  diabetesControlled: 0,
  referralsUp: 0,
  referralsDown: 0,
  homeServices: 0,
  ratings: 0,
  starsSum: 0,
});

/**
 * A share of a whole, 0–1, to four decimals (66.67 %); null when there is no whole (nothing ended, no plan
 * classified): "no data" is not 0 %.
 */
export function rate(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part / whole) * 10_000) / 10_000;
}

/** The mean of the stars given, to two decimals; null without ratings. */
export function meanStars(starsSum: number, ratings: number): number | null {
  if (ratings <= 0) return null;
  return Math.round((starsSum / ratings) * 100) / 100;
}

/** A rate as the export shows it: `66.7%`, or an empty cell for no data. */
export function percentText(value: number | null): string {
  return value === null ? '' : `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

/**
 * The total over the teams shown: counts add up; the rates are then taken over the summed parts and wholes
 * (a team of 10 residents does not weigh as much as a team of 1000), never as a mean of the teams' rates.
 */
export function sumCounts(teams: readonly AssessmentCounts[]): AssessmentCounts {
  const total = emptyCounts();
  for (const t of teams) {
    for (const k of Object.keys(total) as (keyof AssessmentCounts)[]) {
      if (k === 'byGroup') continue;
      total[k] += t[k];
    }
    for (const [g, n] of Object.entries(t.byGroup)) total.byGroup[g] = (total.byGroup[g] ?? 0) + n;
  }
  return total;
}

/** The measures the API answers, from the counts. */
export function measures(c: AssessmentCounts) {
  return {
    signed: c.signed,
    byGroup: { ...c.byGroup },
    renewalRate: rate(c.renewed, c.ended),
    followupsDone: c.followupsDone,
    followupsOnTime: c.followupsOnTime,
    onTimeRate: rate(c.followupsOnTime, c.followupsDone),
    hypertensionControlRate: rate(c.hypertensionControlled, c.hypertensionClassified),
    diabetesControlRate: rate(c.diabetesControlled, c.diabetesClassified),
    referralsUp: c.referralsUp,
    referralsDown: c.referralsDown,
    homeServices: c.homeServices,
    satisfaction: meanStars(c.starsSum, c.ratings),
    ratings: c.ratings,
  };
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `YYYY-MM-DD` is a day of the calendar (2026-02-30 is not). */
export function isRealDay(day: string): boolean {
  if (!DATE.test(day)) return false;
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
}

/** `day` moved by whole days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last day of the month of `day`. */
export function monthEnd(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The longest period asked for: three years (the trend has a point per month). */
export const MAX_PERIOD_DAYS = 3 * 366;

/**
 * The period of an assessment, Asia/Shanghai days [from, to] inclusive: by default the twelve months up to
 * today (from the first day of the month eleven months back). A problem (a day that does not exist, from
 * after to, longer than three years) is answered as `{ problem }` for the caller to refuse with 400.
 */
export function assessmentPeriod(
  query: { from?: string | undefined; to?: string | undefined },
  today: string,
): { from: string; to: string } | { problem: string; field: 'from' | 'to' } {
  const to = query.to ?? today;
  if (!isRealDay(to)) return { problem: `日期 ${to} 不存在`, field: 'to' };
  let from = query.from;
  if (from === undefined) {
    const [y, m] = to.split('-').map(Number) as [number, number];
    from = new Date(Date.UTC(y, m - 1 - 11, 1)).toISOString().slice(0, 10);
  }
  if (!isRealDay(from)) return { problem: `日期 ${from} 不存在`, field: 'from' };
  if (from > to) return { problem: '开始日期不能晚于结束日期', field: 'from' };
  if (addDays(from, MAX_PERIOD_DAYS) < to) return { problem: '统计区间最长三年', field: 'from' };
  return { from, to };
}

/**
 * The points of the signed-residents trend: one per month of the period, at the month's last day, or at
 * `to` for the last month when the period ends before the month does.
 */
export function monthPoints(from: string, to: string): { month: string; day: string }[] {
  const out: { month: string; day: string }[] = [];
  let first = `${from.slice(0, 7)}-01`;
  while (first <= to) {
    const end = monthEnd(first);
    out.push({ month: first.slice(0, 7), day: end < to ? end : to });
    first = addDays(end, 1);
  }
  return out;
}
