/**
 * Requesting an online visit, as named steps in one transaction: informed consent (VISIT-4), a real-name
 * patient the caller may act for (ID-1, ID-6; a minor only from a guardian's account), where the visit
 * goes (a booked online appointment, a chosen doctor, or a department's on-demand queue), the
 * practitioner's eligibility (ORG-1, ORG-2, ORG-5, PILOT-1, PILOT-2), the evidence of a follow-up (VISIT-1,
 * VISIT-2), the pictures attached, then the visit row, its order when it must be paid, its timeline
 * (VISIT-5) and its audit event.
 */
import { ageOn, shanghaiDate } from '../../../shared/identity.js';
import type {
  CreatedVisit,
  CreateVisitBody,
  VisitChannel,
  VisitStatus,
  VisitType,
} from '../../../shared/visits.js';
import { type Actor, systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { practitionerFacts } from '../directory/directory.api.js';
import { isActiveGuardian, patientCard, patientProfiles } from '../identity/identity.api.js';
import { identityErrors } from '../identity/identity.errors.js';
import { requirePatientAccess } from '../identity/patient-access.js';
import { createOrder, orderPaidAt } from '../payments/payments.api.js';
import { appointmentForVisit } from '../scheduling/scheduling.api.js';
import { checkDoctor, departmentOf } from './doctor-eligibility.js';
import { icd10Name } from './icd10.js';
import { onlineCount } from './presence.service.js';
import {
  doctorNotAvailable,
  followUpRequiresOfflineDiagnosis,
  guardianRequired,
  icdCategory,
  visitFeeFen,
} from './visit.rules.js';
import { visitEvent } from './visit-store.js';
import { visitErrors } from './visits.errors.js';

/** Booked visits enter the queue this long before their window opens. */
const QUEUE_OPENS_BEFORE_MS = 30 * 60_000;

const TYPE_WORDS: Record<VisitType, string> = {
  consultation: '在线咨询',
  follow_up: '互联网复诊',
  first_visit: '互联网首诊',
  nursing_consultation: '护理咨询',
};

export async function createVisit(
  ctx: AppContext,
  auth: AuthContext,
  input: CreateVisitBody,
  actor: Actor,
): Promise<CreatedVisit> {
  requireConsent(input);
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const patient = await patientFor(trx, auth, input.patientId, now);
    const target = await targetOf(trx, input, patient.id, now);
    const dept = await departmentOf(trx, target.departmentId);
    if (target.practitionerId)
      await checkDoctor(trx, target.type, target.practitionerId, dept.institutionId, dept.specialty, now);
    const condition = await conditionOf(trx, target.type, patient.id, input);
    const linkIds = await attachmentsToLink(trx, auth, input);

    const id = newId();
    const free = target.feeFen === 0;
    const paidNow = target.paidVia !== null || free;
    const queueOpensAt = target.paidVia?.queueOpensAt ?? now;
    const queueOpen = paidNow && queueOpensAt <= now;
    const status: VisitStatus = queueOpen ? 'waiting' : paidNow ? 'paid' : 'requested';
    await insertVisit(trx, {
      id,
      type: target.type,
      channel: target.channel,
      status,
      patient_id: patient.id,
      requested_by: auth.accountId,
      practitioner_id: target.practitionerId,
      institution_id: dept.institutionId,
      department_id: target.departmentId,
      appointment_id: input.appointmentId ?? null,
      condition_code: condition.code,
      condition_name: condition.name,
      description: input.description,
      fee_fen: target.feeFen,
      order_id: target.paidVia?.orderId ?? null,
      offline_diagnosis_id: condition.offlineDiagnosisId,
      evidence_attachment_id: condition.offlineDiagnosisId ? null : (input.evidenceAttachmentId ?? null),
      guardian_required: patient.minor,
      guardian_account_id: patient.guardianAccountId,
      consent_at: now,
      queue_opens_at: paidNow ? queueOpensAt : null,
      queued_at: queueOpen ? now : null,
      expires_at: queueOpen ? new Date(now.getTime() + ctx.config.visits.expiryMs) : null,
      paid_at: paidNow ? (target.paidVia?.paidAt ?? now) : null,
      created_at: now,
    });
    if (linkIds.length > 0)
      await trx.updateTable('attachment').set({ visit_id: id }).where('id', 'in', linkIds).execute();
    let orderId: string | undefined;
    if (!paidNow) {
      orderId = await createOrder(trx, {
        patientId: patient.id,
        accountId: auth.accountId,
        purpose: 'visit',
        refId: id,
        institutionId: dept.institutionId,
        description: `${TYPE_WORDS[target.type]}（${dept.name}）`,
        amountFen: target.feeFen,
        expiresAt: new Date(now.getTime() + ctx.config.visits.paymentHoldMs),
        now,
      });
      await trx.updateTable('visit').set({ order_id: orderId }).where('id', '=', id).execute();
    }
    await visitEvent(trx, id, 'created', actor, now, {
      type: target.type,
      channel: target.channel,
      feeFen: target.feeFen,
      consent: true,
      ...(condition.offlineDiagnosisId ? { evidence: 'offline_diagnosis' } : {}),
      ...(input.evidenceAttachmentId && !condition.offlineDiagnosisId ? { evidence: 'document' } : {}),
    });
    if (paidNow)
      await visitEvent(trx, id, 'paid', actor, now, { via: target.paidVia ? 'appointment' : 'free' });
    if (queueOpen) await visitEvent(trx, id, 'queued', systemActor, now);
    await audit({
      action: 'visit.create',
      resourceType: 'visit',
      resourceId: id,
      patientId: patient.id,
      details: {
        type: target.type,
        practitionerId: target.practitionerId,
        departmentId: target.departmentId,
        today: shanghaiDate(now),
      },
    });
    const anyOrder = orderId ?? target.paidVia?.orderId;
    return { id, status, ...(anyOrder ? { orderId: anyOrder } : {}) };
  });
}

