/**
 * Electronic signatures of medical records (SEC-4, REC-2): SM2 keys per doctor, certificates issued by the
 * platform CA, SM3 hashes, and the signed-record file anyone can verify with `npm run cli -- verify-record`.
 *
 * The doctor's private key is SM4-encrypted at rest and used only inside the doctor's own authenticated
 * request (ID-4): this is the "cloud signature" model of Chinese medical CAs; a deployment that uses a
 * licensed CA plugs its signing service in behind `signDocument` (docs/visits.md).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import type { FieldCipher } from '../../platform/crypto/fields.js';
import type { Executor } from '../../platform/db/database.js';

export const RECORD_FILE_FORMAT = 'yunyi-signed-record/1';
const CA_NAME = '云医平台电子病历签名 CA（演示）';

/** JSON with keys sorted at every level: the byte string that is hashed and signed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sm3Hex = (text: string) => createHash('sm3').update(text, 'utf8').digest('hex');

export interface Certificate {
  serial: string;
  subject: { practitionerId: string; name: string; licenceNo: string; institution: string };
  publicKeyPem: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  algorithm: 'SM2-with-SM3';
  /** The CA's SM2 signature (base64 DER) over the canonical certificate without this field. */
  signature: string;
}

export interface SignedPart {
  /** The canonical JSON that was signed. */
  document: string;
  contentHash: string;
  signature: string;
  certificateSerial: string;
}

export interface RecordFile {
  format: typeof RECORD_FILE_FORMAT;
  record: SignedPart;
  addenda: SignedPart[];
  certificate: Certificate;
  ca: { name: string; publicKeyPem: string };
}

function smKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

const signText = (text: string, privatePem: string) =>
  sign('sm3', Buffer.from(text, 'utf8'), createPrivateKey(privatePem)).toString('base64');

const verifyText = (text: string, signature: string, publicPem: string) => {
  try {
    return verify(
      'sm3',
      Buffer.from(text, 'utf8'),
      createPublicKey(publicPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
};

async function platformCa(db: Executor, cipher: FieldCipher, now: Date) {
  const existing = await db.selectFrom('signing_ca').selectAll().where('id', '=', 1).executeTakeFirst();
  if (existing) return existing;
  const keys = smKeyPair();
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

export interface SignerFacts {
  practitionerId: string;
  name: string;
  licenceNo: string;
  institution: string;
}

/** The doctor's key and certificate, created on first use. */
export async function signerOf(db: Executor, cipher: FieldCipher, who: SignerFacts, now: Date) {
  const existing = await db
    .selectFrom('signing_key')
    .selectAll()
    .where('practitioner_id', '=', who.practitionerId)
    .executeTakeFirst();
  if (existing) return existing;
  const ca = await platformCa(db, cipher, now);
  const keys = smKeyPair();
  const notAfter = new Date(now.getTime() + 3 * 365 * 86_400_000);
  const unsigned = {
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
    algorithm: 'SM2-with-SM3' as const,
  };
  const certificate: Certificate = {
    ...unsigned,
    signature: signText(canonicalJson(unsigned), cipher.decrypt(ca.private_key_enc)),
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

/** Signs a document (any JSON value) with the doctor's key: the canonical text, its SM3 and the signature. */
export function signDocument(
  cipher: FieldCipher,
  key: { private_key_enc: string; serial: string },
  document: unknown,
): SignedPart {
  const text = canonicalJson(document);
  return {
    document: text,
    contentHash: sm3Hex(text),
    signature: signText(text, cipher.decrypt(key.private_key_enc)),
    certificateSerial: key.serial,
  };
}

export async function caPublic(db: Executor) {
  const ca = await db.selectFrom('signing_ca').select(['name', 'public_key_pem']).executeTakeFirst();
  return ca ? { name: ca.name, publicKeyPem: ca.public_key_pem } : null;
}

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  /** False when the CA key came from the file itself: the signatures are consistent, but who vouches? */
  caPinned?: boolean;
  signer?: string;
  signedAt?: string;
}

/**
 * Verifies a signed-record file: the certificate against the CA key (the file's, or `trustedCaPem` when
 * given), then the record and every addendum against the certificate's key and their SM3 hashes.
 */
export function verifyRecordFile(file: RecordFile, trustedCaPem?: string): VerifyResult {
  const problems: string[] = [];
  if (file?.format !== RECORD_FILE_FORMAT) return { ok: false, problems: ['not a Yunyi signed-record file'] };
  const caPem = trustedCaPem ?? file.ca.publicKeyPem;
  if (trustedCaPem && trustedCaPem.trim() !== file.ca.publicKeyPem.trim())
    problems.push('the file names a different CA than the trusted one');
  const { signature: certSig, ...certBody } = file.certificate;
  if (!verifyText(canonicalJson(certBody), certSig, caPem))
    problems.push('certificate signature does not verify against the CA');
  const parts: [string, SignedPart][] = [
    ['record', file.record],
    ...file.addenda.map((a, i) => [`addendum ${i + 1}`, a] as [string, SignedPart]),
  ];
  let signedAt: string | undefined;
  let record: { visitId?: string; certificateSerial?: string; doctor?: { id?: string } } = {};
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
    if (part.certificateSerial !== file.certificate.serial)
      problems.push(`${name}: signed under certificate ${part.certificateSerial}, not the one in the file`);
    if (sm3Hex(part.document) !== part.contentHash)
      problems.push(`${name}: SM3 hash does not match the content`);
    if (!verifyText(part.document, part.signature, file.certificate.publicKeyPem))
      problems.push(`${name}: SM2 signature does not verify (content changed after signing?)`);
    if (name === 'record') {
      try {
        signedAt = (JSON.parse(part.document) as { signedAt?: string }).signedAt;
      } catch {
        // reported above
      }
      if (signedAt && (signedAt < file.certificate.notBefore || signedAt > file.certificate.notAfter))
        problems.push('record: signed outside the certificate’s validity');
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    caPinned: trustedCaPem !== undefined,
    signer: `${file.certificate.subject.name} (${file.certificate.subject.licenceNo})`,
    ...(signedAt ? { signedAt } : {}),
  };
}
