/**
 * Directory people as FHIR ([6/12]): Practitioner (医师/护士/药师 with their 执业证书, ORG-1) and
 * PractitionerRole (a practitioner at a department: the primary post and every registered second site
 * 多点执业, ORG-2). Public directory data: no `readable` filter. Names only directory's tables.
 */
import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  chineseName,
  identifierParam,
  LOCAL_CS,
  LOCAL_SID,
  lastChange,
  orValues,
  pageOrder,
  publicPage,
  ref,
  referencedIds,
  referenceParam,
  type SortKey,
  SPECIALTY_SYSTEM,
  specialtyConcept,
  startsWith,
  V2_0203,
  versionMeta,
} from '../../fhir/datatypes.js';
import { and, datesSql, isUuid, or, tokenValues, uuidIn } from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, ProviderQuery } from '../../fhir/types.js';

export const PRACTITIONER_LICENCE_SYSTEM = `${LOCAL_SID}/practitioner-licence`;
export const PRACTITIONER_CODE_SYSTEM = `${LOCAL_SID}/practitioner-code`;
export const PRACTITIONER_TITLE_SYSTEM = `${LOCAL_CS}/practitioner-title`;
const PRACTITIONER_ROLE = 'http://terminology.hl7.org/CodeSystem/practitioner-role';

const TITLES: Record<string, string> = {
  resident: '住院医师',
  attending: '主治医师',
  associate_chief: '副主任医师',
  chief: '主任医师',
};
/** By kind: the practitioner-role code's display, the licence's name, and its v2-0203 identifier type. */
const KINDS: Record<string, { display: string; licence: string; type: string }> = {
  doctor: { display: 'Doctor', licence: '医师执业证书', type: 'MD' },
  nurse: { display: 'Nurse', licence: '护士执业证书', type: 'LN' },
  pharmacist: { display: 'Pharmacist', licence: '执业药师注册证', type: 'LN' },
};

// --- Practitioner ------------------------------------------------------------------------------------

const practitionerUpdated = lastChange(sql.ref('p.created_at'), sql.ref('p.suspended_at'));

function practitionerRows(env: FhirEnv) {
  return env.db.selectFrom('practitioner as p').select([
    'p.id',
    'p.code',
    'p.name',
    'p.sex',
    'p.kind',
    'p.title',
    'p.professional_title',
    'p.licence_no',
    'p.status',
    practitionerUpdated.as('updated'),
    sql<{ number: string; issuedBy: string; validFrom: string; validTo: string }[]>`(select coalesce(json_agg(
          json_build_object('number', l.number, 'issuedBy', l.issued_by, 'validFrom', l.valid_from, 'validTo', l.valid_to)
          order by l.valid_from, l.id), '[]') from licence l where l.practitioner_id = p.id)`.as('licences'),
  ]);
}
type PractitionerRow = Awaited<ReturnType<ReturnType<typeof practitionerRows>['execute']>>[number];

function toPractitioner(r: PractitionerRow): Practitioner & { id: string } {
  const kind = KINDS[r.kind];
  const licenceType = { coding: [{ system: V2_0203, code: kind?.type ?? 'LN' }], text: '执业证书编码' };
  return {
    resourceType: 'Practitioner',
    id: r.id,
    meta: versionMeta(r.updated),
    identifier: [
      { use: 'official', type: licenceType, system: PRACTITIONER_LICENCE_SYSTEM, value: r.licence_no },
      { use: 'usual', system: PRACTITIONER_CODE_SYSTEM, value: r.code },
    ],
    active: r.status === 'active',
    name: [chineseName(r.name)],
    gender: r.sex === 'male' || r.sex === 'female' ? r.sex : 'unknown',
    qualification: [
      // The practice licence (执业证书), as registered with the health commission (ORG-1).
      ...r.licences.map((l) => ({
        identifier: [{ system: PRACTITIONER_LICENCE_SYSTEM, value: l.number }],
        code: { text: kind?.licence ?? '执业证书' },
        period: { start: String(l.validFrom).slice(0, 10), end: String(l.validTo).slice(0, 10) },
        issuer: { display: l.issuedBy },
      })),
      // The professional title (职称).
      {
        code: r.title
          ? {
              coding: [
                { system: PRACTITIONER_TITLE_SYSTEM, code: r.title, display: TITLES[r.title] ?? r.title },
              ],
              text: r.professional_title,
            }
          : { text: r.professional_title },
      },
    ],
  };
}

const practitionerSorts: Record<string, SortKey> = {
  name: { expr: sql.ref('p.name'), kind: 'text' },
  _id: { expr: sql.ref('p.id'), kind: 'id' },
  _lastUpdated: { expr: practitionerUpdated, kind: 'instant' },
};

