/**
 * The patient search (GET /api/v1/search) and the bookable departments of an institution
 * (GET /api/v1/institutions/{id}/clinics). Public reads of the directory: no patient data, not audited.
 *
 * Only what a patient can book is found: active institutions of a bookable type, clinical departments
 * (search.rules.ts), active doctors there. Every kind is capped (SEARCH_CAPS); a query is a handful of
 * statements whatever the data: one per kind, two per matched condition (≤ 5), one for the departments'
 * doctor counts and one for the doctors' next available sessions.
 */
import { type ExpressionBuilder, sql } from 'kysely';
import type { NextAvailable } from '../../../shared/directory.js';
import { shanghaiDate } from '../../../shared/identity.js';
import {
  type ClinicDepartment,
  SEARCH_CAPS,
  type SearchCondition,
  type SearchDoctor,
  type SearchInstitution,
  type SearchResult,
} from '../../../shared/search.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/schema.js';
import { errors } from '../../platform/errors.js';
import { hasOpenSession, nextAvailable } from '../scheduling/scheduling.api.js';
import { type InstitutionLevel, type InstitutionType, likeContains, type Title } from './directory.rules.js';
import { type Condition, conditionWords, matchConditions } from './search.conditions.js';
import {
  BOOKABLE_INSTITUTION_TYPES,
  NON_CLINICAL_SPECIALTIES,
  type ReadQuery,
  readQuery,
} from './search.rules.js';

type Eb = ExpressionBuilder<
  DB & { i: DB['institution']; d: DB['department']; p: DB['practitioner'] },
  'i' | 'd'
>;

const prefix = (latin: string) => `${latin}%`;

/** Clinical departments (NON_CLINICAL_SPECIALTIES) of active institutions patients book at. */
function bookableDepartment(eb: Eb) {
  return eb.and([
    eb('d.specialty', 'not in', [...NON_CLINICAL_SPECIALTIES]),
    eb('i.status', '=', 'active'),
    eb('i.type', 'in', [...BOOKABLE_INSTITUTION_TYPES]),
  ]);
}

function departmentRows(db: Executor) {
  return db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select([
      'd.id',
      'd.name',
      'd.name_en',
      'd.specialty',
      'i.id as institution_id',
      'i.name as institution_name',
      'i.short_name as institution_short_name',
    ])
    .where((eb) => bookableDepartment(eb));
}
type DepartmentRow = Awaited<ReturnType<ReturnType<typeof departmentRows>['execute']>>[number];

function doctorRows(db: Executor) {
  return db
    .selectFrom('practitioner as p')
    .innerJoin('institution as i', 'i.id', 'p.institution_id')
    .innerJoin('department as d', 'd.id', 'p.department_id')
    .select([
      'p.id',
      'p.name',
      'p.title',
      'p.professional_title',
      'p.specialty',
      'd.id as department_id',
      'd.name as department_name',
      'i.id as institution_id',
      'i.name as institution_name',
      'i.short_name as institution_short_name',
    ])
    .where('p.kind', '=', 'doctor')
    .where('p.status', '=', 'active')
    .where((eb) => bookableDepartment(eb));
}
type DoctorRow = Awaited<ReturnType<ReturnType<typeof doctorRows>['execute']>>[number];

/**
 * Per department: doctors registered or filed there (多点执业) who are active, and how many of them have
 * an open session there today. One statement; each row's today-check names its own department.
 */
async function departmentCounts(db: Executor, ids: string[], today: string) {
  const counts = new Map<string, { doctors: number; today: number }>();
  if (ids.length === 0) return counts;
  const today_at = ids.map(
    (dep) =>
      sql`(x.dep = ${dep} and ${hasOpenSession(sql.ref('x.pid'), { date: today, today, departmentId: dep })})`,
  );
  const rows = await db
    .with('x', (w) =>
      w
        .selectFrom('practitioner as p')
        .select(['p.department_id as dep', 'p.id as pid'])
        .where('p.kind', '=', 'doctor')
        .where('p.status', '=', 'active')
        .where('p.department_id', 'in', ids)
        .union(
          w
            .selectFrom('practitioner_site as ps')
            .innerJoin('practitioner as p', 'p.id', 'ps.practitioner_id')
            .select(['ps.department_id as dep', 'ps.practitioner_id as pid'])
            .where('p.kind', '=', 'doctor')
            .where('p.status', '=', 'active')
            .where('ps.department_id', 'in', ids),
        ),
    )
    .selectFrom('x')
    .select([
      'x.dep',
      sql<number>`count(*)::int`.as('doctors'),
      sql<number>`(count(*) filter (where ${sql.join(today_at, sql` or `)}))::int`.as('today'),
    ])
    .groupBy('x.dep')
    .execute();
  for (const r of rows) counts.set(r.dep, { doctors: r.doctors, today: r.today });
  return counts;
}

