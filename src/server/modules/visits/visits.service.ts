/**
 * Online visits: eligibility (VISIT-1, VISIT-6, PILOT-1..3, ORG-1, ORG-2, ORG-5, ID-6), the lifecycle
 * requested → paid → waiting → in_progress → completed, with cancelled, expired and referred_offline
 * (VISIT-3), and the payments hook. Every change writes its timeline event and audit event in its own
 * transaction (VISIT-5); pushes and SMS go out after the commit.
 */
import { ageOn, shanghaiDate } from '../../../shared/identity.js';
import type { VisitChannel, VisitRecommendation, VisitType, VisitView } from '../../../shared/visits.js';
import { type Actor, recordAudit, systemActor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ownPatientId, requirePatientAccess } from '../identity/patient-access.js';
import { AfterCommit, notify } from '../notifications/notification.service.js';
import {
  closeOrder,
  createOrder,
  type OrderHooks,
  type OrderRow,
  type Payments,
  recordRefund,
  submitRefunds,
} from '../payments/payment.service.js';
import { shanghaiInstant } from '../scheduling/schedule.rules.js';
import { releaseToken } from '../scheduling/waitlist.service.js';
import { endOpenCalls } from './calls.service.js';
import type { VisitHub } from './hub.js';
import { icd10Name } from './icd10.js';
import { doctorFacts, firstVisitRefusal, onlineCount } from './pilot.service.js';
import {
  canMove,
  doctorNotAvailable,
  doctorRefusal,
  firstVisitNotAllowed,
  followUpRequiresOfflineDiagnosis,
  guardianRequired,
  icdCategory,
  referRefundFen,
  visitFeeFen,
} from './visit.rules.js';
import {
  notParticipant,
  participantRole,
  requireDoctor,
  requirePatientSide,
  type VisitKeys,
  viewerRole,
} from './visit-access.js';
import {
  lockedVisit,
  systemMessage,
  type VisitQuery,
  visitEvent,
  visitKeys,
  visitViews,
} from './visit-store.js';

export interface VisitsRuntime {
  hub: VisitHub;
  payments: Payments;
}

/** Booked visits enter the queue this long before their window opens. */
const QUEUE_OPENS_BEFORE_MS = 30 * 60_000;

export interface CreateVisitInput {
  type: VisitType;
  doctorId?: string;
  departmentId?: string;
  appointmentId?: string;
  patientId?: string;
  conditionCode?: string;
  description: string;
  channel?: VisitChannel;
  attachmentIds?: string[];
  evidenceAttachmentId?: string;
  consent?: boolean;
}

const notFoundVisit = () => errors.notFound('问诊');

async function loadKeys(db: Executor, id: string, lock = false): Promise<VisitKeys> {
  const v = await visitKeys(db, id, lock);
  if (!v) throw notFoundVisit();
  return v;
}

function conflict(code: string, title: string, detail: string) {
  return new AppError(409, code, title, detail);
}

/** The eligibility of the doctor for this visit type at this institution × specialty (checked twice). */
async function checkDoctor(
  db: Executor,
  type: VisitType,
  practitionerId: string,
  institutionId: string,
  specialty: string,
  now: Date,
): Promise<void> {
  const facts = await doctorFacts(db, practitionerId, institutionId, now);
  if (!facts) throw errors.notFound('医生');
  const refusal = doctorRefusal(facts, type);
  if (refusal) throw doctorNotAvailable(refusal);
  if (type === 'first_visit') {
    const r = await firstVisitRefusal(db, facts, practitionerId, institutionId, specialty, now);
    if (r) throw firstVisitNotAllowed(r);
  }
}

/** VISIT-1: an offline diagnosis of the same condition (ICD-10 category) at a physical institution. */
async function offlineDiagnosisFor(db: Executor, patientId: string, code: string) {
  const rows = await db
    .selectFrom('offline_diagnosis as dx')
    .innerJoin('institution as i', 'i.id', 'dx.institution_id')
    .select(['dx.id', 'dx.icd10', 'dx.name', 'dx.diagnosed_at'])
    .where('dx.patient_id', '=', patientId)
    .orderBy('dx.diagnosed_at', 'desc')
    .execute();
  return rows.find((r) => icdCategory(r.icd10) === icdCategory(code)) ?? null;
}

