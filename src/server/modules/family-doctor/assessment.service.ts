/**
 * The performance assessment of family-doctor teams (seed 002 (十五), 考核): per team and over the teams shown —
 * residents signed and by group (FD-2), the renewal rate (FD-1), follow-ups done and on time, hypertension
 * and diabetes control rates (FD-7, FD-8), referrals up and down (FD-4), home services (FD-5, FD-9) and
 * satisfaction — over a period of Asia/Shanghai days. Counted with SQL aggregates grouped by team; the
 * ratios and the total are assessment.rules.ts. An org_admin and the doctors of an institution see its
 * teams; the regulator sees the region or one institution.
 */
import { sql } from 'kysely';
import type { Assessment, TeamAssessment } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { institutionFacts, requireOwnInstitution } from '../directory/directory.api.js';
import {
  type AssessmentCounts,
  addDays,
  assessmentPeriod,
  emptyCounts,
  measures,
  monthPoints,
  sumCounts,
} from './assessment.rules.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
const n = (v: string | number | bigint | null | undefined) => Number(v ?? 0);

/** The institution the caller may assess: theirs (org_admin, doctor), or any or all (regulator: null = all). */
export function assessmentScope(auth: AuthContext, institutionId: string | undefined): string | null {
  if (auth.roles.includes('regulator')) return institutionId ?? null;
  // An org_admin or doctor of another institution: 403 NOT_YOUR_INSTITUTION.
  return requireOwnInstitution(auth, institutionId);
}

/** The teams in scope, as a subquery the aggregates filter by. */
const teamsIn = (db: Executor, institutionId: string | null) =>
  db
    .selectFrom('family_team')
    .select('family_team.id')
    .$if(institutionId !== null, (q) => q.where('family_team.institution_id', '=', institutionId!));

/** Counts per team over the period, by one SQL aggregate per measure (grouped by team). */
async function countsByTeam(
  db: Executor,
  institutionId: string | null,
  from: string,
  to: string,
  today: string,
): Promise<Map<string, AssessmentCounts>> {
  const start = dayStart(from);
  const end = dayStart(addDays(to, 1));
  const scope = teamsIn(db, institutionId);
  const counts = new Map<string, AssessmentCounts>();
  const of = (teamId: string) => {
    let c = counts.get(teamId);
    if (!c) {
      c = emptyCounts();
      counts.set(teamId, c);
    }
    return c;
  };
  // The last day a term may have ended on to count as ended: the period's end, and not after yesterday.
  const endedBy = to < today ? to : addDays(today, -1);
  const [signed, groups, renewal, followups, plans, referrals, homes, ratings] = await Promise.all([
    db
      .selectFrom('family_contract')
      .select(['team_id', sql<string>`count(*)`.as('n')])
      .where('status', '=', 'active')
      .where('team_id', 'in', scope)
      .groupBy('team_id')
      .execute(),
    db
      .selectFrom('family_contract as c')
      .innerJoin('family_contract_package as cp', 'cp.contract_id', 'c.id')
      .innerJoin('service_package as sp', 'sp.id', 'cp.package_id')
      .select(['c.team_id', 'sp.group_code', sql<string>`count(distinct c.id)`.as('n')])
      .where('c.status', '=', 'active')
      .where('c.team_id', 'in', scope)
      .groupBy(['c.team_id', 'sp.group_code'])
      .execute(),
    // FD-1: a term that ran to its end in the period (not cancelled, not ended early), renewed when the
    // resident signed a successor with the same team (a switch is a loss for this team, not a renewal).
    db
      .selectFrom('family_contract as c')
      .select([
        'c.team_id',
        sql<string>`count(*)`.as('ended'),
        sql<string>`count(*) filter (where exists (
          select 1 from family_contract s
          where s.previous_contract_id = c.id and s.team_id = c.team_id
            and s.status in ('scheduled', 'active', 'expired', 'terminated')))`.as('renewed'),
      ])
      .where('c.status', 'in', ['active', 'expired'])
      .where('c.ends_on', '>=', from)
      .where('c.ends_on', '<=', endedBy)
      .where('c.team_id', 'in', scope)
      .groupBy('c.team_id')
      .execute(),
    // FD-7/FD-8: done in the period; on time when done on or before the due day (Asia/Shanghai).
    db
      .selectFrom('followup')
      .select([
        'team_id',
        sql<string>`count(*)`.as('done'),
        sql<string>`count(*) filter (where (done_at at time zone 'Asia/Shanghai')::date <= due_on)`.as(
          'on_time',
        ),
      ])
      .where('status', '=', 'done')
      .where('done_at', '>=', start)
      .where('done_at', '<', end)
      .where('team_id', 'in', scope)
      .groupBy('team_id')
      .execute(),
    // Control rates of the live plans now: of those with a classification, those last controlled.
    db
      .selectFrom('followup_plan')
      .select([
        'team_id',
        'condition',
        sql<string>`count(*)`.as('classified'),
        sql<string>`count(*) filter (where last_classification = 'controlled')`.as('controlled'),
      ])
      .where('status', '=', 'active')
      .where('last_classification', 'is not', null)
      .where('team_id', 'in', scope)
      .groupBy(['team_id', 'condition'])
      .execute(),
    // FD-4: referrals sent in the period, counted for the team of the contract they were made under.
    db
      .selectFrom('referral as r')
      .innerJoin('family_contract as c', 'c.id', 'r.contract_id')
      .select(['c.team_id', 'r.direction', sql<string>`count(*)`.as('n')])
      .where('r.status', '<>', 'cancelled')
      .where('r.created_at', '>=', start)
      .where('r.created_at', '<', end)
      .where('c.team_id', 'in', scope)
      .groupBy(['c.team_id', 'r.direction'])
      .execute(),
    db
      .selectFrom('home_service')
      .select(['team_id', sql<string>`count(*)`.as('n')])
      .where('status', '=', 'completed')
      .where('checked_out_at', '>=', start)
      .where('checked_out_at', '<', end)
      .where('team_id', 'in', scope)
      .groupBy('team_id')
      .execute(),
    db
      .selectFrom('service_rating')
      .select(['team_id', sql<string>`count(*)`.as('n'), sql<string>`sum(stars)`.as('stars')])
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .where('team_id', 'in', scope)
      .groupBy('team_id')
      .execute(),
  ]);
  for (const r of signed) of(r.team_id).signed = n(r.n);
  for (const r of groups) of(r.team_id).byGroup[r.group_code] = n(r.n);
  for (const r of renewal) Object.assign(of(r.team_id), { ended: n(r.ended), renewed: n(r.renewed) });
  for (const r of followups)
    Object.assign(of(r.team_id), { followupsDone: n(r.done), followupsOnTime: n(r.on_time) });
  for (const r of plans) {
    const c = of(r.team_id);
    if (r.condition === 'hypertension') {
      c.hypertensionClassified = n(r.classified);
      c.hypertensionControlled = n(r.controlled);
    } else {
      c.diabetesClassified = n(r.classified);
      c.diabetesControlled = n(r.controlled);
    }
  }
  for (const r of referrals) {
    if (r.direction === 'up') of(r.team_id).referralsUp = n(r.n);
    else of(r.team_id).referralsDown = n(r.n);
  }
  for (const r of homes) if (r.team_id) of(r.team_id).homeServices = n(r.n);
  for (const r of ratings) Object.assign(of(r.team_id), { ratings: n(r.n), starsSum: n(r.stars) });
  return counts;
}

