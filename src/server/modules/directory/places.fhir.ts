/**
 * Directory places as FHIR ([6/12]): Organization (an institution, with its type, grade 医院等级 and licences
 * 医疗机构执业许可证), Location (its premises and address) and HealthcareService (a department and its
 * licensed specialty 诊疗科目, ORG-3). Public directory data: no `readable` filter. Names only directory's
 * tables. Identifier and code systems: docs/fhir.md.
 */
import type { Address, HealthcareService, Identifier, Location, Organization } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  identifierParam,
  LOCAL_CS,
  LOCAL_SID,
  lastChange,
  pageOrder,
  publicPage,
  ref,
  referencedIds,
  referenceParam,
  type SortKey,
  SPECIALTY_SYSTEM,
  specialtyConcept,
  stringParam,
  versionMeta,
} from '../../fhir/datatypes.js';
import { and, datesSql, isUuid, or, tokenValues, uuidIn } from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, Found, ProviderQuery } from '../../fhir/types.js';

export const INSTITUTION_CODE_SYSTEM = `${LOCAL_SID}/institution-code`;
export const INSTITUTION_LICENCE_SYSTEM = `${LOCAL_SID}/institution-licence`;
export const DEPARTMENT_CODE_SYSTEM = `${LOCAL_SID}/department-code`;
export const INSTITUTION_TYPE_SYSTEM = `${LOCAL_CS}/institution-type`;
export const HOSPITAL_LEVEL_SYSTEM = `${LOCAL_CS}/hospital-level`;
const ORG_TYPE = 'http://terminology.hl7.org/CodeSystem/organization-type';
const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

/** Our institution types: their Chinese name and the v3 RoleCode of their premises. */
const INSTITUTION_TYPES: Record<string, { zh: string; location: [string, string] }> = {
  hospital: { zh: '医院', location: ['HOSP', 'Hospital'] },
  community_centre: { zh: '社区卫生服务中心', location: ['PC', 'Primary care clinic'] },
  community_station: { zh: '社区卫生服务站', location: ['PC', 'Primary care clinic'] },
  pharmacy: { zh: '零售药店', location: ['PHARM', 'Pharmacy'] },
  imaging_centre: {
    zh: '医学影像诊断中心',
    location: ['RADDX', 'Radiology diagnostics or therapeutics unit'],
  },
  lab_centre: { zh: '医学检验实验室', location: ['MBL', 'medical laboratory'] },
  ecg_centre: { zh: '心电诊断中心', location: ['CVDX', 'Cardiovascular diagnostics or therapeutics unit'] },
};
/** 医院等级 as the directory holds it (三级/二级/一级; the 甲/乙/丙 grade within a level is not recorded). */
const LEVELS: Record<string, string> = { tertiary: '三级医院', secondary: '二级医院', primary: '一级医院' };
const LICENCE_KINDS: Record<string, string> = {
  practice: '医疗机构执业许可证登记号',
  internet_hospital: '互联网医院执业许可',
  pharmacy_business: '药品经营许可证',
};

/** An address in China as written (`云澜市云川区望川路88号`), with its city, district and street part. */
export function chinaAddress(text: string, district: string | null): Address {
  const city = /^(.+?市)/.exec(text)?.[1];
  let line = text;
  if (city && line.startsWith(city)) line = line.slice(city.length);
  if (district && line.startsWith(district)) line = line.slice(district.length);
  return {
    use: 'work',
    type: 'physical',
    text,
    ...(line && line !== text ? { line: [line] } : {}),
    ...(city ? { city } : {}),
    ...(district ? { district } : {}),
    country: 'CN',
  };
}

// --- Organization and Location: an institution --------------------------------------------------------

const institutionUpdated = lastChange(sql.ref('i.created_at'), sql.ref('i.suspended_at'));

