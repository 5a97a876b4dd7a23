/**
 * Results as FHIR ([6/12], REC-3): Observation (检验 values and vital signs) and DiagnosticReport (检验
 * reports, and 检查 reports: imaging, ECG, ultrasound, pathology). Names only records' tables; institution
 * names come from directory.api. Who may read is the facade's (SEC-1): searches are limited to `readable`.
 *
 * Categories: both providers count under `labs` (检验: lab values, vital signs, lab reports). A 检查 (exam)
 * report — and an Observation of category imaging/exam — counts under `exams`, which an authorisation may
 * grant or withhold separately: such a row's Found carries `category: 'exams'`, and the facade checks and
 * audits it under that one (a search is asked with the `labs` readable list and the facade drops what the
 * reader may not see under `exams`).
 *
 * Blood pressure is two Observations (LOINC 8480-6 systolic, 8462-4 diastolic), as the archive stores
 * and charts them, not one 85354-9 panel with components.
 */
import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import {
  codesIn,
  coding,
  DATA_ABSENT_REASON,
  DIAGNOSTIC_SECTION,
  INTERPRETATION,
  OBSERVATION_CATEGORY,
  quantity,
  refIds,
  storedSystems,
  systemUrl,
  tokenLists,
} from '../../fhir/clinical.js';
import { LOCAL_SID, ref, shanghaiDateTime, versionMeta } from '../../fhir/datatypes.js';
import {
  afterUuid,
  and,
  datesSql,
  instantText,
  isUuid,
  patientScope,
  textIn,
  tokenMatches,
  uuidIn,
} from '../../fhir/sql.js';
import type { FhirEnv, FhirProvider, Found, ProviderQuery } from '../../fhir/types.js';
import { institutionFacts } from '../directory/directory.api.js';

const dirOf = (q: ProviderQuery) => sql.raw(q.sort.desc ? 'desc' : 'asc');

/** Observation categories that are part of a 检查 (exam) rather than 检验 (labs). */
const EXAM_OBSERVATION_CATEGORIES = ['imaging', 'exam'];

/** The row's own category when it is not the provider's `labs` (file comment). */
export const observationCategory = (category: string): { category?: 'exams' } =>
  EXAM_OBSERVATION_CATEGORIES.includes(category) ? { category: 'exams' } : {};
export const reportCategory = (kind: string): { category?: 'exams' } =>
  kind === 'lab' ? {} : { category: 'exams' };

// --- Observation ---------------------------------------------------------------------------------------

const OBSERVATION_CATEGORY_DISPLAY: Record<string, string> = {
  laboratory: 'Laboratory',
  'vital-signs': 'Vital Signs',
  imaging: 'Imaging',
  exam: 'Exam',
};

/** The abnormal flag as v3 ObservationInterpretation, with the mark a Chinese report prints. */
const INTERPRETATIONS: Record<string, { display: string; text: string }> = {
  N: { display: 'Normal', text: '正常' },
  H: { display: 'High', text: '偏高 ↑' },
  L: { display: 'Low', text: '偏低 ↓' },
  HH: { display: 'Critical high', text: '危急值 ↑↑' },
  LL: { display: 'Critical low', text: '危急值 ↓↓' },
  A: { display: 'Abnormal', text: '异常' },
};

function observationRows(env: FhirEnv) {
  return env.db
    .selectFrom('observation as o')
    .leftJoin('diagnostic_report as r', 'r.id', 'o.report_id')
    .select([
      'o.id',
      'o.patient_id',
      'o.report_id',
      'o.category',
      'o.code_system',
      'o.code',
      'o.name',
      'o.value_num',
      'o.value_text',
      'o.unit',
      'o.ref_low',
      'o.ref_high',
      'o.ref_text',
      'o.flag',
      'o.status',
      'o.effective_at',
      'o.updated_at',
      'r.encounter_id',
      'r.issued_at',
    ]);
}
type ObservationRow = Awaited<ReturnType<ReturnType<typeof observationRows>['execute']>>[number];

