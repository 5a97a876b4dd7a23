/**
 * GET /patients/{id}/export?format=pdf|fhir (个人信息可携带, 个人信息保护法 第四十五条; REC-3): the patient, or a
 * proxy acting for them (ID-6), downloads their records — a PDF summary, or a FHIR R4 Bundle of everything
 * (fhir/everything.ts). The one access check answers first (a reader without a relationship gets 403
 * NO_CARE_RELATIONSHIP like on every other route); a doctor who may read the archive may still not export
 * it (403 RECORD_EXPORT_PATIENT_ONLY). Audited per category, channel `export` (DJ-12).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { shanghaiDate } from '../../../shared/identity.js';
import { RECORD_CATEGORIES } from '../../../shared/records.js';
import { patientEverything } from '../../fhir/everything.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { maskIdNumber } from '../../platform/crypto/mask.js';
import { patientMedicationEvents } from '../prescriptions/prescriptions.api.js';
import { archiveOf } from './archive.service.js';
import { allowedCategories, auditReads } from './archive-reads.js';
import { type HealthSummary, healthSummaryPdf, type SummaryResult } from './export-pdf.js';
import { recordErrors } from './records.errors.js';
import { ENCOUNTER_CLASS_ZH, isAbnormal, valueText } from './records.rules.js';
import {
  institutionNames,
  type ObservationRow,
  observationView,
  practitionerNames,
  reportViews,
} from './records.views.js';

/** How far back each list of the summary goes (the FHIR Bundle carries everything). */
const SHOWN = { encounters: 30, results: 60, reports: 30, prescriptions: 30 };

export interface ExportFile {
  filename: string;
  /** The same name in Chinese, for `filename*` (RFC 6266 / 5987). */
  filenameUtf8: string;
  contentType: string;
  body: Buffer | string;
}

/** The one check, then: only the patient themself or their proxy exports (the FHIR export is checked here too). */
async function requireOwnReader(ctx: AppContext, auth: AuthContext, patientId: string, now: Date) {
  const allowed = await allowedCategories(ctx, auth, patientId, RECORD_CATEGORIES, now);
  const own = [...allowed.values()].every((d) => d.relationship === 'self' || d.relationship === 'proxy');
  if (!own || allowed.size !== RECORD_CATEGORIES.length) throw recordErrors.exportPatientOnly();
  return allowed;
}

const resultOf = (r: ObservationRow): SummaryResult => {
  const v = observationView(r);
  return {
    name: v.name,
    value: valueText(v.valueText, v.valueNum),
    unit: v.unit,
    refLow: v.refLow,
    refHigh: v.refHigh,
    refText: v.refText,
    flag: v.flag,
    at: r.effective_at,
  };
};

