/**
 * A referral's steps after it is sent ([12/12], FD-4): the receiving institution accepts or declines it;
 * an upward referral is booked on the hospital's referral quota by either side and completed by the
 * hospital after the visit; a downward one is completed by the community. The sender cancels before the
 * visit is booked (up) or before the community accepts (down). Each step is one command on the locked row;
 * a step the state does not allow is 409 REFERRAL_STATE_CONFLICT (referral.rules.ts).
 *
 * Downward care plans become follow-up tasks at ACCEPTANCE, not completion: once the community has taken
 * the patient, the tasks are on the team's worklist at once, so nothing of the plan waits on a second
 * click or is lost if the referral is never marked complete.
 */
import type { CarePlan, ReferralView } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { accountOfPractitioner, patientProfiles } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { appointmentSummaries, bookReferralIn, sessionFacts } from '../scheduling/scheduling.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { addCarePlanTasks } from './followup-plans.js';
import { appointmentLapsed, nextStatus, type ReferralAction } from './referral.rules.js';
import { type ReferralRow, referralViews } from './referral.views.js';
import { assertSide, type ReferralStaff, referralRow, referralStaff } from './referral-access.js';
import { activeContract } from './team-access.js';

export type StepBody =
  | { action: 'accept' }
  | { action: 'decline'; reason: string }
  | { action: 'book'; scheduleId: string }
  | { action: 'complete'; note?: string | undefined }
  | { action: 'cancel' };

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** Appointment states in which the referred visit took place or is paid for (an upward referral may complete). */
const VISIT_STANDS = ['confirmed', 'checked_in', 'completed'];

/** POST /referrals/{id}/accept|decline|book|complete|cancel (FD-4). */
export async function referralStep(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: StepBody,
  actor: Actor,
): Promise<ReferralView> {
  const staff = await referralStaff(ctx.db, auth);
  if (!staff) throw familyDoctorErrors.referralNotFound();
  const row = await runCommand(ctx, actor, async (cmd) => {
    const r = await referralRow(cmd.trx, id, true);
    assertSide(staff, r, body.action);
    let lapsed = false;
    if (body.action === 'book' && r.appointment_id) {
      const a = (await appointmentSummaries(cmd.trx, [r.appointment_id])).get(r.appointment_id);
      lapsed = appointmentLapsed(a?.status);
    }
    const next = nextStatus(r.direction, r.status, body.action, { appointmentLapsed: lapsed });
    if (!next) throw familyDoctorErrors.referralState(stateDetail(r, body.action));
    switch (body.action) {
      case 'accept':
        await accept(cmd, staff, r);
        break;
      case 'decline':
        await decline(cmd, r, body.reason.trim());
        break;
      case 'book':
        await book(cmd, auth, r, body.scheduleId);
        break;
      case 'complete':
        await complete(cmd, r, body.note?.trim() || null);
        break;
      case 'cancel':
        await cmd.trx
          .updateTable('referral')
          .set({ status: 'cancelled', updated_at: cmd.now })
          .where('id', '=', r.id)
          .execute();
        break;
    }
    await cmd.audit({
      action: `family_doctor.referral_${body.action}`,
      resourceType: 'referral',
      resourceId: r.id,
      patientId: r.patient_id,
      details: { referralNo: r.referral_no, from: r.status, to: next },
    });
    return referralRow(cmd.trx, r.id);
  });
  const [view] = await referralViews(ctx.db, [row], ctx.clock.now());
  return view!;
}

function stateDetail(r: ReferralRow, action: ReferralAction): string | undefined {
  if (action === 'book' && r.direction === 'down') return '下转无需预约号源。';
  if (action === 'book' && r.status === 'booked')
    return '转诊已预约；原预约失效（未支付或取消）后才能重新预约。';
  if (action === 'cancel' && r.status !== 'sent') return '转诊已被接收或已预约，不能再撤回。';
  return undefined;
}

/** The resident's account (told of acceptance and booking), when they have one. */
async function residentAccount(cmd: CommandScope, patientId: string): Promise<string | null> {
  return (await patientProfiles(cmd.trx, [patientId])).get(patientId)?.accountId ?? null;
}

/**
 * Accepted by the receiving side: `accepted_by` is the practitioner (a care relationship, records'
 * referralSource), null when an administrator accepts for the institution. Down: the care plan's tasks go
 * on the worklist of the resident's contract team when that team is of this institution. Otherwise the
 * plan stays on the referral only (no follow-ups): giving the tasks to some team of the accepter would let
 * its other members see the resident without a care relationship of their own (SEC-1).
 */
