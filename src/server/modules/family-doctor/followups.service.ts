/**
 * Chronic follow-up's commands and reads ([12/12], FD-7, FD-8): a team member recording a follow-up,
 * handling an alert, and the resident's plans and follow-ups. Who may act and what a result does to the
 * plan: followup-results.ts. Only the team holding the resident's contract in force acts (SEC-1).
 *
 * Lock order, everywhere in this part: the plan row, then follow-up rows, then alert rows.
 */
import type {
  AlertView,
  Classification,
  FollowupRecord,
  FollowupResult,
  HandleAlertBody,
  PatientFollowups,
} from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { TextLanguage } from '../../platform/texts.js';
import { recordRead } from '../records/records.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import {
  addDays,
  classifyBp,
  classifyGlucose,
  glucoseTenths,
  intervalDays,
  worse,
} from './followup.rules.js';
import {
  type AlertRow,
  alertViews,
  type FollowupRow,
  followupTitle,
  followupViews,
  type PlanRow,
  planViews,
} from './followup.views.js';
import { newFollowup } from './followup-plans.js';
import { applyResult, patientAccess, type ResultEffect } from './followup-results.js';
import { fdStaff, holdsContract } from './team-access.js';

// --- Recording a follow-up

/** The record's measurements classified (the worse of blood pressure and fasting glucose; null: none). */
function classifyRecord(ctx: AppContext, r: FollowupRecord): Classification | null {
  const t = ctx.config.familyDoctor.thresholds;
  if ((r.systolic === undefined) !== (r.diastolic === undefined))
    throw familyDoctorErrors.readingInvalid('血压须同时填写收缩压和舒张压。');
  if (r.systolic !== undefined && r.diastolic !== undefined && r.systolic <= r.diastolic)
    throw familyDoctorErrors.readingInvalid('收缩压须高于舒张压，请核对读数。');
  const bp =
    r.systolic !== undefined && r.diastolic !== undefined ? classifyBp(r.systolic, r.diastolic, t) : null;
  const glucose =
    r.fastingGlucoseMmol !== undefined
      ? classifyGlucose(glucoseTenths(r.fastingGlucoseMmol), 'fasting', t)
      : null;
  return worse(bp, glucose);
}

/**
 * POST /family-doctor/followups/{id}/complete: a member of the follow-up's team records it (FD-7/FD-8). The
 * measurements are kept as readings (source staff), classified by the rules; the plan's streak and last
 * classification change; the plan's other open recheck follow-ups (adjust, refer, urgent) are satisfied by
 * this one and closed; the next follow-up follows nextAction (adjust/refer/urgent: within the recheck days;
 * routine: the schedule, extended by one interval when it has run out); refer/urgent open an alert. A
 * follow-up without measurements (a phone call about adherence) leaves the plan as it was.
 * 404 FOLLOWUP_NOT_FOUND outside the caller's teams or when the team no longer holds the resident's
 * contract; 409 FOLLOWUP_ALREADY_DONE once done or cancelled.
 */
export async function completeFollowup(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  record: FollowupRecord,
  actor: Actor,
  lang: TextLanguage,
): Promise<FollowupResult> {
  const staff = await fdStaff(ctx.db, auth);
  const classification = classifyRecord(ctx, record);
  const t = ctx.config.familyDoctor.thresholds;
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now, audit } = cmd;
    const today = shanghaiDate(now);
    const first = await trx
      .selectFrom('followup')
      .select(['plan_id', 'team_id', 'patient_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    // SEC-1: only a member of the team holding the resident's contract in force (a former team: 404).
    if (!first || !(await holdsContract(trx, staff, first.patient_id, first.team_id)))
      throw familyDoctorErrors.followupNotFound();
    // The plan first, then the follow-up (the lock order of this part).
    const plan = first.plan_id
      ? await trx
          .selectFrom('followup_plan')
          .selectAll()
          .where('id', '=', first.plan_id)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    const f = await trx
      .selectFrom('followup')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (f.status !== 'due') throw familyDoctorErrors.followupDone();

    const readings: { kind: 'bp' | 'glucose'; values: object; c: Classification }[] = [];
    if (record.systolic !== undefined && record.diastolic !== undefined)
      readings.push({
        kind: 'bp',
        values: { systolic: record.systolic, diastolic: record.diastolic, pulse: record.heartRate ?? null },
        c: classifyBp(record.systolic, record.diastolic, t),
      });
    if (record.fastingGlucoseMmol !== undefined) {
      const tenths = glucoseTenths(record.fastingGlucoseMmol);
      readings.push({
        kind: 'glucose',
        values: { glucose_tenths: tenths, glucose_timing: 'fasting' },
        c: classifyGlucose(tenths, 'fasting', t),
      });
    }
    for (const r of readings) {
      await trx
        .insertInto('home_reading')
        .values({
          id: newId(),
          patient_id: f.patient_id,
          kind: r.kind,
          ...r.values,
          classification: r.c,
          measured_at: now,
          source: 'staff',
          entered_by: auth.accountId,
          created_at: now,
        })
        .execute();
    }

    let effect: ResultEffect = { action: 'routine', followupDueOn: null, alert: false };
    if (classification) {
      if (plan) {
        await trx
          .updateTable('followup')
          .set({ status: 'cancelled' })
          .where('plan_id', '=', plan.id)
          .where('status', '=', 'due')
          .where('id', '<>', f.id)
          .where('reason', 'in', ['adjust', 'refer', 'urgent'])
          .execute();
      }
      // Marked done first, so it is not taken for "an open follow-up due sooner".
      await trx.updateTable('followup').set({ status: 'done' }).where('id', '=', f.id).execute();
      effect = await applyResult(cmd, {
        plan: plan ?? null,
        patientId: f.patient_id,
        teamId: f.team_id,
        classification,
        source: 'followup',
        readingId: null,
        today,
      });
    }
    const updated = await trx
      .updateTable('followup')
      .set({
        status: 'done',
        method: record.method,
        record: JSON.stringify(record),
        classification,
        action: effect.action,
        done_at: now,
        done_by: staff.practitionerId,
      })
      .where('id', '=', f.id)
      .returningAll()
      .executeTakeFirstOrThrow();

    let nextDueOn = effect.followupDueOn ?? (await nextOpenDue(trx, plan ?? null, f.patient_id, f.team_id));
    if (!nextDueOn && plan) {
      // The year's schedule has run out: the next routine follow-up one interval on.
      nextDueOn = addDays(today, intervalDays(ctx.config.familyDoctor.followupsPerYear));
      await trx
        .insertInto('followup')
        .values(
          newFollowup({
            planId: plan.id,
            patientId: f.patient_id,
            teamId: f.team_id,
            reason: 'scheduled',
            title: followupTitle('scheduled', plan.condition, 'zh-CN'),
            dueOn: nextDueOn,
            now,
          }),
        )
        .execute();
    }
    await audit({
      action: 'family_doctor.followup.complete',
      resourceType: 'followup',
      resourceId: f.id,
      patientId: f.patient_id,
      details: { classification, action: effect.action, method: record.method, alert: effect.alert },
    });
    const [view] = await followupViews(trx, [updated], today, lang);
    return { followup: view!, action: effect.action, nextDueOn, alert: effect.alert };
  });
}

