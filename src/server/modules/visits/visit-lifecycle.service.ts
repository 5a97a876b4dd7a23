/**
 * The lifecycle of a visit after it is requested, each move one command (VISIT-5: its timeline event, its
 * audit event and its outbox events commit together; pushes to the sockets follow the commit): the
 * guardian confirms presence (ID-6, PILOT-3), the practitioner starts the visit with eligibility checked
 * again (ID-4), accepts the patient's evidence (VISIT-2) or refers the patient offline (VISIT-3); the
 * patient side cancels before the start or rates after completion. Completing the visit signs the record
 * (complete-visit.service.ts).
 */
import type {
  RatingBody,
  ReferOfflineBody,
  VisitRecommendation,
  VisitType,
  VisitView,
} from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { departmentFacts, institutionFacts, practitionerFacts } from '../directory/directory.api.js';
import { isActiveGuardian } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { completeAppointment } from '../scheduling/scheduling.api.js';
import { schedulingErrors } from '../scheduling/scheduling.errors.js';
import { endOpenCalls } from './calls.service.js';
import { checkDoctor, departmentOf } from './doctor-eligibility.js';
import { systemLines } from './system-lines.js';
import {
  canMove,
  followUpRequiresOfflineDiagnosis,
  guardianRequired,
  referRefundFen,
} from './visit.rules.js';
import { requireDoctor, requirePatientSide } from './visit-access.js';
import { viewOf } from './visit-queries.js';
import { endUnstarted, lockVisitOrder, refundVisitFee } from './visit-settlement.js';
import { lockedVisit, systemMessage, visitEvent } from './visit-store.js';
import { visitErrors } from './visits.errors.js';
import type { VisitsRuntime } from './visits.runtime.js';

/** ID-6, PILOT-3: the guardian confirms being with the child; the doctor cannot start before. */
export async function confirmGuardianPresence(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<VisitView> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await lockedVisit(trx, id);
    await requirePatientSide(trx, auth, v);
    if (!v.guardian_required) throw visitErrors.guardianNotNeeded();
    if (!(await isActiveGuardian(trx, auth.accountId, v.patient_id)))
      throw guardianRequired('只有监护人本人可以确认陪同。');
    if (!['paid', 'waiting', 'in_progress'].includes(v.status))
      throw visitErrors.visitNotOpen('只能在问诊排队或进行中确认陪同。');
    if (v.guardian_confirmed_at) return;
    await trx.updateTable('visit').set({ guardian_confirmed_at: now }).where('id', '=', id).execute();
    await visitEvent(trx, id, 'guardian_confirmed', actor, now);
    await systemMessage(trx, id, systemLines.guardianConfirmed({}), now);
    await audit({
      action: 'visit.guardian_presence',
      resourceType: 'visit',
      resourceId: id,
      patientId: v.patient_id,
    });
  });
  const view = await viewOf(ctx, id);
  rt.hub.publish(id, { type: 'visit', visitId: id, status: view.status });
  return view;
}