async function accept(cmd: CommandScope, staff: ReferralStaff, r: ReferralRow): Promise<void> {
  const { trx, now } = cmd;
  await trx
    .updateTable('referral')
    .set({ status: 'accepted', accepted_at: now, accepted_by: staff.practitionerId, updated_at: now })
    .where('id', '=', r.id)
    .execute();
  const to = (await institutionFacts(trx, [r.to_institution_id])).get(r.to_institution_id);
  if (r.direction === 'down') {
    const plan = r.care_plan as unknown as CarePlan | null;
    const teamId = await contractTeamAt(cmd, r.patient_id, r.to_institution_id);
    if (plan && teamId)
      await addCarePlanTasks(trx, {
        patientId: r.patient_id,
        teamId,
        referralId: r.id,
        tasks: plan.tasks,
        today: shanghaiDate(now),
        now,
      });
  }
  const accountId = await residentAccount(cmd, r.patient_id);
  if (accountId)
    await notify(
      cmd,
      notices.fdReferralAccepted(
        { accountId, patientId: r.patient_id, refId: r.id },
        { referralNo: r.referral_no, direction: r.direction, toName: to?.name ?? '' },
      ),
    );
}

/** The team of the resident's active contract when it belongs to `institutionId`, else null. */
async function contractTeamAt(
  cmd: CommandScope,
  patientId: string,
  institutionId: string,
): Promise<string | null> {
  const contract = await activeContract(cmd.trx, patientId);
  return contract?.institution_id === institutionId ? contract.team_id : null;
}

async function decline(cmd: CommandScope, r: ReferralRow, reason: string): Promise<void> {
  const { trx, now } = cmd;
  await trx
    .updateTable('referral')
    .set({ status: 'declined', decline_reason: reason, updated_at: now })
    .where('id', '=', r.id)
    .execute();
  const [sender, to] = await Promise.all([
    accountOfPractitioner(trx, r.from_practitioner_id),
    institutionFacts(trx, [r.to_institution_id]),
  ]);
  if (sender)
    await notify(
      cmd,
      notices.fdReferralDeclined(
        { accountId: sender, refId: r.id },
        { referralNo: r.referral_no, toName: to.get(r.to_institution_id)?.name ?? '', reason },
      ),
    );
}

/**
 * FD-4: the referred visit on the hospital's referral quota, booked through scheduling in this command
 * (the channel judged by the referring community institution). The appointment waits for the resident's
 * payment (pending_payment with a hold): they are told, and pay from "my appointments" as for any booking;
 * an unpaid hold lapses and the referral may be booked again.
 */
async function book(cmd: CommandScope, auth: AuthContext, r: ReferralRow, scheduleId: string): Promise<void> {
  const { trx, now } = cmd;
  const session = await sessionFacts(trx, scheduleId);
  if (!session || session.institutionId !== r.to_institution_id)
    throw familyDoctorErrors.referralTargetInvalid('所选出诊不属于接收转诊的医院，请选择该院的出诊。');
  const booked = await bookReferralIn(cmd, auth, {
    scheduleId,
    patientId: r.patient_id,
    referringInstitutionId: r.from_institution_id,
  });
  await trx
    .updateTable('referral')
    .set({ status: 'booked', appointment_id: booked.id, booked_at: now, updated_at: now })
    .where('id', '=', r.id)
    .execute();
  const accountId = await residentAccount(cmd, r.patient_id);
  if (!accountId) return;
  const [hospital, doctor] = await Promise.all([
    institutionFacts(trx, [r.to_institution_id]),
    practitionerProfiles(trx, [session.practitionerId]),
  ]);
  await notify(
    cmd,
    notices.fdReferralBooked(
      { accountId, patientId: r.patient_id, refId: booked.id },
      {
        referralNo: r.referral_no,
        hospitalName: hospital.get(r.to_institution_id)?.name ?? '',
        doctorName: doctor.get(session.practitionerId)?.name ?? '',
        date: session.date,
        time: timeFormat.format(new Date(booked.windowStart)),
        tokenNumber: booked.tokenNumber,
        payBy: booked.holdUntil ? timeFormat.format(new Date(booked.holdUntil)) : null,
      },
    ),
  );
}

/** Up: after the visit (its appointment paid, checked in or completed); down: the community's follow-up begun. */
async function complete(cmd: CommandScope, r: ReferralRow, note: string | null): Promise<void> {
  const { trx, now } = cmd;
  if (r.direction === 'up') {
    const a = r.appointment_id
      ? (await appointmentSummaries(trx, [r.appointment_id])).get(r.appointment_id)
      : undefined;
    if (!a || !VISIT_STANDS.includes(a.status))
      throw familyDoctorErrors.referralState('转诊预约尚未支付或已失效，就诊后才能完成转诊。');
  }
  await trx
    .updateTable('referral')
    .set({ status: 'completed', completed_at: now, complete_note: note, updated_at: now })
    .where('id', '=', r.id)
    .execute();
}
