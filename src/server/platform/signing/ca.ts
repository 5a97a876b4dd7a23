/**
 * The platform CA and practitioners' signing certificates (SEC-4, DJ-26): one SM2 key per practitioner,
 * SM4-encrypted at rest and used only inside the practitioner's own authenticated request (ID-4) — the
 * "cloud signature" model of Chinese medical CAs. A deployment with a licensed CA plugs its signing
 * service in behind `signDocument` (document.ts).
 *
 * This file owns the tables `signing_ca` and `signing_key`; other code reaches them through the functions
 * below, with the caller's transaction.
 */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { FieldCipher } from '../crypto/fields.js';
import type { Executor } from '../db/database.js';
import type { SigningKeyTable } from '../db/schema.js';
import { canonicalJson } from './canonical.js';
import { generateSm2KeyPair, SM2_DEFAULT_ID, SM2_LEGACY_EMPTY_ID, sm2Sign, sm2VerifiedId } from './sm2.js';

const CA_NAME = '云医平台电子病历签名 CA（演示）';
const CERTIFICATE_YEARS = 3;

export interface Certificate {
  serial: string;
  subject: { practitionerId: string; name: string; licenceNo: string; institution: string };
  publicKeyPem: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  algorithm: 'SM2-with-SM3';
  /**
   * The SM2 signer id (GM/T 0009 distinguishing id) the holder signs with: `1234567812345678`. Absent in
   * certificates issued before the id was explicit, whose holders' old signatures used the empty id.
   */
  sm2Id?: string;
  /** The signer id the CA signed this certificate under; absent (empty id) in certificates issued before. */
  issuerSm2Id?: string;
  /** The CA's SM2 signature (base64 DER) over the canonical certificate without this field. */
  signature: string;
}

/** Who a certificate is issued to: what the certificate's subject names. */
export interface SignerFacts {
  practitionerId: string;
  name: string;
  licenceNo: string;
  institution: string;
}

/** A practitioner's signing key as stored: the encrypted private key and its certificate. */
export type SigningKey = Selectable<SigningKeyTable>;

/** The platform CA, created on first use (one row). */
async function platformCa(db: Executor, cipher: FieldCipher, now: Date) {
  const existing = await db.selectFrom('signing_ca').selectAll().where('id', '=', 1).executeTakeFirst();
  if (existing) return existing;
  const keys = generateSm2KeyPair();
  await db
    .insertInto('signing_ca')
    .values({
      id: 1,
      name: CA_NAME,
      public_key_pem: keys.publicPem,
      private_key_enc: cipher.encrypt(keys.privatePem),
      created_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db.selectFrom('signing_ca').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

/**
 * The practitioner's key and certificate, created (and certified by the platform CA) on first use. A
 * certificate issued before the signer id was explicit stays valid: its serial is what earlier records
 * name, and `verifyCertificate` accepts it as legacy.
 */
export async function signerOf(
  db: Executor,
  cipher: FieldCipher,
  who: SignerFacts,
  now: Date,
): Promise<SigningKey> {
  const existing = await db
    .selectFrom('signing_key')
    .selectAll()
    .where('practitioner_id', '=', who.practitionerId)
    .executeTakeFirst();
  if (existing) return existing;
  const ca = await platformCa(db, cipher, now);
  const keys = generateSm2KeyPair();
  const notAfter = new Date(now.getTime() + CERTIFICATE_YEARS * 365 * 86_400_000);
  const unsigned: Omit<Certificate, 'signature'> = {
    serial: randomBytes(8).toString('hex').toUpperCase(),
    subject: {
      practitionerId: who.practitionerId,
      name: who.name,
      licenceNo: who.licenceNo,
      institution: who.institution,
    },
    publicKeyPem: keys.publicPem,
    issuer: ca.name,
    notBefore: now.toISOString(),
    notAfter: notAfter.toISOString(),
    algorithm: 'SM2-with-SM3',
    sm2Id: SM2_DEFAULT_ID,
    issuerSm2Id: SM2_DEFAULT_ID,
  };
  const certificate: Certificate = {
    ...unsigned,
    signature: sm2Sign(canonicalJson(unsigned), cipher.decrypt(ca.private_key_enc), SM2_DEFAULT_ID),
  };
  await db
    .insertInto('signing_key')
    .values({
      practitioner_id: who.practitionerId,
      serial: certificate.serial,
      public_key_pem: keys.publicPem,
      private_key_enc: cipher.encrypt(keys.privatePem),
      certificate: JSON.stringify(certificate),
      created_at: now,
    })
    .onConflict((oc) => oc.column('practitioner_id').doNothing())
    .execute();
  return db
    .selectFrom('signing_key')
    .selectAll()
    .where('practitioner_id', '=', who.practitionerId)
    .executeTakeFirstOrThrow();
}

/** The certificate with this serial (the one a signed document names), or undefined. */
export async function certificateBySerial(db: Executor, serial: string): Promise<Certificate | undefined> {
  const row = await db
    .selectFrom('signing_key')
    .select('certificate')
    .where('serial', '=', serial)
    .executeTakeFirst();
  return row ? (row.certificate as unknown as Certificate) : undefined;
}

/** The platform CA's name and public key (what a verifier pins with `verify-record --ca`), or null. */
export async function caPublic(db: Executor): Promise<{ name: string; publicKeyPem: string } | null> {
  const ca = await db.selectFrom('signing_ca').select(['name', 'public_key_pem']).executeTakeFirst();
  return ca ? { name: ca.name, publicKeyPem: ca.public_key_pem } : null;
}

export interface CertificateCheck {
  ok: boolean;
  /** The signer id the CA's signature verified under (when ok). */
  sm2Id?: string;
  /** True when it verified only under the empty id: a certificate issued before the id was explicit. */
  legacyEmptySignerId: boolean;
}

/**
 * Checks the CA's signature over a certificate: under the id the certificate names (`issuerSm2Id`), or,
 * for a certificate that names none, the standard default and then the legacy empty id.
 */
export function verifyCertificate(certificate: Certificate, caPublicKeyPem: string): CertificateCheck {
  const { signature, ...body } = certificate;
  const id = sm2VerifiedId(canonicalJson(body), signature, caPublicKeyPem, certificate.issuerSm2Id);
  if (id === null) return { ok: false, legacyEmptySignerId: false };
  return { ok: true, sm2Id: id, legacyEmptySignerId: id === SM2_LEGACY_EMPTY_ID };
}
