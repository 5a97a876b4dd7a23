/**
 * What other modules may ask of directory (style.md: a module owns its tables; others call these
 * functions with their own executor or transaction, or put an exported fragment into their own query).
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { hasOpenSession } from '../scheduling/scheduling.api.js';

/** A practitioner as other modules need them: who, what, where they practise, and whether active. */
export interface PractitionerFacts {
  id: string;
  name: string;
  kind: string;
  title: string | null;
  institutionId: string;
  departmentId: string;
  status: string;
}

export async function practitionerFacts(db: Executor, id: string): Promise<PractitionerFacts | undefined> {
  const r = await db
    .selectFrom('practitioner')
    .select(['id', 'name', 'kind', 'title', 'institution_id', 'department_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        name: r.name,
        kind: r.kind,
        title: r.title,
        institutionId: r.institution_id,
        departmentId: r.department_id,
        status: r.status,
      }
    : undefined;
}

/** An institution as other modules need it: its kind, grade, place in an alliance, and whether active. */
export interface InstitutionFacts {
  id: string;
  name: string;
  /** English name where the institution has one ([8/12]: shown in en-US). */
  nameEn: string | null;
  type: string;
  level: string | null;
  district: string;
  allianceOf: string | null;
  status: string;
}

/** Several institutions at once (e.g. the one a staff member works at and the one they book into). */
export async function institutionFacts(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, InstitutionFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('institution')
    .select(['id', 'name', 'name_en', 'type', 'level', 'district', 'alliance_of', 'status'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        nameEn: r.name_en,
        type: r.type,
        level: r.level,
        district: r.district,
        allianceOf: r.alliance_of,
        status: r.status,
      },
    ]),
  );
}

/**
 * The active institutions of a medical alliance (医联体, FD-4): its lead hospital (`headId`) and every
 * institution whose `alliance_of` names it.
 */
export async function allianceMembers(db: Executor, headId: string): Promise<InstitutionFacts[]> {
  const rows = await db
    .selectFrom('institution')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', headId), eb('alliance_of', '=', headId)]))
    .where('status', '=', 'active')
    .execute();
  const facts = await institutionFacts(
    db,
    rows.map((r) => r.id),
  );
  return [...facts.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** Where to find an institution (a pharmacy's counter, the sender of a parcel): address and switchboard. */
export async function institutionContacts(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { name: string; address: string | null; phone: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('institution')
    .select(['id', 'name', 'address', 'phone'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, address: r.address, phone: r.phone }]));
}

/**
 * The departments where a practitioner practises at an institution: their own department when it is their
 * primary institution, then every department of a registered second site (多点执业, ORG-2). Empty when
 * they do not practise there.
 */
export async function practitionerDepartmentsAt(
  db: Executor,
  practitionerId: string,
  institutionId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('practitioner')
    .select([sql.lit(0).as('rank'), 'department_id'])
    .where('id', '=', practitionerId)
    .where('institution_id', '=', institutionId)
    .unionAll(
      db
        .selectFrom('practitioner_site')
        .select([sql.lit(1).as('rank'), 'department_id'])
        .where('practitioner_id', '=', practitionerId)
        .where('institution_id', '=', institutionId),
    )
    .orderBy('rank')
    .execute();
  return rows.map((r) => r.department_id);
}

/** What a booking needs of the doctor and the institution of a session (ORG-5 and the names shown). */
export interface BookingParties {
  doctorStatus: string;
  doctorName: string;
  institutionStatus: string;
  institutionName: string;
  institutionLevel: string | null;
}

/**
 * For the booking hot path, where a second round trip costs: the doctor's and the institution's facts
 * as one JSON column of the caller's query (`bookingParties(eb.ref('s.practitioner_id'),
 * eb.ref('s.institution_id')).as('parties')`). Null when either is missing.
 */
export function bookingParties(
  practitionerId: Expression<string>,
  institutionId: Expression<string>,
): RawBuilder<BookingParties | null> {
  return sql<BookingParties | null>`(select json_build_object(
      'doctorStatus', p.status, 'doctorName', p.name,
      'institutionStatus', i.status, 'institutionName', i.name, 'institutionLevel', i.level)
    from practitioner p, institution i where p.id = ${practitionerId} and i.id = ${institutionId})`;
}

/** Whether an institution is active (ORG-5), as a condition of the caller's query (one round trip). */
export function institutionActive(institutionId: Expression<string>): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from institution where id = ${institutionId} and status = 'active')`;
}

/** For a query of another module: whether the practitioner is active (not suspended, ORG-5). */
export function practitionerActive(practitionerId: Expression<string>): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from practitioner where id = ${practitionerId} and status = 'active')`;
}

