/**
 * Staff's side of record access (SEC-1): break-glass (紧急调阅) — a doctor or nurse opens a patient's records
 * without a care relationship, with a written reason, for `records.breakGlassMs` (24 h by default); each
 * one is audited, shown in the patient's access log and raised as an alert the regulator reviews — and
 * "我的患者", the patients a doctor or nurse may open now.
 */
import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import { ageOn } from '../../../shared/identity.js';
import type {
  BreakGlassQuery,
  BreakGlassRequest,
  BreakGlassView,
  CarePatient,
} from '../../../shared/records.js';
import { RECORD_CATEGORIES, RELATIONSHIPS } from '../../../shared/records.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { BreakGlassTable } from '../../platform/db/schema.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { cutPage, decodeCursor, olderThan, type Page } from '../../platform/paging.js';
import { institutionFacts } from '../directory/directory.api.js';
import { accountNames, patientCard, patientNames, patientProfiles } from '../identity/identity.api.js';
import { carePatients, staffReader } from './care-access.js';
import { recordErrors } from './records.errors.js';

type BreakGlassRow = Pick<
  Selectable<BreakGlassTable>,
  | 'id'
  | 'patient_id'
  | 'account_id'
  | 'institution_id'
  | 'reason'
  | 'created_at'
  | 'expires_at'
  | 'reviewed_at'
  | 'review_note'
>;
const COLUMNS = [
  'id',
  'patient_id',
  'account_id',
  'institution_id',
  'reason',
  'created_at',
  'expires_at',
  'reviewed_at',
  'review_note',
] as const;

async function views(db: Executor, rows: BreakGlassRow[]): Promise<BreakGlassView[]> {
  const patients = await patientNames(
    db,
    rows.map((r) => r.patient_id),
  );
  const readers = await accountNames(
    db,
    rows.map((r) => r.account_id),
  );
  const institutions = await institutionFacts(
    db,
    rows.flatMap((r) => (r.institution_id ? [r.institution_id] : [])),
  );
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    patientName: patients.get(r.patient_id) ?? '',
    readerName: readers.get(r.account_id) ?? '',
    institutionName: r.institution_id ? (institutions.get(r.institution_id)?.name ?? null) : null,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    reviewedAt: r.reviewed_at ? r.reviewed_at.toISOString() : null,
    reviewNote: r.review_note,
  }));
}

/**
 * Break-glass: doctors and nurses only (403 BREAK_GLASS_NOT_ALLOWED for other staff), with a reason that is
 * not blank (422 BREAK_GLASS_REASON_REQUIRED). Opens every category of the patient's records until the
 * expiry; audited as `record.break_glass` (the patient's access log shows it; the reason stays in the row,
 * not in the audit details, as it may name the patient's condition).
 */
export async function breakGlass(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  body: Static<typeof BreakGlassRequest>,
  actor: Actor,
): Promise<BreakGlassView> {
  const reason = body.reason.trim();
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const reader = await staffReader(trx, auth);
    if (!reader) throw recordErrors.breakGlassNotAllowed();
    if (!reason) throw recordErrors.breakGlassReasonRequired();
    if (!(await patientCard(trx, { patientId }))) throw errors.notFound('患者');
    const row: BreakGlassRow = {
      id: newId(),
      patient_id: patientId,
      account_id: auth.accountId,
      institution_id: auth.institutionId ?? reader.institutionIds[0] ?? null,
      reason,
      created_at: now,
      expires_at: new Date(now.getTime() + ctx.config.records.breakGlassMs),
      reviewed_at: null,
      review_note: null,
    };
    await trx
      .insertInto('break_glass')
      .values({ ...row, practitioner_id: reader.practitionerId, reviewed_by: null })
      .execute();
    await audit({
      action: 'record.break_glass',
      resourceType: 'break_glass',
      resourceId: row.id,
      patientId,
      details: { expiresAt: row.expires_at.toISOString(), institutionId: row.institution_id },
    });
    const [view] = await views(trx, [row]);
    return view!;
  });
}

