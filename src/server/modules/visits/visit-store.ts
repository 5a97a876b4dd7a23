/**
 * Reading visits into their API view, and the two appends every change makes: a timeline event
 * (VISIT-5) and, where the chat should show it, a system message.
 */

import { sql } from 'kysely';
import { ageOn, shanghaiDate } from '../../../shared/identity.js';
import type { VisitMessage, VisitStatus, VisitType, VisitView } from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import { maskName } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { departmentFacts, institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { patientProfiles } from '../identity/identity.api.js';
import { SYSTEM_SENDER, type SystemLine } from './system-lines.js';
import type { VisitKeys } from './visit-access.js';

export async function visitEvent(
  db: Executor,
  visitId: string,
  kind: string,
  actor: Actor,
  at: Date,
  details: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('visit_event')
    .values({
      visit_id: visitId,
      at,
      kind,
      actor_account_id: actor.accountId,
      actor_role: actor.role ?? 'system',
      details: JSON.stringify(details),
    })
    .execute();
}

/** A system line of the chat (system-lines.ts): stored with its zh-CN text, key and params. */
export async function systemMessage(
  db: Executor,
  visitId: string,
  line: SystemLine,
  at: Date,
): Promise<VisitMessage> {
  const text = line.text;
  const row = await db
    .insertInto('visit_message')
    .values({
      visit_id: visitId,
      sender_account_id: null,
      sender_role: 'system',
      client_id: null,
      kind: 'system',
      body: text,
      attachment_id: null,
      created_at: at,
      body_key: line.key,
      body_params: JSON.stringify(line.params),
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return {
    id: Number(row.id),
    visitId,
    kind: 'system',
    senderRole: 'system',
    senderName: SYSTEM_SENDER['zh-CN'],
    text,
    textKey: line.key,
    textParams: line.params,
    createdAt: row.created_at.toISOString(),
  };
}

export async function visitKeys(db: Executor, id: string, lock = false): Promise<VisitKeys | undefined> {
  let q = db
    .selectFrom('visit')
    .select(['id', 'patient_id', 'practitioner_id', 'department_id', 'institution_id', 'status', 'type'])
    .where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The whole visit row, locked for the caller's transaction; 404 when there is none. */
export async function lockedVisit(db: Executor, id: string) {
  const v = await db.selectFrom('visit').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!v) throw errors.notFound('问诊');
  return v;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

/** Visits as the API shows them; `mask` hides the patient's name (the regulator's lists). */
export async function visitViews(
  db: Executor,
  filter: (q: ReturnType<typeof base>) => ReturnType<typeof base>,
  now: Date,
  opts: { mask?: boolean; limit?: number } = {},
): Promise<VisitView[]> {
  const rows = await filter(base(db))
    .orderBy('v.created_at', 'desc')
    .limit(opts.limit ?? 200)
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const attachments = await db
    .selectFrom('attachment')
    .select(['id', 'visit_id'])
    .where('visit_id', 'in', ids)
    .orderBy('created_at')
    .execute();
  // Attachments that arrived in the chat are not the request's pictures: keep only those linked at creation.
  const chatAttachments = new Set(
    (
      await db
        .selectFrom('visit_message')
        .select('attachment_id')
        .where('visit_id', 'in', ids)
        .where('attachment_id', 'is not', null)
        .execute()
    ).map((m) => m.attachment_id),
  );
  const positions = await queuePositions(db, rows);
  // The names shown come from their owners, one query per kind for the whole page.
  const [patients, departments, institutions, practitioners] = await Promise.all([
    patientProfiles(
      db,
      rows.map((r) => r.patient_id),
    ),
    departmentFacts(
      db,
      rows.map((r) => r.department_id),
    ),
    institutionFacts(db, [
      ...rows.map((r) => r.institution_id),
      ...rows.flatMap((r) => (r.dx_institution_id ? [r.dx_institution_id] : [])),
    ]),
    practitionerProfiles(
      db,
      rows.flatMap((r) => (r.practitioner_id ? [r.practitioner_id] : [])),
    ),
  ]);
  const today = now;
  const out: VisitView[] = [];
  for (const r of rows) {
    const queuePosition = positions.get(r.id);
    const pt = patients.get(r.patient_id);
    const pr = r.practitioner_id ? practitioners.get(r.practitioner_id) : undefined;
    const patientName = pt?.name ?? '';
    const birth = pt?.birthDate ?? shanghaiDate(now);
    const age = ageOn(birth, today);
    const rec = r.refer_recommendation as Record<string, string> | null;
    out.push({
      id: r.id,
      type: r.type as VisitType,
      status: r.status as VisitStatus,
      channel: r.channel as 'text' | 'video',
      patientId: r.patient_id,
      patientName: opts.mask ? maskName(patientName) : patientName,
      patientSex: (pt?.sex ?? 'male') as 'male' | 'female',
      patientAge: age,
      isMinor: age < 18,
      ...(r.practitioner_id
        ? {
            doctorId: r.practitioner_id,
            doctorName: pr?.name ?? '',
            doctorTitle: pr?.professionalTitle ?? '',
          }
        : {}),
      departmentId: r.department_id,
      departmentName: departments.get(r.department_id)?.name ?? '',
      institutionId: r.institution_id,
      institutionName: institutions.get(r.institution_id)?.name ?? '',
      ...(institutions.get(r.institution_id)?.nameEn
        ? { institutionNameEn: institutions.get(r.institution_id)!.nameEn! }
        : {}),
      ...(r.appointment_id ? { appointmentId: r.appointment_id } : {}),
      ...(r.condition_code ? { conditionCode: r.condition_code } : {}),
      ...(r.condition_name ? { conditionName: r.condition_name } : {}),
      description: r.description,
      feeFen: r.fee_fen,
      ...(r.order_id ? { orderId: r.order_id } : {}),
      ...(r.offline_diagnosis_id
        ? {
            evidence: {
              kind: 'offline_diagnosis' as const,
              offlineDiagnosisId: r.offline_diagnosis_id,
              icd10: r.dx_icd10 ?? '',
              name: r.dx_name ?? '',
              institutionName: (r.dx_institution_id && institutions.get(r.dx_institution_id)?.name) || '',
              diagnosedAt: r.dx_date ? String(r.dx_date) : '',
            },
          }
        : r.evidence_attachment_id
          ? {
              evidence: {
                kind: 'document' as const,
                attachmentId: r.evidence_attachment_id,
                ...(r.evidence_accepted_at ? { acceptedAt: r.evidence_accepted_at.toISOString() } : {}),
              },
            }
          : {}),
      guardianRequired: r.guardian_required,
      ...(r.guardian_confirmed_at ? { guardianConfirmedAt: r.guardian_confirmed_at.toISOString() } : {}),
      consentAt: r.consent_at.toISOString(),
      ...(queuePosition !== undefined ? { queuePosition } : {}),
      createdAt: r.created_at.toISOString(),
      paidAt: iso(r.paid_at),
      startedAt: iso(r.started_at),
      completedAt: iso(r.completed_at),
      endedAt: iso(r.ended_at),
      expiresAt: iso(r.expires_at),
      chatClosesAt: iso(r.chat_closes_at),
      chatClosed:
        r.chat_closed_at !== null || ['cancelled', 'expired', 'referred_offline'].includes(r.status),
      ...(r.refer_reason
        ? {
            referral: {
              reason: r.refer_reason,
              recommendation: {
                ...(rec?.institutionId ? { institutionId: rec.institutionId } : {}),
                ...(rec?.institutionName ? { institutionName: rec.institutionName } : {}),
                ...(rec?.departmentId ? { departmentId: rec.departmentId } : {}),
                ...(rec?.departmentName ? { departmentName: rec.departmentName } : {}),
                ...(rec?.note ? { note: rec.note } : {}),
              },
            },
          }
        : {}),
      ...(r.cancel_reason ? { cancelReason: r.cancel_reason } : {}),
      ...(r.rating_stars
        ? { rating: { stars: r.rating_stars, ...(r.rating_comment ? { comment: r.rating_comment } : {}) } }
        : {}),
      attachmentIds: attachments
        .filter((a) => a.visit_id === r.id && a.id !== r.evidence_attachment_id && !chatAttachments.has(a.id))
        .map((a) => a.id),
    });
  }
  return out;
}

/**
 * Place in the queue of each waiting visit (1 = next), in one query for the whole page: a doctor's own
 * queue, or the department's untaken on-demand queue.
 */
async function queuePositions(
  db: Executor,
  rows: { id: string; status: string; practitioner_id: string | null; department_id: string }[],
): Promise<Map<string, number>> {
  const waiting = rows.filter((r) => r.status === 'waiting');
  if (waiting.length === 0) return new Map();
  const doctors = [...new Set(waiting.flatMap((r) => (r.practitioner_id ? [r.practitioner_id] : [])))];
  const departments = [...new Set(waiting.filter((r) => !r.practitioner_id).map((r) => r.department_id))];
  const ranked = await db
    .selectFrom('visit')
    .select([
      'id',
      sql<number>`row_number() over (partition by practitioner_id,
        case when practitioner_id is null then department_id end order by queued_at, id)`.as('position'),
    ])
    .where('status', '=', 'waiting')
    .where((eb) =>
      eb.or([
        ...(doctors.length > 0 ? [eb('practitioner_id', 'in', doctors)] : []),
        ...(departments.length > 0
          ? [eb.and([eb('practitioner_id', 'is', null), eb('department_id', 'in', departments)])]
          : []),
      ]),
    )
    .execute();
  return new Map(ranked.map((r) => [r.id, Number(r.position)]));
}

/** The visit rows (this module's tables only); names of people and places are read from their owners. */
function base(db: Executor) {
  return db
    .selectFrom('visit as v')
    .leftJoin('offline_diagnosis as dx', 'dx.id', 'v.offline_diagnosis_id')
    .selectAll('v')
    .select([
      'dx.icd10 as dx_icd10',
      'dx.name as dx_name',
      'dx.diagnosed_at as dx_date',
      'dx.institution_id as dx_institution_id',
    ]);
}

export type VisitQuery = ReturnType<typeof base>;