async function clinicViews(db: Executor, rows: DepartmentRow[], today: string): Promise<ClinicDepartment[]> {
  const counts = await departmentCounts(db, [...new Set(rows.map((r) => r.id))], today);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    specialty: r.specialty,
    institution: { id: r.institution_id, name: r.institution_name, shortName: r.institution_short_name },
    doctorCount: counts.get(r.id)?.doctors ?? 0,
    doctorsToday: counts.get(r.id)?.today ?? 0,
  }));
}

function doctorView(r: DoctorRow, next: Map<string, NextAvailable>): SearchDoctor {
  return {
    id: r.id,
    name: r.name,
    title: r.title as Title | null,
    professionalTitle: r.professional_title,
    specialty: r.specialty,
    department: { id: r.department_id, name: r.department_name },
    institution: { id: r.institution_id, name: r.institution_name, shortName: r.institution_short_name },
    nextAvailable: next.get(r.id) ?? null,
  };
}

function findInstitutions(db: Executor, q: ReadQuery) {
  return db
    .selectFrom('institution as i')
    .select(['i.id', 'i.name', 'i.name_en', 'i.short_name', 'i.type', 'i.level', 'i.district', 'i.address'])
    .where('i.status', '=', 'active')
    .where('i.type', 'in', [...BOOKABLE_INSTITUTION_TYPES])
    .where((eb) =>
      q.kind === 'text'
        ? eb.or([
            eb('i.name', 'ilike', likeContains(q.text)),
            eb('i.short_name', 'ilike', likeContains(q.text)),
          ])
        : // Institutions are few (tens in a region): the initials may be of any part ("ycyy" in 云川医院).
          eb.or([
            eb('i.pinyin_initials', 'like', likeContains(q.text)),
            eb('i.pinyin_full', 'like', likeContains(q.text)),
          ]),
    )
    .orderBy(sql`case i.level when 'tertiary' then 1 when 'secondary' then 2 else 3 end`)
    .orderBy('i.code')
    .limit(SEARCH_CAPS.institutions)
    .execute();
}

function findDepartments(db: Executor, q: ReadQuery) {
  return departmentRows(db)
    .where((eb) =>
      q.kind === 'text'
        ? eb('d.name', 'ilike', likeContains(q.text))
        : eb.or([
            eb('d.pinyin_initials', 'like', likeContains(q.text)),
            eb('d.pinyin_full', 'like', likeContains(q.text)),
          ]),
    )
    .orderBy('i.code')
    .orderBy('d.code')
    .limit(SEARCH_CAPS.departments)
    .execute();
}

/**
 * Doctors by name, specialty text or department name; by pinyin, initials or full pinyin starting with
 * the query (practitioner_doctor_pinyin_* indexes). A name match comes first, then chief physicians.
 */
function findDoctors(db: Executor, q: ReadQuery) {
  let query = doctorRows(db);
  if (q.kind === 'text') {
    const like = likeContains(q.text);
    query = query
      .where((eb) =>
        eb.or([eb('p.name', 'ilike', like), eb('p.specialty', 'ilike', like), eb('d.name', 'ilike', like)]),
      )
      .orderBy(sql`case when p.name ilike ${like} then 0 else 1 end`);
  } else {
    query = query.where((eb) =>
      eb.or([eb('p.pinyin_initials', 'like', prefix(q.text)), eb('p.pinyin_full', 'like', prefix(q.text))]),
    );
  }
  return query
    .orderBy('p.title_order')
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(SEARCH_CAPS.doctors)
    .execute();
}

/** The departments of a condition, in the condition's order of preference, then by institution level. */
function conditionDepartments(db: Executor, c: Condition) {
  const names = [...c.departments];
  return departmentRows(db)
    .where('d.name', 'in', names)
    .orderBy(sql`array_position(${sql.val(names)}::text[], d.name)`)
    .orderBy(sql`case i.level when 'tertiary' then 1 when 'secondary' then 2 else 3 end`)
    .orderBy('i.code')
    .limit(SEARCH_CAPS.conditionDepartments)
    .execute();
}

