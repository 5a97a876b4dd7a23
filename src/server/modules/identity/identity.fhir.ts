/**
 * The identity module's FHIR resources ([6/12]): Patient (实名就诊人) and AllergyIntolerance (过敏史, RX-10).
 * Names only identity's tables. Who may read is decided by the facade (records/care-access.ts, SEC-1): a
 * search is limited to the `readable` patients it passes, and a resident ID is shown in full only to the
 * patient and those who act for them (`env.ownPatients`, ID-6), masked for everyone else (DJ-10).
 */
import type { AllergyIntolerance, ContactPoint, Patient } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  chineseName,
  lastChange,
  orValues,
  pageOrder,
  RESIDENT_ID_SYSTEM,
  ref,
  referencedIds,
  residentIdIdentifier,
  type SortKey,
  shanghaiDateTime,
  sortValueOf,
  startsWith,
  versionMeta,
} from '../../fhir/datatypes.js';
import { parseDate } from '../../fhir/search.js';
import { and, datesSql, isUuid, or, patientScope, tokenValues, uuidIn } from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, Found, ProviderQuery, TokenFilter } from '../../fhir/types.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';

// --- Patient -------------------------------------------------------------------------------------------

/** The required binding of Patient.gender (administrative-gender): our records hold male/female or nothing. */
export function fhirGender(sex: string | null): 'male' | 'female' | 'other' | 'unknown' {
  return sex === 'male' || sex === 'female' ? sex : 'unknown';
}

const patientUpdated = lastChange(sql.ref('p.created_at'), sql.ref('p.verified_at'));

function patientRows(env: FhirEnv) {
  return env.db
    .selectFrom('patient as p')
    .leftJoin('account as a', 'a.id', 'p.account_id')
    .select([
      'p.id',
      'p.name',
      'p.id_number_enc',
      'p.birth_date',
      'p.sex',
      'a.phone_enc',
      patientUpdated.as('updated'),
    ]);
}
type PatientRow = Awaited<ReturnType<ReturnType<typeof patientRows>['execute']>>[number];

function toPatient(env: FhirEnv, r: PatientRow): Patient & { id: string } {
  // ID-6, DJ-10: the resident ID in full for the patient and their proxies only (labelled MASKED for the
  // others); the phone of the account only for them, never masked into a useless value.
  const own = env.ownPatients.has(r.id);
  const idNumber = r.id_number_enc ? env.ctx.cipher.decrypt(r.id_number_enc) : null;
  const telecom: ContactPoint[] =
    own && r.phone_enc
      ? [{ system: 'phone', value: env.ctx.cipher.decrypt(r.phone_enc), use: 'mobile' }]
      : [];
  return {
    resourceType: 'Patient',
    id: r.id,
    meta: versionMeta(r.updated, !!idNumber && !own),
    ...(idNumber ? { identifier: [residentIdIdentifier(own ? idNumber : maskIdNumber(idNumber))] } : {}),
    active: true,
    name: [chineseName(r.name)],
    ...(telecom.length > 0 ? { telecom } : {}),
    gender: fhirGender(r.sex),
    ...(r.birth_date ? { birthDate: String(r.birth_date) } : {}),
  };
}

/**
 * An `identifier` group (OR) as blind indexes of resident IDs: a token of our system or with no system
 * (the check letter in either case); another system, or `|code`, matches nobody.
 */
function residentIdIndexes(env: FhirEnv, tokens: readonly TokenFilter[]): string[] {
  return tokens
    .filter((t) => t.system === undefined || t.system === RESIDENT_ID_SYSTEM)
    .map((t) => env.ctx.cipher.blindIndex('id_number', t.code.trim().toUpperCase()));
}

/** FHIR string search (starts with) on a Chinese name: the whole name, or the given name (伟 finds 张伟). */
function nameMatches(raw: string): RawBuilder<SqlBool> {
  return or(
    orValues(raw).map((v) => {
      const pattern = startsWith(v.toLowerCase());
      return sql<SqlBool>`(lower(p.name) like ${pattern} or p.name like ${`_${pattern}`})`;
    }),
  );
}

