/**
 * Encounters and diagnoses as FHIR ([6/12]): Encounter (offline visits fed by hospital systems, online
 * visits once their record is signed) and Condition (ICD-10 diagnoses: an encounter's, or the problem
 * list). Names only records' tables; institution, department and doctor names come from directory.api.
 * Who may read is the facade's (SEC-1): searches are limited to the `readable` patients it passes.
 */
import type { Condition, Encounter } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  ACT_CODE,
  CONDITION_CATEGORY,
  CONDITION_CLINICAL,
  CONDITION_VER_STATUS,
  codesIn,
  coding,
  ICD10,
  PARTICIPATION_TYPE,
  referenceLists,
  refIds,
  tokenLists,
} from '../../fhir/clinical.js';
import { LOCAL_CS, LOCAL_SID, ref, shanghaiDateTime, versionMeta } from '../../fhir/datatypes.js';
import {
  afterUuid,
  and,
  datesSql,
  instantText,
  isUuid,
  or,
  patientScope,
  textIn,
  uuidIn,
} from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, Found, ProviderQuery } from '../../fhir/types.js';
import { departmentFacts, institutionFacts, practitionerProfiles } from '../directory/directory.api.js';

const dirOf = (q: ProviderQuery) => sql.raw(q.sort.desc ? 'desc' : 'asc');

/** Names of the institutions, departments and doctors a page names (three queries for the page). */
async function namesOf(
  env: FhirEnv,
  rows: { institution_id: string | null; department_id?: string | null; practitioner_id: string | null }[],
) {
  const pick = (f: (r: (typeof rows)[number]) => string | null | undefined) =>
    rows.flatMap((r) => {
      const v = f(r);
      return v ? [v] : [];
    });
  const [institutions, departments, practitioners] = await Promise.all([
    institutionFacts(
      env.db,
      pick((r) => r.institution_id),
    ),
    departmentFacts(
      env.db,
      pick((r) => r.department_id),
    ),
    practitionerProfiles(
      env.db,
      pick((r) => r.practitioner_id),
    ),
  ]);
  return {
    institution: (id: string | null) => (id ? institutions.get(id)?.name : undefined),
    department: (id: string | null | undefined) => (id ? departments.get(id)?.name : undefined),
    practitioner: (id: string | null) => (id ? practitioners.get(id)?.name : undefined),
  };
}
type Names = Awaited<ReturnType<typeof namesOf>>;

// --- Encounter -----------------------------------------------------------------------------------------

/** Encounter.class (v3 ActCode): 门诊, 住院, 急诊, 互联网诊疗. */
const CLASSES: Record<string, { display: string; text: string }> = {
  AMB: { display: 'ambulatory', text: '门诊' },
  IMP: { display: 'inpatient encounter', text: '住院' },
  EMER: { display: 'emergency', text: '急诊' },
  VR: { display: 'virtual', text: '互联网诊疗' },
};

/** A hospital's visit number (PV1-19), assigned by the institution named in `assigner`. */
export const HIS_VISIT_SID = `${LOCAL_SID}/his-visit-number`;
/** An online visit's id on this platform. */
export const ONLINE_VISIT_SID = `${LOCAL_SID}/online-visit`;

function encounterRows(env: FhirEnv) {
  return env.db
    .selectFrom('encounter as e')
    .select([
      'e.id',
      'e.patient_id',
      'e.class',
      'e.status',
      'e.institution_id',
      'e.department_id',
      'e.practitioner_id',
      'e.started_at',
      'e.ended_at',
      'e.reason',
      'e.source',
      'e.source_ref',
      'e.updated_at',
    ]);
}
type EncounterRow = Awaited<ReturnType<ReturnType<typeof encounterRows>['execute']>>[number];