/**
 * Doctors who treat the condition: their specialty names it, or they work in one of its departments.
 * Order: specialty naming it first, then by the condition's preferred department (心血管内科 before
 * 中医内科 for 高血压), higher-level hospitals, title (chief first), name.
 */
function conditionDoctors(db: Executor, c: Condition) {
  const words = conditionWords(c).map(likeContains);
  const names = [...c.departments];
  const namesIt = sql<boolean>`(${sql.join(
    words.map((w) => sql`p.specialty ilike ${w}`),
    sql` or `,
  )})`;
  return doctorRows(db)
    .where((eb) => eb.or([namesIt, eb('d.name', 'in', names)]))
    .orderBy(sql`case when ${namesIt} then 0 else 1 end`)
    .orderBy(sql`array_position(${sql.val(names)}::text[], d.name) nulls last`)
    .orderBy(sql`case i.level when 'tertiary' then 1 when 'secondary' then 2 else 3 end`)
    .orderBy('p.title_order')
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(SEARCH_CAPS.conditionDoctors)
    .execute();
}

const institutionView = (r: Awaited<ReturnType<typeof findInstitutions>>[number]): SearchInstitution => ({
  id: r.id,
  name: r.name,
  nameEn: r.name_en,
  shortName: r.short_name,
  type: r.type as InstitutionType,
  level: r.level as InstitutionLevel | null,
  district: r.district,
  address: r.address,
});

export async function search(ctx: AppContext, raw: string): Promise<SearchResult> {
  const q = readQuery(raw);
  if (!q) {
    throw errors.validationFailed('query.q：请输入要搜索的医院、科室、医生或疾病', {
      fields: [{ field: 'query.q', message: '请输入要搜索的医院、科室、医生或疾病', keyword: 'minLength' }],
    });
  }
  const db = ctx.db;
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const conditions = matchConditions(q, SEARCH_CAPS.conditions);
  const [institutions, departments, doctors, perCondition] = await Promise.all([
    findInstitutions(db, q),
    findDepartments(db, q),
    findDoctors(db, q),
    Promise.all(
      conditions.map(async (c) => ({
        c,
        departments: await conditionDepartments(db, c),
        doctors: await conditionDoctors(db, c),
      })),
    ),
  ]);
  const allDepartments = [...departments, ...perCondition.flatMap((x) => x.departments)];
  const allDoctors = [...doctors, ...perCondition.flatMap((x) => x.doctors)];
  const [clinics, next] = await Promise.all([
    clinicViews(db, allDepartments, today),
    nextAvailable(db, [...new Set(allDoctors.map((r) => r.id))], now, today),
  ]);
  const clinicById = new Map(clinics.map((c) => [c.id, c]));
  const clinic = (r: DepartmentRow) => clinicById.get(r.id)!;
  return {
    institutions: institutions.map(institutionView),
    departments: departments.map(clinic),
    doctors: doctors.map((r) => doctorView(r, next)),
    conditions: perCondition.map(
      (x): SearchCondition => ({
        name: x.c.name,
        kind: x.c.kind,
        departmentNames: [...x.c.departments],
        departments: x.departments.map(clinic),
        doctors: x.doctors.map((r) => doctorView(r, next)),
      }),
    ),
  };
}

/** An institution has tens of departments; more than this is not a list a patient scrolls. */
const CLINICS_CAP = 100;

/**
 * The departments a patient can book at an institution: clinical ones only (search.rules.ts), with how
 * many doctors practise there and how many see patients today. 404 for an unknown institution; a
 * suspended one or one patients do not book at (a pharmacy, the imaging centre) has none.
 */
export async function institutionClinics(
  ctx: AppContext,
  institutionId: string,
): Promise<{ items: ClinicDepartment[] }> {
  const exists = await ctx.db
    .selectFrom('institution')
    .select('id')
    .where('id', '=', institutionId)
    .executeTakeFirst();
  if (!exists) throw errors.notFound('医疗机构');
  const rows = await departmentRows(ctx.db)
    .where('d.institution_id', '=', institutionId)
    .orderBy('d.code')
    .limit(CLINICS_CAP)
    .execute();
  return { items: await clinicViews(ctx.db, rows, shanghaiDate(ctx.clock.now())) };
}
