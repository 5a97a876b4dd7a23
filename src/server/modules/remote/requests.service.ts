/**
 * Remote-diagnosis requests ([11/12], 基层检查、上级诊断): the centres a community institution may send to
 * (REMOTE-1), a doctor's request with the patient's consent (REMOTE-2) and the reason and case summary
 * (REMOTE-3), the requester's list and the centre's queue, one request's detail, and a cancellation before
 * the centre claims it.
 */
import { sql } from 'kysely';
import type { Static } from 'typebox';
import type { Page } from '../../../shared/http.js';
import { shanghaiDate } from '../../../shared/identity.js';
import {
  type CancelRequestBody,
  type CreateDiagnosticRequestBody,
  type DiagnosticCentre,
  type DiagnosticRequestDetail,
  type DiagnosticRequestView,
  IMAGING_MODALITIES,
  type RemoteKind,
  type RequestStatus,
  type ServiceAgreementView,
} from '../../../shared/remote.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { RequestConsent } from '../../platform/db/schema.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { cutPage, decodeCursor, olderThan } from '../../platform/paging.js';
import { institutionFacts } from '../directory/directory.api.js';
import { verifyHealthCard } from '../identity/identity.api.js';
import { careRelationships, recordRead } from '../records/care-access.js';
import { panelOf } from './lab/panels.js';
import { remoteErrors } from './remote.errors.js';
import { type RequestRecord, requestDetail, requestViews } from './remote.views.js';
import { assertParty, assertRequester, type RemoteStaff, remoteStaff, requestRow } from './request-access.js';

export const REQUEST_CREATED_TOPIC = 'remote.request_created';
export const REQUEST_CANCELLED_TOPIC = 'remote.request_cancelled';

type CreateBody = Static<typeof CreateDiagnosticRequestBody>;

/** The institutions the caller acts for: a doctor's or nurse's sites, else the account's institution. */
async function callerInstitutions(db: Executor, auth: AuthContext): Promise<string[]> {
  if (auth.practitionerId && (auth.roles.includes('doctor') || auth.roles.includes('nurse'))) {
    const staff = await remoteStaff(db, auth);
    return staff.institutionIds;
  }
  return auth.institutionId ? [auth.institutionId] : [];
}

/** An agreement is in force on the business day (Asia/Shanghai) of `now`. */
const inForce = (a: { valid_from: string; valid_to: string }, today: string) =>
  String(a.valid_from) <= today && today <= String(a.valid_to);

const CENTRE_TYPES = ['ecg_centre', 'imaging_centre', 'lab_centre'] as const;

/** GET /diagnostic-centres: the centres with an agreement in force with the caller's institution (REMOTE-1). */
export async function listCentres(
  ctx: AppContext,
  auth: AuthContext,
): Promise<{ items: DiagnosticCentre[] }> {
  const institutions = await callerInstitutions(ctx.db, auth);
  if (institutions.length === 0) return { items: [] };
  const today = shanghaiDate(ctx.clock.now());
  const rows = await ctx.db
    .selectFrom('service_agreement')
    .selectAll()
    .where('requester_institution_id', 'in', institutions)
    .where('valid_from', '<=', today)
    .where('valid_to', '>=', today)
    .orderBy('agreement_no')
    .execute();
  const facts = await institutionFacts(
    ctx.db,
    rows.map((r) => r.centre_institution_id),
  );
  const seen = new Set<string>();
  const items: DiagnosticCentre[] = [];
  for (const r of rows) {
    const c = facts.get(r.centre_institution_id);
    if (c?.status !== 'active' || seen.has(c.id)) continue;
    if (!(CENTRE_TYPES as readonly string[]).includes(c.type)) continue;
    seen.add(c.id);
    items.push({
      id: c.id,
      name: c.name,
      shortName: null,
      type: c.type as DiagnosticCentre['type'],
      kinds: r.kinds as RemoteKind[],
      agreementNo: r.agreement_no,
      validTo: String(r.valid_to),
    });
  }
  return { items };
}

