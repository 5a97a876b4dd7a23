/**
 * Signed documents (SEC-4, DJ-26): any JSON value — a medical record, an addendum, a prescription, a
 * diagnostic report — signed by a practitioner: its canonical JSON, the SM3 of that text, the SM2
 * signature under the GM/T 0009 default signer id, and the serial of the certificate that verifies it.
 */
import type { FieldCipher } from '../crypto/fields.js';
import { sm3Hex } from '../crypto/hash.js';
import type { Executor } from '../db/database.js';
import { type Certificate, type SignerFacts, signerOf, verifyCertificate } from './ca.js';
import { canonicalJson } from './canonical.js';
import { SM2_DEFAULT_ID, SM2_LEGACY_EMPTY_ID, sm2Sign, sm2VerifiedId } from './sm2.js';

export interface SignedPart {
  /** The canonical JSON that was signed. */
  document: string;
  /** SM3 (hex) of `document`. */
  contentHash: string;
  /** SM2 signature (DER, base64) of `document`. */
  signature: string;
  certificateSerial: string;
  /**
   * The SM2 signer id hashed into the signature (`1234567812345678`). Also inside `document` when the
   * document is a JSON object, so it is signed; absent from parts signed before it was explicit.
   */
  sm2Id?: string;
}

/** The member naming the signer id inside a signed JSON object (a signed attribute, like its serial). */
const ID_MEMBER = 'sm2Id';

function withSignerId(document: unknown, id: string): unknown {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return document;
  const named = (document as Record<string, unknown>)[ID_MEMBER];
  if (named !== undefined && named !== id)
    throw new Error(`document names SM2 signer id ${JSON.stringify(named)}, not ${JSON.stringify(id)}`);
  return { ...(document as Record<string, unknown>), [ID_MEMBER]: id };
}

/**
 * Signs a document with a practitioner's key (from `signerOf`): SM2 under the default signer id, which
 * is added to the document as `sm2Id` when the document is a JSON object.
 */
export function signDocument(
  cipher: FieldCipher,
  key: { private_key_enc: string; serial: string },
  document: unknown,
): SignedPart & { sm2Id: string } {
  const text = canonicalJson(withSignerId(document, SM2_DEFAULT_ID));
  return {
    document: text,
    contentHash: sm3Hex(text),
    signature: sm2Sign(text, cipher.decrypt(key.private_key_enc), SM2_DEFAULT_ID),
    certificateSerial: key.serial,
    sm2Id: SM2_DEFAULT_ID,
  };
}

/**
 * Signs a document for a practitioner, issuing their key and certificate on first use. `document` may
 * be a function of the certificate, for documents that name the certificate they are signed under.
 */
export async function signForPractitioner(
  db: Executor,
  cipher: FieldCipher,
  who: SignerFacts,
  now: Date,
  document: object | ((certificate: Certificate) => object),
): Promise<{ signed: SignedPart & { sm2Id: string }; certificate: Certificate }> {
  const key = await signerOf(db, cipher, who, now);
  const certificate = key.certificate as unknown as Certificate;
  const body =
    typeof document === 'function'
      ? (document as (certificate: Certificate) => object)(certificate)
      : document;
  return { signed: signDocument(cipher, key, body), certificate };
}

export interface DocumentCheck {
  ok: boolean;
  /** What fails, in words (empty when ok). */
  problems: string[];
  /** The signer id the signature verified under. */
  sm2Id?: string;
  /** True when it verified only under the empty id: signed before the id was explicit. */
  legacyEmptySignerId: boolean;
}

function namedInDocument(text: string): unknown {
  try {
    const doc = JSON.parse(text) as unknown;
    return doc && typeof doc === 'object' && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)[ID_MEMBER]
      : undefined;
  } catch {
    return undefined;
  }
}

function signedAtOf(text: string): string | undefined {
  try {
    const at = (JSON.parse(text) as { signedAt?: unknown })?.signedAt;
    return typeof at === 'string' ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a signed document with its certificate: the serial, the SM3 hash, the SM2 signature under the
 * signer id the part, the document or the certificate names (or, when none does, the default and then
 * the legacy empty id), and a `signedAt` inside the certificate's validity. With `caPublicKeyPem`, the
 * certificate is checked against the CA too.
 */
export function verifySignedDocument(
  part: SignedPart,
  certificate: Certificate,
  caPublicKeyPem?: string,
): DocumentCheck {
  const problems: string[] = [];
  let legacy = false;
  if (caPublicKeyPem !== undefined) {
    const cert = verifyCertificate(certificate, caPublicKeyPem);
    if (!cert.ok) problems.push('certificate signature does not verify against the CA');
    legacy = cert.legacyEmptySignerId;
  }
  if (part.certificateSerial !== certificate.serial)
    problems.push(`signed under certificate ${part.certificateSerial}, not ${certificate.serial}`);
  if (sm3Hex(part.document) !== part.contentHash) problems.push('SM3 hash does not match the content');

  const inDocument = namedInDocument(part.document);
  const named = [part.sm2Id, inDocument, certificate.sm2Id].filter((v) => v !== undefined);
  if (named.some((v) => typeof v !== 'string')) problems.push('the SM2 signer id is not text');
  else if (new Set(named).size > 1)
    problems.push(
      `names different SM2 signer ids (${[...new Set(named)].map((v) => JSON.stringify(v)).join(', ')})`,
    );
  const id = named.length > 0 && typeof named[0] === 'string' ? named[0] : undefined;
  const verifiedId = sm2VerifiedId(part.document, part.signature, certificate.publicKeyPem, id);
  if (verifiedId === null) problems.push('SM2 signature does not verify (content changed after signing?)');
  else if (verifiedId === SM2_LEGACY_EMPTY_ID) legacy = true;

  const signedAt = signedAtOf(part.document);
  if (signedAt && (signedAt < certificate.notBefore || signedAt > certificate.notAfter))
    problems.push('signed outside the certificate’s validity');
  return {
    ok: problems.length === 0,
    problems,
    ...(verifiedId !== null ? { sm2Id: verifiedId } : {}),
    legacyEmptySignerId: legacy,
  };
}