function institutionRows(env: FhirEnv) {
  return env.db.selectFrom('institution as i').select([
    'i.id',
    'i.code',
    'i.name',
    'i.name_en',
    'i.short_name',
    'i.type',
    'i.level',
    'i.district',
    'i.address',
    'i.phone',
    'i.alliance_of',
    'i.status',
    institutionUpdated.as('updated'),
    // Its licences as identifiers (医疗机构执业许可证 and the like), in the same round trip.
    sql<{ kind: string; number: string; validFrom: string; validTo: string }[]>`(select coalesce(json_agg(
          json_build_object('kind', l.kind, 'number', l.number, 'validFrom', l.valid_from, 'validTo', l.valid_to)
          order by l.valid_from, l.id), '[]') from licence l where l.institution_id = i.id)`.as('licences'),
  ]);
}
type InstitutionRow = Awaited<ReturnType<ReturnType<typeof institutionRows>['execute']>>[number];

function institutionIdentifiers(r: InstitutionRow): Identifier[] {
  return [
    { use: 'official', system: INSTITUTION_CODE_SYSTEM, value: r.code },
    ...r.licences.map(
      (l): Identifier => ({
        use: 'official',
        type: { text: LICENCE_KINDS[l.kind] ?? l.kind },
        system: INSTITUTION_LICENCE_SYSTEM,
        value: l.number,
        period: { start: String(l.validFrom).slice(0, 10), end: String(l.validTo).slice(0, 10) },
      }),
    ),
  ];
}

function toOrganization(r: InstitutionRow): Organization & { id: string } {
  const type = INSTITUTION_TYPES[r.type];
  return {
    resourceType: 'Organization',
    id: r.id,
    meta: versionMeta(r.updated),
    identifier: institutionIdentifiers(r),
    active: r.status === 'active',
    type: [
      { coding: [{ system: ORG_TYPE, code: 'prov', display: 'Healthcare Provider' }] },
      {
        coding: [{ system: INSTITUTION_TYPE_SYSTEM, code: r.type, display: type?.zh ?? r.type }],
        text: type?.zh ?? r.type,
      },
      ...(r.level
        ? [
            {
              coding: [{ system: HOSPITAL_LEVEL_SYSTEM, code: r.level, display: LEVELS[r.level] ?? r.level }],
              text: LEVELS[r.level] ?? r.level,
            },
          ]
        : []),
    ],
    name: r.name,
    ...(r.short_name || r.name_en
      ? { alias: [r.short_name, r.name_en].filter((a): a is string => !!a) }
      : {}),
    ...(r.phone ? { telecom: [{ system: 'phone', value: r.phone, use: 'work' }] } : {}),
    ...(r.address ? { address: [chinaAddress(r.address, r.district)] } : {}),
    ...(r.alliance_of ? { partOf: ref('Organization', r.alliance_of) } : {}),
  };
}

function toLocation(r: InstitutionRow): Location & { id: string } {
  const type = INSTITUTION_TYPES[r.type];
  return {
    resourceType: 'Location',
    id: r.id,
    meta: versionMeta(r.updated),
    identifier: [{ use: 'official', system: INSTITUTION_CODE_SYSTEM, value: r.code }],
    status: r.status === 'active' ? 'active' : 'suspended',
    name: r.name,
    ...(r.short_name ? { alias: [r.short_name] } : {}),
    mode: 'instance',
    ...(type
      ? {
          type: [
            {
              coding: [{ system: ROLE_CODE, code: type.location[0], display: type.location[1] }],
              text: type.zh,
            },
          ],
        }
      : {}),
    ...(r.phone ? { telecom: [{ system: 'phone', value: r.phone, use: 'work' }] } : {}),
    ...(r.address ? { address: chinaAddress(r.address, r.district) } : {}),
    managingOrganization: ref('Organization', r.id, r.name),
  };
}

const institutionSorts: Record<string, SortKey> = {
  name: { expr: sql.ref('i.name'), kind: 'text' },
  _id: { expr: sql.ref('i.id'), kind: 'id' },
  _lastUpdated: { expr: institutionUpdated, kind: 'instant' },
};

/** The conditions both institution-backed types share: _id, _lastUpdated, identifier, name. */
function institutionWhere(q: ProviderQuery): RawBuilder<SqlBool>[] {
  const where: RawBuilder<SqlBool>[] = [];
  if (q.ids) where.push(uuidIn(sql.ref('i.id'), q.ids));
  where.push(datesSql(q.lastUpdated, institutionUpdated));
  for (const group of q.identifier) {
    where.push(
      or([
        identifierParam(group, { [INSTITUTION_CODE_SYSTEM]: sql.ref('i.code') }),
        ...group
          .filter((t) => t.system === undefined || t.system === INSTITUTION_LICENCE_SYSTEM)
          .map(
            (t) =>
              sql<SqlBool>`exists (select 1 from licence l where l.institution_id = i.id and l.number = ${t.code})`,
          ),
      ]),
    );
  }
  where.push(
    ...stringParam(q.params.name, [sql.ref('i.name'), sql.ref('i.short_name'), sql.ref('i.name_en')]),
  );
  return where;
}

