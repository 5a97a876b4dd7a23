/**
 * The centre's reading (REMOTE-4, REMOTE-5): a qualified reading doctor claims a request from the queue
 * (row lock: of two at once exactly one wins), writes the structured report (a critical value alerts the
 * requesting doctor at once), and signs it with SM2. The signed report is frozen, lands in the patient's
 * health archive (records' diagnostic_report, source remote; lab results as observations), and goes back to
 * the requesting doctor and the patient (REC-3).
 */
import type { Static } from 'typebox';
import { shanghaiDate } from '../../../shared/identity.js';
import type { DiagnosticRequestView, SaveReportBody } from '../../../shared/remote.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { signForPractitioner } from '../../platform/signing/index.js';
import { onlinePracticeFacts, practitionerProfiles } from '../directory/directory.api.js';
import { patientProfiles } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { type ObservationInput, upsertHisReport } from '../records/records.api.js';
import { raiseCriticalAlert } from './critical.js';
import { assertLabReportable, specimensReported } from './lab/lab-report.js';
import { panelOf } from './lab/panels.js';
import { remoteErrors } from './remote.errors.js';
import { labResults, type ReportRow, requestPatient, requestViews, viewFacts } from './remote.views.js';
import { REPORT_FORMAT, type ReportDocument } from './report-document.js';
import {
  assertCentre,
  type RemoteStaff,
  type RequestRow,
  remoteStaff,
  requestRow,
} from './request-access.js';

export const REPORT_SIGNED_TOPIC = 'remote.report_signed';
export const REQUEST_CLAIMED_TOPIC = 'remote.request_claimed';

/** REMOTE-4: the invited doctor has at least 3 years of independent practice. */
export const MIN_PRACTICE_YEARS = 3;

const view = async (db: Executor, row: RequestRow, now: Date): Promise<DiagnosticRequestView> =>
  (await requestViews(db, [row], now))[0]!;

/** 403 READER_NOT_QUALIFIED unless a doctor with ≥ 3 years of independent practice (REMOTE-4). */
async function assertQualified(db: Executor, staff: RemoteStaff, centreId: string, now: Date): Promise<void> {
  if (staff.kind !== 'doctor')
    throw remoteErrors.readerNotQualified('远程诊断意见由诊断中心的医师出具（REMOTE-4），护士不能领取。');
  const facts = await onlinePracticeFacts(db, staff.practitionerId, centreId);
  const year = Number(shanghaiDate(now).slice(0, 4));
  if (!facts || year - facts.practiceSince < MIN_PRACTICE_YEARS)
    throw remoteErrors.readerNotQualified(
      `出具远程诊断意见的医生须具有 ${MIN_PRACTICE_YEARS} 年以上独立执业经历（REMOTE-4）${
        facts ? `；您自 ${facts.practiceSince} 年起执业` : ''
      }。`,
    );
}

/** The claimant of a request: the centre's staff, and the one who claimed it (403 NOT_CLAIMANT). */
function assertClaimant(staff: RemoteStaff, row: RequestRow): void {
  assertCentre(staff, row);
  if (row.claimed_by !== staff.practitionerId) throw remoteErrors.notClaimant();
}

/**
 * POST /diagnostic-requests/{id}/claim: a qualified reading doctor of the centre takes a request that is in
 * the queue (`ready`). The request row is locked, so of two doctors claiming at once one wins and the other
 * gets 409 ALREADY_CLAIMED. Claiming again one's own claim changes nothing.
 */