/** The doctor starts (accepts) the visit; eligibility is checked again (ID-4: the doctor in person). */
export async function startVisit(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<VisitView> {
  const message = await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await lockedVisit(trx, id);
    const me = await requireDoctor(trx, auth, v);
    if (v.status === 'in_progress' && v.practitioner_id === me) return null;
    if (!canMove('start', v.status))
      throw visitErrors.visitNotWaiting(
        v.status === 'paid' ? '该预约问诊尚未到候诊时间。' : '该问诊已被接诊或已结束。',
      );
    const dept = await departmentOf(trx, v.department_id);
    await checkDoctor(trx, v.type as VisitType, me, v.institution_id, dept.specialty, now);
    if (v.type === 'follow_up' && !v.offline_diagnosis_id && !v.evidence_attachment_id)
      throw followUpRequiresOfflineDiagnosis();
    if (v.guardian_required && !v.guardian_confirmed_at)
      throw guardianRequired(
        '未成年人问诊须监护人确认陪同后才能开始（ID-6, PILOT-3）：请等待监护人在问诊页确认。',
      );
    const doctor = await practitionerFacts(trx, me);
    if (!doctor) throw errors.notFound('医生');
    await mapUniqueViolation(
      trx
        .updateTable('visit')
        .set({ status: 'in_progress', practitioner_id: me, started_at: now })
        .where('id', '=', id)
        .execute(),
      visitErrors.duplicateVisit('该患者已有一个与您进行中的问诊，请在那次问诊中继续。'),
    );
    await visitEvent(trx, id, 'started', actor, now, { practitionerId: me });
    await audit({ action: 'visit.start', resourceType: 'visit', resourceId: id, patientId: v.patient_id });
    return systemMessage(trx, id, systemLines.doctorStarted({ doctorName: doctor.name }), now);
  });
  if (message) {
    rt.hub.dropOtherDoctors(id, auth.accountId);
    rt.hub.publish(id, { type: 'message', visitId: id, message });
    rt.hub.publish(id, { type: 'visit', visitId: id, status: 'in_progress' });
  }
  return viewOf(ctx, id);
}

/** VISIT-2: the doctor accepts the document the patient uploaded as evidence of the offline diagnosis. */
export async function acceptEvidence(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<VisitView> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await lockedVisit(trx, id);
    await requireDoctor(trx, auth, v);
    if (!v.evidence_attachment_id) throw visitErrors.noEvidenceDocument();
    if (v.status !== 'in_progress') throw visitErrors.visitNotInProgress('请先接诊。');
    if (v.evidence_accepted_at) return;
    await trx.updateTable('visit').set({ evidence_accepted_at: now }).where('id', '=', id).execute();
    await visitEvent(trx, id, 'evidence_accepted', actor, now, { attachmentId: v.evidence_attachment_id });
    await audit({
      action: 'visit.evidence_accept',
      resourceType: 'visit',
      resourceId: id,
      patientId: v.patient_id,
    });
  });
  rt.hub.publish(id, { type: 'visit', visitId: id, status: 'in_progress' });
  return viewOf(ctx, id);
}

/** The patient side cancels before the doctor starts; a paid fee is refunded in full. */
export async function cancelVisit(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  id: string,
  reason: string | undefined,
  actor: Actor,
): Promise<VisitView> {
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    // Order before visit, the order a payment notification takes its locks in (no deadlock with it).
    await lockVisitOrder(trx, id);
    const v = await lockedVisit(trx, id);
    await requirePatientSide(trx, auth, v);
    if (v.status === 'cancelled') return;
    if (!canMove('cancel', v.status))
      throw schedulingErrors.notCancellable(
        v.status === 'in_progress' ? '医生已接诊，不能再取消；如需结束请与医生沟通。' : '该问诊已结束。',
      );
    await trx
      .updateTable('visit')
      .set({ status: 'cancelled', cancel_reason: reason ?? 'patient', ended_at: now })
      .where('id', '=', id)
      .execute();
    const refund = await endUnstarted(cmd, v, 'visit_ended');
    await visitEvent(trx, id, 'cancelled', actor, now, {
      reason: reason ?? 'patient',
      refundFen: refund?.amount ?? 0,
    });
    await cmd.audit({
      action: 'visit.cancel',
      resourceType: 'visit',
      resourceId: id,
      patientId: v.patient_id,
    });
    if (refund) await refundVisitFee(cmd, id, refund, 'visit_cancelled');
  });
  rt.hub.publish(id, { type: 'visit', visitId: id, status: 'cancelled' });
  return viewOf(ctx, id);
}