/** A practitioner as shown and signed in visits: titles, licence number, where they work (names too). */
export interface PractitionerProfile {
  id: string;
  name: string;
  kind: string;
  professionalTitle: string;
  licenceNo: string;
  institutionId: string;
  institutionName: string;
  departmentId: string;
  departmentName: string;
}

/** Profiles of many practitioners at once (one query for a page). */
export async function practitionerProfiles(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, PractitionerProfile>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('practitioner as p')
    .innerJoin('institution as i', 'i.id', 'p.institution_id')
    .innerJoin('department as d', 'd.id', 'p.department_id')
    .select([
      'p.id',
      'p.name',
      'p.kind',
      'p.professional_title',
      'p.licence_no',
      'p.institution_id',
      'i.name as institution_name',
      'p.department_id',
      'd.name as department_name',
    ])
    .where('p.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        kind: r.kind,
        professionalTitle: r.professional_title,
        licenceNo: r.licence_no,
        institutionId: r.institution_id,
        institutionName: r.institution_name,
        departmentId: r.department_id,
        departmentName: r.department_name,
      },
    ]),
  );
}

/**
 * [12/12] The active practitioners of some kinds (doctor, nurse) who practise at any of the institutions
 * (primary or a registered second site, ORG-2), as profiles: the candidates for a family-doctor team.
 */
export async function activePractitionersAt(
  db: Executor,
  institutionIds: readonly string[],
  kinds: readonly string[],
): Promise<PractitionerProfile[]> {
  if (institutionIds.length === 0 || kinds.length === 0) return [];
  const rows = await db
    .selectFrom('practitioner as p')
    .select('p.id')
    .where('p.status', '=', 'active')
    .where('p.kind', 'in', [...kinds])
    .where((eb) =>
      eb.or([
        eb('p.institution_id', 'in', [...institutionIds]),
        eb.exists(
          eb
            .selectFrom('practitioner_site as s')
            .select('s.practitioner_id')
            .whereRef('s.practitioner_id', '=', 'p.id')
            .where('s.institution_id', 'in', [...institutionIds]),
        ),
      ]),
    )
    .orderBy('p.code')
    .execute();
  const profiles = await practitionerProfiles(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => profiles.get(r.id)).filter((p): p is PractitionerProfile => p !== undefined);
}

/** A department with its institution and licensed specialty (ORG-3). */
export interface DepartmentFacts {
  id: string;
  name: string;
  specialty: string;
  institutionId: string;
  institutionName: string;
}

/** Departments with their institutions, many at once. */
export async function departmentFacts(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, DepartmentFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select(['d.id', 'd.name', 'd.specialty', 'd.institution_id', 'i.name as institution_name'])
    .where('d.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        specialty: r.specialty,
        institutionId: r.institution_id,
        institutionName: r.institution_name,
      },
    ]),
  );
}

/**
 * Whether an institution has a department of a licensed specialty (ORG-3), and whether it is an internet
 * hospital; undefined when it has no such department.
 */
export async function specialtyAt(
  db: Executor,
  institutionId: string,
  specialty: string,
): Promise<{ internetHospital: boolean } | undefined> {
  const r = await db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select('i.internet_hospital')
    .where('d.institution_id', '=', institutionId)
    .where('d.specialty', '=', specialty)
    .executeTakeFirst();
  return r ? { internetHospital: !!r.internet_hospital } : undefined;
}

