/**
 * Remote diagnosis's rows as the contract shows them (src/shared/remote.ts): a page of requests with their
 * patients, institutions, practitioners and critical alerts fetched once per page (one query each), and a
 * request's detail with what was sent (ECG records, studies, specimens) and what came back (the report).
 */
import type { Selectable } from 'kysely';
import { ageOn } from '../../../shared/identity.js';
import type {
  DiagnosticRequestDetail,
  DiagnosticRequestView,
  EcgRecordSummary,
  ImagingStudySummary,
  LabResult,
  RemoteReportView,
} from '../../../shared/remote.js';
import type { Executor } from '../../platform/db/database.js';
import type { DiagnosticRequestTable, RemoteReportTable, RequestConsent } from '../../platform/db/schema.js';
import { institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { accountNames, patientProfiles } from '../identity/identity.api.js';
import { specimenViews } from './lab/specimens.service.js';
import type { RequestRow } from './request-access.js';

export type ReportRow = Selectable<RemoteReportTable>;
/** A request row as selected (request-access's `RequestRow` keeps the table's column types). */
export type RequestRecord = Selectable<DiagnosticRequestTable>;
export const asRecord = (r: RequestRow | RequestRecord) => r as unknown as RequestRecord;

/** The names a page of views needs, fetched once for the page. */
export interface ViewFacts {
  patients: Awaited<ReturnType<typeof patientProfiles>>;
  institutions: Awaited<ReturnType<typeof institutionFacts>>;
  practitioners: Awaited<ReturnType<typeof practitionerProfiles>>;
  alerts: Map<
    string,
    {
      id: string;
      raisedAt: Date;
      acknowledgedAt: Date | null;
      acknowledgedByName: string | null;
      reason: string;
    }
  >;
}

export async function viewFacts(
  db: Executor,
  rows: readonly (RequestRow | RequestRecord)[],
): Promise<ViewFacts> {
  const ids = rows.map((r) => r.id);
  const [patients, institutions, practitioners, alerts] = await Promise.all([
    patientProfiles(
      db,
      rows.map((r) => r.patient_id),
    ),
    institutionFacts(
      db,
      rows.flatMap((r) => [r.requester_institution_id, r.centre_institution_id]),
    ),
    practitionerProfiles(
      db,
      rows.flatMap((r) => [r.requester_practitioner_id, ...(r.claimed_by ? [r.claimed_by] : [])]),
    ),
    ids.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('critical_alert')
          .select(['id', 'request_id', 'raised_at', 'acknowledged_at', 'acknowledged_by', 'reason'])
          .where('request_id', 'in', ids)
          .execute(),
  ]);
  const ackNames = await accountNames(
    db,
    alerts.map((a) => a.acknowledged_by),
  );
  return {
    patients,
    institutions,
    practitioners,
    alerts: new Map(
      alerts.map((a) => [
        a.request_id,
        {
          id: a.id,
          raisedAt: a.raised_at,
          acknowledgedAt: a.acknowledged_at,
          acknowledgedByName: a.acknowledged_by ? (ackNames.get(a.acknowledged_by) ?? null) : null,
          reason: a.reason,
        },
      ]),
    ),
  };
}

const minutesBetween = (from: Date, to: Date) =>
  Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000));

/** The end of a request's turnaround clock: its signature, its cancellation, or now. */
const clockEnd = (r: RequestRecord, now: Date) => r.signed_at ?? r.cancelled_at ?? now;

export function requestPatient(facts: ViewFacts, patientId: string, now: Date) {
  const p = facts.patients.get(patientId);
  return {
    id: patientId,
    name: p?.name ?? '',
    sex: p?.sex === 'male' ? ('male' as const) : p?.sex === 'female' ? ('female' as const) : null,
    age: p?.birthDate ? ageOn(p.birthDate, now) : null,
  };
}

export function requestView(
  row: RequestRow | RequestRecord,
  facts: ViewFacts,
  now: Date,
): DiagnosticRequestView {
  const r = asRecord(row);
  const consent = r.consent as RequestConsent;
  const end = clockEnd(r, now);
  const alert = facts.alerts.get(r.id);
  const claimant = r.claimed_by ? facts.practitioners.get(r.claimed_by) : undefined;
  return {
    id: r.id,
    accessionNo: r.accession_no,
    kind: r.kind,
    modality: r.modality,
    panels: r.panels ?? [],
    urgency: r.urgency,
    status: r.status,
    question: r.question,
    history: r.history,
    consent: {
      by: consent.by,
      guardianName: consent.guardianName ?? null,
      guardianRelation: consent.guardianRelation ?? null,
      method: consent.method,
      recordedAt: consent.recordedAt,
    },
    patient: requestPatient(facts, r.patient_id, now),
    requester: {
      institutionId: r.requester_institution_id,
      institutionName: facts.institutions.get(r.requester_institution_id)?.name ?? '',
      practitionerId: r.requester_practitioner_id,
      practitionerName: facts.practitioners.get(r.requester_practitioner_id)?.name ?? '',
    },
    centre: {
      institutionId: r.centre_institution_id,
      name: facts.institutions.get(r.centre_institution_id)?.name ?? '',
    },
    claimedBy: r.claimed_by ? { practitionerId: r.claimed_by, name: claimant?.name ?? '' } : null,
    createdAt: r.created_at.toISOString(),
    materialAt: r.material_at?.toISOString() ?? null,
    claimedAt: r.claimed_at?.toISOString() ?? null,
    signedAt: r.signed_at?.toISOString() ?? null,
    targetAt: r.target_at?.toISOString() ?? null,
    waitingMinutes: r.material_at ? minutesBetween(r.material_at, end) : null,
    overdue: r.status !== 'cancelled' && r.target_at !== null && end.getTime() > r.target_at.getTime(),
    cancelReason: r.cancel_reason,
    criticalAlert: alert
      ? {
          id: alert.id,
          raisedAt: alert.raisedAt.toISOString(),
          acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
          acknowledgedByName: alert.acknowledgedByName,
          reason: alert.reason,
        }
      : null,
  };
}