/** The earliest open follow-up of the plan (or, without a plan, of the resident with the team). */
async function nextOpenDue(
  db: Executor,
  plan: PlanRow | null,
  patientId: string,
  teamId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('followup')
    .select('due_on')
    .where('status', '=', 'due')
    .$if(plan !== null, (q) => q.where('plan_id', '=', plan!.id))
    .$if(plan === null, (q) => q.where('patient_id', '=', patientId).where('team_id', '=', teamId))
    .orderBy('due_on')
    .limit(1)
    .executeTakeFirst();
  return row?.due_on ?? null;
}

// --- Alerts

/**
 * POST /family-doctor/alerts/{id}/handle: a member of the alert's team has dealt with it (called the
 * resident, referred). 404 READING_ALERT_NOT_FOUND outside the caller's teams; 409 once handled.
 */
export async function handleAlert(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: HandleAlertBody,
  actor: Actor,
  lang: TextLanguage,
): Promise<AlertView> {
  const staff = await fdStaff(ctx.db, auth);
  const row = await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const a = await trx
      .selectFrom('reading_alert')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    // SEC-1: only a member of the team holding the resident's contract in force (a former team: 404).
    if (!a || !(await holdsContract(trx, staff, a.patient_id, a.team_id)))
      throw familyDoctorErrors.alertNotFound();
    if (a.handled_at) throw familyDoctorErrors.alertHandled();
    const updated = await trx
      .updateTable('reading_alert')
      .set({ handled_at: now, handled_by: staff.practitionerId, handled_note: body.note ?? null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit({
      action: 'family_doctor.alert.handle',
      resourceType: 'reading_alert',
      resourceId: id,
      patientId: a.patient_id,
      details: { level: a.level },
    });
    return updated;
  });
  const [view] = await alertViews(ctx.db, [row as AlertRow], lang);
  return view!;
}

// --- The resident's plans and follow-ups

const PATIENT_FOLLOWUPS_LIMIT = 100;

/**
 * GET /family-doctor/patients/{id}/followups: the resident's plans and their latest follow-ups (the last
 * 100 by due date), for the resident, their proxy and the team of their contract; audited as a read.
 */
export async function patientFollowups(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  actor: Actor,
  lang: TextLanguage,
): Promise<PatientFollowups> {
  const access = await patientAccess(ctx.db, auth, patientId);
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const [plans, rows] = await Promise.all([
    ctx.db
      .selectFrom('followup_plan')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('status')
      .orderBy('started_on', 'desc')
      .limit(20)
      .execute(),
    ctx.db
      .selectFrom('followup')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('due_on', 'desc')
      .orderBy('id', 'desc')
      .limit(PATIENT_FOLLOWUPS_LIMIT)
      .execute(),
  ]);
  const result = {
    plans: await planViews(ctx.db, plans, today),
    followups: await followupViews(ctx.db, rows as FollowupRow[], today, lang),
  };
  await recordRead(
    ctx.db,
    actor,
    {
      patientId,
      category: 'encounters',
      what: 'family_doctor:followups',
      relationship: access.relation,
      channel: 'app',
    },
    now,
  );
  return result;
}