export function toObservation(r: ObservationRow): Observation & { id: string } {
  const value: Partial<Observation> =
    r.value_num !== null
      ? { valueQuantity: quantity(r.value_num, r.unit) }
      : r.value_text !== null && r.value_text !== ''
        ? { valueString: r.value_text }
        : { dataAbsentReason: { coding: [coding(DATA_ABSENT_REASON, 'unknown', 'Unknown')] } };
  const low = r.ref_low !== null ? { low: quantity(r.ref_low, r.unit) } : {};
  const high = r.ref_high !== null ? { high: quantity(r.ref_high, r.unit) } : {};
  const hasRange = r.ref_low !== null || r.ref_high !== null || (r.ref_text ?? '') !== '';
  const interp = r.flag ? INTERPRETATIONS[r.flag] : undefined;
  return {
    resourceType: 'Observation',
    id: r.id,
    meta: versionMeta(r.updated_at),
    status: r.status,
    category: [
      {
        coding: [coding(OBSERVATION_CATEGORY, r.category, OBSERVATION_CATEGORY_DISPLAY[r.category])],
      },
    ],
    code: { coding: [coding(systemUrl(r.code_system), r.code, r.name)], text: r.name },
    subject: ref('Patient', r.patient_id),
    ...(r.encounter_id ? { encounter: ref('Encounter', r.encounter_id) } : {}),
    effectiveDateTime: shanghaiDateTime(r.effective_at),
    ...(r.issued_at ? { issued: shanghaiDateTime(r.issued_at) } : {}),
    ...value,
    ...(interp && r.flag
      ? { interpretation: [{ coding: [coding(INTERPRETATION, r.flag, interp.display)], text: interp.text }] }
      : {}),
    ...(hasRange
      ? { referenceRange: [{ ...low, ...high, ...(r.ref_text ? { text: r.ref_text } : {}) }] }
      : {}),
  };
}

/** A token on the Observation category (observation-category codes). */
function categoryCondition(values: string[] | undefined, column: string): RawBuilder<SqlBool>[] {
  return tokenLists('category', values).map((list) =>
    textIn(sql.ref(column), codesIn(list, OBSERVATION_CATEGORY)),
  );
}

export const observationProvider: FhirProvider = {
  type: 'Observation',
  category: 'labs',
  otherCategories: ['exams'],
  common: ['patient', 'subject', 'date', 'status', 'code'],
  searchParams: [
    {
      name: 'category',
      type: 'token',
      documentation:
        'observation-category: laboratory (检验), vital-signs (生命体征), imaging, exam (检查所见，按“检查报告”类别授权)',
    },
  ],
  sorts: ['-date', '_lastUpdated'],
  includes: [
    { param: 'patient', target: 'Patient', ids: (r) => refIds((r as Observation).subject, 'Patient') },
    { param: 'subject', target: 'Patient', ids: (r) => refIds((r as Observation).subject, 'Patient') },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await observationRows(env).where('o.id', '=', id).executeTakeFirst();
    return r
      ? {
          resource: toObservation(r),
          patientId: r.patient_id,
          sortValue: instantText(r.effective_at),
          ...observationCategory(r.category),
        }
      : null;
  },
  async search(env, q) {
    const scope = patientScope(q.readable, q.patients);
    if (scope === null) return [];
    const key = q.sort.param === '_lastUpdated' ? sql.ref('o.updated_at') : sql.ref('o.effective_at');
    const conds: RawBuilder<SqlBool>[] = [
      datesSql(q.lastUpdated, sql.ref('o.updated_at'), undefined, env.now),
      datesSql(q.date, sql.ref('o.effective_at'), undefined, env.now),
      ...q.code.map((list) => tokenMatches(list, sql.ref('o.code_system'), sql.ref('o.code'), storedSystems)),
      ...categoryCondition(q.params.category, 'o.category'),
      afterUuid(key, sql.ref('o.id'), q.after, q.sort.desc, 'instant'),
    ];
    if (scope !== 'any') conds.push(uuidIn(sql.ref('o.patient_id'), scope));
    if (q.ids) conds.push(uuidIn(sql.ref('o.id'), q.ids));
    if (q.status) conds.push(textIn(sql.ref('o.status'), q.status));
    const rows = await observationRows(env)
      .where(and(conds))
      .orderBy(sql`${key} ${dirOf(q)}`)
      .orderBy(sql`o.id ${dirOf(q)}`)
      .limit(q.limit)
      .execute();
    return rows.map(
      (r): Found => ({
        resource: toObservation(r),
        patientId: r.patient_id,
        sortValue: instantText(q.sort.param === '_lastUpdated' ? r.updated_at : r.effective_at),
        ...observationCategory(r.category),
      }),
    );
  },
};