async function searchInstitutions(
  env: FhirEnv,
  q: ProviderQuery,
  where: RawBuilder<SqlBool>[],
  map: (r: InstitutionRow) => Found['resource'],
): Promise<Found[]> {
  const page = pageOrder(q.sort, q.after, institutionSorts, sql.ref('i.id'), isUuid);
  let query = institutionRows(env)
    .select(sql`${page.sortKey.expr}`.as('sort_key'))
    .where(and([...where, page.after]));
  for (const o of page.order) query = query.orderBy(o);
  return publicPage(await query.limit(q.limit).execute(), page.sortKey, (rs) => rs.map(map));
}

const organizationProvider: FhirProvider = {
  type: 'Organization',
  category: null,
  common: ['identifier'],
  searchParams: [
    {
      name: 'name',
      type: 'string',
      documentation: '名称、简称或英文名（前缀匹配）/ name, short name or English name',
    },
    {
      name: 'type',
      type: 'token',
      documentation: `机构类型 ${INSTITUTION_TYPE_SYSTEM}（hospital、community_centre…）或医院等级 ${HOSPITAL_LEVEL_SYSTEM}（tertiary…）`,
    },
    {
      name: 'partof',
      type: 'reference',
      documentation: '所属医联体牵头医院 / the alliance lead (Organization)',
    },
  ],
  sorts: ['name', '_id', '_lastUpdated'],
  includes: [
    {
      param: 'partof',
      target: 'Organization',
      ids: (r) => referencedIds([(r as Organization).partOf], 'Organization'),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await institutionRows(env).where('i.id', '=', id).executeTakeFirst();
    return r ? { resource: toOrganization(r), patientId: null, sortValue: r.name } : null;
  },
  async search(env, q) {
    const where = institutionWhere(q);
    for (const raw of q.params.type ?? []) {
      where.push(
        or(
          tokenValues([raw]).flatMap((t) => {
            const out: RawBuilder<SqlBool>[] = [];
            if (t.system === undefined || t.system === INSTITUTION_TYPE_SYSTEM)
              out.push(sql<SqlBool>`i.type = ${t.code}`);
            if (t.system === undefined || t.system === HOSPITAL_LEVEL_SYSTEM)
              out.push(sql<SqlBool>`i.level = ${t.code}`);
            if ((t.system === undefined || t.system === ORG_TYPE) && t.code === 'prov')
              out.push(sql<SqlBool>`true`);
            return out;
          }),
        ),
      );
    }
    where.push(...referenceParam(q.params.partof, 'Organization', sql.ref('i.alliance_of')));
    return searchInstitutions(env, q, where, toOrganization);
  },
};

const locationProvider: FhirProvider = {
  type: 'Location',
  category: null,
  common: ['identifier'],
  searchParams: [
    { name: 'name', type: 'string', documentation: '机构名称或简称（前缀匹配）/ name or alias' },
    { name: 'organization', type: 'reference', documentation: '所属机构 / managing Organization' },
  ],
  sorts: ['name', '_id', '_lastUpdated'],
  includes: [
    {
      param: 'organization',
      target: 'Organization',
      ids: (r) => referencedIds([(r as Location).managingOrganization], 'Organization'),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await institutionRows(env).where('i.id', '=', id).executeTakeFirst();
    return r ? { resource: toLocation(r), patientId: null, sortValue: r.name } : null;
  },
  async search(env, q) {
    const where = institutionWhere(q);
    where.push(...referenceParam(q.params.organization, 'Organization', sql.ref('i.id')));
    return searchInstitutions(env, q, where, toLocation);
  },
};

// --- HealthcareService: a department ------------------------------------------------------------------

const departmentUpdated = institutionUpdated;

function departmentRows(env: FhirEnv) {
  return env.db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select([
      'd.id',
      'd.code',
      'd.name',
      'd.name_en',
      'd.specialty',
      'd.institution_id',
      'i.code as institution_code',
      'i.name as institution_name',
      'i.status as institution_status',
      departmentUpdated.as('updated'),
    ]);
}
type DepartmentRow = Awaited<ReturnType<ReturnType<typeof departmentRows>['execute']>>[number];

function toHealthcareService(r: DepartmentRow): HealthcareService & { id: string } {
  return {
    resourceType: 'HealthcareService',
    id: r.id,
    meta: versionMeta(r.updated),
    identifier: [
      { use: 'official', system: DEPARTMENT_CODE_SYSTEM, value: `${r.institution_code}/${r.code}` },
    ],
    active: r.institution_status === 'active',
    providedBy: ref('Organization', r.institution_id, r.institution_name),
    type: [{ text: r.name }],
    specialty: [specialtyConcept(r.specialty)],
    location: [ref('Location', r.institution_id, r.institution_name)],
    name: r.name,
    ...(r.name_en ? { comment: r.name_en } : {}),
  };
}

const departmentSorts: Record<string, SortKey> = {
  name: { expr: sql.ref('d.name'), kind: 'text' },
  _id: { expr: sql.ref('d.id'), kind: 'id' },
  _lastUpdated: { expr: departmentUpdated, kind: 'instant' },
};

const healthcareServiceProvider: FhirProvider = {
  type: 'HealthcareService',
  category: null,
  common: ['identifier'],
  searchParams: [
    { name: 'name', type: 'string', documentation: '科室名称（前缀匹配）/ department name, starts with' },
    { name: 'organization', type: 'reference', documentation: '所属机构 / providedBy Organization' },
    { name: 'location', type: 'reference', documentation: '所在机构场所 / Location' },
    { name: 'specialty', type: 'token', documentation: `诊疗科目 ${SPECIALTY_SYSTEM}（如 心血管内科专业）` },
  ],
  sorts: ['name', '_id', '_lastUpdated'],
  includes: [
    {
      param: 'organization',
      target: 'Organization',
      ids: (r) => referencedIds([(r as HealthcareService).providedBy], 'Organization'),
    },
    {
      param: 'location',
      target: 'Location',
      ids: (r) => referencedIds((r as HealthcareService).location ?? [], 'Location'),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await departmentRows(env).where('d.id', '=', id).executeTakeFirst();
    return r ? { resource: toHealthcareService(r), patientId: null, sortValue: r.name } : null;
  },
  async search(env, q) {
    const where: RawBuilder<SqlBool>[] = [];
    if (q.ids) where.push(uuidIn(sql.ref('d.id'), q.ids));
    where.push(datesSql(q.lastUpdated, departmentUpdated));
    for (const group of q.identifier) {
      where.push(
        or(
          group
            .filter((t) => t.system === undefined || t.system === DEPARTMENT_CODE_SYSTEM)
            .map((t) => sql<SqlBool>`(i.code || '/' || d.code) = ${t.code}`),
        ),
      );
    }
    where.push(...stringParam(q.params.name, [sql.ref('d.name'), sql.ref('d.name_en')]));
    where.push(...referenceParam(q.params.organization, 'Organization', sql.ref('d.institution_id')));
    where.push(...referenceParam(q.params.location, 'Location', sql.ref('d.institution_id')));
    for (const raw of q.params.specialty ?? []) {
      where.push(
        or(
          tokenValues([raw])
            .filter((t) => t.system === undefined || t.system === SPECIALTY_SYSTEM)
            .map((t) => sql<SqlBool>`d.specialty = ${t.code}`),
        ),
      );
    }
    const page = pageOrder(q.sort, q.after, departmentSorts, sql.ref('d.id'), isUuid);
    let query = departmentRows(env)
      .select(sql`${page.sortKey.expr}`.as('sort_key'))
      .where(and([...where, page.after]));
    for (const o of page.order) query = query.orderBy(o);
    return publicPage(await query.limit(q.limit).execute(), page.sortKey, (rs) =>
      rs.map(toHealthcareService),
    );
  },
};

export const institutionFhirProviders: FhirProvider[] = [
  organizationProvider,
  locationProvider,
  healthcareServiceProvider,
];
