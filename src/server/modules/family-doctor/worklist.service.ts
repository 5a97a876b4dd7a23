/**
 * The team's worklist ([12/12], FD-7, FD-8): open alerts (urgent first, then oldest first), overdue
 * follow-ups (due before today, oldest first) and follow-ups due within `withinDays` (default 14), for the
 * teams the caller is in. Each list is bounded (the counts say how many there are in all); the indexes
 * reading_alert_open and followup_worklist serve them. Only residents whose contract in force the row's
 * team holds are shown (SEC-1: a former team's leftovers never show; the contract's end closes them too).
 */

import { sql } from 'kysely';
import type { Worklist } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { TextLanguage } from '../../platform/texts.js';
import { addDays } from './followup.rules.js';
import { type AlertRow, alertViews, type FollowupRow, followupViews } from './followup.views.js';
import { assertTeamMember, fdStaff } from './team-access.js';

/** How many of each list one answer carries at most. */
export const WORKLIST_LIMIT = 200;
export const DEFAULT_WITHIN_DAYS = 14;

/** The row's team holds the resident's contract in force (family_contract_current serves it). */
const heldByTeam = (table: 'followup' | 'reading_alert') =>
  sql<boolean>`exists (select 1 from family_contract c where c.patient_id = ${sql.ref(`${table}.patient_id`)}
    and c.team_id = ${sql.ref(`${table}.team_id`)} and c.status = 'active')`;

/** GET /family-doctor/worklist?teamId=&withinDays=: the caller's team (403 NOT_TEAM_MEMBER) or all their teams. */
export async function worklist(
  ctx: AppContext,
  auth: AuthContext,
  query: { teamId?: string; withinDays?: number },
  actor: Actor,
  lang: TextLanguage,
): Promise<Worklist> {
  const staff = await fdStaff(ctx.db, auth);
  if (query.teamId) assertTeamMember(staff, query.teamId);
  const teamIds = query.teamId ? [query.teamId] : staff.teamIds;
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const until = addDays(today, query.withinDays ?? DEFAULT_WITHIN_DAYS);
  if (teamIds.length === 0)
    return { alerts: [], overdue: [], due: [], counts: { alerts: 0, overdue: 0, due: 0 } };

  const db = ctx.db;
  const [alerts, overdue, due, counts] = await Promise.all([
    db
      .selectFrom('reading_alert')
      .selectAll()
      .where(heldByTeam('reading_alert'))
      .where('team_id', 'in', teamIds)
      .where('handled_at', 'is', null)
      .orderBy(sql`case level when 'urgent' then 0 when 'refer' then 1 else 2 end`)
      .orderBy('created_at')
      .orderBy('id')
      .limit(WORKLIST_LIMIT)
      .execute(),
    db
      .selectFrom('followup')
      .selectAll()
      .where(heldByTeam('followup'))
      .where('team_id', 'in', teamIds)
      .where('status', '=', 'due')
      .where('due_on', '<', today)
      .orderBy('due_on')
      .orderBy('id')
      .limit(WORKLIST_LIMIT)
      .execute(),
    db
      .selectFrom('followup')
      .selectAll()
      .where(heldByTeam('followup'))
      .where('team_id', 'in', teamIds)
      .where('status', '=', 'due')
      .where('due_on', '>=', today)
      .where('due_on', '<=', until)
      .orderBy('due_on')
      .orderBy('id')
      .limit(WORKLIST_LIMIT)
      .execute(),
    db
      .selectNoFrom((eb) => [
        eb
          .selectFrom('reading_alert')
          .select(eb.fn.countAll<string>().as('n'))
          .where(heldByTeam('reading_alert'))
          .where('team_id', 'in', teamIds)
          .where('handled_at', 'is', null)
          .as('alerts'),
        eb
          .selectFrom('followup')
          .select(eb.fn.countAll<string>().as('n'))
          .where(heldByTeam('followup'))
          .where('team_id', 'in', teamIds)
          .where('status', '=', 'due')
          .where('due_on', '<', today)
          .as('overdue'),
        eb
          .selectFrom('followup')
          .select(eb.fn.countAll<string>().as('n'))
          .where(heldByTeam('followup'))
          .where('team_id', 'in', teamIds)
          .where('status', '=', 'due')
          .where('due_on', '>=', today)
          .where('due_on', '<=', until)
          .as('due'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  const result: Worklist = {
    alerts: await alertViews(db, alerts as AlertRow[], lang),
    overdue: await followupViews(db, overdue as FollowupRow[], today, lang),
    due: await followupViews(db, due as FollowupRow[], today, lang),
    counts: { alerts: Number(counts.alerts), overdue: Number(counts.overdue), due: Number(counts.due) },
  };
  // One audit event for the page (it shows many residents' names and values): who looked at which teams.
  await recordAudit(
    db,
    actor,
    {
      action: 'family_doctor.worklist.read',
      resourceType: 'family_team',
      resourceId: teamIds.length === 1 ? teamIds[0]! : null,
      details: { teamIds, withinDays: query.withinDays ?? DEFAULT_WITHIN_DAYS, counts: result.counts },
    },
    now,
  );
  return result;
}