// --- DiagnosticReport ----------------------------------------------------------------------------------

/** The report's kind as a diagnostic service section (v2-0074), with the Chinese word for it. */
const SECTIONS: Record<string, { code: string; display: string; text: string }> = {
  lab: { code: 'LAB', display: 'Laboratory', text: '检验' },
  imaging: { code: 'RAD', display: 'Radiology', text: '影像检查' },
  ecg: { code: 'EC', display: 'Electrocardiac (e.g., EKG,  EEC, Holter)', text: '心电图' },
  ultrasound: { code: 'RUS', display: 'Radiology Ultrasound', text: '超声检查' },
  pathology: { code: 'PAT', display: 'Pathology (gross & histopath, not surgical)', text: '病理检查' },
  other: { code: 'OTH', display: 'Other', text: '其他检查' },
};
const KIND_OF_SECTION = new Map(Object.entries(SECTIONS).map(([kind, s]) => [s.code, kind]));

/** Filler order numbers (OBR-3) as the sending hospital numbered the report. */
export const FILLER_ORDER_SID = `${LOCAL_SID}/filler-order-number`;

function reportRows(env: FhirEnv) {
  return env.db
    .selectFrom('diagnostic_report as r')
    .select([
      'r.id',
      'r.patient_id',
      'r.encounter_id',
      'r.kind',
      'r.code_system',
      'r.code',
      'r.name',
      'r.status',
      'r.effective_at',
      'r.issued_at',
      'r.institution_id',
      'r.performer_name',
      'r.verifier_name',
      'r.findings',
      'r.conclusion',
      'r.source_ref',
      'r.updated_at',
    ]);
}
type ReportRow = Awaited<ReturnType<ReturnType<typeof reportRows>['execute']>>[number];

function toReport(
  r: ReportRow,
  results: { id: string; name: string }[],
  institutions: Map<string, { name: string }>,
): DiagnosticReport & { id: string } {
  const section = SECTIONS[r.kind] ?? SECTIONS.other!;
  const inst = r.institution_id ? institutions.get(r.institution_id) : undefined;
  const performer: NonNullable<DiagnosticReport['performer']> = [
    ...(r.institution_id ? [ref('Organization', r.institution_id, inst?.name)] : []),
    ...(r.performer_name ? [{ display: r.performer_name }] : []),
  ];
  return {
    resourceType: 'DiagnosticReport',
    id: r.id,
    meta: versionMeta(r.updated_at),
    identifier: [
      {
        system: FILLER_ORDER_SID,
        value: r.source_ref,
        ...(r.institution_id ? { assigner: ref('Organization', r.institution_id, inst?.name) } : {}),
      },
    ],
    status: r.status,
    category: [{ coding: [coding(DIAGNOSTIC_SECTION, section.code, section.display)], text: section.text }],
    code: { coding: [coding(systemUrl(r.code_system), r.code, r.name)], text: r.name },
    subject: ref('Patient', r.patient_id),
    ...(r.encounter_id ? { encounter: ref('Encounter', r.encounter_id) } : {}),
    effectiveDateTime: shanghaiDateTime(r.effective_at),
    issued: shanghaiDateTime(r.issued_at),
    ...(performer.length > 0 ? { performer } : {}),
    ...(r.verifier_name ? { resultsInterpreter: [{ display: r.verifier_name }] } : {}),
    ...(results.length > 0 ? { result: results.map((o) => ref('Observation', o.id, o.name)) } : {}),
    ...(r.conclusion ? { conclusion: r.conclusion } : {}),
    ...(r.findings
      ? {
          presentedForm: [
            {
              contentType: 'text/plain; charset=utf-8',
              language: 'zh-CN',
              data: Buffer.from(r.findings, 'utf8').toString('base64'),
              title: r.kind === 'lab' ? '检验说明' : '检查所见',
            },
          ],
        }
      : {}),
  };
}

