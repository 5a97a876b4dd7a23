/**
 * Chronic follow-up's access and results ([12/12], FD-7, FD-8, SEC-1): who may read or write a resident's
 * follow-up data (the resident, their proxy, or the team holding the resident's contract in force), and
 * what a result (a home reading or a follow-up's measurement) does to the resident's plan. Used by
 * followups.service.ts and readings.service.ts.
 *
 * Lock order, everywhere in this part: the plan row, then follow-up rows, then alert rows.
 */
import type { Classification, FollowupAction } from '../../../shared/family-doctor.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { CommandScope } from '../../platform/command.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { accountOfPractitioner, requirePatientAccess } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { followupDueOn, nextAction, reasonOf } from './followup.rules.js';
import { followupTitle, type PlanRow } from './followup.views.js';
import { newFollowup } from './followup-plans.js';
import { type FdStaff, fdStaff, requireContractTeam } from './team-access.js';

// --- Access

export type PatientAccess =
  | { relation: 'self' | 'proxy'; staff: null; teamId: null }
  | { relation: 'family_doctor'; staff: FdStaff; teamId: string };

/**
 * The resident themself or an account acting for them (ID-6: an active family proxy; else 403
 * NOT_YOUR_PATIENT), or a doctor or nurse of the team of the resident's contract in force (else 403
 * NOT_TEAM_MEMBER, also when there is no contract: staff cannot probe who is contracted).
 */
export async function patientAccess(
  db: Executor,
  auth: AuthContext,
  patientId: string,
): Promise<PatientAccess> {
  if (!auth.isStaff) {
    const relation = await requirePatientAccess(db, auth, patientId);
    return { relation, staff: null, teamId: null };
  }
  const staff = await fdStaff(db, auth);
  const teamId = await requireContractTeam(db, staff, patientId);
  return { relation: 'family_doctor', staff, teamId };
}

// --- What a result does to the plan (FD-7, FD-8)

const REASON_RANK = { scheduled: 0, care_plan: 0, adjust: 1, refer: 2, urgent: 3 } as const;

export interface ResultEffect {
  action: FollowupAction;
  /** The follow-up the result asks for (brought forward or made); null for routine. */
  followupDueOn: string | null;
  alert: boolean;
}

/**
 * Applies a classified result to the resident's plan (locked by the caller, or null for a follow-up
 * without a plan): the streak and last classification (nextAction), a follow-up within the recheck days
 * unless one of the plan's open follow-ups is already due by then (an adjust one is raised to refer or
 * urgent), and for refer/urgent an open alert for the team. A refer alert is not repeated while one of
 * refer or urgent is open; every urgent result raises its own, and an urgent home reading is told to every
 * member of the team (in-app and SMS, without the resident's name or the value).
 */
export async function applyResult(
  cmd: CommandScope,
  input: {
    plan: PlanRow | null;
    patientId: string;
    teamId: string;
    classification: Classification;
    source: 'reading' | 'followup';
    readingId: string | null;
    today: string;
  },
): Promise<ResultEffect> {
  const { trx, now, ctx } = cmd;
  const { plan } = input;
  const { action, streak } = nextAction(plan?.uncontrolled_streak ?? 0, input.classification);
  if (plan) {
    await trx
      .updateTable('followup_plan')
      .set({ last_classification: input.classification, uncontrolled_streak: streak, updated_at: now })
      .where('id', '=', plan.id)
      .execute();
  }
  const reason = reasonOf(action);
  const due = followupDueOn(action, input.today, ctx.config.familyDoctor.recheckDays, input.source);
  if (!reason || !due) return { action, followupDueOn: null, alert: false };

  // One of the plan's open follow-ups due by then serves; otherwise a new one.
  const sooner = await trx
    .selectFrom('followup')
    .select(['id', 'reason', 'due_on'])
    .where('status', '=', 'due')
    .where('due_on', '<=', due)
    .$if(plan !== null, (q) => q.where('plan_id', '=', plan!.id))
    .$if(plan === null, (q) =>
      q
        .where('plan_id', 'is', null)
        .where('patient_id', '=', input.patientId)
        .where('team_id', '=', input.teamId),
    )
    .orderBy('due_on')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  let dueOn = due;
  if (sooner) {
    dueOn = sooner.due_on;
    const rank = REASON_RANK[sooner.reason];
    if (sooner.reason !== 'scheduled' && sooner.reason !== 'care_plan' && rank < REASON_RANK[reason]) {
      await trx
        .updateTable('followup')
        .set({ reason, title: followupTitle(reason, plan?.condition ?? null, 'zh-CN') })
        .where('id', '=', sooner.id)
        .execute();
    }
  } else {
    await trx
      .insertInto('followup')
      .values(
        newFollowup({
          planId: plan?.id ?? null,
          patientId: input.patientId,
          teamId: input.teamId,
          reason,
          title: followupTitle(reason, plan?.condition ?? null, 'zh-CN'),
          dueOn: due,
          now,
        }),
      )
      .execute();
  }

  if (action === 'adjust') return { action, followupDueOn: dueOn, alert: false };
  const level = action === 'refer' ? 'refer' : 'urgent';
  if (level === 'refer') {
    const open = await trx
      .selectFrom('reading_alert')
      .select('id')
      .where('patient_id', '=', input.patientId)
      .where('team_id', '=', input.teamId)
      .where('handled_at', 'is', null)
      .where('level', 'in', ['refer', 'urgent'])
      .executeTakeFirst();
    if (open) return { action, followupDueOn: dueOn, alert: true };
  }
  const alertId = newId();
  await trx
    .insertInto('reading_alert')
    .values({
      id: alertId,
      patient_id: input.patientId,
      team_id: input.teamId,
      reading_id: input.readingId,
      level,
      reason: `${input.source}_${level}`,
      created_at: now,
      handled_at: null,
      handled_by: null,
      handled_note: null,
    })
    .execute();
  if (level === 'urgent' && input.source === 'reading') await tellTeam(cmd, input.teamId, alertId);
  return { action, followupDueOn: dueOn, alert: true };
}

/** Every member of the team with an account: an in-app notice and its SMS (fdUrgentReading). */
async function tellTeam(cmd: CommandScope, teamId: string, alertId: string): Promise<void> {
  const { trx } = cmd;
  const team = await trx
    .selectFrom('family_team')
    .select('name')
    .where('id', '=', teamId)
    .executeTakeFirstOrThrow();
  const members = await trx
    .selectFrom('family_team_member')
    .select('practitioner_id')
    .where('team_id', '=', teamId)
    .execute();
  for (const m of members) {
    const accountId = await accountOfPractitioner(trx, m.practitioner_id);
    if (accountId)
      await notify(cmd, notices.fdUrgentReading({ accountId, refId: alertId }, { teamName: team.name }));
  }
}

/** The resident's live plan for a condition, locked for the result about to change it. */
export async function lockedLivePlan(
  db: Executor,
  patientId: string,
  condition: PlanRow['condition'],
): Promise<PlanRow | undefined> {
  return db
    .selectFrom('followup_plan')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('condition', '=', condition)
    .where('status', '=', 'active')
    .forUpdate()
    .executeTakeFirst();
}