/** GET /service-agreements: the caller institution's (as requester or centre); the regulator sees all. */
export async function listAgreements(
  ctx: AppContext,
  auth: AuthContext,
): Promise<{ items: ServiceAgreementView[] }> {
  const all = auth.roles.includes('regulator');
  const institutions = all ? [] : await callerInstitutions(ctx.db, auth);
  if (!all && institutions.length === 0) return { items: [] };
  const rows = await ctx.db
    .selectFrom('service_agreement')
    .selectAll()
    .$if(!all, (q) =>
      q.where((eb) =>
        eb.or([
          eb('requester_institution_id', 'in', institutions),
          eb('centre_institution_id', 'in', institutions),
        ]),
      ),
    )
    .orderBy('agreement_no')
    .execute();
  const facts = await institutionFacts(
    ctx.db,
    rows.flatMap((r) => [r.requester_institution_id, r.centre_institution_id]),
  );
  const today = shanghaiDate(ctx.clock.now());
  return {
    items: rows.map((r) => ({
      id: r.id,
      agreementNo: r.agreement_no,
      requesterInstitutionId: r.requester_institution_id,
      requesterName: facts.get(r.requester_institution_id)?.name ?? '',
      centreInstitutionId: r.centre_institution_id,
      centreName: facts.get(r.centre_institution_id)?.name ?? '',
      kinds: r.kinds as RemoteKind[],
      validFrom: String(r.valid_from),
      validTo: String(r.valid_to),
      inForce: inForce(r, today),
    })),
  };
}

/** REMOTE-2: the consent was given, by the patient or by a named guardian. */
function checkConsent(c: CreateBody['consent']): void {
  if (c.confirmed !== true) throw remoteErrors.consentRequired();
  if (c.by === 'guardian' && (!c.guardianName?.trim() || !c.guardianRelation?.trim()))
    throw remoteErrors.consentRequired('由监护人同意时须填写监护人姓名和与患者的关系（REMOTE-2）。');
}

/** What the request asks for: ECG (modality ECG), imaging (DX/CT/MR/US), laboratory (panels). */
function checkWhat(body: CreateBody): { modality: CreateBody['modality'] | null; panels: string[] } {
  const panels = [...new Set((body.panels ?? []).map((p) => p.trim()).filter(Boolean))];
  if (body.kind === 'ecg') {
    if (body.modality && body.modality !== 'ECG')
      throw remoteErrors.requestInvalid('心电图申请的设备类型只能是 ECG。');
    if (panels.length > 0) throw remoteErrors.requestInvalid('心电图申请不填检验项目。');
    return { modality: 'ECG', panels: [] };
  }
  if (body.kind === 'imaging') {
    if (!body.modality || !(IMAGING_MODALITIES as readonly string[]).includes(body.modality))
      throw remoteErrors.requestInvalid('影像申请须选择设备类型：DX、CT、MR 或 US。');
    if (panels.length > 0) throw remoteErrors.requestInvalid('影像申请不填检验项目。');
    return { modality: body.modality, panels: [] };
  }
  if (body.modality) throw remoteErrors.requestInvalid('检验申请不填设备类型。');
  if (panels.length === 0) throw remoteErrors.requestInvalid('检验申请须选择至少一个检验项目。');
  const unknown = panels.filter((p) => !panelOf(p));
  if (unknown.length > 0)
    throw remoteErrors.requestInvalid(`没有这些检验项目：${unknown.join('、')}（见 GET /lab-panels）。`);
  return { modality: null, panels };
}

/**
 * The agreement in force between one of the caller's institutions and the centre covering the kind
 * (REMOTE-1); the caller's primary institution first. 422 NO_SERVICE_AGREEMENT when there is none.
 */
async function agreementFor(
  db: Executor,
  staff: RemoteStaff,
  centreId: string,
  kind: RemoteKind,
  now: Date,
): Promise<{ id: string; requesterInstitutionId: string }> {
  const today = shanghaiDate(now);
  const rows = await db
    .selectFrom('service_agreement')
    .select(['id', 'requester_institution_id', 'kinds', 'valid_from', 'valid_to'])
    .where('centre_institution_id', '=', centreId)
    .where('requester_institution_id', 'in', staff.institutionIds)
    .execute();
  const usable = rows
    .filter((r) => inForce(r, today) && r.kinds.includes(kind))
    .sort(
      (a, b) =>
        staff.institutionIds.indexOf(a.requester_institution_id) -
        staff.institutionIds.indexOf(b.requester_institution_id),
    );
  const a = usable[0];
  if (!a) throw remoteErrors.noAgreement();
  return { id: a.id, requesterInstitutionId: a.requester_institution_id };
}

/**
 * The patient in front of the doctor: the health card scanned at the desk names them (audited by identity as
 * a verification), or the doctor already holds a care relationship with them. 422 PATIENT_NOT_IDENTIFIED.
 */