export async function claimRequest(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<DiagnosticRequestView> {
  const staff = await remoteStaff(ctx.db, auth);
  const row = await runCommand(ctx, actor, async ({ trx, now, audit, emit }) => {
    const r = await requestRow(trx, id, true);
    assertCentre(staff, r);
    await assertQualified(trx, staff, r.centre_institution_id, now);
    if (r.claimed_by && ['claimed', 'reported', 'signed'].includes(r.status)) {
      if (r.claimed_by !== staff.practitionerId) throw remoteErrors.alreadyClaimed();
      if (r.status !== 'signed') return r;
    }
    if (r.status !== 'ready')
      throw remoteErrors.wrongState(
        r.status === 'requested' || r.status === 'redraw'
          ? '检查资料尚未送达诊断中心，暂不能领取。'
          : '该申请已签发或已取消，不能领取。',
      );
    await trx
      .updateTable('diagnostic_request')
      .set({ status: 'claimed', claimed_by: staff.practitionerId, claimed_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    await audit({
      action: 'remote.request_claim',
      resourceType: 'diagnostic_request',
      resourceId: id,
      patientId: r.patient_id,
      details: { accessionNo: r.accession_no },
    });
    await emit(REQUEST_CLAIMED_TOPIC, { requestId: id, claimedBy: staff.practitionerId });
    return requestRow(trx, id);
  });
  return view(ctx.db, row, ctx.clock.now());
}

/** The automatic measurements of the request's latest ECG record (the suggestion the reader confirms). */
async function ecgSuggestion(db: Executor, requestId: string): Promise<Record<string, unknown> | null> {
  const r = await db
    .selectFrom('ecg_record')
    .select(['id', 'measurements'])
    .where('request_id', '=', requestId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!r) return null;
  const m = r.measurements as { heartRate?: unknown; rhythmHint?: unknown; leadUsed?: unknown };
  return {
    ecgRecordId: r.id,
    heartRate: typeof m.heartRate === 'number' ? m.heartRate : null,
    rhythmHint: typeof m.rhythmHint === 'string' ? m.rhythmHint : null,
    leadUsed: typeof m.leadUsed === 'string' ? m.leadUsed : null,
  };
}

/**
 * POST /diagnostic-requests/{id}/report: the claimant saves the draft (each save replaces it). Only the
 * reading doctor's fields are written — the laboratory's `results` are the lab part's and stay as they are.
 * A critical value raises the alert to the requesting doctor at once (once per request).
 */
export async function saveReport(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: Static<typeof SaveReportBody>,
  actor: Actor,
): Promise<DiagnosticRequestView> {
  const staff = await remoteStaff(ctx.db, auth);
  const row = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const r = await requestRow(trx, id, true);
    assertClaimant(staff, r);
    if (r.status !== 'claimed' && r.status !== 'reported')
      throw remoteErrors.wrongState('报告已签发，不能再修改。');
    let measurements = body.measurements ?? null;
    if (r.kind === 'ecg' && measurements) {
      const suggested = await ecgSuggestion(trx, id);
      if (suggested) measurements = { ...measurements, suggested };
    }
    const fields = {
      findings: body.findings,
      conclusion: body.conclusion,
      recommendations: body.recommendations ?? '',
      critical: body.critical,
      critical_note: body.criticalNote?.trim() || null,
      measurements: measurements ? JSON.stringify(measurements) : null,
      updated_at: now,
    };
    await trx
      .insertInto('remote_report')
      .values({
        id: newId(),
        request_id: id,
        patient_id: r.patient_id,
        author_practitioner_id: staff.practitionerId,
        status: 'draft',
        created_at: now,
        ...fields,
      })
      .onConflict((oc) =>
        oc
          .column('request_id')
          .doUpdateSet({ ...fields, author_practitioner_id: staff.practitionerId })
          .where('remote_report.status', '=', 'draft'),
      )
      .execute();
    await trx
      .updateTable('diagnostic_request')
      .set({ status: 'reported', updated_at: now })
      .where('id', '=', id)
      .execute();
    await cmd.audit({
      action: 'remote.report_save',
      resourceType: 'diagnostic_request',
      resourceId: id,
      patientId: r.patient_id,
      details: { accessionNo: r.accession_no, critical: body.critical },
    });
    if (body.critical) await raiseCriticalAlert(cmd, r, staff, body.criticalNote?.trim() || body.conclusion);
    return requestRow(trx, id);
  });
  return view(ctx.db, row, ctx.clock.now());
}

/**
 * ECG (AI 辅助, never signed unseen): the heart rate is filled in, and the reader either confirmed the
 * automatic one (`heartRateConfirmed`) or entered another value (a correction is a reading of their own).
 */
function assertEcgMeasured(measurements: Record<string, unknown> | null): void {
  const m = measurements ?? {};
  const hr = m.heartRate;
  if (typeof hr !== 'number')
    throw remoteErrors.reportIncomplete('心电图报告须填写心率：请确认或更正自动测量的心率后再签发。');
  const suggested = (m.suggested as { heartRate?: unknown } | undefined)?.heartRate;
  const corrected = typeof suggested === 'number' && Math.round(suggested) !== Math.round(hr);
  if (m.heartRateConfirmed !== true && !corrected)
    throw remoteErrors.reportIncomplete('自动测量的心率仅为建议：请确认或更正后再签发。');
}

const REPORT_CODES: Record<string, { code: string; zh: string }> = {
  ecg: { code: '11524-6', zh: '心电图报告' },
  imaging: { code: '18748-4', zh: '影像诊断报告' },
  lab: { code: '11502-2', zh: '检验报告' },
};
const LOINC = 'http://loinc.org';
const LOCAL_LAB = 'urn:yunyi:lab';

/** The name of the report in the archive: 心电图报告（远程诊断）, 影像诊断报告（CT）, 检验报告（血常规、…）. */
function reportName(r: RequestRow): string {
  const base = REPORT_CODES[r.kind]!.zh;
  if (r.kind === 'imaging') return `${base}（${r.modality}）`;
  if (r.kind === 'lab') {
    const panels = (r.panels as unknown as string[]).map((p) => panelOf(p)?.name ?? p);
    return `${base}（${panels.join('、')}）`;
  }
  return `${base}（远程诊断）`;
}

/** The lab results as archive observations: LOINC where the catalogue gives one, else the local code. */
function observationsOf(results: ReturnType<typeof labResults>): ObservationInput[] {
  return results.map((x) => {
    const loinc = panelOf(x.panel)?.analytes.find((a) => a.code === x.code)?.loinc ?? null;
    return {
      category: 'laboratory',
      codeSystem: loinc ? LOINC : LOCAL_LAB,
      code: loinc ?? x.code,
      name: x.name,
      valueNum: x.valueNum,
      valueText: x.valueNum === null ? x.value : null,
      unit: x.unit,
      refLow: x.refLow,
      refHigh: x.refHigh,
      refText: x.refText,
      flag: x.flag,
      status: 'final',
    };
  });
}

/**
 * POST /diagnostic-requests/{id}/sign: the claimant signs the report (REMOTE-4): a conclusion, for an ECG
 * the heart rate seen, for a laboratory request every result of a tested specimen. The document is signed
 * with the reader's SM2 key, frozen, copied into the archive, and told to the requesting doctor and the
 * patient (REC-3).
 */
export async function signReport(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<DiagnosticRequestView> {
  const staff = await remoteStaff(ctx.db, auth);
  const row = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const r = await requestRow(trx, id, true);
    assertClaimant(staff, r);
    if (r.status === 'signed') throw remoteErrors.wrongState('报告已签发。');
    if (r.status !== 'reported' && r.status !== 'claimed') throw remoteErrors.wrongState();
    const report = (await trx
      .selectFrom('remote_report')
      .selectAll()
      .where('request_id', '=', id)
      .forUpdate()
      .executeTakeFirst()) as ReportRow | undefined;
    if (!report?.conclusion.trim()) throw remoteErrors.reportIncomplete('签发前须填写诊断意见。');
    if (r.kind === 'ecg') assertEcgMeasured(report.measurements ?? null);
    if (r.kind === 'lab') await assertLabReportable(trx, id);
    await signAndFile(cmd, staff, r, report);
    if (r.kind === 'lab') await specimensReported(trx, id, staff, now);
    return requestRow(trx, id);
  });
  return view(ctx.db, row, ctx.clock.now());
}