const practitionerProvider: FhirProvider = {
  type: 'Practitioner',
  category: null,
  common: ['identifier'],
  searchParams: [
    { name: 'name', type: 'string', documentation: '姓名或名（前缀匹配）/ name or given name, starts with' },
  ],
  sorts: ['name', '_id', '_lastUpdated'],
  includes: [],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await practitionerRows(env).where('p.id', '=', id).executeTakeFirst();
    return r ? { resource: toPractitioner(r), patientId: null, sortValue: r.name } : null;
  },
  async search(env, q) {
    const where: RawBuilder<SqlBool>[] = [];
    if (q.ids) where.push(uuidIn(sql.ref('p.id'), q.ids));
    where.push(datesSql(q.lastUpdated, practitionerUpdated));
    for (const group of q.identifier) {
      where.push(
        identifierParam(group, {
          [PRACTITIONER_LICENCE_SYSTEM]: sql.ref('p.licence_no'),
          [PRACTITIONER_CODE_SYSTEM]: sql.ref('p.code'),
        }),
      );
    }
    // 陈 finds 陈建国; 建国 finds him too (the given name of a one-character family name).
    for (const raw of q.params.name ?? []) {
      where.push(
        or(
          orValues(raw).map((v) => {
            const starts = startsWith(v);
            return sql<SqlBool>`(p.name like ${starts} or p.name like ${`_${starts}`})`;
          }),
        ),
      );
    }
    const page = pageOrder(q.sort, q.after, practitionerSorts, sql.ref('p.id'), isUuid);
    let query = practitionerRows(env)
      .select(sql`${page.sortKey.expr}`.as('sort_key'))
      .where(and([...where, page.after]));
    for (const o of page.order) query = query.orderBy(o);
    return publicPage(await query.limit(q.limit).execute(), page.sortKey, (rs) => rs.map(toPractitioner));
  },
};

// --- PractitionerRole: a practitioner at a department ------------------------------------------------

/**
 * A role's id: the practitioner's and the department's uuids without dashes (64 characters, the most a
 * FHIR id may hold) — the primary post and every registered second site (ORG-2) alike.
 */
export function practitionerRoleId(practitionerId: string, departmentId: string): string {
  return `${practitionerId}${departmentId}`.replace(/-/g, '');
}