async function specialtyOf(db: Executor, departmentId: string) {
  const d = await db
    .selectFrom('department')
    .select(['id', 'institution_id', 'specialty', 'name'])
    .where('id', '=', departmentId)
    .executeTakeFirst();
  if (!d) throw errors.notFound('科室');
  return d;
}

export async function createVisit(
  ctx: AppContext,
  auth: AuthContext,
  input: CreateVisitInput,
  actor: Actor,
): Promise<{ id: string; status: string; orderId?: string }> {
  if (input.consent !== true)
    throw new AppError(
      422,
      'CONSENT_REQUIRED',
      '请先阅读并同意知情同意书',
      '开始互联网诊疗前须知情同意并确认风险告知（VISIT-4）。',
    );
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const after = new AfterCommit();
  const result = await ctx.db.transaction().execute(async (trx) => {
    // ID-1, ID-6: a real-name patient the caller may act for.
    const patientId = input.patientId ?? (await ownPatientId(trx, auth.accountId));
    if (!patientId)
      throw new AppError(
        422,
        'REAL_NAME_REQUIRED',
        '请先完成实名认证',
        '互联网诊疗须以实名身份进行（ID-1）。',
      );
    const relation = await requirePatientAccess(trx, auth, patientId);
    const patient = await trx
      .selectFrom('patient')
      .select(['id', 'name', 'birth_date', 'verified_at'])
      .where('id', '=', patientId)
      .executeTakeFirstOrThrow();
    if (!patient.verified_at && relation === 'self')
      throw new AppError(
        422,
        'REAL_NAME_REQUIRED',
        '请先完成实名认证',
        '互联网诊疗须以实名身份进行（ID-1）。',
      );
    const minor = patient.birth_date ? ageOn(String(patient.birth_date), now) < 18 : false;
    let guardianAccount: string | null = null;
    if (minor) {
      const proxy =
        relation === 'proxy'
          ? await trx
              .selectFrom('family_proxy')
              .select('is_guardian')
              .where('proxy_account_id', '=', auth.accountId)
              .where('patient_id', '=', patientId)
              .where('status', '=', 'active')
              .executeTakeFirst()
          : undefined;
      if (!proxy?.is_guardian)
        throw guardianRequired(
          '未成年人的互联网问诊须由监护人在监护人账号中发起，并在问诊时陪同（ID-6, PILOT-3）。',
        );
      guardianAccount = auth.accountId;
    }

    // Where the visit goes: a booked appointment, a chosen doctor, or a department's on-demand queue.
    let practitionerId: string | null = null;
    let departmentId: string;
    let feeFen: number;
    let channel: VisitChannel = input.channel ?? 'text';
    let type = input.type;
    let paidVia: { orderId: string | null; paidAt: Date; queueOpensAt: Date } | null = null;
    if (input.appointmentId) {
      const a = await trx
        .selectFrom('appointment as a')
        .innerJoin('schedule as s', 's.id', 'a.schedule_id')
        .leftJoin('payment_order as o', 'o.id', 'a.order_id')
        .select([
          'a.id',
          'a.patient_id',
          'a.status',
          'a.practitioner_id',
          'a.fee_fen',
          'a.order_id',
          'a.window_start',
          's.department_id',
          's.mode',
          'o.paid_at',
        ])
        .where('a.id', '=', input.appointmentId)
        .executeTakeFirst();
      if (!a || a.patient_id !== patientId) throw errors.notFound('预约');
      if (a.mode === 'offline')
        throw new AppError(
          422,
          'NOT_AN_ONLINE_APPOINTMENT',
          '不是线上号源',
          '该预约是线下门诊，请按时到院就诊。',
        );
      if (a.status !== 'confirmed')
        throw conflict('APPOINTMENT_NOT_CONFIRMED', '预约未确认', '预约支付完成后才能进入线上问诊。');
      practitionerId = a.practitioner_id;
      departmentId = a.department_id;
      feeFen = a.fee_fen;
      if (a.mode === 'video') channel = 'video';
      if (a.mode === 'online_first_visit') type = 'first_visit';
      paidVia = {
        orderId: a.order_id,
        paidAt: a.paid_at ?? now,
        queueOpensAt: new Date(a.window_start.getTime() - QUEUE_OPENS_BEFORE_MS),
      };
    } else if (input.doctorId) {
      const p = await trx
        .selectFrom('practitioner')
        .select(['id', 'department_id', 'title'])
        .where('id', '=', input.doctorId)
        .executeTakeFirst();
      if (!p) throw errors.notFound('医生');
      practitionerId = p.id;
      departmentId = input.departmentId ?? p.department_id;
      feeFen = visitFeeFen(type, p.title);
    } else if (input.departmentId) {
      if (type === 'first_visit')
        throw new AppError(
          422,
          'DOCTOR_REQUIRED',
          '请选择医生',
          '互联网首诊须选择白名单内的医生（PILOT-2）。',
        );
      departmentId = input.departmentId;
      if ((await onlineCount(trx, departmentId)) === 0) throw doctorNotAvailable('offline');
      feeFen = visitFeeFen(type, 'attending');
    } else {
      throw new AppError(422, 'TARGET_REQUIRED', '请选择医生或科室', '请指定医生、科室或线上预约。');
    }
    const dept = await specialtyOf(trx, departmentId);
    if (practitionerId)
      await checkDoctor(trx, type, practitionerId, dept.institution_id, dept.specialty, now);

    // VISIT-1, VISIT-2: a follow-up rests on an offline diagnosis of the same condition, or a document.
    let offlineDiagnosisId: string | null = null;
    let conditionCode = input.conditionCode?.trim().toUpperCase() || null;
    let conditionName = conditionCode ? (icd10Name(conditionCode) ?? null) : null;
    if (conditionCode && !conditionName && !/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/.test(conditionCode))
      throw new AppError(
        422,
        'UNKNOWN_ICD10',
        '疾病编码不正确',
        `“${conditionCode}”不是有效的 ICD-10 编码。`,
      );
    if (type === 'follow_up') {
      const dx = conditionCode ? await offlineDiagnosisFor(trx, patientId, conditionCode) : null;
      if (dx) {
        offlineDiagnosisId = dx.id;
        conditionCode ??= dx.icd10;
        conditionName = conditionName ?? dx.name;
      } else if (!input.evidenceAttachmentId) {
        throw followUpRequiresOfflineDiagnosis();
      }
    }
    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    const linkIds = input.evidenceAttachmentId
      ? [...attachmentIds, input.evidenceAttachmentId]
      : attachmentIds;
    if (linkIds.length > 0) {
      const mine = await trx
        .selectFrom('attachment')
        .select(['id', 'mime'])
        .where('id', 'in', linkIds)
        .where('uploaded_by', '=', auth.accountId)
        .where('visit_id', 'is', null)
        .execute();
      if (mine.length !== new Set(linkIds).size || mine.some((a) => !a.mime.startsWith('image/')))
        throw new AppError(
          422,
          'ATTACHMENT_NOT_FOUND',
          '图片无效',
          '所附图片不存在、不是图片，或已用于其他问诊。',
        );
    }

    const id = newId();
    const free = feeFen === 0;
    const paidNow = paidVia !== null || free;
    const queueOpensAt = paidVia?.queueOpensAt ?? now;
    const queueOpen = paidNow && queueOpensAt <= now;
    try {
      await trx
        .insertInto('visit')
        .values({
          id,
          type,
          channel,
          status: queueOpen ? 'waiting' : paidNow ? 'paid' : 'requested',
          patient_id: patientId,
          requested_by: auth.accountId,
          practitioner_id: practitionerId,
          institution_id: dept.institution_id,
          department_id: departmentId,
          appointment_id: input.appointmentId ?? null,
          condition_code: conditionCode,
          condition_name: conditionName,
          description: input.description,
          fee_fen: feeFen,
          order_id: paidVia?.orderId ?? null,
          offline_diagnosis_id: offlineDiagnosisId,
          evidence_attachment_id: offlineDiagnosisId ? null : (input.evidenceAttachmentId ?? null),
          evidence_accepted_at: null,
          guardian_required: minor,
          guardian_account_id: guardianAccount,
          guardian_confirmed_at: null,
          consent_at: now,
          queue_opens_at: paidNow ? queueOpensAt : null,
          queued_at: queueOpen ? now : null,
          expires_at: queueOpen ? new Date(now.getTime() + ctx.config.visits.expiryMs) : null,
          paid_at: paidNow ? (paidVia?.paidAt ?? now) : null,
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
          created_at: now,
        })
        .execute();
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw conflict(
          'DUPLICATE_VISIT',
          '已有进行中的问诊',
          '该就诊人与此医生（或科室）已有一个进行中的问诊，请先完成或取消。',
        );
      throw err;
    }
    if (linkIds.length > 0)
      await trx.updateTable('attachment').set({ visit_id: id }).where('id', 'in', linkIds).execute();
    let orderId: string | undefined;
    if (!paidNow) {
      orderId = await createOrder(trx, {
        patientId,
        accountId: auth.accountId,
        purpose: 'visit',
        refId: id,
        description: `${TYPE_WORDS[type]}（${dept.name}）`,
        amountFen: feeFen,
        expiresAt: new Date(now.getTime() + ctx.config.visits.paymentHoldMs),
        now,
      });
      await trx.updateTable('visit').set({ order_id: orderId }).where('id', '=', id).execute();
    }
    await visitEvent(trx, id, 'created', actor, now, {
      type,
      channel,
      feeFen,
      consent: true,
      ...(offlineDiagnosisId ? { evidence: 'offline_diagnosis' } : {}),
      ...(input.evidenceAttachmentId && !offlineDiagnosisId ? { evidence: 'document' } : {}),
    });
    if (paidNow) await visitEvent(trx, id, 'paid', actor, now, { via: paidVia ? 'appointment' : 'free' });
    if (queueOpen) await visitEvent(trx, id, 'queued', systemActor, now);
    await recordAudit(
      trx,
      actor,
      {
        action: 'visit.create',
        resourceType: 'visit',
        resourceId: id,
        patientId,
        details: { type, practitionerId, departmentId, today },
      },
      now,
    );
    return {
      id,
      status: queueOpen ? 'waiting' : paidNow ? 'paid' : 'requested',
      orderId: orderId ?? paidVia?.orderId ?? undefined,
    };
  });
  await after.run((err) => ctx.log.error({ err }, 'after-commit task failed'));
  return { id: result.id, status: result.status, ...(result.orderId ? { orderId: result.orderId } : {}) };
}