function genderMatches(raw: string): RawBuilder<SqlBool> {
  return or(
    tokenValues([raw])
      .filter((t) => t.system === undefined || t.system === 'http://hl7.org/fhir/administrative-gender')
      .flatMap((t) => {
        if (t.code === 'male' || t.code === 'female') return [sql<SqlBool>`p.sex = ${t.code}`];
        if (t.code === 'unknown') return [sql<SqlBool>`p.sex is null`];
        return [];
      }),
  );
}

/** A birth date is a day: [00:00, 24:00) in Asia/Shanghai. */
const bornFrom = sql<Date>`(p.birth_date::timestamp at time zone 'Asia/Shanghai')`;
const bornUntil = sql<Date>`(${bornFrom} + interval '1 day' - interval '1 millisecond')`;

const patientSorts: Record<string, SortKey> = {
  _id: { expr: sql.ref('p.id'), kind: 'id' },
  _lastUpdated: { expr: patientUpdated, kind: 'instant' },
};

async function searchPatients(env: FhirEnv, q: ProviderQuery): Promise<Found[]> {
  const scope = patientScope(q.readable, q.patients);
  if (scope === null) return [];
  const where: RawBuilder<SqlBool>[] = [];
  if (scope !== 'any') where.push(uuidIn(sql.ref('p.id'), scope));
  if (q.ids) where.push(uuidIn(sql.ref('p.id'), q.ids));
  where.push(datesSql(q.lastUpdated, patientUpdated));
  for (const group of q.identifier) {
    const indexes = residentIdIndexes(env, group);
    if (indexes.length === 0) return [];
    where.push(sql<SqlBool>`p.id_number_bidx = any(${indexes}::text[])`);
  }
  for (const raw of q.params.name ?? []) where.push(nameMatches(raw));
  for (const raw of q.params.gender ?? []) where.push(genderMatches(raw));
  const born = (q.params.birthdate ?? []).map((raw) => parseDate('birthdate', raw));
  where.push(datesSql(born, bornFrom, bornUntil));
  const page = pageOrder(q.sort, q.after, patientSorts, sql.ref('p.id'), isUuid);
  let query = patientRows(env)
    .select(sql`${page.sortKey.expr}`.as('sort_key'))
    .where(and([...where, page.after]));
  for (const o of page.order) query = query.orderBy(o);
  const rows = await query.limit(q.limit).execute();
  return rows.map((r) => ({
    resource: toPatient(env, r),
    patientId: r.id,
    sortValue: sortValueOf(page.sortKey, r.sort_key),
  }));
}

export const patientProvider: FhirProvider = {
  type: 'Patient',
  category: 'basic',
  common: ['identifier'],
  searchParams: [
    {
      name: 'name',
      type: 'string',
      documentation: '姓名或名（前缀匹配）：张 与 伟 都找到 张伟 / name or given name, starts with',
    },
    { name: 'gender', type: 'token', documentation: 'male | female | unknown' },
    { name: 'birthdate', type: 'date', documentation: '出生日期（支持 eq、lt、ge… 前缀）/ date of birth' },
  ],
  sorts: ['_id', '_lastUpdated'],
  includes: [],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await patientRows(env).where('p.id', '=', id).executeTakeFirst();
    return r ? { resource: toPatient(env, r), patientId: r.id, sortValue: r.id } : null;
  },
  search: searchPatients,
};

// --- AllergyIntolerance --------------------------------------------------------------------------------

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

const allergyUpdated = lastChange(sql.ref('pa.recorded_at'), sql.ref('pa.removed_at'));
const allergyRecorded = lastChange(sql.ref('pa.recorded_at'));

function allergyRows(env: FhirEnv) {
  return env.db
    .selectFrom('patient_allergy as pa')
    .leftJoin('account as a', 'a.id', 'pa.recorded_by')
    .select([
      'pa.id',
      'pa.patient_id',
      'pa.substance',
      'pa.reaction',
      'pa.recorded_at',
      'pa.removed_at',
      'a.practitioner_id as recorder_practitioner_id',
      allergyUpdated.as('updated'),
      allergyRecorded.as('recorded_ms'),
    ]);
}
type AllergyRow = Awaited<ReturnType<ReturnType<typeof allergyRows>['execute']>>[number];

