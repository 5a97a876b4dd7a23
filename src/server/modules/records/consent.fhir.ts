/**
 * 授权调阅 as FHIR Consent ([6/12], SEC-1): the patient (or a proxy, ID-6) lets one doctor or one
 * institution read chosen categories of their archive until an expiry. Names only records' access_grant;
 * names of people and places come from identity.api and directory.api.
 *
 * - status: active while neither revoked nor expired; inactive once revoked or expired (R4 has no
 *   "expired"; `provision.period.end` says when it stopped: the revocation, else the expiry).
 * - scope patient-privacy; category LOINC 59284-0 Patient Consent + v3 ActCode INFA (information access);
 *   policyRule v3 ActCode OPTIN (the patient opted in, explicitly).
 * - provision permit; actor the grantee (Practitioner or Organization) as information recipient (IRCP);
 *   action access; for chosen categories, `code` names them (our record-category system) and `class` the
 *   resource types they cover. No categories: the whole archive.
 * - Counted under `basic` for access (who may see a patient's authorisations).
 * - meta.lastUpdated: the row's last change, or the expiry once passed (the status changed then).
 */
import type { Coding, Consent } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { RecordCategory } from '../../../shared/records.js';
import {
  ACT_CODE,
  coding,
  LOINC,
  PARTICIPATION_TYPE,
  RECORD_CATEGORY_CS,
  referenceLists,
  refIds,
  TERMINOLOGY,
} from '../../fhir/clinical.js';
import { ref, shanghaiDateTime, versionMeta } from '../../fhir/datatypes.js';
import { afterUuid, and, datesSql, instantText, isUuid, or, patientScope, uuidIn } from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, Found, ProviderQuery } from '../../fhir/types.js';
import { institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { accountCards, patientProfiles } from '../identity/identity.api.js';

const dirOf = (q: ProviderQuery) => sql.raw(q.sort.desc ? 'desc' : 'asc');

const CATEGORY_TEXT: Record<RecordCategory, string> = {
  basic: '基本信息',
  encounters: '就诊记录',
  diagnoses: '诊断',
  medications: '处方与取药',
  labs: '检验结果',
  exams: '检查报告',
};
/** The resource types a category covers (Consent.provision.class, http://hl7.org/fhir/resource-types). */
const CATEGORY_TYPES: Record<RecordCategory, string[]> = {
  basic: ['Patient', 'AllergyIntolerance'],
  encounters: ['Encounter'],
  diagnoses: ['Condition'],
  medications: ['MedicationRequest', 'MedicationDispense'],
  labs: ['Observation', 'DiagnosticReport'],
  exams: ['DiagnosticReport', 'Observation'],
};

/** The status in SQL, as `toConsent` states it. */
const statusSql = (now: Date) =>
  sql<string>`(case when g.revoked_at is not null or g.expires_at <= ${now} then 'inactive' else 'active' end)`;
/** The last change: the row's, or its expiry once passed (to the millisecond, as versionId). */
const updatedSql = (now: Date) =>
  sql<Date>`date_trunc('milliseconds', greatest(g.updated_at, case when g.expires_at <= ${now} then g.expires_at end))`;

function grantRows(env: FhirEnv) {
  return env.db
    .selectFrom('access_grant as g')
    .select([
      'g.id',
      'g.patient_id',
      'g.granted_by',
      'g.grantee_practitioner_id',
      'g.grantee_institution_id',
      'g.categories',
      'g.expires_at',
      'g.revoked_at',
      'g.created_at',
      updatedSql(env.now).as('updated'),
    ]);
}
type GrantRow = Awaited<ReturnType<ReturnType<typeof grantRows>['execute']>>[number];

async function consentsOf(env: FhirEnv, rows: GrantRow[]) {
  const ids = (f: (r: GrantRow) => string | null) => rows.flatMap((r) => (f(r) ? [f(r)!] : []));
  const [practitioners, institutions, patients, accounts] = await Promise.all([
    practitionerProfiles(
      env.db,
      ids((r) => r.grantee_practitioner_id),
    ),
    institutionFacts(
      env.db,
      ids((r) => r.grantee_institution_id),
    ),
    patientProfiles(
      env.db,
      ids((r) => r.patient_id),
    ),
    accountCards(
      env.db,
      ids((r) => r.granted_by),
    ),
  ]);
  return rows.map((r): Consent & { id: string } => {
    const expired = r.expires_at.getTime() <= env.now.getTime();
    const active = !r.revoked_at && !expired;
    const end = r.revoked_at && r.revoked_at < r.expires_at ? r.revoked_at : r.expires_at;
    const patient = patients.get(r.patient_id);
    // Given by the patient themself, or by a proxy (ID-6): a proxy is named, not referenced (RelatedPerson
    // is not served).
    const byPatient = patient?.accountId === r.granted_by;
    const grantor = accounts.get(r.granted_by);
    const actor = r.grantee_practitioner_id
      ? ref('Practitioner', r.grantee_practitioner_id, practitioners.get(r.grantee_practitioner_id)?.name)
      : ref('Organization', r.grantee_institution_id!, institutions.get(r.grantee_institution_id!)?.name);
    const categories = (r.categories ?? []) as RecordCategory[];
    const classes: Coding[] = [...new Set(categories.flatMap((c) => CATEGORY_TYPES[c] ?? []))].map((t) =>
      coding('http://hl7.org/fhir/resource-types', t, t),
    );
    return {
      resourceType: 'Consent',
      id: r.id,
      meta: versionMeta(r.updated),
      status: active ? 'active' : 'inactive',
      scope: {
        coding: [coding(`${TERMINOLOGY}/consentscope`, 'patient-privacy', 'Privacy Consent')],
        text: '授权调阅',
      },
      category: [
        { coding: [coding(LOINC, '59284-0', 'Patient Consent')] },
        { coding: [coding(ACT_CODE, 'INFA', 'information access')], text: '健康档案调阅授权' },
      ],
      patient: ref('Patient', r.patient_id, patient?.name),
      dateTime: shanghaiDateTime(r.created_at),
      performer: [
        byPatient
          ? ref('Patient', r.patient_id, patient?.name)
          : { display: grantor?.name ? `${grantor.name}（代理人）` : '代理人' },
      ],
      policyRule: { coding: [coding(ACT_CODE, 'OPTIN', 'opt-in')] },
      provision: {
        type: 'permit',
        period: { start: shanghaiDateTime(r.created_at), end: shanghaiDateTime(end) },
        actor: [
          {
            role: { coding: [coding(PARTICIPATION_TYPE, 'IRCP', 'information recipient')] },
            reference: actor,
          },
        ],
        action: [{ coding: [coding(`${TERMINOLOGY}/consentaction`, 'access', 'Access')] }],
        ...(classes.length > 0 ? { class: classes } : {}),
        ...(categories.length > 0
          ? {
              code: categories.map((c) => ({
                coding: [coding(RECORD_CATEGORY_CS, c, CATEGORY_TEXT[c])],
                text: CATEGORY_TEXT[c],
              })),
            }
          : {}),
      },
    };
  });
}

/** One `actor` occurrence (OR of its values): the grantee doctor or institution. */
function actorCondition(raw: string): RawBuilder<SqlBool> {
  const [practitioners] = referenceLists([raw], 'Practitioner');
  const [institutions] = referenceLists([raw], 'Organization');
  return or([
    uuidIn(sql.ref('g.grantee_practitioner_id'), practitioners ?? []),
    uuidIn(sql.ref('g.grantee_institution_id'), institutions ?? []),
  ]);
}

export const consentProvider: FhirProvider = {
  type: 'Consent',
  category: 'basic',
  common: ['patient', 'date', 'status'],
  searchParams: [
    {
      name: 'actor',
      type: 'reference',
      documentation: '被授权的医生或机构：Practitioner/编号 或 Organization/编号',
    },
  ],
  sorts: ['-date', '_lastUpdated'],
  includes: [
    { param: 'patient', target: 'Patient', ids: (r) => refIds((r as Consent).patient, 'Patient') },
    {
      param: 'actor',
      target: 'Practitioner',
      ids: (r) => ((r as Consent).provision?.actor ?? []).flatMap((a) => refIds(a.reference, 'Practitioner')),
    },
    {
      param: 'actor',
      target: 'Organization',
      ids: (r) => ((r as Consent).provision?.actor ?? []).flatMap((a) => refIds(a.reference, 'Organization')),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await grantRows(env).where('g.id', '=', id).executeTakeFirst();
    if (!r) return null;
    const [resource] = await consentsOf(env, [r]);
    return { resource: resource!, patientId: r.patient_id, sortValue: instantText(r.created_at) };
  },
  async search(env, q) {
    const scope = patientScope(q.readable, q.patients);
    if (scope === null) return [];
    const byUpdate = q.sort.param === '_lastUpdated';
    const key = byUpdate ? updatedSql(env.now) : sql.ref('g.created_at');
    const conds: RawBuilder<SqlBool>[] = [
      datesSql(q.lastUpdated, updatedSql(env.now), undefined, env.now),
      // `date` is when it was given (Consent.dateTime).
      datesSql(q.date, sql.ref('g.created_at'), undefined, env.now),
      ...(q.params.actor ?? []).map(actorCondition),
      afterUuid(key, sql.ref('g.id'), q.after, q.sort.desc, 'instant'),
    ];
    if (scope !== 'any') conds.push(uuidIn(sql.ref('g.patient_id'), scope));
    if (q.ids) conds.push(uuidIn(sql.ref('g.id'), q.ids));
    if (q.status) conds.push(sql<SqlBool>`${statusSql(env.now)} = any(${q.status}::text[])`);
    const rows = await grantRows(env)
      .where(and(conds))
      .orderBy(sql`${key} ${dirOf(q)}`)
      .orderBy(sql`g.id ${dirOf(q)}`)
      .limit(q.limit)
      .execute();
    const resources = await consentsOf(env, rows);
    return rows.map(
      (r, i): Found => ({
        resource: resources[i]!,
        patientId: r.patient_id,
        sortValue: instantText(byUpdate ? r.updated : r.created_at),
      }),
    );
  },
};