/**
 * The directory's facts on a practitioner's online practice as seen from one institution (ORG-1, ORG-2,
 * ORG-5, PILOT-2): their record, the institution's state, whether they are filed there as a second site,
 * and their practitioner licences. Undefined when there is no such practitioner.
 */
export interface OnlinePracticeFacts {
  name: string;
  kind: string;
  title: string | null;
  status: string;
  institutionId: string;
  departmentId: string;
  offersOnline: boolean;
  practiceSince: number;
  onlineFollowUpSince: number | null;
  firstVisitTrained: boolean;
  /** The institution asked about: its status and whether it is an internet hospital; null when unknown. */
  site: { status: string; internetHospital: boolean; filed: boolean } | null;
  licences: { validFrom: string; validTo: string }[];
}

export async function onlinePracticeFacts(
  db: Executor,
  practitionerId: string,
  institutionId: string,
): Promise<OnlinePracticeFacts | undefined> {
  const p = await db
    .selectFrom('practitioner')
    .select([
      'name',
      'kind',
      'title',
      'status',
      'offers_online',
      'practice_since',
      'online_follow_up_since',
      'first_visit_trained',
      'institution_id',
      'department_id',
    ])
    .where('id', '=', practitionerId)
    .executeTakeFirst();
  if (!p) return undefined;
  const site = await db
    .selectFrom('institution as i')
    .select([
      'i.status',
      'i.internet_hospital',
      sql<boolean>`exists (select 1 from practitioner_site s where s.practitioner_id = ${practitionerId}
        and s.institution_id = i.id)`.as('filed'),
    ])
    .where('i.id', '=', institutionId)
    .executeTakeFirst();
  const licences = await db
    .selectFrom('licence')
    .select(['valid_from', 'valid_to'])
    .where('practitioner_id', '=', practitionerId)
    .where('kind', '=', 'practitioner')
    .orderBy('valid_from')
    .execute();
  return {
    name: p.name,
    kind: p.kind,
    title: p.title,
    status: p.status,
    institutionId: p.institution_id,
    departmentId: p.department_id,
    offersOnline: p.offers_online,
    practiceSince: p.practice_since,
    onlineFollowUpSince: p.online_follow_up_since,
    firstVisitTrained: p.first_visit_trained,
    site: site
      ? { status: site.status, internetHospital: site.internet_hospital != null, filed: site.filed === true }
      : null,
    licences: licences.map((l) => ({ validFrom: String(l.valid_from), validTo: String(l.valid_to) })),
  };
}

/** Directory's error catalogue (FIRST_VISIT_BAR_NOT_MET is answered by visits' pilot whitelist too). */
export { directoryErrors } from './directory.errors.js';
/** The one check before an institution's staff change its data (an org_admin manages its own only). */
export { notYourInstitution, requireOwnInstitution } from './org-access.js';

/**
 * Where a practitioner practises ([6/12], SEC-1): their institution first, then every registered second
 * site (多点执业, ORG-2) — an authorisation given to an institution reaches its doctors there — with their
 * kind and status. Undefined when there is no such practitioner.
 */
export async function practitionerSites(
  db: Executor,
  practitionerId: string,
): Promise<{ kind: string; status: string; institutionIds: string[] } | undefined> {
  const p = await db
    .selectFrom('practitioner')
    .select(['kind', 'status', 'institution_id'])
    .where('id', '=', practitionerId)
    .executeTakeFirst();
  if (!p) return undefined;
  const sites = await db
    .selectFrom('practitioner_site')
    .select('institution_id')
    .where('practitioner_id', '=', practitionerId)
    .execute();
  return {
    kind: p.kind,
    status: p.status,
    institutionIds: [...new Set([p.institution_id, ...sites.map((s) => s.institution_id)])],
  };
}

/** An institution by its directory code (YC-H01): how configuration names it ([6/12], HL7 feeds). */
export async function institutionByCode(
  db: Executor,
  code: string,
): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('institution').select(['id', 'name']).where('code', '=', code).executeTakeFirst();
}

