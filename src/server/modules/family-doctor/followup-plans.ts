/**
 * What the rest of the module asks of chronic follow-up ([12/12], FD-7, FD-8), in the caller's transaction:
 * a contract that comes into force starts a management plan for each condition its packages cover, and a
 * downward referral's care plan becomes follow-up tasks on the team's worklist.
 */
import type { Insertable } from 'kysely';
import type { Condition } from '../../../shared/family-doctor.js';
import type { FamilyDoctorSettings } from '../../platform/config.js';
import type { Executor } from '../../platform/db/database.js';
import type { FollowupTable } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { addDays, scheduledDueDates } from './followup.rules.js';
import { followupTitle } from './followup.views.js';

/** A new open follow-up (status due, nothing recorded yet): the one row every part of the module adds. */
export function newFollowup(input: {
  planId: string | null;
  patientId: string;
  teamId: string;
  reason: 'scheduled' | 'adjust' | 'refer' | 'urgent' | 'care_plan';
  referralId?: string | null;
  title: string;
  dueOn: string;
  now: Date;
}): Insertable<FollowupTable> {
  return {
    id: newId(),
    plan_id: input.planId,
    patient_id: input.patientId,
    team_id: input.teamId,
    reason: input.reason,
    referral_id: input.referralId ?? null,
    title: input.title,
    due_on: input.dueOn,
    status: 'due',
    method: null,
    record: null,
    classification: null,
    action: null,
    done_at: null,
    done_by: null,
    created_at: input.now,
  };
}

/** What a note on an alert closed by the end of the contract says (reading_alert.handled_note). */
export const CONTRACT_ENDED_NOTE = 'contract ended';

/**
 * A team's care of a resident ends with its contract (SEC-1, FD-1): in the caller's command, the team's
 * live plans for the resident are closed, their open follow-ups cancelled and open alerts marked handled
 * ("contract ended") — so a former team neither sees nor acts on the resident's data any more. Not called
 * when a successor contract with the same team takes over (a renewal keeps them).
 */
export async function endTeamCare(
  trx: Executor,
  input: { patientId: string; teamId: string; now: Date },
): Promise<{ plans: number; followups: number; alerts: number }> {
  const { patientId, teamId, now } = input;
  // Lock order of this part: plans, then follow-ups, then alerts.
  const plans = await trx
    .updateTable('followup_plan')
    .set({ status: 'closed', updated_at: now })
    .where('patient_id', '=', patientId)
    .where('team_id', '=', teamId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  const followups = await trx
    .updateTable('followup')
    .set({ status: 'cancelled' })
    .where('patient_id', '=', patientId)
    .where('team_id', '=', teamId)
    .where('status', '=', 'due')
    .returning('id')
    .execute();
  const alerts = await trx
    .updateTable('reading_alert')
    .set({ handled_at: now, handled_note: CONTRACT_ENDED_NOTE })
    .where('patient_id', '=', patientId)
    .where('team_id', '=', teamId)
    .where('handled_at', 'is', null)
    .returning('id')
    .execute();
  return { plans: plans.length, followups: followups.length, alerts: alerts.length };
}

/**
 * Whether a contract's care goes on after it ends: a successor with the same team (a renewal, scheduled
 * or in force) whose first day has come by `today` takes it over.
 */
export async function sameTeamTakesOver(
  trx: Executor,
  ended: { id: string; patient_id: string; team_id: string },
  today: string,
): Promise<boolean> {
  const next = await trx
    .selectFrom('family_contract')
    .select('id')
    .where('patient_id', '=', ended.patient_id)
    .where('previous_contract_id', '=', ended.id)
    .where('team_id', '=', ended.team_id)
    .where('status', 'in', ['scheduled', 'active'])
    .where('starts_on', '<=', today)
    .executeTakeFirst();
  return next !== undefined;
}

/**
 * Starts (or keeps) a plan per condition for a resident whose contract with `teamId` is now in force, and
 * schedules its follow-ups (≥ settings.followupsPerYear a year). Every live plan of the resident moves to
 * the team (not only the conditions asked for), with the resident's open follow-ups and open alerts, so
 * the new team's worklist carries them and no former team keeps any. Idempotent: a live plan for the
 * condition is kept, not doubled (the unique index followup_plan_live backs it). A schedule is added
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
  await trx
    .updateTable('followup_plan')
    .set({ team_id: teamId, updated_at: now })
    .where('patient_id', '=', patientId)
    .where('status', '=', 'active')
    .where('team_id', '<>', teamId)
    .execute();
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
      .select('id')
      .where('patient_id', '=', patientId)
      .where('condition', '=', condition)
      .where('status', '=', 'active')
      .forUpdate()
      .executeTakeFirstOrThrow();

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
          wanted.map((dueOn) =>
            newFollowup({
              planId: plan.id,
              patientId,
              teamId,
              reason: 'scheduled',
              title: followupTitle('scheduled', condition, 'zh-CN'),
              dueOn,
              now,
            }),
          ),
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
      input.tasks.map((task) =>
        newFollowup({
          planId: null,
          patientId: input.patientId,
          teamId: input.teamId,
          reason: 'care_plan',
          referralId: input.referralId,
          title: task.title,
          dueOn: addDays(input.today, task.dueInDays),
          now: input.now,
        }),
      ),
    )
    .execute();
}
