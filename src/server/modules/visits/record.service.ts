/**
 * 互联网诊疗病历 (REC-1, REC-2, SEC-4): the doctor's structured record, a draft while the visit is in
 * progress, signed with the doctor's SM2 key when the visit completes; afterwards immutable, corrected
 * only by signed addenda. Patients read it once signed (REC-3); the export verifies offline.
 */
import { ageOn } from '../../../shared/identity.js';
import {
  EMPTY_RECORD,
  type MedicalRecordView,
  type RecordContent,
  type VisitType,
  type VisitView,
} from '../../../shared/visits.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { AfterCommit, notify } from '../notifications/notification.service.js';
import { endOpenCalls } from './calls.service.js';
import { icd10Name } from './icd10.js';
import {
  type Certificate,
  caPublic,
  RECORD_FILE_FORMAT,
  type RecordFile,
  signDocument,
  signerOf,
} from './signing.js';
import { followUpRequiresOfflineDiagnosis, mayDiagnose } from './visit.rules.js';
import { requireDoctor, requireParticipant } from './visit-access.js';
import { lockedVisit, systemMessage, visitEvent, visitKeys, visitViews } from './visit-store.js';
import type { VisitsRuntime } from './visits.service.js';

const FIELD_MAX = 4000;

/** Checks and normalises what the doctor wrote; VISIT-6: no diagnosis in a consultation. */
function cleanContent(
  input: Partial<RecordContent>,
  type: VisitType,
  evidencePending: boolean,
): RecordContent {
  const c: RecordContent = { ...EMPTY_RECORD, ...input, diagnoses: [...(input.diagnoses ?? [])] };
  for (const key of [
    'chiefComplaint',
    'presentIllness',
    'pastHistory',
    'allergies',
    'onlineObservation',
    'advice',
  ] as const) {
    c[key] = (c[key] ?? '').trim();
    if (c[key].length > FIELD_MAX)
      throw new AppError(422, 'RECORD_FIELD_TOO_LONG', '病历内容过长', `每个栏目不超过 ${FIELD_MAX} 个字。`);
  }
  if (c.diagnoses.length > 0 && !mayDiagnose(type))
    throw new AppError(
      422,
      'DIAGNOSIS_NOT_ALLOWED',
      '咨询不能下诊断',
      '在线咨询只提供健康建议，不能作出诊断（VISIT-6）；如需诊断请转为复诊或线下就诊。',
    );
  if (c.diagnoses.length > 0 && evidencePending)
    throw followUpRequiresOfflineDiagnosis(
      '患者上传的线下诊断资料尚未采纳：请先核对并采纳资料，确认是同一疾病的复诊后再下诊断（VISIT-2）。',
    );
  const seen = new Set<string>();
  c.diagnoses = c.diagnoses.map((d) => {
    const code = d.icd10.trim().toUpperCase();
    const name = icd10Name(code);
    if (!name) throw new AppError(422, 'UNKNOWN_ICD10', '疾病编码不正确', `“${d.icd10}”不在 ICD-10 目录中。`);
    if (seen.has(code)) throw new AppError(422, 'DUPLICATE_DIAGNOSIS', '诊断重复', `诊断 ${code} 重复。`);
    seen.add(code);
    return { icd10: code, name: d.name?.trim() || name };
  });
  return c;
}

function toView(
  r: {
    visit_id: string;
    status: string;
    content: Record<string, unknown>;
    updated_at: Date;
    signed_at: Date | null;
    content_hash: string | null;
    signature: string | null;
    certificate_serial: string | null;
  },
  doctorName: string | undefined,
  addenda: { id: string; text: string; signed_at: Date; signature: string; content_hash: string }[],
): MedicalRecordView {
  return {
    visitId: r.visit_id,
    status: r.status as 'draft' | 'signed',
    content: { ...EMPTY_RECORD, ...(r.content as Partial<RecordContent>) },
    updatedAt: r.updated_at.toISOString(),
    ...(r.signed_at ? { signedAt: r.signed_at.toISOString() } : {}),
    ...(r.content_hash ? { contentHash: r.content_hash } : {}),
    ...(r.signature ? { signature: r.signature } : {}),
    ...(doctorName ? { doctorName } : {}),
    ...(r.certificate_serial ? { certificateSerial: r.certificate_serial } : {}),
    addenda: addenda.map((a) => ({
      id: a.id,
      text: a.text,
      signedAt: a.signed_at.toISOString(),
      signature: a.signature,
      contentHash: a.content_hash,
    })),
  };
}

