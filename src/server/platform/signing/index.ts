/**
 * Electronic signatures (SEC-4, DJ-26): SM2 with SM3 under the GM/T 0009 default signer id, practitioners'
 * keys certified by the platform CA, signed documents anyone can verify offline. Records use it today;
 * prescriptions and diagnostic reports sign the same way.
 *
 * - sign: `signForPractitioner(db, cipher, who, now, document)`, or `signerOf` + `signDocument` when the
 *   document must name the certificate's serial before it is signed;
 * - verify: `verifySignedDocument(part, certificate, caPublicKeyPem?)`, `verifyCertificate`;
 * - the record file: `verifyRecordFile` (what `npm run cli -- verify-record` runs).
 */
export {
  type Certificate,
  type CertificateCheck,
  caPublic,
  certificateBySerial,
  type SignerFacts,
  type SigningKey,
  signerOf,
  verifyCertificate,
} from './ca.js';
export { canonicalJson } from './canonical.js';
export {
  type DocumentCheck,
  type SignedPart,
  signDocument,
  signForPractitioner,
  verifySignedDocument,
} from './document.js';
export { RECORD_FILE_FORMAT, type RecordFile, type VerifyResult, verifyRecordFile } from './record-file.js';
export { SM2_DEFAULT_ID, SM2_LEGACY_EMPTY_ID, sm2Sign, sm2VerifiedId, sm2Verify } from './sm2.js';
