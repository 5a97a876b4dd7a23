/**
 * The signed prescription (RX-2, RX-6, SEC-4): the canonical document the doctor signs, the pharmacist's
 * signed review, the exported file anyone can verify offline (`npm run cli -- verify-prescription`), and
 * the compact QR payload a pharmacy checks against. docs/prescriptions.md "Signature format" describes the
 * bytes exactly; a test verifies them with an independent SM2 library.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import { sm3Hex } from '../../platform/crypto/hash.js';
import {
  type Certificate,
  type SignedPart,
  verifyCertificate,
  verifySignedDocument,
} from '../../platform/signing/index.js';
import { sm2PublicKeyHex } from '../../platform/signing/sm2.js';

export const PRESCRIPTION_FORMAT = 'yunyi-prescription/1';
export const REVIEW_FORMAT = 'yunyi-prescription-review/1';
export const PRESCRIPTION_FILE_FORMAT = 'yunyi-signed-prescription/1';
export const QR_FORMAT = 'yunyi-rx/1';

/** What the doctor signs. No ID number, phone or address: a prescription travels to pharmacies. */
export interface PrescriptionDocument {
  format: typeof PRESCRIPTION_FORMAT;
  id: string;
  version: number;
  replacesId: string | null;
  visitId: string;
  patient: { id: string; name: string; sex: string | null; ageYears: number; weightKg: number | null };
  doctor: { id: string; name: string; licenceNo: string; title: string };
  institution: { id: string; name: string };
  department: { id: string; name: string };
  kind: 'western' | 'herbal';
  diagnoses: { icd10: string; name: string }[];
  items: {
    line: number;
    drugId: string;
    genericName: string;
    spec: string;
    dose: number;
    doseUnit: string;
    frequency: string;
    days: number;
    quantity: number;
    packageUnit: string;
    route: string;
    note: string | null;
    interactionOverrideReason: string | null;
  }[];
  validDays: number;
  validityReason: string | null;
  longTermReason: string | null;
  issuedAt: string;
  validUntil: string;
  certificateSerial: string;
}

/** The pharmacist's review (审方, RX-10): bound to the prescription by the SM3 of its signed document. */
export interface ReviewDocument {
  format: typeof REVIEW_FORMAT;
  prescriptionId: string;
  version: number;
  contentHash: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  pharmacist: { id: string; name: string; licenceNo: string };
  reviewedAt: string;
  certificateSerial: string;
}

/**
 * RX-6: valid on the day of issue, or up to 3 days with a reason: until the end (23:59:59.999) of the last
 * valid day in Asia/Shanghai (UTC+8 all year, no daylight saving).
 */
export function validUntilOf(issuedAt: Date, validDays: number): Date {
  const day = shanghaiDate(issuedAt);
  return new Date(Date.parse(`${day}T23:59:59.999+08:00`) + (validDays - 1) * 86_400_000);
}

/** The exported signed prescription: the signed parts with the certificates and the CA key that verify them. */
export interface PrescriptionFile {
  format: typeof PRESCRIPTION_FILE_FORMAT;
  prescription: SignedPart;
  certificate: Certificate;
  /** The doctor's public key as the uncompressed point 04‖x‖y (hex), what many SM2 libraries take. */
  publicKeyHex: string;
  review: SignedPart | null;
  reviewerCertificate: Certificate | null;
  ca: { name: string; publicKeyPem: string };
}

export function prescriptionFile(
  prescription: SignedPart,
  certificate: Certificate,
  review: { part: SignedPart; certificate: Certificate } | null,
  ca: { name: string; publicKeyPem: string },
): PrescriptionFile {
  return {
    format: PRESCRIPTION_FILE_FORMAT,
    prescription,
    certificate,
    publicKeyHex: sm2PublicKeyHex(certificate.publicKeyPem),
    review: review?.part ?? null,
    reviewerCertificate: review?.certificate ?? null,
    ca,
  };
}

export interface PrescriptionFileCheck {
  ok: boolean;
  problems: string[];
  /** False when the CA key came from the file itself. */
  caPinned: boolean;
  signer?: string;
  issuedAt?: string;
  validUntil?: string;
  prescriptionId?: string;
  review?: 'approve' | 'reject';
}