const TYPE_WORDS: Record<VisitType, string> = {
  consultation: '在线咨询',
  follow_up: '互联网复诊',
  first_visit: '互联网首诊',
  nursing_consultation: '护理咨询',
};

/** The payments hook: a paid visit order moves the visit to the queue (in the payment's transaction). */
export function visitOrderHooks(ctx: AppContext, rt: () => VisitsRuntime): OrderHooks {
  return {
    async onPaid(trx: Tx, order: OrderRow, now: Date) {
      const res = await trx
        .updateTable('visit')
        .set({
          status: 'waiting',
          paid_at: now,
          queue_opens_at: now,
          queued_at: now,
          expires_at: new Date(now.getTime() + ctx.config.visits.expiryMs),
        })
        .where('id', '=', order.ref_id)
        .where('status', '=', 'requested')
        .returning(['id', 'patient_id'])
        .executeTakeFirst();
      if (!res) return false;
      await visitEvent(trx, res.id, 'paid', systemActor, now, {
        orderId: order.id,
        amountFen: order.amount_fen,
      });
      await visitEvent(trx, res.id, 'queued', systemActor, now);
      await recordAudit(
        trx,
        systemActor,
        { action: 'visit.paid', resourceType: 'visit', resourceId: res.id, patientId: res.patient_id },
        now,
      );
      return true;
    },
    async afterPaid(order: OrderRow) {
      rt().hub.publish(order.ref_id, { type: 'visit', visitId: order.ref_id, status: 'waiting' });
    },
  };
}