export async function requestViews(
  db: Executor,
  rows: readonly (RequestRow | RequestRecord)[],
  now: Date,
): Promise<DiagnosticRequestView[]> {
  const facts = await viewFacts(db, rows);
  return rows.map((r) => requestView(r, facts, now));
}

/** The lab results stored on a report (written by the laboratory part), as the contract shows them. */
export function labResults(results: unknown): LabResult[] {
  if (!Array.isArray(results)) return [];
  return results.map((x) => {
    const r = x as Partial<LabResult>;
    return {
      panel: String(r.panel ?? ''),
      code: String(r.code ?? ''),
      name: String(r.name ?? ''),
      value: String(r.value ?? ''),
      valueNum: typeof r.valueNum === 'number' ? r.valueNum : null,
      unit: r.unit ?? null,
      refLow: typeof r.refLow === 'number' ? r.refLow : null,
      refHigh: typeof r.refHigh === 'number' ? r.refHigh : null,
      refText: r.refText ?? null,
      flag: r.flag ?? null,
      critical: r.critical === true,
    };
  });
}

export async function reportView(db: Executor, row: ReportRow): Promise<RemoteReportView> {
  const author = (await practitionerProfiles(db, [row.author_practitioner_id])).get(
    row.author_practitioner_id,
  );
  return {
    id: row.id,
    status: row.status,
    authorName: author?.name ?? '',
    authorTitle: author?.professionalTitle ?? null,
    findings: row.findings,
    conclusion: row.conclusion,
    recommendations: row.recommendations,
    critical: row.critical,
    criticalNote: row.critical_note,
    measurements: row.measurements ?? null,
    results: labResults(row.results),
    signedAt: row.signed_at?.toISOString() ?? null,
    certificateSerial: row.certificate_serial,
    archiveReportId: row.archive_report_id,
  };
}

/** One request with its material and its report (GET /diagnostic-requests/{id}). */
export async function requestDetail(
  db: Executor,
  row: RequestRow,
  now: Date,
): Promise<DiagnosticRequestDetail> {
  const [view] = await requestViews(db, [row], now);
  const [ecg, studies, specimens, report] = await Promise.all([
    db
      .selectFrom('ecg_record')
      .select(['id', 'record_name', 'source_format', 'leads', 'sample_rate', 'duration_ms', 'created_at'])
      .where('request_id', '=', row.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('imaging_study as s')
      .select((eb) => [
        's.id',
        's.study_uid',
        's.description',
        's.modalities',
        's.created_at',
        eb
          .selectFrom('imaging_series as se')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('se.study_id', '=', 's.id')
          .as('series'),
        eb
          .selectFrom('imaging_series as se')
          .innerJoin('imaging_instance as i', 'i.series_id', 'se.id')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('se.study_id', '=', 's.id')
          .as('instances'),
      ])
      .where('s.request_id', '=', row.id)
      .orderBy('s.created_at')
      .execute(),
    specimenViews(db, row.id),
    db.selectFrom('remote_report').selectAll().where('request_id', '=', row.id).executeTakeFirst(),
  ]);
  return {
    ...view!,
    ecg: ecg.map(
      (e): EcgRecordSummary => ({
        id: e.id,
        recordName: e.record_name,
        sourceFormat: e.source_format,
        leads: e.leads.map((l) => l.name),
        sampleRate: e.sample_rate,
        durationMs: e.duration_ms,
        createdAt: e.created_at.toISOString(),
      }),
    ),
    studies: studies.map(
      (s): ImagingStudySummary => ({
        id: s.id,
        studyUid: s.study_uid,
        description: s.description,
        modalities: s.modalities,
        series: Number(s.series ?? 0),
        instances: Number(s.instances ?? 0),
        createdAt: s.created_at.toISOString(),
      }),
    ),
    specimens,
    report: report ? await reportView(db, report as ReportRow) : null,
  };
}
