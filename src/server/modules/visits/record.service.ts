/**
 * 互联网诊疗病历 (REC-1, REC-2, SEC-4): the doctor's structured record, a draft while the visit is in
 * progress, signed with the doctor's SM2 key when the visit completes; afterwards immutable, corrected
 * only by signed addenda. Patients read it once signed (REC-3); the export verifies offline. Completing and
 * signing: complete-visit.service.ts.
 */
import {
  EMPTY_RECORD,
  type MedicalRecordView,
  type RecordContent,
  type VisitType,
} from '../../../shared/visits.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  caPublic,
  certificateBySerial,
  RECORD_FILE_FORMAT,
  type RecordFile,
  signDocument,
  signerOf,
} from '../../platform/signing/index.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { icd10Name } from './icd10.js';
import { followUpRequiresOfflineDiagnosis, mayDiagnose } from './visit.rules.js';
import { requireDoctor, requireParticipant } from './visit-access.js';
import { lockedVisit, visitEvent, visitKeys } from './visit-store.js';
import { visitErrors } from './visits.errors.js';

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
    if (c[key].length > FIELD_MAX) throw visitErrors.recordFieldTooLong(`每个栏目不超过 ${FIELD_MAX} 个字。`);
  }
  if (c.diagnoses.length > 0 && !mayDiagnose(type)) throw visitErrors.diagnosisNotAllowed();
  if (c.diagnoses.length > 0 && evidencePending)
    throw followUpRequiresOfflineDiagnosis(
      '患者上传的线下诊断资料尚未采纳：请先核对并采纳资料，确认是同一疾病的复诊后再下诊断（VISIT-2）。',
    );
  const seen = new Set<string>();
  c.diagnoses = c.diagnoses.map((d) => {
    const code = d.icd10.trim().toUpperCase();
    const name = icd10Name(code);
    if (!name) throw visitErrors.unknownIcd10(`“${d.icd10}”不在 ICD-10 目录中。`);
    if (seen.has(code)) throw visitErrors.duplicateDiagnosis(`诊断 ${code} 重复。`);
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
    .selectFrom('medical_record')
    .selectAll()
    .where('visit_id', '=', visitId)
    .executeTakeFirst();
  if (!r) return null;
  const doctor = (await practitionerProfiles(db, [r.practitioner_id])).get(r.practitioner_id);
  const addenda = await db
    .selectFrom('record_addendum')
    .selectAll()
    .where('visit_id', '=', visitId)
    .orderBy('signed_at')
    .execute();
  return toView(r, doctor?.name, addenda);
}

const notReady = () => visitErrors.recordNotReady();

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
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await lockedVisit(trx, visitId);
    const me = await requireDoctor(trx, auth, v);
    const existing = await trx
      .selectFrom('medical_record')
      .select(['status'])
      .where('visit_id', '=', visitId)
      .executeTakeFirst();
    if (existing?.status === 'signed') throw visitErrors.recordSigned();
    if (v.status !== 'in_progress') throw visitErrors.visitNotInProgress('接诊后才能书写病历。');
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
    await audit({
      action: 'record.save',
      resourceType: 'medical_record',
      resourceId: visitId,
      patientId: v.patient_id,
    });
  });
  return (await recordView(ctx.db, visitId))!;
}

/** The signing key of a practitioner (issued by the platform CA on first use) and the facts it names. */
export async function signerFor(ctx: AppContext, trx: Tx, practitionerId: string, now: Date) {
  const p = (await practitionerProfiles(trx, [practitionerId])).get(practitionerId);
  if (!p) throw errors.notFound('医生');
  const key = await signerOf(
    trx,
    ctx.cipher,
    { practitionerId: p.id, name: p.name, licenceNo: p.licenceNo, institution: p.institutionName },
    now,
  );
  return { p, key };
}

/** REC-2: corrections after signing are signed addenda; the record itself never changes. */
export async function addAddendum(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
  text: string,
  actor: Actor,
): Promise<MedicalRecordView> {
  const body = text.trim();
  if (!body) throw visitErrors.emptyAddendum();
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const v = await lockedVisit(trx, visitId);
    const me = await requireDoctor(trx, auth, v);
    const rec = await trx
      .selectFrom('medical_record')
      .select(['status', 'content_hash', 'practitioner_id'])
      .where('visit_id', '=', visitId)
      .executeTakeFirst();
    if (rec?.status !== 'signed') throw visitErrors.recordNotSigned();
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
    await audit({
      action: 'record.addendum',
      resourceType: 'medical_record',
      resourceId: visitId,
      patientId: v.patient_id,
    });
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
  const certificate = await certificateBySerial(ctx.db, r.certificate_serial!);
  if (!certificate) throw notReady();
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
    certificate,
    ca: ca!,
  };
}