export async function getVisit(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<VisitView> {
  const v = await loadKeys(ctx.db, id);
  const viewer = await viewerRole(ctx.db, auth, v);
  const [view] = await visitViews(ctx.db, (q) => q.where('v.id', '=', id), ctx.clock.now(), {
    mask: viewer === 'oversight' && !auth.roles.includes('org_admin'),
  });
  await recordAudit(
    ctx.db,
    actor,
    {
      action: 'visit.read',
      resourceType: 'visit',
      resourceId: id,
      patientId: v.patient_id,
      details: { viewer },
    },
    ctx.clock.now(),
  );
  return view!;
}

const OPEN = ['requested', 'paid', 'waiting', 'in_progress'];

export async function listVisits(
  ctx: AppContext,
  auth: AuthContext,
  query: {
    scope?: 'mine' | 'queue' | 'history' | 'institution' | 'region';
    status?: string;
    type?: string;
    patientId?: string;
    /** Created on or after / on or before these days (Asia/Shanghai, YYYY-MM-DD). */
    from?: string;
    to?: string;
    /** Keyset paging: visits created before this instant (the previous page's nextCursor). */
    before?: string;
    limit?: number;
  },
  actor: Actor,
): Promise<{ items: VisitView[]; nextCursor?: string }> {
  const now = ctx.clock.now();
  const scope =
    query.scope ?? (auth.practitionerId ? 'queue' : auth.roles.includes('patient') ? 'mine' : 'institution');
  const limit = query.limit ?? 50;
  const withStatus = (q: VisitQuery) => {
    let r = q;
    if (query.status) r = r.where('v.status', '=', query.status);
    if (query.type) r = r.where('v.type', '=', query.type);
    if (query.from) r = r.where('v.created_at', '>=', shanghaiInstant(query.from, '00:00'));
    if (query.to)
      r = r.where('v.created_at', '<', new Date(shanghaiInstant(query.to, '00:00').getTime() + 86_400_000));
    if (query.before) r = r.where('v.created_at', '<', new Date(query.before));
    return r;
  };
  let views: VisitView[];
  if (scope === 'mine') {
    if (!auth.roles.includes('patient')) throw errors.forbidden();
    const own = await ownPatientId(ctx.db, auth.accountId);
    const proxied = await ctx.db
      .selectFrom('family_proxy')
      .select('patient_id')
      .where('proxy_account_id', '=', auth.accountId)
      .where('status', '=', 'active')
      .execute();
    const ids = [...(own ? [own] : []), ...proxied.map((p) => p.patient_id)].filter(
      (p) => !query.patientId || p === query.patientId,
    );
    if (ids.length === 0) return { items: [] };
    views = await visitViews(ctx.db, (q) => withStatus(q.where('v.patient_id', 'in', ids)), now, {
      limit: limit + 1,
    });
  } else if (scope === 'queue' || scope === 'history') {
    const me = auth.practitionerId;
    if (!me) throw errors.forbidden('只有医生和护士有接诊队列。');
    const dept = await ctx.db
      .selectFrom('practitioner')
      .select(['department_id', 'kind'])
      .where('id', '=', me)
      .executeTakeFirstOrThrow();
    const nurse = dept.kind === 'nurse';
    views = await visitViews(
      ctx.db,
      (q) =>
        withStatus(
          scope === 'queue'
            ? q.where((eb) =>
                eb.or([
                  eb.and([eb('v.practitioner_id', '=', me), eb('v.status', 'in', OPEN)]),
                  eb.and([
                    eb('v.practitioner_id', 'is', null),
                    eb('v.department_id', '=', dept.department_id),
                    eb('v.status', '=', 'waiting'),
                    nurse
                      ? eb('v.type', '=', 'nursing_consultation')
                      : eb('v.type', '<>', 'nursing_consultation'),
                  ]),
                ]),
              )
            : q.where('v.practitioner_id', '=', me).where('v.status', 'not in', OPEN),
        ),
      now,
      { limit: scope === 'queue' ? 500 : limit + 1 },
    );
    if (scope === 'queue')
      views.sort(
        (a, b) =>
          statusRank(a.status) - statusRank(b.status) || (a.paidAt ?? '').localeCompare(b.paidAt ?? ''),
      );
  } else if (scope === 'institution') {
    if (!auth.roles.includes('org_admin') || !auth.institutionId) throw errors.forbidden();
    const inst = auth.institutionId;
    views = await visitViews(ctx.db, (q) => withStatus(q.where('v.institution_id', '=', inst)), now, {
      limit: limit + 1,
    });
  } else {
    if (!auth.roles.includes('regulator')) throw errors.forbidden();
    views = await visitViews(ctx.db, (q) => withStatus(q), now, { mask: true, limit: limit + 1 });
  }
  await recordAudit(
    ctx.db,
    actor,
    { action: 'visit.list', resourceType: 'visit', details: { scope, count: views.length } },
    now,
  );
  if (scope !== 'queue' && views.length > limit) {
    const items = views.slice(0, limit);
    return { items, nextCursor: items[items.length - 1]!.createdAt };
  }
  return { items: views };
}

function statusRank(s: string): number {
  return ['in_progress', 'waiting', 'paid', 'requested'].indexOf(s);
}

async function viewOf(ctx: AppContext, id: string): Promise<VisitView> {
  const [v] = await visitViews(ctx.db, (q) => q.where('v.id', '=', id), ctx.clock.now());
  return v!;
}

/** ID-6, PILOT-3: the guardian confirms being with the child; the doctor cannot start before. */
export async function confirmGuardianPresence(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<VisitView> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, id);
    await requirePatientSide(trx, auth, v);
    if (!v.guardian_required)
      throw conflict('GUARDIAN_NOT_NEEDED', '无需监护人确认', '该就诊人已成年，无需监护人陪同确认。');
    const guardian = await trx
      .selectFrom('family_proxy')
      .select('id')
      .where('proxy_account_id', '=', auth.accountId)
      .where('patient_id', '=', v.patient_id)
      .where('status', '=', 'active')
      .where('is_guardian', '=', true)
      .executeTakeFirst();
    if (!guardian) throw guardianRequired('只有监护人本人可以确认陪同。');
    if (!['paid', 'waiting', 'in_progress'].includes(v.status))
      throw conflict('VISIT_NOT_OPEN', '问诊不在进行中', '只能在问诊排队或进行中确认陪同。');
    if (v.guardian_confirmed_at) return;
    await trx.updateTable('visit').set({ guardian_confirmed_at: now }).where('id', '=', id).execute();
    await visitEvent(trx, id, 'guardian_confirmed', actor, now);
    await systemMessage(trx, id, '监护人已确认全程陪同。', now);
    await recordAudit(
      trx,
      actor,
      { action: 'visit.guardian_presence', resourceType: 'visit', resourceId: id, patientId: v.patient_id },
      now,
    );
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
  const now = ctx.clock.now();
  const message = await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, id);
    const me = await requireDoctor(trx, auth, v);
    if (v.status === 'in_progress' && v.practitioner_id === me) return null;
    if (!canMove('start', v.status))
      throw conflict(
        'VISIT_NOT_WAITING',
        '问诊不在候诊中',
        v.status === 'paid' ? '该预约问诊尚未到候诊时间。' : '该问诊已被接诊或已结束。',
      );
    const dept = await specialtyOf(trx, v.department_id);
    await checkDoctor(trx, v.type as VisitType, me, v.institution_id, dept.specialty, now);
    if (v.type === 'follow_up' && !v.offline_diagnosis_id && !v.evidence_attachment_id)
      throw followUpRequiresOfflineDiagnosis();
    if (v.guardian_required && !v.guardian_confirmed_at)
      throw guardianRequired(
        '未成年人问诊须监护人确认陪同后才能开始（ID-6, PILOT-3）：请等待监护人在问诊页确认。',
      );
    const doctor = await trx
      .selectFrom('practitioner')
      .select('name')
      .where('id', '=', me)
      .executeTakeFirstOrThrow();
    try {
      await trx
        .updateTable('visit')
        .set({ status: 'in_progress', practitioner_id: me, started_at: now })
        .where('id', '=', id)
        .execute();
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw conflict(
          'DUPLICATE_VISIT',
          '患者已有与您的问诊',
          '该患者已有一个与您进行中的问诊，请在那次问诊中继续。',
        );
      throw err;
    }
    await visitEvent(trx, id, 'started', actor, now, { practitionerId: me });
    await recordAudit(
      trx,
      actor,
      { action: 'visit.start', resourceType: 'visit', resourceId: id, patientId: v.patient_id },
      now,
    );
    return systemMessage(trx, id, `${doctor.name}医生已接诊。`, now);
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
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, id);
    await requireDoctor(trx, auth, v);
    if (!v.evidence_attachment_id)
      throw conflict('NO_EVIDENCE_DOCUMENT', '没有待确认的资料', '该问诊没有患者上传的线下诊断资料。');
    if (v.status !== 'in_progress') throw conflict('VISIT_NOT_IN_PROGRESS', '问诊未在进行中', '请先接诊。');
    if (v.evidence_accepted_at) return;
    await trx.updateTable('visit').set({ evidence_accepted_at: now }).where('id', '=', id).execute();
    await visitEvent(trx, id, 'evidence_accepted', actor, now, { attachmentId: v.evidence_attachment_id });
    await recordAudit(
      trx,
      actor,
      { action: 'visit.evidence_accept', resourceType: 'visit', resourceId: id, patientId: v.patient_id },
      now,
    );
  });
  rt.hub.publish(id, { type: 'visit', visitId: id, status: 'in_progress' });
  return viewOf(ctx, id);
}