async function recordView(db: Executor, visitId: string): Promise<MedicalRecordView | null> {
  const r = await db
    .selectFrom('medical_record as r')
    .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
    .selectAll('r')
    .select('p.name as doctor_name')
    .where('r.visit_id', '=', visitId)
    .executeTakeFirst();
  if (!r) return null;
  const addenda = await db
    .selectFrom('record_addendum')
    .selectAll()
    .where('visit_id', '=', visitId)
    .orderBy('signed_at')
    .execute();
  return toView(r, r.doctor_name, addenda);
}

const notReady = () =>
  new AppError(404, 'RECORD_NOT_READY', '病历尚未完成', '医生完成并签署后即可查看病历。');

export async function getRecord(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  actor: Actor,
): Promise<MedicalRecordView> {
  const v = await visitKeys(ctx.db, visitId);
  if (!v) throw errors.notFound('问诊');
  const role = await requireParticipant(ctx.db, auth, v);
  const view = await recordView(ctx.db, visitId);
  if (role === 'patient' && view?.status !== 'signed') throw notReady();
  await recordAudit(
    ctx.db,
    actor,
    { action: 'record.read', resourceType: 'medical_record', resourceId: visitId, patientId: v.patient_id },
    ctx.clock.now(),
  );
  return (
    view ?? {
      visitId,
      status: 'draft',
      content: EMPTY_RECORD,
      updatedAt: ctx.clock.now().toISOString(),
      addenda: [],
    }
  );
}

/** REC-2: every save is authenticated and audited; a signed record is refused. */
export async function saveRecord(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  input: Partial<RecordContent>,
  actor: Actor,
): Promise<MedicalRecordView> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, visitId);
    const me = await requireDoctor(trx, auth, v);
    const existing = await trx
      .selectFrom('medical_record')
      .select(['status'])
      .where('visit_id', '=', visitId)
      .executeTakeFirst();
    if (existing?.status === 'signed')
      throw new AppError(
        409,
        'RECORD_SIGNED',
        '病历已签名',
        '已签名的病历不能修改，如需更正请添加补充记录（REC-2）。',
      );
    if (v.status !== 'in_progress')
      throw new AppError(409, 'VISIT_NOT_IN_PROGRESS', '问诊未在进行中', '接诊后才能书写病历。');
    const evidencePending = v.type === 'follow_up' && !v.offline_diagnosis_id && !v.evidence_accepted_at;
    const content = cleanContent(input, v.type as VisitType, evidencePending);
    await trx
      .insertInto('medical_record')
      .values({
        visit_id: visitId,
        practitioner_id: me,
        patient_id: v.patient_id,
        content: JSON.stringify(content),
        status: 'draft',
        updated_at: now,
        signed_at: null,
        signed_document: null,
        content_hash: null,
        signature: null,
        certificate_serial: null,
      })
      .onConflict((oc) =>
        oc.column('visit_id').doUpdateSet({ content: JSON.stringify(content), updated_at: now }),
      )
      .execute();
    await visitEvent(trx, visitId, 'record_saved', actor, now, {
      diagnoses: content.diagnoses.map((d) => d.icd10),
    });
    await recordAudit(
      trx,
      actor,
      { action: 'record.save', resourceType: 'medical_record', resourceId: visitId, patientId: v.patient_id },
      now,
    );
  });
  return (await recordView(ctx.db, visitId))!;
}