/** VISIT-4: informed consent with risk disclosure before the service starts. */
function requireConsent(input: CreateVisitBody): void {
  if (input.consent !== true) throw visitErrors.consentRequired();
}

/**
 * ID-1: identity's code, with its one status (403). Requesting a visit answered 422 before [4/12], booking
 * 403; the refusal is the same, so it is now 403 here too.
 */
const realNameRequired = () => identityErrors.realNameRequired('互联网诊疗须以实名身份进行（ID-1）。');

/**
 * ID-1, ID-6: a real-name patient the caller may act for; a minor only from the account of an active
 * guardian proxy, who will have to confirm presence before the visit starts (PILOT-3).
 */
async function patientFor(trx: Tx, auth: AuthContext, patientId: string | undefined, now: Date) {
  const id = patientId ?? (await patientCard(trx, { accountId: auth.accountId }))?.id;
  if (!id) throw realNameRequired();
  const relation = await requirePatientAccess(trx, auth, id);
  const patient = (await patientProfiles(trx, [id])).get(id);
  if (!patient) throw errors.notFound('就诊人');
  if (!patient.verifiedAt && relation === 'self') throw realNameRequired();
  const minor = patient.birthDate ? ageOn(patient.birthDate, now) < 18 : false;
  if (!minor) return { id, minor, guardianAccountId: null };
  const guardian = relation === 'proxy' && (await isActiveGuardian(trx, auth.accountId, id));
  if (!guardian)
    throw guardianRequired(
      '未成年人的互联网问诊须由监护人在监护人账号中发起，并在问诊时陪同（ID-6, PILOT-3）。',
    );
  return { id, minor, guardianAccountId: auth.accountId };
}

interface Target {
  type: VisitType;
  channel: VisitChannel;
  practitionerId: string | null;
  departmentId: string;
  feeFen: number;
  /** Set when the visit comes from an appointment paid at booking. */
  paidVia: { orderId: string | null; paidAt: Date; queueOpensAt: Date } | null;
}

/** Where the visit goes: a booked online appointment, a chosen doctor, or a department's on-demand queue. */
async function targetOf(trx: Tx, input: CreateVisitBody, patientId: string, now: Date): Promise<Target> {
  const channel = input.channel ?? 'text';
  if (input.appointmentId) return bookedTarget(trx, input, input.appointmentId, patientId, now);
  if (input.doctorId) {
    const p = await practitionerFacts(trx, input.doctorId);
    if (!p) throw errors.notFound('医生');
    return {
      type: input.type,
      channel,
      practitionerId: p.id,
      departmentId: input.departmentId ?? p.departmentId,
      feeFen: visitFeeFen(input.type, p.title),
      paidVia: null,
    };
  }
  if (input.departmentId) {
    if (input.type === 'first_visit') throw visitErrors.doctorRequired();
    if ((await onlineCount(trx, input.departmentId)) === 0) throw doctorNotAvailable('offline');
    return {
      type: input.type,
      channel,
      practitionerId: null,
      departmentId: input.departmentId,
      feeFen: visitFeeFen(input.type, 'attending'),
      paidVia: null,
    };
  }
  throw visitErrors.targetRequired();
}