/**
 * Ends a visit that had not started (cancel, expiry) in the caller's transaction: closes an unpaid order,
 * returns a booked token, and tells what to refund after the commit.
 */
async function endUnstarted(
  ctx: AppContext,
  trx: Tx,
  v: { id: string; status: string; order_id: string | null; fee_fen: number; appointment_id: string | null },
  now: Date,
  after: AfterCommit,
): Promise<{ orderId: string; amount: number } | null> {
  if (v.status === 'requested') {
    if (v.order_id) await closeOrder(trx, v.order_id, now);
    return null;
  }
  if (v.appointment_id) {
    const a = await trx
      .updateTable('appointment')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'visit_ended' })
      .where('id', '=', v.appointment_id)
      .where('status', 'in', ['confirmed', 'checked_in'])
      .returning('slot_id')
      .executeTakeFirst();
    if (a) await releaseToken(ctx, trx, a.slot_id, after);
  }
  return v.order_id && v.fee_fen > 0 ? { orderId: v.order_id, amount: v.fee_fen } : null;
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
  const now = ctx.clock.now();
  const after = new AfterCommit();
  const refund = await ctx.db.transaction().execute(async (trx) => {
    // Order before visit, the order a payment notification takes its locks in (no deadlock with it).
    const pre = await trx.selectFrom('visit').select('order_id').where('id', '=', id).executeTakeFirst();
    if (pre?.order_id)
      await trx.selectFrom('payment_order').select('id').where('id', '=', pre.order_id).forUpdate().execute();
    const v = await lockedVisit(trx, id);
    await requirePatientSide(trx, auth, v);
    if (v.status === 'cancelled') return null;
    if (!canMove('cancel', v.status))
      throw conflict(
        'NOT_CANCELLABLE',
        '无法取消',
        v.status === 'in_progress' ? '医生已接诊，不能再取消；如需结束请与医生沟通。' : '该问诊已结束。',
      );
    await trx
      .updateTable('visit')
      .set({ status: 'cancelled', cancel_reason: reason ?? 'patient', ended_at: now })
      .where('id', '=', id)
      .execute();
    const refund = await endUnstarted(ctx, trx, v, now, after);
    await visitEvent(trx, id, 'cancelled', actor, now, {
      reason: reason ?? 'patient',
      refundFen: refund?.amount ?? 0,
    });
    await recordAudit(
      trx,
      actor,
      { action: 'visit.cancel', resourceType: 'visit', resourceId: id, patientId: v.patient_id },
      now,
    );
    return refund ? refundInTransaction(trx, id, refund, 'visit_cancelled', actor, now) : null;
  });
  await submitRefunds(ctx, rt.payments, [refund]);
  await after.run((err) => ctx.log.error({ err }, 'after-commit task failed'));
  rt.hub.publish(id, { type: 'visit', visitId: id, status: 'cancelled' });
  return viewOf(ctx, id);
}