function parse<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * Verifies a signed-prescription file: the certificates against the CA (the file's, or `trustedCaPem`),
 * the prescription's SM3 hash and SM2 signature under the doctor's certificate, that the document names
 * that certificate and its holder, and — when the file carries a review — the pharmacist's signature and
 * that the review is of exactly this document (its SM3).
 */
export function verifyPrescriptionFile(file: PrescriptionFile, trustedCaPem?: string): PrescriptionFileCheck {
  const caPinned = trustedCaPem !== undefined;
  if (file?.format !== PRESCRIPTION_FILE_FORMAT)
    return { ok: false, caPinned, problems: ['not a Yunyi signed-prescription file'] };
  if (!file.prescription?.document || !file.certificate?.subject || !file.ca?.publicKeyPem)
    return { ok: false, caPinned, problems: ['an incomplete signed-prescription file'] };
  const problems: string[] = [];
  const caPem = trustedCaPem ?? file.ca.publicKeyPem;
  if (trustedCaPem && trustedCaPem.trim() !== file.ca.publicKeyPem.trim())
    problems.push('the file names a different CA than the trusted one');
  if (!verifyCertificate(file.certificate, caPem).ok)
    problems.push('certificate: the CA signature does not verify');
  problems.push(
    ...verifySignedDocument(file.prescription, file.certificate).problems.map((p) => `prescription: ${p}`),
  );
  const doc = parse<Partial<PrescriptionDocument>>(file.prescription.document);
  if (!doc || doc.format !== PRESCRIPTION_FORMAT)
    problems.push('prescription: not a yunyi-prescription/1 document');
  else {
    if (doc.certificateSerial !== file.certificate.serial)
      problems.push('prescription: names another certificate than the one that signed it');
    if (doc.doctor?.id !== file.certificate.subject.practitionerId)
      problems.push('prescription: the doctor is not the certificate holder');
  }
  if (file.publicKeyHex && file.publicKeyHex !== safeHex(file.certificate.publicKeyPem))
    problems.push('publicKeyHex is not the certificate’s key');

  let decision: ReviewDocument['decision'] | undefined;
  if (file.review) {
    const cert = file.reviewerCertificate;
    if (!cert) problems.push('review: no reviewer certificate');
    else {
      if (!verifyCertificate(cert, caPem).ok)
        problems.push('reviewer certificate: the CA signature does not verify');
      problems.push(...verifySignedDocument(file.review, cert).problems.map((p) => `review: ${p}`));
      const review = parse<Partial<ReviewDocument>>(file.review.document);
      if (!review || review.format !== REVIEW_FORMAT) problems.push('review: not a review document');
      else {
        if (review.prescriptionId !== doc?.id || review.contentHash !== sm3Hex(file.prescription.document))
          problems.push('review: reviews another prescription');
        if (review.pharmacist?.id !== cert.subject.practitionerId)
          problems.push('review: the pharmacist is not the certificate holder');
        if (review.pharmacist?.id === doc?.doctor?.id)
          problems.push('review: reviewed by the prescriber (RX-10)');
        decision = review.decision;
      }
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    caPinned,
    signer: `${file.certificate.subject.name} (${file.certificate.subject.licenceNo})`,
    ...(doc?.issuedAt ? { issuedAt: doc.issuedAt } : {}),
    ...(doc?.validUntil ? { validUntil: doc.validUntil } : {}),
    ...(doc?.id ? { prescriptionId: doc.id } : {}),
    ...(decision ? { review: decision } : {}),
  };
}

function safeHex(pem: string): string | null {
  try {
    return sm2PublicKeyHex(pem);
  } catch {
    return null;
  }
}

/**
 * What the printed QR code carries (compact keys, no personal data): enough for a pharmacy to check the
 * paper against the signed prescription offline — fetch the certificate by its serial (or hold the
 * platform CA and the exported file) and verify `s` over the document whose SM3 is `h`.
 */
export interface QrPayload {
  f: typeof QR_FORMAT;
  id: string;
  h: string;
  s: string;
  c: string;
  u: string;
}

export function qrPayload(p: {
  id: string;
  contentHash: string;
  signature: string;
  certificateSerial: string;
  validUntil: Date | string;
}): QrPayload {
  return {
    f: QR_FORMAT,
    id: p.id,
    h: p.contentHash,
    s: p.signature,
    c: p.certificateSerial,
    u: typeof p.validUntil === 'string' ? p.validUntil : p.validUntil.toISOString(),
  };
}
