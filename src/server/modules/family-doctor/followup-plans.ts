/**
 * What the rest of the module asks of chronic follow-up ([12/12], FD-7, FD-8), in the caller's transaction:
 * a contract that comes into force starts a management plan for each condition its packages cover, and a
 * downward referral's care plan becomes follow-up tasks on the team's worklist.
 */
import type { Condition } from '../../../shared/family-doctor.js';
import type { FamilyDoctorSettings } from '../../platform/config.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { addDays, scheduledDueDates } from './followup.rules.js';
import { followupTitle } from './followup.views.js';

/**
 * Starts (or keeps) a plan per condition for a resident whose contract with `teamId` is now in force, and
 * schedules its follow-ups (≥ settings.followupsPerYear a year). Idempotent: a live plan for the condition is
 * moved to the team, not doubled (the unique index followup_plan_live backs it); the resident's open
 * follow-ups and open alerts move with it, so the new team's worklist carries them. A schedule is added
 * only where the plan has fewer open scheduled follow-ups from `startsOn` than a year asks for, and only
 * after the last of them.
 */
export async function startFollowupPlans(
  trx: Executor,
  input: {
    patientId: string;
    teamId: string;
    conditions: readonly Condition[];
    startsOn: string;
    now: Date;
    settings: FamilyDoctorSettings;
  },
): Promise<void> {
  const { patientId, teamId, now } = input;
  for (const condition of new Set(input.conditions)) {
    await trx
      .insertInto('followup_plan')
      .values({
        id: newId(),
        patient_id: patientId,
        team_id: teamId,
        condition,
        started_on: input.startsOn,
        status: 'active',
        last_classification: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['patient_id', 'condition']).where('status', '=', 'active').doNothing())
      .execute();
    const plan = await trx
      .selectFrom('followup_plan')
      .select(['id', 'team_id'])
      .where('patient_id', '=', patientId)
      .where('condition', '=', condition)
      .where('status', '=', 'active')
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (plan.team_id !== teamId) {
      await trx
        .updateTable('followup_plan')
        .set({ team_id: teamId, updated_at: now })
        .where('id', '=', plan.id)
        .execute();
    }

    const open = await trx
      .selectFrom('followup')
      .select('due_on')
      .where('plan_id', '=', plan.id)
      .where('status', '=', 'due')
      .where('reason', '=', 'scheduled')
      .where('due_on', '>=', input.startsOn)
      .orderBy('due_on', 'desc')
      .execute();
    const dates = scheduledDueDates(input.startsOn, input.settings.followupsPerYear);
    const last = open[0]?.due_on;
    const wanted = open.length >= dates.length ? [] : dates.filter((d) => !last || d > last);
    if (wanted.length > 0) {
      await trx
        .insertInto('followup')
        .values(
          wanted.map((due_on) => ({
            id: newId(),
            plan_id: plan.id,
            patient_id: patientId,
            team_id: teamId,
            reason: 'scheduled' as const,
            referral_id: null,
            title: followupTitle('scheduled', condition, 'zh-CN'),
            due_on,
            status: 'due' as const,
            method: null,
            record: null,
            classification: null,
            action: null,
            done_at: null,
            done_by: null,
            created_at: now,
          })),
        )
        .execute();
    }
  }
  // The resident's open work goes with them to the team of the contract in force.
  await trx
    .updateTable('followup')
    .set({ team_id: teamId })
    .where('patient_id', '=', patientId)
    .where('status', '=', 'due')
    .where('team_id', '<>', teamId)
    .execute();
  await trx
    .updateTable('reading_alert')
    .set({ team_id: teamId })
    .where('patient_id', '=', patientId)
    .where('handled_at', 'is', null)
    .where('team_id', '<>', teamId)
    .execute();
}

/**
 * A downward referral's care plan: one follow-up per task (reason care_plan, its title the hospital's
 * words) on the resident's team's worklist, due `dueInDays` after today. Idempotent per referral (a
 * referral whose tasks are already there adds none).
 */
export async function addCarePlanTasks(
  trx: Executor,
  input: {
    patientId: string;
    teamId: string;
    referralId: string;
    tasks: readonly { title: string; dueInDays: number }[];
    today: string;
    now: Date;
  },
): Promise<void> {
  if (input.tasks.length === 0) return;
  const existing = await trx
    .selectFrom('followup')
    .select('id')
    .where('patient_id', '=', input.patientId)
    .where('referral_id', '=', input.referralId)
    .executeTakeFirst();
  if (existing) return;
  await trx
    .insertInto('followup')
    .values(
      input.tasks.map((task) => ({
        id: newId(),
        plan_id: null,
        patient_id: input.patientId,
        team_id: input.teamId,
        reason: 'care_plan' as const,
        referral_id: input.referralId,
        title: task.title,
        due_on: addDays(input.today, task.dueInDays),
        status: 'due' as const,
        method: null,
        record: null,
        classification: null,
        action: null,
        done_at: null,
        done_by: null,
        created_at: input.now,
      })),
    )
    .execute();
}