/**
 * A recorded allergy (RX-10): active and confirmed while recorded. One removed is kept (RX-12: nothing is
 * deleted) and answered as entered-in-error without clinicalStatus (invariant ait-2). Category and
 * criticality are not recorded, so they are left out rather than guessed.
 */
function toAllergy(r: AllergyRow): AllergyIntolerance & { id: string } {
  const removed = r.removed_at !== null;
  return {
    resourceType: 'AllergyIntolerance',
    id: r.id,
    meta: versionMeta(r.updated),
    ...(removed
      ? {}
      : {
          clinicalStatus: { coding: [{ system: CLINICAL, code: 'active', display: 'Active' }], text: '有效' },
        }),
    verificationStatus: removed
      ? {
          coding: [{ system: VERIFICATION, code: 'entered-in-error', display: 'Entered in Error' }],
          text: '已删除',
        }
      : { coding: [{ system: VERIFICATION, code: 'confirmed', display: 'Confirmed' }], text: '已确认' },
    type: 'allergy',
    code: { text: r.substance },
    patient: ref('Patient', r.patient_id),
    recordedDate: shanghaiDateTime(r.recorded_at),
    ...(r.recorder_practitioner_id ? { recorder: ref('Practitioner', r.recorder_practitioner_id) } : {}),
    ...(r.reaction ? { reaction: [{ manifestation: [{ text: r.reaction }] }] } : {}),
  };
}

function clinicalStatusMatches(raw: string): RawBuilder<SqlBool> {
  return or(
    tokenValues([raw])
      .filter((t) => t.system === undefined || t.system === CLINICAL)
      .flatMap((t) => (t.code === 'active' ? [sql<SqlBool>`pa.removed_at is null`] : [])),
  );
}

const allergySorts: Record<string, SortKey> = {
  date: { expr: allergyRecorded, kind: 'instant' },
  _id: { expr: sql.ref('pa.id'), kind: 'id' },
  _lastUpdated: { expr: allergyUpdated, kind: 'instant' },
};

async function searchAllergies(env: FhirEnv, q: ProviderQuery): Promise<Found[]> {
  const scope = patientScope(q.readable, q.patients);
  if (scope === null) return [];
  const where: RawBuilder<SqlBool>[] = [];
  if (scope !== 'any') where.push(uuidIn(sql.ref('pa.patient_id'), scope));
  if (q.ids) where.push(uuidIn(sql.ref('pa.id'), q.ids));
  where.push(datesSql(q.lastUpdated, allergyUpdated));
  where.push(datesSql(q.date, sql.ref('pa.recorded_at')));
  for (const raw of q.params['clinical-status'] ?? []) where.push(clinicalStatusMatches(raw));
  const page = pageOrder(q.sort, q.after, allergySorts, sql.ref('pa.id'), isUuid);
  let query = allergyRows(env)
    .select(sql`${page.sortKey.expr}`.as('sort_key'))
    .where(and([...where, page.after]));
  for (const o of page.order) query = query.orderBy(o);
  const rows = await query.limit(q.limit).execute();
  return rows.map((r) => ({
    resource: toAllergy(r),
    patientId: r.patient_id,
    sortValue: sortValueOf(page.sortKey, r.sort_key),
  }));
}

export const allergyIntoleranceProvider: FhirProvider = {
  type: 'AllergyIntolerance',
  category: 'basic',
  common: ['patient', 'date'],
  searchParams: [
    {
      name: 'clinical-status',
      type: 'token',
      documentation: 'active（有效；已删除的记录为 entered-in-error，无 clinicalStatus）',
    },
  ],
  sorts: ['-date', '_id', '_lastUpdated'],
  includes: [
    {
      param: 'patient',
      target: 'Patient',
      ids: (r) => referencedIds([(r as AllergyIntolerance).patient], 'Patient'),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await allergyRows(env).where('pa.id', '=', id).executeTakeFirst();
    return r
      ? { resource: toAllergy(r), patientId: r.patient_id, sortValue: r.recorded_ms.toISOString() }
      : null;
  },
  search: searchAllergies,
};

/** Identity's FHIR resources ([6/12]). */
export const identityFhirProviders: FhirProvider[] = [patientProvider, allergyIntoleranceProvider];
