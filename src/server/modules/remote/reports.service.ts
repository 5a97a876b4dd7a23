/**
 * The signed remote report as the archive shows it (REC-3, SEC-4): GET /diagnostic-reports/{id} (the
 * archive's report id), its PDF with the verifying QR code, and the platform's own verification of the
 * stored signature. Read by the patient or the family member acting for them (ID-6) and by the parties of
 * the request (the requesting institution, the centre); every read is audited as a clinical read (DJ-12).
 */

import type { Relationship } from '../../../shared/records.js';
import type { RemoteDiagnosticReport, RemoteReportVerification } from '../../../shared/remote.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { caPublic, certificateBySerial } from '../../platform/signing/index.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { patientRelation } from '../identity/identity.api.js';
import { recordRead } from '../records/care-access.js';
import { remoteErrors } from './remote.errors.js';
import { labResults, type ReportRow } from './remote.views.js';
import { type ReportDocument, verifyReport } from './report-document.js';
import { reportPdf } from './report-pdf.js';
import { isCentre, isRequester, remoteStaff, requestRow } from './request-access.js';
import { categoryOf } from './requests.service.js';

/** The signed report with this archive id and how the reader stands to it, or 404 (also for a stranger). */
async function readable(ctx: AppContext, auth: AuthContext, archiveId: string) {
  const report = (await ctx.db
    .selectFrom('remote_report')
    .selectAll()
    .where('archive_report_id', '=', archiveId)
    .where('status', '=', 'signed')
    .executeTakeFirst()) as ReportRow | undefined;
  if (!report) throw remoteErrors.reportNotFound();
  const request = await requestRow(ctx.db, report.request_id);
  let relationship: Relationship | null = await patientRelation(ctx.db, auth.accountId, report.patient_id);
  if (
    !relationship &&
    auth.practitionerId &&
    (auth.roles.includes('doctor') || auth.roles.includes('nurse'))
  ) {
    const staff = await remoteStaff(ctx.db, auth);
    if (isRequester(staff, request) || isCentre(staff, request)) relationship = 'remote_consultation';
  }
  if (!relationship) throw remoteErrors.reportNotFound();
  return { report, request, relationship, document: JSON.parse(report.signed_document!) as ReportDocument };
}

async function audited(
  ctx: AppContext,
  actor: Actor,
  r: Awaited<ReturnType<typeof readable>>,
  what: string,
  archiveId: string,
) {
  await recordRead(
    ctx.db,
    actor,
    {
      patientId: r.report.patient_id,
      category: categoryOf(r.request.kind),
      what,
      relationship: r.relationship,
      channel: what.endsWith(':pdf') ? 'export' : 'app',
      resourceId: archiveId,
    },
    ctx.clock.now(),
  );
}

/** GET /diagnostic-reports/{id}. */
export async function getReport(
  ctx: AppContext,
  auth: AuthContext,
  archiveId: string,
  actor: Actor,
): Promise<RemoteDiagnosticReport> {
  const r = await readable(ctx, auth, archiveId);
  const d = r.document;
  await audited(ctx, actor, r, 'diagnostic_report', archiveId);
  return {
    id: archiveId,
    requestId: r.request.id,
    accessionNo: d.accessionNo,
    kind: d.kind,
    modality: r.request.modality,
    panels: d.panels,
    patient: {
      id: d.patient.id,
      name: d.patient.name,
      sex: d.patient.sex === 'male' || d.patient.sex === 'female' ? d.patient.sex : null,
      age: d.patient.age,
    },
    centre: { institutionId: d.centre.id, name: d.centre.name },
    requester: {
      institutionName: d.requester.institution.name,
      practitionerName: d.requester.practitioner.name,
    },
    question: d.question,
    findings: d.findings,
    conclusion: d.conclusion,
    recommendations: d.recommendations,
    critical: d.critical,
    measurements: d.measurements,
    results: labResults(d.results),
    signer: { practitionerId: d.reader.id, name: d.reader.name, title: d.reader.title },
    signedAt: d.signedAt,
    certificateSerial: r.report.certificate_serial!,
    contentHash: r.report.content_hash!,
    format: d.format,
  };
}

/** GET /diagnostic-reports/{id}/pdf: the printable report with its QR code. */
export async function reportPdfOf(
  ctx: AppContext,
  auth: AuthContext,
  archiveId: string,
  actor: Actor,
): Promise<{ pdf: Buffer; accessionNo: string }> {
  const r = await readable(ctx, auth, archiveId);
  const pdf = await reportPdf({
    archiveReportId: archiveId,
    document: r.document,
    contentHash: r.report.content_hash!,
    signature: r.report.signature!,
  });
  await audited(ctx, actor, r, 'diagnostic_report:pdf', archiveId);
  return { pdf, accessionNo: r.request.accession_no };
}

/** GET /diagnostic-reports/{id}/verify: the certificate, the SM3 hash and the SM2 signature, CA pinned. */
export async function verifyReportOf(
  ctx: AppContext,
  auth: AuthContext,
  archiveId: string,
  actor: Actor,
): Promise<RemoteReportVerification> {
  const r = await readable(ctx, auth, archiveId);
  const [certificate, ca] = await Promise.all([
    certificateBySerial(ctx.db, r.report.certificate_serial!),
    caPublic(ctx.db),
  ]);
  if (!certificate || !ca) throw new Error(`remote report ${r.report.id}: certificate or CA missing`);
  const check = verifyReport(
    {
      document: r.report.signed_document!,
      contentHash: r.report.content_hash!,
      signature: r.report.signature!,
      certificateSerial: r.report.certificate_serial!,
    },
    certificate,
    ca.publicKeyPem,
  );
  const holder = (await practitionerProfiles(ctx.db, [certificate.subject.practitionerId])).get(
    certificate.subject.practitionerId,
  );
  await audited(ctx, actor, r, 'diagnostic_report:verify', archiveId);
  return {
    valid: check.ok,
    signer: {
      name: certificate.subject.name,
      practitionerCode: certificate.subject.licenceNo,
      institution: holder?.institutionName ?? certificate.subject.institution,
    },
    certificate: {
      serial: certificate.serial,
      issuer: certificate.issuer,
      validFrom: certificate.notBefore,
      validTo: certificate.notAfter,
      publicKeyPem: certificate.publicKeyPem,
    },
    hash: r.report.content_hash!,
    problems: check.problems,
  };
}
