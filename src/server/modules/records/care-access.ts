/**
 * THE access check for a patient's clinical data (SEC-1, DJ-9, DJ-10): used by the REST archive routes,
 * the FHIR API and the exports alike — one copy.
 *
 * A reader may read a patient's data when they are the patient (self), an active family proxy (ID-6), or
 * a doctor or nurse holding a care relationship now: a visit, an authorisation, a break-glass access (the
 * sources in `CARE_SOURCES`; family_doctor, referral and remote_consultation are added there by the
 * modules of later issues, one entry each). Nothing is cached: a revoked authorisation or an ended
 * relationship takes effect on the very next request. Pharmacists, org_admin, the regulator and the
 * insurer hold no care relationship and read no archive (prescriptions keep their own rules).
 */
import { RELATIONSHIPS, type RecordCategory, type Relationship } from '../../../shared/records.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { practitionerSites } from '../directory/directory.api.js';
import { familyDoctorSource, referralSource } from '../family-doctor/family-doctor.api.js';
import { patientRelation, patientsOfAccount } from '../identity/identity.api.js';
import { remoteConsultationSource } from '../remote/remote.api.js';
import { careVisits } from '../visits/visits.api.js';
import { recordErrors } from './records.errors.js';

/** Why the reader may read, what, and until when. */
export interface CareDecision {
  relationship: Relationship;
  /** null: every category. */
  categories: RecordCategory[] | null;
  /** When the relationship ends (an authorisation's expiry, 30 days after a visit, …); null: open-ended. */
  until: Date | null;
}

/** A decision about one patient, as a source finds them. */
export interface PatientDecision extends CareDecision {
  patientId: string;
}

/** A doctor or nurse as the sources see them (only they hold care relationships, SEC-1). */
export interface StaffReader {
  accountId: string;
  practitionerId: string;
  /** Where they practise: their institution and every registered second site (多点执业, ORG-2). */
  institutionIds: string[];
}

/**
 * One kind of care relationship. `find` answers every patient the reader holds it with now — or only
 * `patientId` when given (the check of one read) — one query, no cache.
 */
export interface CareSource {
  relationship: Relationship;
  find(
    ctx: AppContext,
    db: Executor,
    reader: StaffReader,
    now: Date,
    patientId: string | null,
  ): Promise<PatientDecision[]>;
}

const OPEN_ENCOUNTER = 'in-progress';
/** The encounter class that stays open until the hospital discharges the patient (ADT^A03): an admission. */
const ADMISSION = 'IMP';

/**
 * visit: an online visit of this practitioner with the patient that is open, or ended within the care
 * window (`records.careWindowMs`, 30 days by default); or an HIS encounter with them (records' `encounter`
 * table: offline visits a hospital system fed in, and online visits once signed) ended within the window,
 * or an admission (IMP) still in progress. An outpatient or emergency registration a hospital never closed
 * (ADT^A04 without A03 is common) counts from its start: it does not relate the doctor for ever. Until: the
 * end of the window after the last one ended (exclusive, like an authorisation's expiry); null while one is
 * open.
 */
export const visitSource: CareSource = {
  relationship: 'visit',
  async find(ctx, db, reader, now, patientId) {
    const window = ctx.config.records.careWindowMs;
    const since = new Date(now.getTime() - window);
    const online = await careVisits(db, reader.practitionerId, since, patientId ?? undefined);
    let q = db
      .selectFrom('encounter')
      .select(['patient_id', 'class', 'status', 'started_at', 'ended_at'])
      .where('practitioner_id', '=', reader.practitionerId)
      .where('status', '<>', 'cancelled')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', OPEN_ENCOUNTER), eb('class', '=', ADMISSION)]),
          eb(eb.fn.coalesce('ended_at', 'started_at'), '>', since),
        ]),
      );
    if (patientId) q = q.where('patient_id', '=', patientId);
    const encounters = await q.execute();
    const out: PatientDecision[] = [];
    for (const v of online) {
      const until = v.open ? null : new Date(v.endedAt!.getTime() + window);
      out.push({ patientId: v.patientId, relationship: 'visit', categories: null, until });
    }
    for (const e of encounters) {
      const open = e.status === OPEN_ENCOUNTER && e.class === ADMISSION;
      const until = open ? null : new Date((e.ended_at ?? e.started_at).getTime() + window);
      out.push({ patientId: e.patient_id, relationship: 'visit', categories: null, until });
    }
    return out;
  },
};

/**
 * authorisation (授权调阅): the patient's grant to this practitioner, or to an institution where they
 * practise; not revoked, not expired, for its categories (null: all). Until: its expiry.
 */