async function signerFor(ctx: AppContext, trx: Tx, practitionerId: string, now: Date) {
  const p = await trx
    .selectFrom('practitioner as p')
    .innerJoin('institution as i', 'i.id', 'p.institution_id')
    .select(['p.id', 'p.name', 'p.licence_no', 'p.professional_title', 'i.name as institution'])
    .where('p.id', '=', practitionerId)
    .executeTakeFirstOrThrow();
  const key = await signerOf(
    trx,
    ctx.cipher,
    { practitionerId: p.id, name: p.name, licenceNo: p.licence_no, institution: p.institution },
    now,
  );
  return { p, key };
}

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
  const now = ctx.clock.now();
  const after = new AfterCommit();
  const message = await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, visitId);
    const me = await requireDoctor(trx, auth, v);
    if (v.status !== 'in_progress')
      throw new AppError(409, 'VISIT_NOT_IN_PROGRESS', '问诊未在进行中', '只能完成进行中的问诊。');
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
      throw new AppError(422, 'RECORD_INCOMPLETE', '病历未完成', `请先填写：${missing.join('、')}。`, {
        missing,
      });
    if (v.type === 'follow_up' && !v.offline_diagnosis_id && !v.evidence_accepted_at)
      throw followUpRequiresOfflineDiagnosis('请先采纳患者上传的线下诊断资料（VISIT-2），再完成复诊。');
    const patient = await trx
      .selectFrom('patient')
      .select(['id', 'name', 'sex', 'birth_date'])
      .where('id', '=', v.patient_id)
      .executeTakeFirstOrThrow();
    const dept = await trx
      .selectFrom('department as d')
      .innerJoin('institution as i', 'i.id', 'd.institution_id')
      .select(['d.name as department', 'i.name as institution', 'i.id as institution_id'])
      .where('d.id', '=', v.department_id)
      .executeTakeFirstOrThrow();
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
        age: patient.birth_date ? ageOn(String(patient.birth_date), now) : null,
      },
      doctor: { id: p.id, name: p.name, title: p.professional_title, licenceNo: p.licence_no },
      institution: { id: dept.institution_id, name: dept.institution, department: dept.department },
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
    if (v.appointment_id)
      await trx
        .updateTable('appointment')
        .set({ status: 'completed' })
        .where('id', '=', v.appointment_id)
        .where('status', 'in', ['confirmed', 'checked_in'])
        .execute();
    await visitEvent(trx, visitId, 'record_signed', actor, now, {
      contentHash: signed.contentHash,
      certificateSerial: signed.certificateSerial,
    });
    await visitEvent(trx, visitId, 'completed', actor, now);
    await endOpenCalls(trx, visitId, actor, now);
    await notify(
      ctx,
      trx,
      {
        accountId: v.requested_by,
        patientId: v.patient_id,
        kind: 'paid',
        title: '问诊已完成',
        body: `${p.name}医生已完成诊疗并签署病历，可在“我的问诊”中查看。`,
        refType: 'visit',
        refId: visitId,
      },
      after,
    );
    await recordAudit(
      trx,
      actor,
      {
        action: 'record.sign',
        resourceType: 'medical_record',
        resourceId: visitId,
        patientId: v.patient_id,
        details: { contentHash: signed.contentHash },
      },
      now,
    );
    return systemMessage(trx, visitId, `${p.name}医生已完成诊疗并签署病历。`, now);
  });
  await after.run((err) => ctx.log.error({ err }, 'after-commit task failed'));
  rt.hub.publish(visitId, { type: 'message', visitId, message });
  rt.hub.publish(visitId, { type: 'visit', visitId, status: 'completed' });
  const [view] = await visitViews(ctx.db, (q) => q.where('v.id', '=', visitId), ctx.clock.now());
  return view!;
}

/** REC-2: corrections after signing are signed addenda; the record itself never changes. */
export async function addAddendum(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  text: string,
  actor: Actor,
): Promise<MedicalRecordView> {
  const now = ctx.clock.now();
  const body = text.trim();
  if (!body) throw new AppError(422, 'EMPTY_ADDENDUM', '补充内容为空', '请填写补充记录的内容。');
  await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, visitId);
    const me = await requireDoctor(trx, auth, v);
    const rec = await trx
      .selectFrom('medical_record')
      .select(['status', 'content_hash', 'practitioner_id'])
      .where('visit_id', '=', visitId)
      .executeTakeFirst();
    if (rec?.status !== 'signed')
      throw new AppError(409, 'RECORD_NOT_SIGNED', '病历尚未签名', '病历签名前请直接修改病历。');
    const { key } = await signerFor(ctx, trx, me, now);
    const id = newId();
    const signed = signDocument(ctx.cipher, key, {
      type: 'yunyi.record-addendum',
      version: 1,
      id,
      visitId,
      amends: rec.content_hash,
      text: body,
      practitionerId: me,
      signedAt: now.toISOString(),
      certificateSerial: key.serial,
    });
    await trx
      .insertInto('record_addendum')
      .values({
        id,
        visit_id: visitId,
        practitioner_id: me,
        text: body,
        signed_at: now,
        signed_document: signed.document,
        content_hash: signed.contentHash,
        signature: signed.signature,
        certificate_serial: signed.certificateSerial,
      })
      .execute();
    await visitEvent(trx, visitId, 'addendum_signed', actor, now, { addendumId: id });
    await recordAudit(
      trx,
      actor,
      {
        action: 'record.addendum',
        resourceType: 'medical_record',
        resourceId: visitId,
        patientId: v.patient_id,
      },
      now,
    );
  });
  return (await recordView(ctx.db, visitId))!;
}