/** The page's reports with their results and institutions (two queries for the page, not two per row). */
async function reportsOf(env: FhirEnv, rows: ReportRow[]) {
  const ids = rows.map((r) => r.id);
  const results =
    ids.length === 0
      ? []
      : await env.db
          .selectFrom('observation')
          .select(['id', 'name', 'report_id'])
          .where(uuidIn(sql.ref('report_id'), ids))
          .orderBy('effective_at')
          .orderBy('id')
          .execute();
  const byReport = new Map<string, { id: string; name: string }[]>();
  for (const o of results) {
    const list = byReport.get(o.report_id!) ?? [];
    list.push(o);
    byReport.set(o.report_id!, list);
  }
  const institutions = await institutionFacts(
    env.db,
    rows.flatMap((r) => (r.institution_id ? [r.institution_id] : [])),
  );
  return rows.map((r) => toReport(r, byReport.get(r.id) ?? [], institutions));
}

export const diagnosticReportProvider: FhirProvider = {
  type: 'DiagnosticReport',
  category: 'labs',
  otherCategories: ['exams'],
  common: ['patient', 'subject', 'date', 'status', 'code', 'identifier'],
  searchParams: [
    {
      name: 'category',
      type: 'token',
      documentation:
        'v2-0074 diagnostic service section: LAB (检验), RAD (影像), EC (心电图), RUS (超声), PAT (病理), OTH',
    },
  ],
  sorts: ['-date', '_lastUpdated'],
  includes: [
    { param: 'patient', target: 'Patient', ids: (r) => refIds((r as DiagnosticReport).subject, 'Patient') },
    { param: 'subject', target: 'Patient', ids: (r) => refIds((r as DiagnosticReport).subject, 'Patient') },
    {
      param: 'result',
      target: 'Observation',
      ids: (r) => ((r as DiagnosticReport).result ?? []).flatMap((x) => refIds(x, 'Observation')),
    },
    {
      param: 'encounter',
      target: 'Encounter',
      ids: (r) => refIds((r as DiagnosticReport).encounter, 'Encounter'),
    },
  ],
  async read(env, id) {
    if (!isUuid(id)) return null;
    const r = await reportRows(env).where('r.id', '=', id).executeTakeFirst();
    if (!r) return null;
    const [resource] = await reportsOf(env, [r]);
    return {
      resource: resource!,
      patientId: r.patient_id,
      sortValue: instantText(r.effective_at),
      ...reportCategory(r.kind),
    };
  },
  async search(env, q) {
    const scope = patientScope(q.readable, q.patients);
    if (scope === null) return [];
    const key = q.sort.param === '_lastUpdated' ? sql.ref('r.updated_at') : sql.ref('r.effective_at');
    const conds: RawBuilder<SqlBool>[] = [
      datesSql(q.lastUpdated, sql.ref('r.updated_at'), undefined, env.now),
      datesSql(q.date, sql.ref('r.effective_at'), undefined, env.now),
      ...q.code.map((list) => tokenMatches(list, sql.ref('r.code_system'), sql.ref('r.code'), storedSystems)),
      ...q.identifier.map((list) => textIn(sql.ref('r.source_ref'), codesIn(list, FILLER_ORDER_SID))),
      ...tokenLists('category', q.params.category).map((list) =>
        textIn(
          sql.ref('r.kind'),
          codesIn(list, DIAGNOSTIC_SECTION).flatMap((c) => KIND_OF_SECTION.get(c) ?? []),
        ),
      ),
      afterUuid(key, sql.ref('r.id'), q.after, q.sort.desc, 'instant'),
    ];
    if (scope !== 'any') conds.push(uuidIn(sql.ref('r.patient_id'), scope));
    if (q.ids) conds.push(uuidIn(sql.ref('r.id'), q.ids));
    if (q.status) conds.push(textIn(sql.ref('r.status'), q.status));
    const rows = await reportRows(env)
      .where(and(conds))
      .orderBy(sql`${key} ${dirOf(q)}`)
      .orderBy(sql`r.id ${dirOf(q)}`)
      .limit(q.limit)
      .execute();
    const resources = await reportsOf(env, rows);
    return rows.map(
      (r, i): Found => ({
        resource: resources[i]!,
        patientId: r.patient_id,
        sortValue: instantText(q.sort.param === '_lastUpdated' ? r.updated_at : r.effective_at),
        ...reportCategory(r.kind),
      }),
    );
  },
};