function toEncounter(
  r: EncounterRow,
  names: Names,
  diagnoses: { id: string; name: string }[],
): Encounter & { id: string } {
  const cls = CLASSES[r.class]!;
  const institution = names.institution(r.institution_id);
  const department = names.department(r.department_id);
  const online = r.source === 'online';
  return {
    resourceType: 'Encounter',
    id: r.id,
    meta: versionMeta(r.updated_at),
    identifier: [
      {
        system: online ? ONLINE_VISIT_SID : HIS_VISIT_SID,
        value: r.source_ref,
        ...(online ? {} : { assigner: ref('Organization', r.institution_id, institution) }),
      },
    ],
    status: r.status,
    class: coding(ACT_CODE, r.class, cls.display),
    ...(department ? { serviceType: { text: department } } : {}),
    subject: ref('Patient', r.patient_id),
    ...(r.practitioner_id
      ? {
          participant: [
            {
              type: [{ coding: [coding(PARTICIPATION_TYPE, 'ATND', 'attender')], text: '接诊医师' }],
              individual: ref('Practitioner', r.practitioner_id, names.practitioner(r.practitioner_id)),
            },
          ],
        }
      : {}),
    period: {
      start: shanghaiDateTime(r.started_at),
      ...(r.ended_at ? { end: shanghaiDateTime(r.ended_at) } : {}),
    },
    ...(r.reason ? { reasonCode: [{ text: r.reason }] } : {}),
    ...(diagnoses.length > 0
      ? { diagnosis: diagnoses.map((d, i) => ({ condition: ref('Condition', d.id, d.name), rank: i + 1 })) }
      : {}),
    serviceProvider: ref('Organization', r.institution_id, institution),
  };
}

async function encountersOf(env: FhirEnv, rows: EncounterRow[]) {
  const ids = rows.map((r) => r.id);
  const [names, diagnoses] = await Promise.all([
    namesOf(env, rows),
    ids.length === 0
      ? []
      : env.db
          .selectFrom('diagnosis')
          .select(['id', 'name', 'encounter_id'])
          .where(uuidIn(sql.ref('encounter_id'), ids))
          .orderBy('recorded_at')
          .orderBy('id')
          .execute(),
  ]);
  const byEncounter = new Map<string, { id: string; name: string }[]>();
  for (const d of diagnoses) {
    byEncounter.set(d.encounter_id!, [...(byEncounter.get(d.encounter_id!) ?? []), d]);
  }
  return rows.map((r) => toEncounter(r, names, byEncounter.get(r.id) ?? []));
}

/** identifier tokens: a HIS visit number (his and seeded rows) or an online visit id. */
function encounterIdentifier(list: { system?: string; code: string }[]): RawBuilder<SqlBool> {
  return or(
    list.flatMap((t) => {
      const his = sql<SqlBool>`(e.source in ('his', 'seed') and e.source_ref = ${t.code})`;
      const online = sql<SqlBool>`(e.source = 'online' and e.source_ref = ${t.code})`;
      if (t.system === undefined) return [or([his, online])];
      if (t.system === HIS_VISIT_SID) return [his];
      if (t.system === ONLINE_VISIT_SID) return [online];
      return [];
    }),
  );
}