/** The practitioner and department of a role id; undefined when it is not one. */
export function parsePractitionerRoleId(
  id: string,
): { practitionerId: string; departmentId: string } | undefined {
  if (!/^[0-9a-f]{64}$/i.test(id)) return undefined;
  const uuid = (h: string) =>
    `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return { practitionerId: uuid(id.slice(0, 32)), departmentId: uuid(id.slice(32)) };
}

/** Every post: each practitioner's own department, then each registered second site (ORG-2). */
const ROLES = sql`(
  select p.id as practitioner_id, p.department_id from practitioner p
  union all
  select s.practitioner_id, s.department_id from practitioner_site s)`;
const roleId = sql<string>`(replace(r.practitioner_id::text, '-', '') || replace(r.department_id::text, '-', ''))`;
const roleUpdated = lastChange(
  sql.ref('p.created_at'),
  sql.ref('p.suspended_at'),
  sql.ref('i.created_at'),
  sql.ref('i.suspended_at'),
);

interface RoleRow extends Record<string, unknown> {
  id: string;
  practitioner_id: string;
  practitioner_name: string;
  kind: string;
  professional_title: string;
  practitioner_status: string;
  department_id: string;
  department_name: string;
  specialty: string;
  institution_id: string;
  institution_name: string;
  institution_status: string;
  updated: Date;
  sort_key: unknown;
}

function toPractitionerRole(r: RoleRow): PractitionerRole & { id: string } {
  const kind = KINDS[r.kind];
  return {
    resourceType: 'PractitionerRole',
    id: r.id,
    meta: versionMeta(r.updated),
    // ORG-5: a suspended practitioner or institution is not bookable there.
    active: r.practitioner_status === 'active' && r.institution_status === 'active',
    practitioner: ref('Practitioner', r.practitioner_id, r.practitioner_name),
    organization: ref('Organization', r.institution_id, r.institution_name),
    code: [
      {
        ...(kind ? { coding: [{ system: PRACTITIONER_ROLE, code: r.kind, display: kind.display }] } : {}),
        text: r.professional_title,
      },
    ],
    specialty: [specialtyConcept(r.specialty)],
    location: [ref('Location', r.institution_id, r.institution_name)],
    healthcareService: [ref('HealthcareService', r.department_id, r.department_name)],
  };
}

async function roleRows(env: FhirEnv, where: RawBuilder<SqlBool>, q?: ProviderQuery): Promise<RoleRow[]> {
  const sorts: Record<string, SortKey> = {
    _id: { expr: roleId, kind: 'id' },
    _lastUpdated: { expr: roleUpdated, kind: 'instant' },
  };
  const page = q
    ? pageOrder(q.sort, q.after, sorts, roleId, (id) => parsePractitionerRoleId(id) !== undefined)
    : undefined;
  const sortKey = page?.sortKey.expr ?? roleId;
  const result = await sql<RoleRow>`
    select ${roleId} as id, r.practitioner_id, p.name as practitioner_name, p.kind, p.professional_title,
           p.status as practitioner_status, r.department_id, d.name as department_name, d.specialty,
           d.institution_id, i.name as institution_name, i.status as institution_status,
           ${roleUpdated} as updated, ${sortKey} as sort_key
      from ${ROLES} r
      join practitioner p on p.id = r.practitioner_id
      join department d on d.id = r.department_id
      join institution i on i.id = d.institution_id
     where ${and([where, page?.after ?? sql<SqlBool>`true`])}
     ${page ? sql`order by ${sql.join(page.order)}` : sql``}
     ${q ? sql`limit ${q.limit}` : sql``}`.execute(env.db);
  return result.rows;
}

const practitionerRoleProvider: FhirProvider = {
  type: 'PractitionerRole',
  category: null,
  common: [],
  searchParams: [
    { name: 'practitioner', type: 'reference', documentation: '医务人员 / Practitioner' },
    { name: 'organization', type: 'reference', documentation: '执业机构（含多点执业）/ Organization' },
    { name: 'service', type: 'reference', documentation: '科室 / HealthcareService' },
    { name: 'location', type: 'reference', documentation: '执业场所 / Location' },
    { name: 'role', type: 'token', documentation: `${PRACTITIONER_ROLE}: doctor | nurse | pharmacist` },
    { name: 'specialty', type: 'token', documentation: `诊疗科目 ${SPECIALTY_SYSTEM}` },
  ],
  sorts: ['_id', '_lastUpdated'],
  includes: [
    {
      param: 'practitioner',
      target: 'Practitioner',
      ids: (r) => referencedIds([(r as PractitionerRole).practitioner], 'Practitioner'),
    },
    {
      param: 'organization',
      target: 'Organization',
      ids: (r) => referencedIds([(r as PractitionerRole).organization], 'Organization'),
    },
    {
      param: 'location',
      target: 'Location',
      ids: (r) => referencedIds((r as PractitionerRole).location ?? [], 'Location'),
    },
    {
      param: 'service',
      target: 'HealthcareService',
      ids: (r) => referencedIds((r as PractitionerRole).healthcareService ?? [], 'HealthcareService'),
    },
  ],
  async read(env, id) {
    const key = parsePractitionerRoleId(id);
    if (!key) return null;
    const [r] = await roleRows(
      env,
      sql<SqlBool>`r.practitioner_id = ${key.practitionerId} and r.department_id = ${key.departmentId}`,
    );
    return r ? { resource: toPractitionerRole(r), patientId: null, sortValue: r.id } : null;
  },
  async search(env, q) {
    const where: RawBuilder<SqlBool>[] = [];
    if (q.ids) {
      const keys = q.ids.map(parsePractitionerRoleId).filter((k) => k !== undefined);
      where.push(
        or(
          keys.map(
            (k) =>
              sql<SqlBool>`(r.practitioner_id = ${k.practitionerId} and r.department_id = ${k.departmentId})`,
          ),
        ),
      );
    }
    where.push(datesSql(q.lastUpdated, roleUpdated));
    where.push(...referenceParam(q.params.practitioner, 'Practitioner', sql.ref('r.practitioner_id')));
    where.push(...referenceParam(q.params.organization, 'Organization', sql.ref('d.institution_id')));
    where.push(...referenceParam(q.params.location, 'Location', sql.ref('d.institution_id')));
    where.push(...referenceParam(q.params.service, 'HealthcareService', sql.ref('r.department_id')));
    for (const raw of q.params.role ?? []) {
      where.push(
        or(
          tokenValues([raw])
            .filter((t) => t.system === undefined || t.system === PRACTITIONER_ROLE)
            .map((t) => sql<SqlBool>`p.kind = ${t.code}`),
        ),
      );
    }
    for (const raw of q.params.specialty ?? []) {
      where.push(
        or(
          tokenValues([raw])
            .filter((t) => t.system === undefined || t.system === SPECIALTY_SYSTEM)
            .map((t) => sql<SqlBool>`d.specialty = ${t.code}`),
        ),
      );
    }
    const rows = await roleRows(env, and(where), q);
    return rows.map((r) => ({
      resource: toPractitionerRole(r),
      patientId: null,
      sortValue: q.sort.param === '_lastUpdated' ? (r.sort_key as Date).toISOString() : String(r.sort_key),
    }));
  },
};

export const practitionerFhirProviders: FhirProvider[] = [practitionerProvider, practitionerRoleProvider];
