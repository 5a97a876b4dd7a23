/**
 * Completing a visit (REC-1, SEC-4): the record must be complete for the visit's type (VISIT-6: no
 * diagnosis in a consultation; VISIT-2: a document accepted first), then it is signed with the doctor's
 * SM2 key over the SM3 of the canonical document and the visit ends; a booked appointment is completed,
 * open calls end, the patient is told, and the chat stays open until 48 h after the last message.
 */
import { ageOn } from '../../../shared/identity.js';
import { EMPTY_RECORD, type RecordContent, type VisitType, type VisitView } from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { signDocument } from '../../platform/signing/index.js';
import { departmentFacts } from '../directory/directory.api.js';
import { patientProfiles } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { recordOnlineEncounter } from '../records/records.api.js';
import { completeAppointment } from '../scheduling/scheduling.api.js';
import { endOpenCalls } from './calls.service.js';
import { signerFor } from './record.service.js';
import { systemLines } from './system-lines.js';
import { followUpRequiresOfflineDiagnosis, mayDiagnose } from './visit.rules.js';
import { requireDoctor } from './visit-access.js';
import { viewOf } from './visit-queries.js';
import { lockedVisit, systemMessage, visitEvent } from './visit-store.js';
import { visitErrors } from './visits.errors.js';
import type { VisitsRuntime } from './visits.runtime.js';

/**
 * Completes the visit: the record must be complete for its type, then it is signed (SM2 over the SM3 of
 * the canonical document) and the visit ends; the chat stays open until 48 h after the last message.
 */
export async function completeVisit(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  visitId: string,
  actor: Actor,
): Promise<VisitView> {
  const message = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const v = await lockedVisit(trx, visitId);
    const me = await requireDoctor(trx, auth, v);
    if (v.status !== 'in_progress') throw visitErrors.visitNotInProgress('只能完成进行中的问诊。');
    const rec = await trx
      .selectFrom('medical_record')
      .selectAll()
      .where('visit_id', '=', visitId)
      .executeTakeFirst();
    const content = { ...EMPTY_RECORD, ...((rec?.content ?? {}) as Partial<RecordContent>) };
    const missing: string[] = [];
    if (!content.chiefComplaint) missing.push('主诉');
    if (mayDiagnose(v.type as VisitType) && content.diagnoses.length === 0) missing.push('诊断');
    if (!content.advice) missing.push('处理意见');
    if (missing.length > 0)
      throw visitErrors.recordIncomplete(`请先填写：${missing.join('、')}。`, { missing });
    if (v.type === 'follow_up' && !v.offline_diagnosis_id && !v.evidence_accepted_at)
      throw followUpRequiresOfflineDiagnosis('请先采纳患者上传的线下诊断资料（VISIT-2），再完成复诊。');
    const patient = (await patientProfiles(trx, [v.patient_id])).get(v.patient_id);
    const dept = (await departmentFacts(trx, [v.department_id])).get(v.department_id);
    if (!patient || !dept) throw errors.notFound('问诊的就诊人或科室');
    const { p, key } = await signerFor(ctx, trx, me, now);
    const document = {
      type: 'yunyi.internet-medical-record',
      version: 1,
      visitId,
      visitType: v.type,
      patient: {
        id: patient.id,
        name: patient.name,
        sex: patient.sex,
        age: patient.birthDate ? ageOn(patient.birthDate, now) : null,
      },
      doctor: { id: p.id, name: p.name, title: p.professionalTitle, licenceNo: p.licenceNo },
      institution: { id: dept.institutionId, name: dept.institutionName, department: dept.name },
      startedAt: v.started_at?.toISOString() ?? null,
      content,
      signedAt: now.toISOString(),
      certificateSerial: key.serial,
    };
    const signed = signDocument(ctx.cipher, key, document);
    await trx
      .insertInto('medical_record')
      .values({
        visit_id: visitId,
        practitioner_id: me,
        patient_id: v.patient_id,
        content: JSON.stringify(content),
        status: 'signed',
        updated_at: now,
        signed_at: now,
        signed_document: signed.document,
        content_hash: signed.contentHash,
        signature: signed.signature,
        certificate_serial: signed.certificateSerial,
      })
      .onConflict((oc) =>
        oc.column('visit_id').doUpdateSet({
          status: 'signed',
          updated_at: now,
          signed_at: now,
          signed_document: signed.document,
          content_hash: signed.contentHash,
          signature: signed.signature,
          certificate_serial: signed.certificateSerial,
        }),
      )
      .execute();
    const last = v.last_message_at && v.last_message_at > now ? v.last_message_at : now;
    await trx
      .updateTable('visit')
      .set({
        status: 'completed',
        completed_at: now,
        ended_at: now,
        chat_closes_at: new Date(Math.max(last.getTime(), now.getTime()) + ctx.config.visits.chatCloseMs),
      })
      .where('id', '=', visitId)
      .execute();
    if (v.appointment_id) await completeAppointment(trx, v.appointment_id);
    // The health archive ([6/12], REC-3): the visit as an online encounter with its diagnoses, same commit.
    await recordOnlineEncounter(
      trx,
      {
        visitId,
        patientId: v.patient_id,
        institutionId: v.institution_id,
        departmentId: v.department_id,
        practitionerId: me,
        startedAt: v.started_at ?? now,
        endedAt: now,
        reason: content.chiefComplaint || null,
        diagnoses: content.diagnoses,
      },
      now,
    );
    await visitEvent(trx, visitId, 'record_signed', actor, now, {
      contentHash: signed.contentHash,
      certificateSerial: signed.certificateSerial,
    });
    await visitEvent(trx, visitId, 'completed', actor, now);
    await endOpenCalls(trx, visitId, actor, now);
    const to = { accountId: v.requested_by, patientId: v.patient_id, refId: visitId };
    await notify(cmd, notices.visitCompleted(to, { doctorName: p.name }));
    await cmd.audit({
      action: 'record.sign',
      resourceType: 'medical_record',
      resourceId: visitId,
      patientId: v.patient_id,
      details: { contentHash: signed.contentHash },
    });
    return systemMessage(trx, visitId, systemLines.visitCompleted({ doctorName: p.name }), now);
  });
  rt.hub.publish(visitId, { type: 'message', visitId, message });
  rt.hub.publish(visitId, { type: 'visit', visitId, status: 'completed' });
  return viewOf(ctx, visitId);
}