export const encounterProvider: FhirProvider = {
  type: 'Encounter',
  category: 'encounters',
  common: ['patient', 'subject', 'date', 'status', 'identifier'],
  searchParams: [
    {
      name: 'class',
      type: 'token',
      documentation: 'v3-ActCode: AMB 门诊, IMP 住院, EMER 急诊, VR 互联网诊疗',
    },
    { name: 'practitioner', type: 'reference', documentation: '接诊医师 (Practitioner/编号)' },
    { name: 'service-provider', type: 'reference', documentation: '就诊机构 (Organization/编号)' },
  ],
  sorts: ['-date', '_lastUpdated'],
  includes: [
    { param: 'patient', target: 'Patient', ids: (r) => refIds((r as Encounter).subject, 'Patient') },
    { param: 'subject', target: 'Patient', ids: (r) => refIds((r as Encounter).subject, 'Patient') },
    {
      param: 'practitioner',
      target: 'Practitioner',
      ids: (r) => ((r as Encounter).participant ?? []).flatMap((p) => refIds(p.individual, 'Practitioner')),
    },
    {
      param: 'service-provider',
      target: 'Organization',
      ids: (r) => refIds((r as Encounter).serviceProvider, 'Organization'),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await encounterRows(env).where('e.id', '=', id).executeTakeFirst();
    if (!r) return null;
    const [resource] = await encountersOf(env, [r]);
    return { resource: resource!, patientId: r.patient_id, sortValue: instantText(r.started_at) };
  },
  async search(env, q) {
    const scope = patientScope(q.readable, q.patients);
    if (scope === null) return [];
    const key = q.sort.param === '_lastUpdated' ? sql.ref('e.updated_at') : sql.ref('e.started_at');
    const conds: RawBuilder<SqlBool>[] = [
      datesSql(q.lastUpdated, sql.ref('e.updated_at'), undefined, env.now),
      // The period: an encounter still in progress has no end yet (open range).
      datesSql(q.date, sql.ref('e.started_at'), sql.ref('e.ended_at'), env.now),
      ...q.identifier.map(encounterIdentifier),
      ...tokenLists('class', q.params.class).map((list) =>
        textIn(sql.ref('e.class'), codesIn(list, ACT_CODE)),
      ),
      ...referenceLists(q.params.practitioner, 'Practitioner').map((ids) =>
        uuidIn(sql.ref('e.practitioner_id'), ids),
      ),
      ...referenceLists(q.params['service-provider'], 'Organization').map((ids) =>
        uuidIn(sql.ref('e.institution_id'), ids),
      ),
      afterUuid(key, sql.ref('e.id'), q.after, q.sort.desc, 'instant'),
    ];
    if (scope !== 'any') conds.push(uuidIn(sql.ref('e.patient_id'), scope));
    if (q.ids) conds.push(uuidIn(sql.ref('e.id'), q.ids));
    if (q.status) conds.push(textIn(sql.ref('e.status'), q.status));
    const rows = await encounterRows(env)
      .where(and(conds))
      .orderBy(sql`${key} ${dirOf(q)}`)
      .orderBy(sql`e.id ${dirOf(q)}`)
      .limit(q.limit)
      .execute();
    const resources = await encountersOf(env, rows);
    return rows.map(
      (r, i): Found => ({
        resource: resources[i]!,
        patientId: r.patient_id,
        sortValue: instantText(q.sort.param === '_lastUpdated' ? r.updated_at : r.started_at),
      }),
    );
  },
};

// --- Condition -----------------------------------------------------------------------------------------

const CLINICAL_DISPLAY: Record<string, string> = {
  active: 'Active',
  resolved: 'Resolved',
  inactive: 'Inactive',
};
const CATEGORY_DISPLAY: Record<string, { display: string; text: string }> = {
  'encounter-diagnosis': { display: 'Encounter Diagnosis', text: '就诊诊断' },
  'problem-list-item': { display: 'Problem List Item', text: '问题列表' },
};
/** Our second Condition category: a chronic disease (慢性病, the ICD-10 list of records.rules). */
export const CONDITION_TAG_CS = `${LOCAL_CS}/condition-tag`;

function conditionRows(env: FhirEnv) {
  return env.db
    .selectFrom('diagnosis as d')
    .select([
      'd.id',
      'd.patient_id',
      'd.encounter_id',
      'd.icd10',
      'd.name',
      'd.category',
      'd.clinical_status',
      'd.chronic',
      'd.onset_date',
      'd.recorded_at',
      'd.institution_id',
      'd.practitioner_id',
      'd.updated_at',
    ]);
}
type ConditionRow = Awaited<ReturnType<ReturnType<typeof conditionRows>['execute']>>[number];

/**
 * A diagnosis as Condition. Every diagnosis on the archive was made by a doctor (a hospital's, or one on
 * this platform who signed the record): verificationStatus confirmed.
 */
function toCondition(r: ConditionRow, names: Names): Condition & { id: string } {
  const cat = CATEGORY_DISPLAY[r.category]!;
  return {
    resourceType: 'Condition',
    id: r.id,
    meta: versionMeta(r.updated_at),
    clinicalStatus: {
      coding: [coding(CONDITION_CLINICAL, r.clinical_status, CLINICAL_DISPLAY[r.clinical_status])],
    },
    verificationStatus: { coding: [coding(CONDITION_VER_STATUS, 'confirmed', 'Confirmed')] },
    category: [
      { coding: [coding(CONDITION_CATEGORY, r.category, cat.display)], text: cat.text },
      ...(r.chronic ? [{ coding: [coding(CONDITION_TAG_CS, 'chronic', '慢性病')], text: '慢性病' }] : []),
    ],
    code: { coding: [coding(ICD10, r.icd10, r.name)], text: r.name },
    subject: ref('Patient', r.patient_id),
    ...(r.encounter_id ? { encounter: ref('Encounter', r.encounter_id) } : {}),
    ...(r.onset_date ? { onsetDateTime: String(r.onset_date) } : {}),
    recordedDate: shanghaiDateTime(r.recorded_at),
    ...(r.practitioner_id
      ? { asserter: ref('Practitioner', r.practitioner_id, names.practitioner(r.practitioner_id)) }
      : {}),
  };
}

/** category tokens: condition-category codes, or our chronic tag. */
function conditionCategory(list: { system?: string; code: string }[]): RawBuilder<SqlBool> {
  return or([
    textIn(sql.ref('d.category'), codesIn(list, CONDITION_CATEGORY)),
    ...(codesIn(list, CONDITION_TAG_CS).includes('chronic') ? [sql<SqlBool>`d.chronic`] : []),
  ]);
}

export const conditionProvider: FhirProvider = {
  type: 'Condition',
  category: 'diagnoses',
  common: ['patient', 'subject', 'date', 'code'],
  searchParams: [
    {
      name: 'clinical-status',
      type: 'token',
      documentation: 'condition-clinical: active, inactive, resolved',
    },
    {
      name: 'category',
      type: 'token',
      documentation: `condition-category: encounter-diagnosis, problem-list-item; ${CONDITION_TAG_CS}|chronic 慢性病`,
    },
    { name: 'encounter', type: 'reference', documentation: '诊断所属的就诊 (Encounter/编号)' },
  ],
  sorts: ['-date', '_lastUpdated'],
  includes: [
    { param: 'patient', target: 'Patient', ids: (r) => refIds((r as Condition).subject, 'Patient') },
    { param: 'subject', target: 'Patient', ids: (r) => refIds((r as Condition).subject, 'Patient') },
    { param: 'encounter', target: 'Encounter', ids: (r) => refIds((r as Condition).encounter, 'Encounter') },
    {
      param: 'asserter',
      target: 'Practitioner',
      ids: (r) => refIds((r as Condition).asserter, 'Practitioner'),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await conditionRows(env).where('d.id', '=', id).executeTakeFirst();
    if (!r) return null;
    return {
      resource: toCondition(r, await namesOf(env, [r])),
      patientId: r.patient_id,
      sortValue: instantText(r.recorded_at),
    };
  },
  async search(env, q) {
    const scope = patientScope(q.readable, q.patients);
    if (scope === null) return [];
    const key = q.sort.param === '_lastUpdated' ? sql.ref('d.updated_at') : sql.ref('d.recorded_at');
    const conds: RawBuilder<SqlBool>[] = [
      datesSql(q.lastUpdated, sql.ref('d.updated_at'), undefined, env.now),
      // `date` is the recorded date (Condition.recordedDate).
      datesSql(q.date, sql.ref('d.recorded_at'), undefined, env.now),
      ...q.code.map((list) => textIn(sql.ref('d.icd10'), codesIn(list, ICD10))),
      ...tokenLists('clinical-status', q.params['clinical-status']).map((list) =>
        textIn(sql.ref('d.clinical_status'), codesIn(list, CONDITION_CLINICAL)),
      ),
      ...tokenLists('category', q.params.category).map(conditionCategory),
      ...referenceLists(q.params.encounter, 'Encounter').map((ids) => uuidIn(sql.ref('d.encounter_id'), ids)),
      afterUuid(key, sql.ref('d.id'), q.after, q.sort.desc, 'instant'),
    ];
    if (scope !== 'any') conds.push(uuidIn(sql.ref('d.patient_id'), scope));
    if (q.ids) conds.push(uuidIn(sql.ref('d.id'), q.ids));
    const rows = await conditionRows(env)
      .where(and(conds))
      .orderBy(sql`${key} ${dirOf(q)}`)
      .orderBy(sql`d.id ${dirOf(q)}`)
      .limit(q.limit)
      .execute();
    const names = await namesOf(env, rows);
    return rows.map(
      (r): Found => ({
        resource: toCondition(r, names),
        patientId: r.patient_id,
        sortValue: instantText(q.sort.param === '_lastUpdated' ? r.updated_at : r.recorded_at),
      }),
    );
  },
};