async function identifyPatient(
  ctx: AppContext,
  auth: AuthContext,
  body: CreateBody,
  actor: Actor,
): Promise<void> {
  if (body.cardCode) {
    const card = await verifyHealthCard(ctx, auth, body.cardCode, actor);
    if (card.patientId !== body.patientId)
      throw remoteErrors.patientNotIdentified('扫描的电子健康卡不是所选患者的。');
    return;
  }
  // Without the card, only a relationship of care the doctor has had with the patient: a visit or a
  // family-doctor contract — not an authorisation for some categories or a break-glass (SEC-1), which must
  // not turn into a request's wider and longer relationship.
  const relations = await careRelationships(ctx, ctx.db, auth, body.patientId, ctx.clock.now());
  if (!relations.some((r) => r.relationship === 'visit' || r.relationship === 'family_doctor'))
    throw remoteErrors.patientNotIdentified();
}

/**
 * The next accession number of the day: RD + yyyymmdd (Asia/Shanghai) + a 4-digit sequence (5 digits past
 * 9999). A transaction-scoped advisory lock on the day serialises concurrent requests, so two never take
 * the same number.
 */
async function nextAccessionNo(trx: Executor, now: Date): Promise<string> {
  const prefix = `RD${shanghaiDate(now).replaceAll('-', '')}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`remote.accession:${prefix}`}, 0))`.execute(trx);
  const last = await trx
    .selectFrom('diagnostic_request')
    .select(sql<string | null>`max(substr(accession_no, 11)::int)::text`.as('n'))
    .where('accession_no', 'like', `${prefix}%`)
    .executeTakeFirst();
  const n = Number(last?.n ?? 0) + 1;
  return `${prefix}${String(n).padStart(4, '0')}`;
}

