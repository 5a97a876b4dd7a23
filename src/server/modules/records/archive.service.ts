/**
 * GET /patients/{id}/archive (居民健康档案 summary, REC-3, SEC-1): demographics, chronic conditions,
 * diagnoses, allergies, history and lifestyle, vaccinations and the latest tracked results — each section
 * only as far as the reader's relationship covers it (the rest null and named in `hiddenCategories`), the
 * resident ID in clear only for the patient and their proxies (DJ-10), every category read audited (DJ-12).
 */
import { ageOn } from '../../../shared/identity.js';
import { type Archive, RECORD_CATEGORIES, type RecordCategory } from '../../../shared/records.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { patientAllergies, patientIdNumber, patientProfiles } from '../identity/identity.api.js';
import { allowedCategories, auditReads } from './archive-reads.js';
import type { CareDecision } from './care-access.js';
import { archiveFacts, chronicConditionRows } from './records.api.js';
import { TRACKED_MEASURES, valueText } from './records.rules.js';
import { diagnosisViews, institutionNames, observationView } from './records.views.js';

/** How many diagnoses the summary lists (the timeline has them all). */
const DIAGNOSES_SHOWN = 50;

/** The latest value of each tracked measure (one index range per code: observation_patient_code). */
export async function latestResults(
  db: Executor,
  patientId: string,
): Promise<NonNullable<Archive['latestResults']>> {
  const codes = TRACKED_MEASURES.map((m) => m.code);
  const rows = await db
    .selectFrom('observation')
    .selectAll()
    .distinctOn('code')
    .where('patient_id', '=', patientId)
    .where('code', 'in', codes)
    .where('status', '<>', 'cancelled')
    .where('category', 'in', ['laboratory', 'vital-signs'])
    .orderBy('code')
    .orderBy('effective_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const byCode = new Map(rows.map((r) => [r.code, observationView(r)]));
  return TRACKED_MEASURES.flatMap((m) => {
    const o = byCode.get(m.code);
    if (!o) return [];
    return [
      {
        code: o.code,
        name: o.name || m.name,
        valueText: valueText(o.valueText, o.valueNum),
        unit: o.unit,
        flag: o.flag,
        effectiveAt: o.effectiveAt,
      },
    ];
  });
}

/** The archive as far as the reader may see it, with the decisions per category (not audited: the caller does). */
export async function archiveOf(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  now: Date,
): Promise<{ archive: Archive; allowed: Map<RecordCategory, CareDecision> }> {
  const allowed = await allowedCategories(ctx, auth, patientId, RECORD_CATEGORIES, now);
  const sees = (c: RecordCategory) => allowed.has(c);
  const first = allowed.values().next().value as CareDecision;
  const own = first.relationship === 'self' || first.relationship === 'proxy';
  const db = ctx.db;

  const profile = (await patientProfiles(db, [patientId])).get(patientId);
  const idNumber = await patientIdNumber(ctx, db, patientId);
  const patient: Archive['patient'] = {
    id: patientId,
    name: profile?.name ?? '',
    sex: profile?.sex === 'male' || profile?.sex === 'female' ? profile.sex : null,
    birthDate: profile?.birthDate ?? null,
    age: profile?.birthDate ? ageOn(profile.birthDate, now) : null,
    idNumberMasked: idNumber ? (own ? idNumber : maskIdNumber(idNumber)) : null,
  };

  let allergies: Archive['allergies'] = null;
  let history: Archive['history'] = null;
  let vaccinations: Archive['vaccinations'] = null;
  if (sees('basic')) {
    const [list, facts] = await Promise.all([patientAllergies(db, patientId), archiveFacts(db, patientId)]);
    allergies = list.map((a) => ({
      substance: a.substance,
      reaction: a.reaction,
      recordedAt: a.recordedAt.toISOString(),
    }));
    const p = facts.profile;
    history = {
      bloodType: p?.blood_type ?? null,
      pastHistory: p?.past_history ?? '',
      surgicalHistory: p?.surgical_history ?? '',
      familyHistory: p?.family_history ?? '',
      lifestyle: (p?.lifestyle ?? {}) as NonNullable<Archive['history']>['lifestyle'],
      updatedAt: p?.updated_at.toISOString() ?? null,
    };
    const places = await institutionNames(
      db,
      facts.vaccinations.map((v) => v.institution_id),
    );
    vaccinations = facts.vaccinations.map((v) => ({
      id: v.id,
      vaccine: v.vaccine,
      dose: v.dose,
      givenOn: String(v.given_on),
      institutionName: v.institution_id ? (places.get(v.institution_id) ?? null) : null,
    }));
  }

  let chronicConditions: Archive['chronicConditions'] = null;
  let diagnoses: Archive['diagnoses'] = null;
  if (sees('diagnoses')) {
    const recent = await db
      .selectFrom('diagnosis')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .limit(DIAGNOSES_SHOWN)
      .execute();
    [chronicConditions, diagnoses] = await Promise.all([
      chronicConditionRows(db, patientId).then((rows) => diagnosisViews(db, rows)),
      diagnosisViews(db, recent),
    ]);
  }

  const latest = sees('labs') ? await latestResults(db, patientId) : null;
  const archive: Archive = {
    patient,
    relationship: first.relationship,
    hiddenCategories: RECORD_CATEGORIES.filter((c) => !sees(c)),
    chronicConditions,
    diagnoses,
    allergies,
    history,
    vaccinations,
    latestResults: latest,
  };
  return { archive, allowed };
}

export async function getArchive(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  actor: Actor,
): Promise<Archive> {
  const now = ctx.clock.now();
  const { archive, allowed } = await archiveOf(ctx, auth, patientId, now);
  // What the archive carries: the categories of its sections (encounters, medications and exams are the
  // timeline's and the reports'); each is one access-log entry.
  const read = new Map([...allowed].filter(([c]) => c === 'basic' || c === 'diagnoses' || c === 'labs'));
  if (read.size === 0) read.set(...([...allowed][0] as [RecordCategory, CareDecision]));
  await auditReads(ctx, actor, patientId, read, 'archive', 'app', now);
  return archive;
}