/**
 * Residents signed at each month's end (or at the period's end in its last month): contracts whose term
 * covered that day and that were in force then — active or since expired, or terminated after that day.
 * One query over the month points.
 */
async function signedByMonth(
  db: Executor,
  institutionId: string | null,
  from: string,
  to: string,
): Promise<{ month: string; signed: number }[]> {
  const points = monthPoints(from, to);
  const values = sql.join(points.map((p) => sql`(${p.month}::text, ${p.day}::date)`));
  const scope = institutionId === null ? sql`true` : sql`c.institution_id = ${institutionId}`;
  const { rows } = await sql<{ month: string; signed: string }>`
    select m.month, count(c.id) as signed
    from (values ${values}) as m(month, day)
    left join family_contract c
      on c.starts_on <= m.day and c.ends_on >= m.day and ${scope}
      and (c.status in ('active', 'expired')
        or (c.status = 'terminated' and (c.terminated_at at time zone 'Asia/Shanghai')::date > m.day))
    group by m.month
    order by m.month`.execute(db);
  return rows.map((r) => ({ month: r.month, signed: n(r.signed) }));
}

/** GET /family-doctor/assessment. */
export async function assessment(
  ctx: AppContext,
  auth: AuthContext,
  query: { institutionId?: string | undefined; from?: string | undefined; to?: string | undefined },
): Promise<Assessment> {
  const institutionId = assessmentScope(auth, query.institutionId);
  const today = shanghaiDate(ctx.clock.now());
  const period = assessmentPeriod(query, today);
  if ('problem' in period) throw errors.validationFailed(`query.${period.field}：${period.problem}`);
  const { from, to } = period;
  const teams = await ctx.db
    .selectFrom('family_team')
    .select(['id', 'name', 'institution_id'])
    .$if(institutionId !== null, (q) => q.where('institution_id', '=', institutionId!))
    .execute();
  const [counts, trend, facts] = await Promise.all([
    countsByTeam(ctx.db, institutionId, from, to, today),
    signedByMonth(ctx.db, institutionId, from, to),
    institutionFacts(ctx.db, [
      ...teams.map((t) => t.institution_id),
      ...(institutionId ? [institutionId] : []),
    ]),
  ]);
  const nameOf = (id: string) => facts.get(id)?.name ?? '';
  teams.sort(
    (a, b) =>
      nameOf(a.institution_id).localeCompare(nameOf(b.institution_id), 'zh-CN') ||
      a.name.localeCompare(b.name, 'zh-CN'),
  );
  const rows: TeamAssessment[] = teams.map((t) => ({
    teamId: t.id,
    teamName: t.name,
    institutionId: t.institution_id,
    institutionName: nameOf(t.institution_id),
    ...measures(counts.get(t.id) ?? emptyCounts()),
  }));
  const total: TeamAssessment = {
    teamId: NIL,
    teamName: '合计',
    institutionId: institutionId ?? NIL,
    institutionName: institutionId === null ? '全区' : nameOf(institutionId),
    ...measures(sumCounts(teams.map((t) => counts.get(t.id) ?? emptyCounts()))),
  };
  return { from, to, teams: rows, total, signedByMonth: trend };
}