/** VISIT-3: the doctor stops the visit as unsuitable online and sends the patient to a physical hospital. */
export async function referOffline(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  id: string,
  input: ReferOfflineBody,
  actor: Actor,
): Promise<VisitView> {
  const message = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    // Order before visit (and its appointment), as cancelVisit and an appointment's cancel take them, so a
    // referral racing the cancel of the appointment it came from (one shared order) does not deadlock.
    await lockVisitOrder(trx, id);
    const v = await lockedVisit(trx, id);
    await requireDoctor(trx, auth, v);
    if (!canMove('referOffline', v.status))
      throw visitErrors.visitNotOpen('只能在候诊或问诊进行中转为线下就诊。');
    const rec = await recommendationOf(trx, input.recommendation);
    const me = auth.practitionerId!;
    if (!v.practitioner_id) {
      const dept = await departmentOf(trx, v.department_id);
      await checkDoctor(trx, v.type as VisitType, me, v.institution_id, dept.specialty, now);
    }
    await trx
      .updateTable('visit')
      .set({
        status: 'referred_offline',
        practitioner_id: v.practitioner_id ?? me,
        refer_reason: input.reason,
        refer_recommendation: JSON.stringify(rec),
        ended_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (v.appointment_id) await completeAppointment(trx, v.appointment_id);
    const amount = v.order_id ? referRefundFen(v.fee_fen, ctx.config.visits.referRefundPercent) : 0;
    await endOpenCalls(trx, id, actor, now);
    await visitEvent(trx, id, 'referred_offline', actor, now, {
      reason: input.reason,
      recommendation: rec,
      refundFen: amount,
    });
    const where = {
      ...(rec.institutionName ? { institutionName: rec.institutionName } : {}),
      ...(rec.institutionName && rec.departmentName ? { departmentName: rec.departmentName } : {}),
    };
    const line = systemLines.referredOffline({ ...where, reason: input.reason, refundFen: amount });
    const message = await systemMessage(trx, id, line, now);
    const to = { accountId: v.requested_by, patientId: v.patient_id, refId: id };
    await notify(cmd, notices.visitReferredOffline(to, where));
    await cmd.audit({
      action: 'visit.refer_offline',
      resourceType: 'visit',
      resourceId: id,
      patientId: v.patient_id,
    });
    if (amount > 0 && v.order_id)
      await refundVisitFee(cmd, id, { orderId: v.order_id, amount }, 'visit_referred');
    return message;
  });
  rt.hub.publish(id, { type: 'message', visitId: id, message });
  rt.hub.publish(id, { type: 'visit', visitId: id, status: 'referred_offline' });
  return viewOf(ctx, id);
}

export async function rateVisit(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  input: RatingBody,
  actor: Actor,
): Promise<VisitView> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await lockedVisit(trx, id);
    await requirePatientSide(trx, auth, v);
    if (v.status !== 'completed') throw visitErrors.visitNotCompleted();
    if (v.rated_at) throw visitErrors.alreadyRated();
    await trx
      .updateTable('visit')
      .set({ rating_stars: input.stars, rating_comment: input.comment ?? null, rated_at: now })
      .where('id', '=', id)
      .execute();
    await visitEvent(trx, id, 'rated', actor, now, { stars: input.stars });
    await audit({ action: 'visit.rate', resourceType: 'visit', resourceId: id });
  });
  return viewOf(ctx, id);
}

/** VISIT-3: where the doctor sends the patient, resolved to names; a place or a note is required. */
async function recommendationOf(
  db: Executor,
  r: ReferOfflineBody['recommendation'],
): Promise<VisitRecommendation> {
  const rec: VisitRecommendation = {};
  if (r.departmentId) {
    const d = (await departmentFacts(db, [r.departmentId])).get(r.departmentId);
    if (!d || (r.institutionId && r.institutionId !== d.institutionId)) throw errors.notFound('推荐科室');
    Object.assign(rec, {
      departmentId: d.id,
      departmentName: d.name,
      institutionId: d.institutionId,
      institutionName: d.institutionName,
    });
  } else if (r.institutionId) {
    const i = (await institutionFacts(db, [r.institutionId])).get(r.institutionId);
    if (!i) throw errors.notFound('推荐机构');
    Object.assign(rec, { institutionId: i.id, institutionName: i.name });
  }
  if (r.note) rec.note = r.note;
  if (!rec.institutionId && !rec.note) throw visitErrors.recommendationRequired();
  return rec;
}
