/**
 * The signed remote-diagnosis report (REMOTE-4, SEC-4): the canonical document the reading doctor signs
 * with SM2 under the standard signer id (platform/signing), and the compact QR payload printed on the PDF
 * so anyone can check the paper against the signature — as prescriptions do (prescription-document.ts).
 */
import type { LabResult, RemoteKind } from '../../../shared/remote.js';
import {
  type Certificate,
  type SignedPart,
  verifyCertificate,
  verifySignedDocument,
} from '../../platform/signing/index.js';

export const REPORT_FORMAT = 'yunyi-diagnostic-report/1';
export const REPORT_QR_FORMAT = 'yunyi-dr/1';

/** What the reading doctor signs. No ID number, phone or address: the report is printed and travels. */
export interface ReportDocument {
  format: typeof REPORT_FORMAT;
  /** The remote_report id. */
  id: string;
  requestId: string;
  accessionNo: string;
  kind: RemoteKind;
  modality: string | null;
  panels: string[];
  patient: { id: string; name: string; sex: string | null; age: number | null };
  requester: {
    institution: { id: string; name: string };
    practitioner: { id: string; name: string };
  };
  centre: { id: string; name: string };
  question: string;
  history: string | null;
  /** When the material reached the centre (the turnaround clock's start). */
  materialAt: string | null;
  findings: string;
  conclusion: string;
  recommendations: string;
  critical: boolean;
  criticalNote: string | null;
  measurements: Record<string, unknown> | null;
  results: LabResult[];
  reader: { id: string; name: string; title: string | null; licenceNo: string };
  signedAt: string;
  certificateSerial: string;
}

/**
 * The stored report checked as any verifier would: the certificate against the CA, the SM3 hash, the SM2
 * signature, the document naming the certificate that signed it and its holder as the reader.
 */
export function verifyReport(
  part: SignedPart,
  certificate: Certificate,
  caPublicKeyPem: string,
): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  if (!verifyCertificate(certificate, caPublicKeyPem).ok)
    problems.push('certificate: the CA signature does not verify');
  problems.push(...verifySignedDocument(part, certificate).problems);
  let doc: Partial<ReportDocument> | null = null;
  try {
    doc = JSON.parse(part.document) as Partial<ReportDocument>;
  } catch {
    doc = null;
  }
  if (doc?.format !== REPORT_FORMAT) problems.push(`not a ${REPORT_FORMAT} document`);
  else {
    if (doc.certificateSerial !== certificate.serial)
      problems.push('names another certificate than the one that signed it');
    if (doc.reader?.id !== certificate.subject.practitionerId)
      problems.push('the reading doctor is not the certificate holder');
  }
  return { ok: problems.length === 0, problems };
}

/**
 * What the printed QR code carries (compact keys, no personal data): the report, the SM3 of the signed
 * document, the signature and the certificate serial — enough to check the paper against the signature.
 */
export interface ReportQrPayload {
  f: typeof REPORT_QR_FORMAT;
  id: string;
  h: string;
  s: string;
  c: string;
  t: string;
}

export function reportQrPayload(p: {
  archiveReportId: string;
  contentHash: string;
  signature: string;
  certificateSerial: string;
  signedAt: Date | string;
}): ReportQrPayload {
  return {
    f: REPORT_QR_FORMAT,
    id: p.archiveReportId,
    h: p.contentHash,
    s: p.signature,
    c: p.certificateSerial,
    t: typeof p.signedAt === 'string' ? p.signedAt : p.signedAt.toISOString(),
  };
}