/** The regulator's break-glass alerts, newest first; `unreviewed` only those awaiting review. */
export async function breakGlassAlerts(
  ctx: AppContext,
  query: Static<typeof BreakGlassQuery>,
  actor: Actor,
): Promise<Page<BreakGlassView>> {
  const limit = query.limit ?? 30;
  const after = decodeCursor(query.before, ['instant', 'uuid'] as const);
  let q = ctx.db.selectFrom('break_glass').select(COLUMNS);
  if (query.status === 'unreviewed') q = q.where('reviewed_at', 'is', null);
  q = q.where(olderThan('created_at', after));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
  await recordAudit(
    ctx.db,
    actor,
    { action: 'break_glass.list', resourceType: 'break_glass', details: { count: page.rows.length } },
    ctx.clock.now(),
  );
  return { items: await views(ctx.db, page.rows), nextCursor: page.nextCursor };
}

/** The regulator reviews a break-glass access once (409 BREAK_GLASS_ALREADY_REVIEWED after that). */
export async function reviewBreakGlass(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  note: string,
  actor: Actor,
): Promise<BreakGlassView> {
  const text = note.trim();
  if (!text)
    throw errors.validationFailed('请填写审查意见。', {
      fields: [{ field: 'body.note', message: '不能为空' }],
    });
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const row = await trx
      .selectFrom('break_glass')
      .select(COLUMNS)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw recordErrors.breakGlassNotFound();
    if (row.reviewed_at) throw recordErrors.breakGlassAlreadyReviewed();
    await trx
      .updateTable('break_glass')
      .set({ reviewed_at: now, reviewed_by: auth.accountId, review_note: text })
      .where('id', '=', id)
      .execute();
    await audit({
      action: 'break_glass.review',
      resourceType: 'break_glass',
      resourceId: id,
      patientId: row.patient_id,
    });
    const [view] = await views(trx, [{ ...row, reviewed_at: now, review_note: text }]);
    return view!;
  });
}

/**
 * "我的患者": the patients the caller (a doctor or nurse) may open now, each with the strongest relationship,
 * the categories it opens (united over all their relationships; null: all) and until when (the latest;
 * null: open-ended, e.g. a visit still going). Nobody else's patients; empty for other roles.
 */
export async function listCarePatients(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
): Promise<{ items: CarePatient[] }> {
  const now = ctx.clock.now();
  const found = await carePatients(ctx, ctx.db, auth, now);
  const profiles = await patientProfiles(ctx.db, [...found.keys()]);
  const items: CarePatient[] = [];
  for (const [patientId, decisions] of found) {
    const p = profiles.get(patientId);
    const first = decisions[0];
    if (!p || !first) continue;
    const all = decisions.some((d) => d.categories === null);
    const chosen = new Set(decisions.flatMap((d) => d.categories ?? []));
    const categories = all ? null : RECORD_CATEGORIES.filter((c) => chosen.has(c));
    const open = decisions.some((d) => d.until === null);
    const until = open ? null : new Date(Math.max(...decisions.map((d) => d.until!.getTime())));
    items.push({
      patientId,
      name: p.name,
      sex: p.sex === 'male' || p.sex === 'female' ? p.sex : null,
      age: p.birthDate ? ageOn(p.birthDate, now) : null,
      relationship: first.relationship,
      categories,
      until: until ? until.toISOString() : null,
    });
  }
  const rank = (r: string) => RELATIONSHIPS.indexOf(r as (typeof RELATIONSHIPS)[number]);
  items.sort((a, b) => rank(a.relationship) - rank(b.relationship) || a.name.localeCompare(b.name, 'zh-CN'));
  await recordAudit(
    ctx.db,
    actor,
    { action: 'record.care_patients', resourceType: 'patient', details: { count: items.length } },
    now,
  );
  return { items };
}