/** The refund of a visit's fee, recorded in the visit's own transaction (the gateway is asked after it). */
async function refundInTransaction(
  trx: Tx,
  visitId: string,
  refund: { orderId: string; amount: number },
  reason: string,
  actor: Actor,
  now: Date,
): Promise<string | null> {
  const refundNo = await recordRefund(trx, refund.orderId, refund.amount, reason, actor, now);
  if (refundNo) await visitEvent(trx, visitId, 'refunded', actor, now, { amountFen: refund.amount });
  return refundNo;
}

export { refundInTransaction };

/** VISIT-3: the doctor stops the visit as unsuitable online and sends the patient to a physical hospital. */
export async function referOffline(
  ctx: AppContext,
  rt: VisitsRuntime,
  auth: AuthContext,
  id: string,
  input: { reason: string; recommendation: { institutionId?: string; departmentId?: string; note?: string } },
  actor: Actor,
): Promise<VisitView> {
  const now = ctx.clock.now();
  const after = new AfterCommit();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, id);
    await requireDoctor(trx, auth, v);
    if (!canMove('referOffline', v.status))
      throw conflict('VISIT_NOT_OPEN', '问诊不在进行中', '只能在候诊或问诊进行中转为线下就诊。');
    const rec: VisitRecommendation = {};
    const r = input.recommendation;
    if (r.departmentId) {
      const d = await trx
        .selectFrom('department as d')
        .innerJoin('institution as i', 'i.id', 'd.institution_id')
        .select(['d.id', 'd.name', 'i.id as institution_id', 'i.name as institution_name'])
        .where('d.id', '=', r.departmentId)
        .executeTakeFirst();
      if (!d || (r.institutionId && r.institutionId !== d.institution_id)) throw errors.notFound('推荐科室');
      Object.assign(rec, {
        departmentId: d.id,
        departmentName: d.name,
        institutionId: d.institution_id,
        institutionName: d.institution_name,
      });
    } else if (r.institutionId) {
      const i = await trx
        .selectFrom('institution')
        .select(['id', 'name'])
        .where('id', '=', r.institutionId)
        .executeTakeFirst();
      if (!i) throw errors.notFound('推荐机构');
      Object.assign(rec, { institutionId: i.id, institutionName: i.name });
    }
    if (r.note) rec.note = r.note;
    if (!rec.institutionId && !rec.note)
      throw new AppError(
        422,
        'RECOMMENDATION_REQUIRED',
        '请给出就诊建议',
        '请推荐线下就诊的机构或科室，或写明建议。',
      );
    const me = auth.practitionerId!;
    if (!v.practitioner_id) {
      const dept = await specialtyOf(trx, v.department_id);
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
    if (v.appointment_id)
      await trx
        .updateTable('appointment')
        .set({ status: 'completed' })
        .where('id', '=', v.appointment_id)
        .where('status', 'in', ['confirmed', 'checked_in'])
        .execute();
    const amount = v.order_id ? referRefundFen(v.fee_fen, ctx.config.visits.referRefundPercent) : 0;
    await endOpenCalls(trx, id, actor, now);
    await visitEvent(trx, id, 'referred_offline', actor, now, {
      reason: input.reason,
      recommendation: rec,
      refundFen: amount,
    });
    const where = rec.institutionName ? `${rec.institutionName}${rec.departmentName ?? ''}` : '线下医院';
    const message = await systemMessage(
      trx,
      id,
      `医生建议您到${where}线下就诊：${input.reason.replace(/[。.！!]+$/, '')}。${amount > 0 ? `问诊费 ¥${(amount / 100).toFixed(2)} 将原路退回。` : ''}`,
      now,
    );
    await notify(
      ctx,
      trx,
      {
        accountId: v.requested_by,
        patientId: v.patient_id,
        kind: 'cancelled',
        title: '请到线下医院就诊',
        body: `医生认为您的情况不适合继续线上诊疗，建议到${where}就诊。`,
        refType: 'visit',
        refId: id,
        sms: true,
      },
      after,
    );
    await recordAudit(
      trx,
      actor,
      { action: 'visit.refer_offline', resourceType: 'visit', resourceId: id, patientId: v.patient_id },
      now,
    );
    const refundNo =
      amount > 0 && v.order_id
        ? await refundInTransaction(trx, id, { orderId: v.order_id, amount }, 'visit_referred', actor, now)
        : null;
    return { message, refundNo };
  });
  await submitRefunds(ctx, rt.payments, [result.refundNo]);
  await after.run((err) => ctx.log.error({ err }, 'after-commit task failed'));
  rt.hub.publish(id, { type: 'message', visitId: id, message: result.message });
  rt.hub.publish(id, { type: 'visit', visitId: id, status: 'referred_offline' });
  return viewOf(ctx, id);
}

export async function rateVisit(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  input: { stars: number; comment?: string },
  actor: Actor,
): Promise<VisitView> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const v = await lockedVisit(trx, id);
    await requirePatientSide(trx, auth, v);
    if (v.status !== 'completed') throw conflict('VISIT_NOT_COMPLETED', '问诊未完成', '问诊完成后才能评价。');
    if (v.rated_at) throw conflict('ALREADY_RATED', '已评价', '每次问诊只能评价一次。');
    await trx
      .updateTable('visit')
      .set({ rating_stars: input.stars, rating_comment: input.comment ?? null, rated_at: now })
      .where('id', '=', id)
      .execute();
    await visitEvent(trx, id, 'rated', actor, now, { stars: input.stars });
    await recordAudit(trx, actor, { action: 'visit.rate', resourceType: 'visit', resourceId: id }, now);
  });
  return viewOf(ctx, id);
}

export async function ensureParticipant(
  ctx: AppContext,
  auth: AuthContext,
  visitId: string,
): Promise<boolean> {
  const v = await visitKeys(ctx.db, visitId);
  return !!v && (await participantRole(ctx.db, auth, v)) !== null;
}

export { notParticipant };