export const authorisationSource: CareSource = {
  relationship: 'authorisation',
  async find(_ctx, db, reader, now, patientId) {
    let q = db
      .selectFrom('access_grant')
      .select(['patient_id', 'categories', 'expires_at'])
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where((eb) =>
        eb.or([
          eb('grantee_practitioner_id', '=', reader.practitionerId),
          ...(reader.institutionIds.length > 0
            ? [eb('grantee_institution_id', 'in', reader.institutionIds)]
            : []),
        ]),
      );
    if (patientId) q = q.where('patient_id', '=', patientId);
    const rows = await q.execute();
    return rows.map((r) => ({
      patientId: r.patient_id,
      relationship: 'authorisation' as const,
      categories: r.categories ? (r.categories as RecordCategory[]) : null,
      until: r.expires_at,
    }));
  },
};

/** break_glass (紧急调阅): the reader's own unexpired emergency access; every category. Until: its expiry. */
export const breakGlassSource: CareSource = {
  relationship: 'break_glass',
  async find(_ctx, db, reader, now, patientId) {
    let q = db
      .selectFrom('break_glass')
      .select(['patient_id', 'expires_at'])
      .where('account_id', '=', reader.accountId)
      .where('expires_at', '>', now);
    if (patientId) q = q.where('patient_id', '=', patientId);
    const rows = await q.execute();
    return rows.map((r) => ({
      patientId: r.patient_id,
      relationship: 'break_glass' as const,
      categories: null,
      until: r.expires_at,
    }));
  },
};

/**
 * Every kind of staff care relationship. Later modules add theirs here, one entry each (family_doctor:
 * a signed family-doctor contract; referral and remote_consultation naming the practitioner).
 */
