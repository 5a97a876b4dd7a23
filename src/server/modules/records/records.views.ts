/**
 * Rows of the archive as the contract (src/shared/records.ts) shows them: diagnoses, results with their
 * flags (computed when the sender gave none, records.rules `effectiveFlag`), reports with their results and
 * abnormal count. Names of institutions and doctors come from directory, a page at a time.
 */
import type { Selectable } from 'kysely';
import type { DiagnosisView, ObservationView, ReportView } from '../../../shared/records.js';
import type { Executor } from '../../platform/db/database.js';
import type { DiagnosisTable, DiagnosticReportTable, ObservationTable } from '../../platform/db/schema.js';
import { institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { effectiveFlag, isAbnormal, reportCategory } from './records.rules.js';

export type DiagnosisRow = Selectable<DiagnosisTable>;
export type ReportRow = Selectable<DiagnosticReportTable>;
export type ObservationRow = Selectable<ObservationTable>;

const present = (ids: (string | null)[]) => ids.filter((id): id is string => id !== null);

/** Institution names by id (one query). */
export async function institutionNames(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
  const facts = await institutionFacts(db, present(ids));
  return new Map([...facts].map(([id, f]) => [id, f.name]));
}

/** Practitioner names by id (one query). */
export async function practitionerNames(db: Executor, ids: (string | null)[]): Promise<Map<string, string>> {
  const profiles = await practitionerProfiles(db, present(ids));
  return new Map([...profiles].map(([id, p]) => [id, p.name]));
}

export async function diagnosisViews(db: Executor, rows: DiagnosisRow[]): Promise<DiagnosisView[]> {
  const [institutions, doctors] = await Promise.all([
    institutionNames(
      db,
      rows.map((r) => r.institution_id),
    ),
    practitionerNames(
      db,
      rows.map((r) => r.practitioner_id),
    ),
  ]);
  return rows.map((r) => ({
    id: r.id,
    icd10: r.icd10,
    name: r.name,
    chronic: r.chronic,
    clinicalStatus: r.clinical_status,
    onsetDate: r.onset_date ? String(r.onset_date) : null,
    recordedAt: r.recorded_at.toISOString(),
    institutionName: r.institution_id ? (institutions.get(r.institution_id) ?? null) : null,
    practitionerName: r.practitioner_id ? (doctors.get(r.practitioner_id) ?? null) : null,
    source: r.source,
  }));
}

export function observationView(r: ObservationRow): ObservationView {
  return {
    id: r.id,
    reportId: r.report_id,
    category: r.category,
    codeSystem: r.code_system,
    code: r.code,
    name: r.name,
    valueNum: r.value_num,
    valueText: r.value_text,
    unit: r.unit,
    refLow: r.ref_low,
    refHigh: r.ref_high,
    refText: r.ref_text,
    flag: effectiveFlag(r.flag, r.value_num, r.ref_low, r.ref_high),
    effectiveAt: r.effective_at.toISOString(),
  };
}

/** The results of reports (not the cancelled ones), by report id, in the order the sender listed them. */
export async function resultsOf(db: Executor, reportIds: string[]): Promise<Map<string, ObservationView[]>> {
  const out = new Map<string, ObservationView[]>();
  if (reportIds.length === 0) return out;
  const rows = await db
    .selectFrom('observation')
    .selectAll()
    .where('report_id', 'in', reportIds)
    .where('status', '<>', 'cancelled')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.report_id!) ?? [];
    list.push(observationView(r));
    out.set(r.report_id!, list);
  }
  return out;
}

export async function reportViews(db: Executor, rows: ReportRow[]): Promise<ReportView[]> {
  const [results, institutions] = await Promise.all([
    resultsOf(
      db,
      rows.map((r) => r.id),
    ),
    institutionNames(
      db,
      rows.map((r) => r.institution_id),
    ),
  ]);
  return rows.map((r) => {
    const observations = results.get(r.id) ?? [];
    return {
      id: r.id,
      kind: r.kind,
      category: reportCategory(r.kind),
      code: r.code,
      name: r.name,
      status: r.status,
      effectiveAt: r.effective_at.toISOString(),
      issuedAt: r.issued_at.toISOString(),
      institutionName: r.institution_id ? (institutions.get(r.institution_id) ?? null) : null,
      performerName: r.performer_name,
      verifierName: r.verifier_name,
      findings: r.findings,
      conclusion: r.conclusion,
      signed: r.signature
        ? {
            signedBy: r.signature.signedBy,
            signedAt: r.signature.signedAt,
            certSerial: r.signature.certSerial,
          }
        : null,
      abnormalCount: observations.filter((o) => isAbnormal(o.flag)).length,
      observations,
      source: r.source,
    };
  });
}