/** POST /diagnostic-requests: a doctor or nurse of the requesting institution (REMOTE-1…3). */
export async function createRequest(
  ctx: AppContext,
  auth: AuthContext,
  body: CreateBody,
  actor: Actor,
): Promise<DiagnosticRequestView> {
  const staff = await remoteStaff(ctx.db, auth);
  checkConsent(body.consent);
  const what = checkWhat(body);
  const agreement = await agreementFor(ctx.db, staff, body.centreId, body.kind, ctx.clock.now());
  await identifyPatient(ctx, auth, body, actor);
  const row = await runCommand(ctx, actor, async ({ trx, now, audit, emit }) => {
    const id = newId();
    const accessionNo = await nextAccessionNo(trx, now);
    const consent: RequestConsent = {
      by: body.consent.by,
      ...(body.consent.by === 'guardian'
        ? {
            guardianName: body.consent.guardianName!.trim(),
            guardianRelation: body.consent.guardianRelation!.trim(),
          }
        : {}),
      method: body.consent.method,
      recordedAt: now.toISOString(),
      recordedBy: staff.accountId,
    };
    await trx
      .insertInto('diagnostic_request')
      .values({
        id,
        accession_no: accessionNo,
        patient_id: body.patientId,
        requester_institution_id: agreement.requesterInstitutionId,
        requester_practitioner_id: staff.practitionerId,
        requester_account_id: staff.accountId,
        centre_institution_id: body.centreId,
        agreement_id: agreement.id,
        kind: body.kind,
        modality: what.modality ?? null,
        panels: what.panels,
        urgency: body.urgency,
        question: body.question.trim(),
        history: body.history?.trim() || null,
        consent: JSON.stringify(consent),
        status: 'requested',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await audit({
      action: 'remote.request_create',
      resourceType: 'diagnostic_request',
      resourceId: id,
      patientId: body.patientId,
      details: {
        accessionNo,
        kind: body.kind,
        centreInstitutionId: body.centreId,
        agreementId: agreement.id,
        urgency: body.urgency,
        consentBy: consent.by,
        consentMethod: consent.method,
        identifiedBy: body.cardCode ? 'health_card' : 'care_relationship',
      },
    });
    await emit(REQUEST_CREATED_TOPIC, {
      requestId: id,
      accessionNo,
      kind: body.kind,
      patientId: body.patientId,
      requesterInstitutionId: agreement.requesterInstitutionId,
      centreInstitutionId: body.centreId,
    });
    return requestRow(trx, id);
  });
  const [view] = await requestViews(ctx.db, [row], ctx.clock.now());
  return view!;
}

export interface RequestQuery {
  role: 'requester' | 'centre';
  status?: RequestStatus;
  kind?: RemoteKind;
  mine?: boolean;
  cursor?: string;
  limit?: number;
}

/**
 * GET /diagnostic-requests: the requesting institution's requests, newest first (`mine`: the caller's own);
 * or the centre's queue, urgent first, then the longest waiting (material_at; requests still waiting for
 * their material last). Keyset paging on both.
 */
export async function listRequests(
  ctx: AppContext,
  auth: AuthContext,
  query: RequestQuery,
): Promise<Page<DiagnosticRequestView>> {
  const staff = await remoteStaff(ctx.db, auth);
  const limit = query.limit ?? 20;
  const now = ctx.clock.now();
  let q = ctx.db.selectFrom('diagnostic_request').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (query.role === 'requester') {
    const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
    q = q.where('requester_institution_id', 'in', staff.institutionIds);
    if (query.mine) q = q.where('requester_practitioner_id', '=', staff.practitionerId);
    const rows = (await q
      .where(olderThan('created_at', key))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()) as unknown as RequestRecord[];
    const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
    return { items: await requestViews(ctx.db, page.rows, now), nextCursor: page.nextCursor };
  }
  // The queue: (urgency rank, material time or +infinity, id) ascending.
  const key = decodeCursor(query.cursor, ['number', 'string', 'uuid'] as const);
  const rank = sql<number>`(case when urgency = 'urgent' then 0 else 1 end)`;
  const waiting = sql<Date>`coalesce(material_at, 'infinity'::timestamptz)`;
  q = q.where('centre_institution_id', 'in', staff.institutionIds);
  if (key) {
    const when = key[1] === '' ? null : new Date(key[1]);
    if (when !== null && (Number.isNaN(when.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(key[1])))
      throw errors.validationFailed('query.cursor：分页游标无效');
    const at = when === null ? sql`'infinity'::timestamptz` : sql`${when}::timestamptz`;
    q = q.where(sql<boolean>`(${rank}, ${waiting}, id) > (${key[0]}, ${at}, ${key[2]})`);
  }
  const rows = (await q
    .orderBy(rank)
    .orderBy(waiting)
    .orderBy('id')
    .limit(limit + 1)
    .execute()) as unknown as RequestRecord[];
  const page = cutPage(rows, limit, (r) => [
    r.urgency === 'urgent' ? 0 : 1,
    r.material_at ? r.material_at.toISOString() : '',
    r.id,
  ]);
  return { items: await requestViews(ctx.db, page.rows, now), nextCursor: page.nextCursor };
}

/** The record category a request's material and report belong to (records: labs or exams). */
export const categoryOf = (kind: RemoteKind) => (kind === 'lab' ? 'labs' : 'exams');

/**
 * GET /diagnostic-requests/{id}: the parties only (a stranger gets 404), audited as a clinical read of the
 * patient's data under the remote consultation (SEC-1, DJ-12).
 */
export async function getRequest(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<DiagnosticRequestDetail> {
  const staff = await remoteStaff(ctx.db, auth);
  const row = await requestRow(ctx.db, id);
  assertParty(staff, row);
  const now = ctx.clock.now();
  const detail = await requestDetail(ctx.db, row, now);
  await recordRead(
    ctx.db,
    actor,
    {
      patientId: row.patient_id,
      category: categoryOf(row.kind),
      what: 'diagnostic_request',
      relationship: 'remote_consultation',
      channel: 'app',
      resourceId: row.id,
    },
    now,
  );
  return detail;
}

/** POST /diagnostic-requests/{id}/cancel: the requesting institution, before the centre claims it. */
export async function cancelRequest(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof CancelRequestBody>,
  actor: Actor,
): Promise<DiagnosticRequestView> {
  const staff = await remoteStaff(ctx.db, auth);
  const row = await runCommand(ctx, actor, async ({ trx, now, audit, emit }) => {
    const r = await requestRow(trx, id, true);
    assertRequester(staff, r);
    if (!['requested', 'ready', 'redraw'].includes(r.status))
      throw remoteErrors.wrongState('申请已被诊断中心领取、已签发或已取消，不能再取消。');
    await trx
      .updateTable('diagnostic_request')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: body.reason.trim(), updated_at: now })
      .where('id', '=', id)
      .execute();
    await audit({
      action: 'remote.request_cancel',
      resourceType: 'diagnostic_request',
      resourceId: id,
      patientId: r.patient_id,
      details: { accessionNo: r.accession_no, from: r.status },
    });
    await emit(REQUEST_CANCELLED_TOPIC, { requestId: id, accessionNo: r.accession_no });
    return requestRow(trx, id);
  });
  const [view] = await requestViews(ctx.db, [row], ctx.clock.now());
  return view!;
}