export const CARE_SOURCES: readonly CareSource[] = [
  visitSource,
  authorisationSource,
  breakGlassSource,
  // [11/12] a remote-diagnosis request: its requesting doctor and its reading doctor (SEC-1).
  remoteConsultationSource,
  // [12/12] a family-doctor contract in force (its team) and a referral (its two doctors).
  familyDoctorSource,
  referralSource,
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STAFF_READER_ROLES = ['doctor', 'nurse'] as const;

/**
 * The reader as a doctor or nurse: null for anyone else, and for a practitioner who is suspended (ORG-5) or
 * is a pharmacist — they hold no care relationship.
 */
export async function staffReader(db: Executor, auth: AuthContext): Promise<StaffReader | null> {
  if (!auth.practitionerId || !auth.roles.some((r) => (STAFF_READER_ROLES as readonly string[]).includes(r)))
    return null;
  const sites = await practitionerSites(db, auth.practitionerId);
  if (sites?.status !== 'active' || !(STAFF_READER_ROLES as readonly string[]).includes(sites.kind))
    return null;
  return {
    accountId: auth.accountId,
    practitionerId: auth.practitionerId,
    institutionIds: sites.institutionIds,
  };
}

const rank = (r: Relationship) => RELATIONSHIPS.indexOf(r);

/**
 * One decision per relationship, strongest first (the order of RELATIONSHIPS: self, proxy, visit, …,
 * authorisation, break_glass — a break-glass is the last resort, so a read another relationship allows is
 * recorded under that one): categories united (null, all, wins), until the latest (null, open-ended, wins).
 */
export function mergeDecisions(decisions: readonly CareDecision[]): CareDecision[] {
  const by = new Map<Relationship, CareDecision>();
  for (const d of decisions) {
    const seen = by.get(d.relationship);
    if (!seen) {
      by.set(d.relationship, { ...d, categories: d.categories ? [...d.categories] : null });
      continue;
    }
    seen.categories =
      seen.categories === null || d.categories === null
        ? null
        : [...new Set([...seen.categories, ...d.categories])];
    seen.until = seen.until === null || d.until === null ? null : seen.until > d.until ? seen.until : d.until;
  }
  return [...by.values()]
    .map((d) => ({ ...d, categories: d.categories ? sortCategories(d.categories) : null }))
    .sort((a, b) => rank(a.relationship) - rank(b.relationship));
}

const CATEGORY_ORDER: readonly RecordCategory[] = [
  'basic',
  'encounters',
  'diagnoses',
  'medications',
  'labs',
  'exams',
];
const sortCategories = (c: RecordCategory[]) =>
  [...new Set(c)].sort((a, b) => CATEGORY_ORDER.indexOf(a) - CATEGORY_ORDER.indexOf(b));

/** Whether a decision covers a category. */
export const covers = (d: CareDecision, category: RecordCategory) =>
  d.categories === null || d.categories.includes(category);

/** Every relationship the reader holds with the patient now, strongest first; empty when none. */
export async function careRelationships(
  ctx: AppContext,
  db: Executor,
  auth: AuthContext,
  patientId: string,
  now: Date,
): Promise<CareDecision[]> {
  if (!UUID.test(patientId)) return [];
  const found: CareDecision[] = [];
  const own = await patientRelation(db, auth.accountId, patientId);
  if (own) found.push(ownDecision(own));
  const reader = await staffReader(db, auth);
  if (reader) {
    for (const source of CARE_SOURCES) found.push(...(await source.find(ctx, db, reader, now, patientId)));
  }
  return mergeDecisions(found);
}

/**
 * The decision for one category: the relationship that allows it, or 403 NO_CARE_RELATIONSHIP (the same
 * answer for an unknown patient, so ids cannot be probed). The refusal is audited by the refusal hook.
 */
export async function requireRecordAccess(
  ctx: AppContext,
  db: Executor,
  auth: AuthContext,
  patientId: string,
  category: RecordCategory,
  now: Date,
): Promise<CareDecision> {
  const decision = (await careRelationships(ctx, db, auth, patientId, now)).find((d) => covers(d, category));
  if (!decision) throw recordErrors.noCareRelationship();
  return decision;
}

/**
 * Every patient a doctor or nurse may open now, with their relationships (strongest first): "我的患者".
 * Empty for anyone who is not a doctor or nurse.
 */
export async function carePatients(
  ctx: AppContext,
  db: Executor,
  auth: AuthContext,
  now: Date,
): Promise<Map<string, CareDecision[]>> {
  const reader = await staffReader(db, auth);
  const found = new Map<string, CareDecision[]>();
  if (!reader) return found;
  for (const source of CARE_SOURCES) {
    for (const { patientId, ...d } of await source.find(ctx, db, reader, now, null)) {
      const list = found.get(patientId) ?? [];
      list.push(d);
      found.set(patientId, list);
    }
  }
  for (const [id, list] of found) found.set(id, mergeDecisions(list));
  return found;
}

/**
 * The patients whose data of `category` the reader may see now — for searches and lists, so nothing of
 * another patient appears in them. Patients: themselves and those they act for. Doctors and nurses: their
 * care relationships. Everyone else: none.
 */
export async function readablePatients(
  ctx: AppContext,
  db: Executor,
  auth: AuthContext,
  category: RecordCategory,
  now: Date,
): Promise<string[]> {
  const ids = new Set(await patientsOfAccount(db, auth.accountId));
  for (const [patientId, decisions] of await carePatients(ctx, db, auth, now)) {
    if (decisions.some((d) => covers(d, category))) ids.add(patientId);
  }
  return [...ids];
}

/** What one read touched, for the audit log and the patient's access log (DJ-12, SEC-1). */
export interface RecordRead {
  patientId: string;
  category: RecordCategory;
  /** archive, timeline, observations, reports, export:pdf, export:fhir, fhir:Observation, … */
  what: string;
  relationship: Relationship;
  channel: 'app' | 'fhir' | 'export';
  resourceId?: string | null;
}

/**
 * The audit entry of a read (DJ-12, DJ-13): action `record.read`, the patient, resourceType = the category,
 * details {category, what, relationship, channel} — ids and names of things, never personal data (DJ-10).
 * The patient's access log lists these (except the patient's own). Call once per category a response
 * carries; with the transaction of the read when there is one.
 */
export async function recordRead(db: Executor, actor: Actor, read: RecordRead, now: Date): Promise<void> {
  await recordAudit(
    db,
    actor,
    {
      action: 'record.read',
      resourceType: read.category,
      resourceId: read.resourceId ?? null,
      patientId: read.patientId,
      details: {
        category: read.category,
        what: read.what,
        relationship: read.relationship,
        channel: read.channel,
      },
    },
    now,
  );
}

/** The decision of a patient's own reader: the patient, or their active proxy (ID-6), reads everything. */
export const ownDecision = (relation: 'self' | 'proxy'): CareDecision => ({
  relationship: relation,
  categories: null,
  until: null,
});

/**
 * Every relationship the reader holds now, by patient, strongest first — self and proxy (`own`, from
 * identity's `patientRelationsOfAccount`) and the staff care relationships — evaluated once, for a request
 * that checks several patients or categories (a FHIR search, its audit, its includes). The same decisions
 * `careRelationships` gives each patient at `now`; a patient missing from the map has none.
 */
export async function readerRelationships(
  ctx: AppContext,
  db: Executor,
  auth: AuthContext,
  now: Date,
  own: ReadonlyMap<string, 'self' | 'proxy'>,
): Promise<Map<string, CareDecision[]>> {
  const out = new Map<string, CareDecision[]>();
  for (const [patientId, relation] of own) out.set(patientId, [ownDecision(relation)]);
  for (const [patientId, decisions] of await carePatients(ctx, db, auth, now)) {
    out.set(patientId, mergeDecisions([...(out.get(patientId) ?? []), ...decisions]));
  }
  return out;
}

/** The decision that allows `category` among a patient's decisions, or 403 NO_CARE_RELATIONSHIP. */
export function decisionFor(
  decisions: readonly CareDecision[] | undefined,
  category: RecordCategory,
): CareDecision {
  const decision = decisions?.find((d) => covers(d, category));
  if (!decision) throw recordErrors.noCareRelationship();
  return decision;
}