async function signAndFile(cmd: CommandScope, staff: RemoteStaff, r: RequestRow, report: ReportRow) {
  const { trx, now, ctx } = cmd;
  const [profiles, facts, patients] = await Promise.all([
    practitionerProfiles(trx, [staff.practitionerId]),
    viewFacts(trx, [r]),
    patientProfiles(trx, [r.patient_id]),
  ]);
  const reader = profiles.get(staff.practitionerId);
  if (!reader) throw remoteErrors.forbidden();
  const results = labResults(report.results);
  const materialAt = r.material_at as unknown as Date | null;
  const centreName = facts.institutions.get(r.centre_institution_id)?.name ?? '';
  const signedAt = now.toISOString();
  const document = (serial: string): ReportDocument => ({
    format: REPORT_FORMAT,
    id: report.id,
    requestId: r.id,
    accessionNo: r.accession_no,
    kind: r.kind,
    modality: r.modality,
    panels: r.panels as unknown as string[],
    patient: requestPatient(facts, r.patient_id, now),
    requester: {
      institution: {
        id: r.requester_institution_id,
        name: facts.institutions.get(r.requester_institution_id)?.name ?? '',
      },
      practitioner: {
        id: r.requester_practitioner_id,
        name: facts.practitioners.get(r.requester_practitioner_id)?.name ?? '',
      },
    },
    centre: { id: r.centre_institution_id, name: centreName },
    question: r.question,
    history: r.history,
    materialAt: materialAt ? materialAt.toISOString() : null,
    findings: report.findings,
    conclusion: report.conclusion,
    recommendations: report.recommendations,
    critical: report.critical,
    criticalNote: report.critical_note,
    measurements: report.measurements ?? null,
    results,
    reader: {
      id: reader.id,
      name: reader.name,
      title: reader.professionalTitle || null,
      licenceNo: reader.licenceNo,
    },
    signedAt,
    certificateSerial: serial,
  });
  const { signed } = await signForPractitioner(
    trx,
    ctx.cipher,
    {
      practitionerId: reader.id,
      name: reader.name,
      licenceNo: reader.licenceNo,
      institution: reader.institutionName,
    },
    now,
    (certificate) => document(certificate.serial),
  );
  // REC-3: the report in the patient's archive, the centre's, keyed by the accession number.
  const { reportId } = await upsertHisReport(
    trx,
    {
      report: {
        patientId: r.patient_id,
        institutionId: r.centre_institution_id,
        // Its own namespace: a hospital's ORU with this accession number as OBR-3 never replaces it.
        sourceRef: `remote:${r.accession_no}`,
        kind: r.kind,
        codeSystem: LOINC,
        code: REPORT_CODES[r.kind]!.code,
        name: reportName(r),
        status: 'final',
        effectiveAt: materialAt ?? (r.created_at as unknown as Date),
        issuedAt: now,
        performerName: reader.name,
        verifierName: reader.name,
        findings: report.findings || null,
        conclusion: report.conclusion,
        signature: {
          certSerial: signed.certificateSerial,
          sm3: signed.contentHash,
          signature: signed.signature,
          signedBy: reader.name,
          signedAt,
        },
        source: 'remote',
      },
      observations: r.kind === 'lab' ? observationsOf(results) : [],
    },
    now,
  );
  await trx
    .updateTable('remote_report')
    .set({
      status: 'signed',
      signed_at: now,
      signed_document: signed.document,
      content_hash: signed.contentHash,
      signature: signed.signature,
      certificate_serial: signed.certificateSerial,
      archive_report_id: reportId,
      updated_at: now,
    })
    .where('id', '=', report.id)
    .execute();
  await trx
    .updateTable('diagnostic_request')
    .set({ status: 'signed', signed_at: now, updated_at: now })
    .where('id', '=', r.id)
    .execute();
  const patient = patients.get(r.patient_id);
  await notify(
    cmd,
    notices.remoteReportSigned(
      { accountId: r.requester_account_id, refId: r.id },
      { patientName: patient?.name ?? '', accessionNo: r.accession_no, centreName, kind: r.kind },
    ),
  );
  // REC-3: the patient sees the result online.
  if (patient?.accountId)
    await notify(
      cmd,
      notices.remoteReportReady(
        { accountId: patient.accountId, patientId: r.patient_id, refId: reportId },
        { centreName, kind: r.kind },
      ),
    );
  await cmd.audit({
    action: 'remote.report_sign',
    resourceType: 'diagnostic_request',
    resourceId: r.id,
    patientId: r.patient_id,
    details: {
      accessionNo: r.accession_no,
      reportId: report.id,
      archiveReportId: reportId,
      certificateSerial: signed.certificateSerial,
      sm3: signed.contentHash,
    },
  });
  await cmd.emit(REPORT_SIGNED_TOPIC, {
    requestId: r.id,
    reportId: report.id,
    archiveReportId: reportId,
    kind: r.kind,
    patientId: r.patient_id,
    requesterInstitutionId: r.requester_institution_id,
    centreInstitutionId: r.centre_institution_id,
  });
}