/** A confirmed online appointment of this patient, paid at booking: its doctor, fee, mode and window. */
async function bookedTarget(
  trx: Tx,
  input: CreateVisitBody,
  appointmentId: string,
  patientId: string,
  now: Date,
): Promise<Target> {
  const a = await appointmentForVisit(trx, appointmentId);
  if (!a || a.patientId !== patientId) throw errors.notFound('预约');
  if (a.mode === 'offline') throw visitErrors.notAnOnlineAppointment();
  if (a.status !== 'confirmed') throw visitErrors.appointmentNotConfirmed();
  const paidAt = a.orderId ? await orderPaidAt(trx, a.orderId) : null;
  return {
    type: a.mode === 'online_first_visit' ? 'first_visit' : input.type,
    channel: a.mode === 'video' ? 'video' : (input.channel ?? 'text'),
    practitionerId: a.practitionerId,
    departmentId: a.departmentId,
    feeFen: a.feeFen,
    paidVia: {
      orderId: a.orderId,
      paidAt: paidAt ?? now,
      queueOpensAt: new Date(a.windowStart.getTime() - QUEUE_OPENS_BEFORE_MS),
    },
  };
}

/**
 * VISIT-1, VISIT-2: the condition, checked against the ICD-10 catalogue; a follow-up rests on an offline
 * diagnosis of the same condition (ICD-10 category) at a physical institution, or on a document the
 * doctor will have to accept.
 */
async function conditionOf(trx: Tx, type: VisitType, patientId: string, input: CreateVisitBody) {
  let code = input.conditionCode?.trim().toUpperCase() || null;
  let name = code ? (icd10Name(code) ?? null) : null;
  if (code && !name && !/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/.test(code))
    throw visitErrors.unknownIcd10(`“${code}”不是有效的 ICD-10 编码。`);
  let offlineDiagnosisId: string | null = null;
  if (type === 'follow_up') {
    const dx = code ? await offlineDiagnosisFor(trx, patientId, code) : null;
    if (dx) {
      offlineDiagnosisId = dx.id;
      code ??= dx.icd10;
      name = name ?? dx.name;
    } else if (!input.evidenceAttachmentId) {
      throw followUpRequiresOfflineDiagnosis();
    }
  }
  return { code, name, offlineDiagnosisId };
}

/** VISIT-1: an offline diagnosis of the same condition (ICD-10 category) at a physical institution. */
async function offlineDiagnosisFor(db: Executor, patientId: string, code: string) {
  // Every offline diagnosis names its institution (a foreign key): one made at a physical institution.
  const rows = await db
    .selectFrom('offline_diagnosis')
    .select(['id', 'icd10', 'name', 'diagnosed_at'])
    .where('patient_id', '=', patientId)
    .orderBy('diagnosed_at', 'desc')
    .execute();
  return rows.find((r) => icdCategory(r.icd10) === icdCategory(code)) ?? null;
}

/** The caller's own unused images (the request's pictures and the evidence document), to link to the visit. */
async function attachmentsToLink(trx: Tx, auth: AuthContext, input: CreateVisitBody): Promise<string[]> {
  const attachmentIds = [...new Set(input.attachmentIds ?? [])];
  const linkIds = input.evidenceAttachmentId ? [...attachmentIds, input.evidenceAttachmentId] : attachmentIds;
  if (linkIds.length === 0) return linkIds;
  const mine = await trx
    .selectFrom('attachment')
    .select(['id', 'mime'])
    .where('id', 'in', linkIds)
    .where('uploaded_by', '=', auth.accountId)
    .where('visit_id', 'is', null)
    .execute();
  if (mine.length !== new Set(linkIds).size || mine.some((a) => !a.mime.startsWith('image/')))
    throw visitErrors.attachmentNotFound('所附图片不存在、不是图片，或已用于其他问诊。');
  return linkIds;
}

type NewVisit = {
  id: string;
  type: VisitType;
  channel: VisitChannel;
  status: VisitStatus;
  patient_id: string;
  requested_by: string;
  practitioner_id: string | null;
  institution_id: string;
  department_id: string;
  appointment_id: string | null;
  condition_code: string | null;
  condition_name: string | null;
  description: string;
  fee_fen: number;
  order_id: string | null;
  offline_diagnosis_id: string | null;
  evidence_attachment_id: string | null;
  guardian_required: boolean;
  guardian_account_id: string | null;
  consent_at: Date;
  queue_opens_at: Date | null;
  queued_at: Date | null;
  expires_at: Date | null;
  paid_at: Date | null;
  created_at: Date;
};

/** The visit row; the open-visit unique index refuses a second open visit with the same doctor or queue. */
async function insertVisit(trx: Tx, v: NewVisit): Promise<void> {
  await mapUniqueViolation(
    trx
      .insertInto('visit')
      .values({
        ...v,
        evidence_accepted_at: null,
        guardian_confirmed_at: null,
        started_at: null,
        completed_at: null,
        ended_at: null,
        last_message_at: null,
        chat_closes_at: null,
        chat_closed_at: null,
        cancel_reason: null,
        refer_reason: null,
        refer_recommendation: null,
        rating_stars: null,
        rating_comment: null,
        rated_at: null,
      })
      .execute(),
    visitErrors.duplicateVisit(),
  );
}
