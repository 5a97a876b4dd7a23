/**
 * The signed-record file (`GET /api/v1/visits/{id}/record/export`): a medical record and its addenda,
 * each signed, with the doctor's certificate and the CA's public key, so that anyone can verify it
 * offline (`npm run cli -- verify-record <file>`; SEC-4, REC-2).
 */
import type { Certificate } from './ca.js';
import { verifyCertificate } from './ca.js';
import { type SignedPart, verifySignedDocument } from './document.js';

export const RECORD_FILE_FORMAT = 'yunyi-signed-record/1';

export interface RecordFile {
  format: typeof RECORD_FILE_FORMAT;
  record: SignedPart;
  addenda: SignedPart[];
  certificate: Certificate;
  ca: { name: string; publicKeyPem: string };
}

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  /** False when the CA key came from the file itself: the signatures are consistent, but who vouches? */
  caPinned?: boolean;
  signer?: string;
  signedAt?: string;
  /**
   * True when the certificate or a part verified only under the empty SM2 signer id: signed before the
   * GM/T 0009 default id was used. Accepted, but a standard SM2 verifier rejects those signatures.
   */
  legacyEmptySignerId?: boolean;
  /** Which of them: `certificate`, `record`, `addendum 1`, … */
  legacyEmptySignerIdIn?: string[];
}

/**
 * Verifies a signed-record file: the certificate against the CA key (the file's, or `trustedCaPem` when
 * given), then the record and every addendum against the certificate's key and their SM3 hashes.
 */
export function verifyRecordFile(file: RecordFile, trustedCaPem?: string): VerifyResult {
  const problems: string[] = [];
  if (file?.format !== RECORD_FILE_FORMAT) return { ok: false, problems: ['not a Yunyi signed-record file'] };
  if (!file.record || !Array.isArray(file.addenda) || !file.certificate?.subject || !file.ca?.publicKeyPem)
    return { ok: false, problems: ['an incomplete signed-record file'] };
  const legacyIn: string[] = [];
  const caPem = trustedCaPem ?? file.ca.publicKeyPem;
  if (trustedCaPem && trustedCaPem.trim() !== file.ca.publicKeyPem.trim())
    problems.push('the file names a different CA than the trusted one');
  const cert = verifyCertificate(file.certificate, caPem);
  if (!cert.ok) problems.push('certificate signature does not verify against the CA');
  if (cert.legacyEmptySignerId) legacyIn.push('certificate');
  const parts: [string, SignedPart][] = [
    ['record', file.record],
    ...file.addenda.map((a, i) => [`addendum ${i + 1}`, a] as [string, SignedPart]),
  ];
  let record: { visitId?: string; certificateSerial?: string; doctor?: { id?: string }; signedAt?: string } =
    {};
  try {
    record = JSON.parse(file.record.document) as typeof record;
  } catch {
    problems.push('record: content is not JSON');
  }
  // The document must name the certificate it was signed under and its holder.
  if (record.certificateSerial !== file.certificate.serial)
    problems.push('record: names another certificate than the one that signed it');
  if (record.doctor?.id !== file.certificate.subject.practitionerId)
    problems.push('record: the doctor in the record is not the certificate holder');
  // Every addendum amends this record: same visit, and the SM3 of this record's document.
  file.addenda.forEach((a, i) => {
    try {
      const add = JSON.parse(a.document) as { visitId?: string; amends?: string };
      if (add.visitId !== record.visitId || add.amends !== file.record.contentHash)
        problems.push(`addendum ${i + 1}: belongs to another record`);
    } catch {
      problems.push(`addendum ${i + 1}: content is not JSON`);
    }
  });
  for (const [name, part] of parts) {
    const check = verifySignedDocument(part, file.certificate);
    problems.push(
      ...check.problems.map((p) =>
        p.startsWith('signed under certificate')
          ? `${name}: signed under certificate ${part.certificateSerial}, not the one in the file`
          : `${name}: ${p}`,
      ),
    );
    if (check.legacyEmptySignerId) legacyIn.push(name);
  }
  const signedAt = typeof record.signedAt === 'string' ? record.signedAt : undefined;
  return {
    ok: problems.length === 0,
    problems,
    caPinned: trustedCaPem !== undefined,
    signer: `${file.certificate.subject.name} (${file.certificate.subject.licenceNo})`,
    ...(signedAt ? { signedAt } : {}),
    legacyEmptySignerId: legacyIn.length > 0,
    ...(legacyIn.length > 0 ? { legacyEmptySignerIdIn: legacyIn } : {}),
  };
}