/** The signed-record file (`verify-record` checks it offline with the doctor's certificate). */
export async function exportRecord(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  actor: Actor,
): Promise<RecordFile> {
  const v = await visitKeys(ctx.db, visitId);
  if (!v) throw errors.notFound('问诊');
  await requireParticipant(ctx.db, auth, v);
  const r = await ctx.db
    .selectFrom('medical_record')
    .selectAll()
    .where('visit_id', '=', visitId)
    .executeTakeFirst();
  if (r?.status !== 'signed' || !r.signed_document) throw notReady();
  const key = await ctx.db
    .selectFrom('signing_key')
    .select('certificate')
    .where('serial', '=', r.certificate_serial!)
    .executeTakeFirstOrThrow();
  const addenda = await ctx.db
    .selectFrom('record_addendum')
    .selectAll()
    .where('visit_id', '=', visitId)
    .orderBy('signed_at')
    .execute();
  const ca = await caPublic(ctx.db);
  await recordAudit(
    ctx.db,
    actor,
    { action: 'record.export', resourceType: 'medical_record', resourceId: visitId, patientId: v.patient_id },
    ctx.clock.now(),
  );
  return {
    format: RECORD_FILE_FORMAT,
    record: {
      document: r.signed_document,
      contentHash: r.content_hash!,
      signature: r.signature!,
      certificateSerial: r.certificate_serial!,
    },
    addenda: addenda.map((a) => ({
      document: a.signed_document,
      contentHash: a.content_hash,
      signature: a.signature,
      certificateSerial: a.certificate_serial,
    })),
    certificate: key.certificate as unknown as Certificate,
    ca: ca!,
  };
}

/** What the doctor sees of the patient: offline diagnoses and earlier signed records at this institution. */
export async function patientHistory(ctx: AppContext, auth: AuthContext, visitId: string, actor: Actor) {
  const v = await visitKeys(ctx.db, visitId);
  if (!v) throw errors.notFound('问诊');
  await requireDoctor(ctx.db, auth, v);
  const offline = await ctx.db
    .selectFrom('offline_diagnosis as dx')
    .innerJoin('institution as i', 'i.id', 'dx.institution_id')
    .leftJoin('department as d', 'd.id', 'dx.department_id')
    .leftJoin('practitioner as p', 'p.id', 'dx.practitioner_id')
    .select([
      'dx.id',
      'dx.icd10',
      'dx.name',
      'dx.diagnosed_at',
      'dx.source',
      'i.name as institution_name',
      'd.name as department_name',
      'p.name as doctor_name',
    ])
    .where('dx.patient_id', '=', v.patient_id)
    .orderBy('dx.diagnosed_at', 'desc')
    .execute();
  const records = await ctx.db
    .selectFrom('medical_record as r')
    .innerJoin('visit as vv', 'vv.id', 'r.visit_id')
    .innerJoin('practitioner as p', 'p.id', 'r.practitioner_id')
    .select(['r.visit_id', 'r.signed_at', 'r.content', 'p.name as doctor_name', 'vv.type'])
    .where('r.patient_id', '=', v.patient_id)
    .where('r.status', '=', 'signed')
    .where('vv.institution_id', '=', v.institution_id)
    .where('r.visit_id', '<>', visitId)
    .orderBy('r.signed_at', 'desc')
    .limit(50)
    .execute();
  await recordAudit(
    ctx.db,
    actor,
    { action: 'patient.history.read', resourceType: 'visit', resourceId: visitId, patientId: v.patient_id },
    ctx.clock.now(),
  );
  return {
    offlineDiagnoses: offline.map((d) => ({
      id: d.id,
      icd10: d.icd10,
      name: d.name,
      diagnosedAt: String(d.diagnosed_at),
      source: d.source,
      institutionName: d.institution_name,
      ...(d.department_name ? { departmentName: d.department_name } : {}),
      ...(d.doctor_name ? { doctorName: d.doctor_name } : {}),
    })),
    records: records.map((r) => ({
      visitId: r.visit_id,
      type: r.type,
      signedAt: r.signed_at!.toISOString(),
      doctorName: r.doctor_name,
      chiefComplaint: String((r.content as Partial<RecordContent>).chiefComplaint ?? ''),
      diagnoses: (r.content as Partial<RecordContent>).diagnoses ?? [],
      advice: String((r.content as Partial<RecordContent>).advice ?? ''),
    })),
  };
}