/**
 * A hospital system's reference to a department of one institution ([6/12], HL7 PV1-3): our department
 * code (case-insensitive) or its name. Undefined when none matches.
 */
export async function departmentAt(
  db: Executor,
  institutionId: string,
  ref: string,
): Promise<string | undefined> {
  const r = await db
    .selectFrom('department')
    .select('id')
    .where('institution_id', '=', institutionId)
    .where((eb) => eb.or([eb(eb.fn('upper', ['code']), '=', ref.toUpperCase()), eb('name', '=', ref)]))
    .orderBy('code')
    .executeTakeFirst();
  return r?.id;
}

/**
 * A hospital system's reference to a practitioner who practises at an institution (there or as a second
 * site, ORG-2) ([6/12], HL7 PV1-7): their licence number (执业证书编号) or our practitioner code.
 */
export async function practitionerAt(
  db: Executor,
  institutionId: string,
  ref: string,
): Promise<{ id: string; departmentId: string } | undefined> {
  const r = await db
    .selectFrom('practitioner as p')
    .leftJoin('practitioner_site as s', (j) =>
      j.onRef('s.practitioner_id', '=', 'p.id').on('s.institution_id', '=', institutionId),
    )
    .select(['p.id', 'p.institution_id', 'p.department_id', 's.department_id as site_department_id'])
    .where((eb) => eb.or([eb('p.licence_no', '=', ref), eb('p.code', '=', ref)]))
    .where((eb) =>
      eb.or([eb('p.institution_id', '=', institutionId), eb('s.institution_id', 'is not', null)]),
    )
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    departmentId: r.institution_id === institutionId ? r.department_id : r.site_department_id!,
  };
}

/** The id of a practitioner's FHIR PractitionerRole at a department, and back ([6/12], practitioners.fhir.ts). */
export { parsePractitionerRoleId, practitionerRoleId } from './practitioners.fhir.js';

/** Institutions' directory codes (YC-H01) by id: how the insurance platform knows them ([7/12], 对账). */
export async function institutionCodes(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('institution')
    .select(['id', 'code'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.code]));
}

/** A department a suggestion can link to ([8/12] triage): where it is and how many doctors can be booked. */
export interface NamedDepartment {
  departmentId: string;
  name: string;
  institutionId: string;
  institutionName: string;
  institutionLevel: string | null;
  /** Active doctors of the department with an open session from `today` on. */
  doctorsWithSessions: number;
}

/** Departments of active institutions (ORG-5) named one of `names` (triage's suggestions), one query. */
export async function departmentsNamed(
  db: Executor,
  names: readonly string[],
  today: string,
): Promise<NamedDepartment[]> {
  if (names.length === 0) return [];
  const rows = await db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select([
      'd.id',
      'd.name',
      'd.institution_id',
      'i.name as institution_name',
      'i.level',
      (eb) =>
        eb
          .selectFrom('practitioner as p')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('p.department_id', '=', 'd.id')
          .where('p.status', '=', 'active')
          .where((e) => hasOpenSession(e.ref('p.id'), { today }))
          .as('doctors'),
    ])
    .where('d.name', 'in', [...new Set(names)])
    .where('i.status', '=', 'active')
    .execute();
  return rows.map((r) => ({
    departmentId: r.id,
    name: r.name,
    institutionId: r.institution_id,
    institutionName: r.institution_name,
    institutionLevel: r.level,
    doctorsWithSessions: Number(r.doctors ?? 0),
  }));
}

/**
 * [12/12] FD-5/FD-9: what home visits and home nursing look at — the kind, the grade of title (resident …
 * chief, doctors), the professional title (护士、护师、…) and the year clinical practice began.
 */
export async function practitionerCredentials(
  db: Executor,
  id: string,
): Promise<
  { kind: string; title: string | null; professionalTitle: string; practiceSince: number } | undefined
> {
  const r = await db
    .selectFrom('practitioner')
    .select(['kind', 'title', 'professional_title', 'practice_since'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        kind: r.kind,
        title: r.title,
        professionalTitle: r.professional_title,
        practiceSince: r.practice_since,
      }
    : undefined;
}