async function summaryOf(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  now: Date,
): Promise<HealthSummary> {
  const db = ctx.db;
  const { archive } = await archiveOf(ctx, auth, patientId, now);
  const encounters = await db
    .selectFrom('encounter')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'cancelled')
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(SHOWN.encounters)
    .execute();
  const encounterDx = encounters.length
    ? await db
        .selectFrom('diagnosis')
        .select(['encounter_id', 'name'])
        .where(
          'encounter_id',
          'in',
          encounters.map((e) => e.id),
        )
        .execute()
    : [];
  // The latest value of every measure (not only the tracked ones), newest first.
  const latest = await db
    .selectFrom('observation')
    .selectAll()
    .distinctOn('code')
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'cancelled')
    .where('category', 'in', ['laboratory', 'vital-signs'])
    .orderBy('code')
    .orderBy('effective_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  latest.sort((a, b) => b.effective_at.getTime() - a.effective_at.getTime() || a.code.localeCompare(b.code));
  const reportRows = await db
    .selectFrom('diagnostic_report')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '<>', 'cancelled')
    .orderBy('effective_at', 'desc')
    .orderBy('id', 'desc')
    .limit(SHOWN.reports)
    .execute();
  const reports = await reportViews(db, reportRows);
  const prescriptions = await patientMedicationEvents(
    db,
    patientId,
    'prescription',
    undefined,
    SHOWN.prescriptions,
  );
  const [places, doctors] = await Promise.all([
    institutionNames(db, [
      ...encounters.map((e) => e.institution_id),
      ...prescriptions.map((p) => p.institutionId),
    ]),
    practitionerNames(
      db,
      encounters.map((e) => e.practitioner_id),
    ),
  ]);
  return {
    generatedAt: now,
    // Masked on paper too: a file travels further than a screen (DJ-10).
    patient: {
      ...archive.patient,
      idNumberMasked: archive.patient.idNumberMasked ? maskIdNumber(archive.patient.idNumberMasked) : null,
    },
    chronic: (archive.chronicConditions ?? []).map((c) => ({
      icd10: c.icd10,
      name: c.name,
      since: c.onsetDate ?? shanghaiDate(new Date(c.recordedAt)),
      institution: c.institutionName,
    })),
    allergies: (archive.allergies ?? []).map((a) => ({ substance: a.substance, reaction: a.reaction })),
    history: archive.history
      ? {
          bloodType: archive.history.bloodType,
          past: archive.history.pastHistory,
          surgical: archive.history.surgicalHistory,
          family: archive.history.familyHistory,
          lifestyle: archive.history.lifestyle as Record<string, string>,
        }
      : null,
    vaccinations: (archive.vaccinations ?? []).map((v) => ({
      vaccine: v.vaccine,
      dose: v.dose,
      givenOn: v.givenOn,
      institution: v.institutionName,
    })),
    encounters: encounters.map((e) => ({
      at: e.started_at,
      title: ENCOUNTER_CLASS_ZH[e.class] ?? e.class,
      institution: places.get(e.institution_id) ?? null,
      doctor: e.practitioner_id ? (doctors.get(e.practitioner_id) ?? null) : null,
      diagnoses: encounterDx.filter((d) => d.encounter_id === e.id).map((d) => d.name),
    })),
    results: latest.slice(0, SHOWN.results).map(resultOf),
    reports: reports.map((r) => ({
      at: new Date(r.effectiveAt),
      name: r.name,
      institution: r.institutionName,
      conclusion: r.conclusion,
      signedBy: r.signed?.signedBy ?? null,
      abnormal: r.observations
        .filter((o) => isAbnormal(o.flag))
        .map((o) => ({
          name: o.name,
          value: valueText(o.valueText, o.valueNum),
          unit: o.unit,
          refLow: o.refLow,
          refHigh: o.refHigh,
          refText: o.refText,
          flag: o.flag,
          at: new Date(o.effectiveAt),
        })),
    })),
    prescriptions: prescriptions.map((p) => ({
      at: p.at,
      drugs: p.drugs.map((d) => `${d.genericName} ${d.spec} ×${d.quantity}${d.packageUnit}`),
      diagnoses: p.diagnoses.map((d) => `${d.name}（${d.icd10}）`),
      institution: places.get(p.institutionId) ?? null,
    })),
  };
}

export async function exportRecords(
  ctx: AppContext,
  auth: AuthContext,
  patientId: string,
  format: 'pdf' | 'fhir',
  actor: Actor,
): Promise<ExportFile> {
  const now = ctx.clock.now();
  const allowed = await requireOwnReader(ctx, auth, patientId, now);
  const day = shanghaiDate(now);
  if (format === 'fhir') {
    // Audited by patientEverything itself: one record.read per category, channel export, what export:fhir.
    const bundle: Bundle = await patientEverything(ctx, auth, actor, patientId, now);
    return {
      filename: `yunyi-health-record-${day}.fhir.json`,
      filenameUtf8: `健康档案-${day}.fhir.json`,
      contentType: 'application/fhir+json; charset=utf-8',
      body: JSON.stringify(bundle, null, 2),
    };
  }
  const summary = await summaryOf(ctx, auth, patientId, now);
  const body = await healthSummaryPdf(summary);
  await auditReads(ctx, actor, patientId, allowed, 'export:pdf', 'export', now);
  return {
    filename: `yunyi-health-record-${day}.pdf`,
    filenameUtf8: `${summary.patient.name}-健康档案-${day}.pdf`,
    contentType: 'application/pdf',
    body,
  };
}
