/**
 * SEC-4 / DJ-26 interoperability of signed documents and certificates (platform/signing): a standard SM2
 * verifier (`sm-crypto`, default signer id 1234567812345678) accepts what the platform signs; what a
 * standard signing service signs passes our `verifySignedDocument` and `verify-record`; files signed the
 * old way (empty id) still verify, marked `legacyEmptySignerId`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sm2 as reference } from 'sm-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/platform/clock.js';
import { FieldCipher } from '../../src/server/platform/crypto/fields.js';
import { sm3Hex } from '../../src/server/platform/crypto/hash.js';
import type { Database } from '../../src/server/platform/db/database.js';
import {
  type Certificate,
  canonicalJson,
  caPublic,
  certificateBySerial,
  RECORD_FILE_FORMAT,
  type RecordFile,
  type SignedPart,
  type SignerFacts,
  signDocument,
  signerOf,
  signForPractitioner,
  verifyCertificate,
  verifyRecordFile,
  verifySignedDocument,
} from '../../src/server/platform/signing/index.js';
import { seedDemoRegion } from '../../src/server/seed/demo-region.js';
import { freshDatabase } from '../support/db.js';

const DEFAULT_ID = '1234567812345678';
const LEGACY_FILE = 'src/server/platform/signing/fixtures/legacy-empty-id-record.json';

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];
const b64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
/** The public point of an SPKI PEM as sm-crypto takes it (the last 65 bytes of the DER). */
const pointOf = (pem: string) => {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return der.subarray(der.length - 65).toString('hex');
};
/** sm-crypto's verdict on an SM2/SM3 signature (base64 DER) under `userId`. */
const standardVerifies = (text: string, signature: string, publicPem: string, userId = DEFAULT_ID) =>
  reference.doVerifySignature(utf8(text), b64ToHex(signature), pointOf(publicPem), {
    der: true,
    hash: true,
    userId,
  });

let database: Database;
let cipher: FieldCipher;
const clock = new ManualClock('2026-11-22T02:00:00Z');
let chen: SignerFacts;

beforeAll(async () => {
  database = await freshDatabase();
  cipher = new FieldCipher({ k1: randomBytes(16) }, 'k1', randomBytes(32));
  await seedDemoRegion(database.db, cipher, clock);
  const p = await database.db
    .selectFrom('practitioner as p')
    .innerJoin('institution as i', 'i.id', 'p.institution_id')
    .select(['p.id', 'p.name', 'p.licence_no', 'i.name as institution'])
    .where('p.code', '=', 'P001')
    .executeTakeFirstOrThrow();
  chen = { practitionerId: p.id, name: p.name, licenceNo: p.licence_no, institution: p.institution };
});
afterAll(async () => {
  await database?.close();
});

// Each spawns the CLI (node + tsx), slow on a busy 2-core machine: those tests get a minute.

/** A record file built the way the export builds one, from what the platform signed. */
async function recordFile(record: SignedPart, addenda: SignedPart[]): Promise<RecordFile> {
  return {
    format: RECORD_FILE_FORMAT,
    record,
    addenda,
    certificate: (await certificateBySerial(database.db, record.certificateSerial))!,
    ca: (await caPublic(database.db))!,
  };
}

function verifyRecordCli(file: unknown) {
  const dir = mkdtempSync(path.join(tmpdir(), 'yunyi-signing-'));
  writeFileSync(path.join(dir, 'file.json'), JSON.stringify(file));
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/server/cli.ts', 'verify-record', path.join(dir, 'file.json')],
    { encoding: 'utf8' },
  );
}

describe('signed documents interoperate with a standard SM2 verifier (SEC-4, DJ-26)', () => {
  it('a standard verifier accepts the certificate and a signed document under 1234567812345678', async () => {
    const prescription = {
      type: 'yunyi.prescription',
      version: 1,
      drugs: [{ name: '氨氯地平片', dose: '5mg' }],
    };
    const { signed, certificate } = await signForPractitioner(
      database.db,
      cipher,
      chen,
      clock.now(),
      (c) => ({
        ...prescription,
        certificateSerial: c.serial,
      }),
    );
    const ca = (await caPublic(database.db))!;

    // The id is named: in the envelope, in the signed document and, bound by the CA, in the certificate.
    expect(signed.sm2Id).toBe(DEFAULT_ID);
    expect(JSON.parse(signed.document)).toMatchObject({
      sm2Id: DEFAULT_ID,
      certificateSerial: certificate.serial,
    });
    expect(certificate).toMatchObject({ sm2Id: DEFAULT_ID, issuerSm2Id: DEFAULT_ID });

    expect(standardVerifies(signed.document, signed.signature, certificate.publicKeyPem)).toBe(true);
    expect(standardVerifies(signed.document, signed.signature, certificate.publicKeyPem, '')).toBe(false);
    const { signature, ...body } = certificate;
    expect(standardVerifies(canonicalJson(body), signature, ca.publicKeyPem)).toBe(true);
    expect(standardVerifies(canonicalJson(body), signature, ca.publicKeyPem, '')).toBe(false);

    expect(verifySignedDocument(signed, certificate, ca.publicKeyPem)).toEqual({
      ok: true,
      problems: [],
      sm2Id: DEFAULT_ID,
      legacyEmptySignerId: false,
    });
    expect(sm3Hex(signed.document)).toBe(signed.contentHash);
  });

  it('a document a standard signing service signed (id not named in the envelope) verifies, record file and CLI too', async () => {
    const key = await signerOf(database.db, cipher, chen, clock.now());
    const certificate = key.certificate as unknown as Certificate;
    // The service holds the practitioner's key and signs the canonical text under the default id.
    const text = canonicalJson({
      type: 'yunyi.internet-medical-record',
      version: 1,
      visitId: '01935f2c-0000-7000-8000-0000000000a1',
      doctor: { id: chen.practitionerId, name: chen.name },
      content: { chiefComplaint: '头晕', diagnoses: [{ icd10: 'I10' }] },
      signedAt: clock.now().toISOString(),
      certificateSerial: key.serial,
    });
    const d = Buffer.from(cipher.decrypt(key.private_key_enc).replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const scalar = d
      .subarray(d.indexOf(Buffer.from('0201010420', 'hex')) + 5)
      .subarray(0, 32)
      .toString('hex');
    const serviceSig = Buffer.from(
      reference.doSignature(utf8(text), scalar, {
        der: true,
        hash: true,
        publicKey: pointOf(certificate.publicKeyPem),
      }),
      'hex',
    ).toString('base64');
    const part: SignedPart = {
      document: text,
      contentHash: sm3Hex(text),
      signature: serviceSig,
      certificateSerial: key.serial,
    };
    expect(verifySignedDocument(part, certificate)).toMatchObject({
      ok: true,
      sm2Id: DEFAULT_ID,
      legacyEmptySignerId: false,
    });

    const file = await recordFile(part, []);
    expect(verifyRecordFile(file)).toMatchObject({ ok: true, legacyEmptySignerId: false, problems: [] });
    const run = verifyRecordCli(file);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('signature valid');
    expect(run.stdout).not.toContain('legacyEmptySignerId');
  }, 60_000);

  it('a record and addendum signed by the platform pass verify-record, and a standard verifier checks each part', async () => {
    const key = await signerOf(database.db, cipher, chen, clock.now());
    const visitId = '01935f2c-0000-7000-8000-0000000000a2';
    const record = signDocument(cipher, key, {
      type: 'yunyi.internet-medical-record',
      version: 1,
      visitId,
      doctor: { id: chen.practitionerId },
      signedAt: clock.now().toISOString(),
      certificateSerial: key.serial,
    });
    const addendum = signDocument(cipher, key, {
      type: 'yunyi.record-addendum',
      version: 1,
      visitId,
      amends: record.contentHash,
      text: '补充：复查肾功能',
      signedAt: clock.now().toISOString(),
      certificateSerial: key.serial,
    });
    const file = await recordFile(record, [addendum]);
    expect(verifyRecordFile(file, file.ca.publicKeyPem)).toEqual({
      ok: true,
      problems: [],
      caPinned: true,
      signer: `${chen.name} (${chen.licenceNo})`,
      signedAt: clock.now().toISOString(),
      legacyEmptySignerId: false,
    });
    for (const part of [record, addendum])
      expect(standardVerifies(part.document, part.signature, file.certificate.publicKeyPem)).toBe(true);

    // Naming the empty id instead (a downgrade to the legacy form) breaks the signature and the hash.
    const downgraded = structuredClone(file);
    downgraded.record.document = downgraded.record.document.replace(`"sm2Id":"${DEFAULT_ID}"`, '"sm2Id":""');
    downgraded.record.sm2Id = '';
    const bad = verifyRecordFile(downgraded);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual(
      expect.arrayContaining([
        'record: SM3 hash does not match the content',
        expect.stringMatching(/^record: names different SM2 signer ids/),
        'record: SM2 signature does not verify (content changed after signing?)',
      ]),
    );
  });

  it('a record file signed the old way (empty SM2 id) is accepted and marked legacy, and its tampering is still caught', () => {
    const legacy = JSON.parse(readFileSync(LEGACY_FILE, 'utf8')) as RecordFile;
    // It really is the empty id: a standard verifier refuses it, and accepts it only under ''.
    expect(
      standardVerifies(legacy.record.document, legacy.record.signature, legacy.certificate.publicKeyPem),
    ).toBe(false);
    expect(
      standardVerifies(legacy.record.document, legacy.record.signature, legacy.certificate.publicKeyPem, ''),
    ).toBe(true);
    expect(legacy.certificate.sm2Id).toBeUndefined();

    expect(verifyCertificate(legacy.certificate, legacy.ca.publicKeyPem)).toEqual({
      ok: true,
      sm2Id: '',
      legacyEmptySignerId: true,
    });
    expect(verifyRecordFile(legacy, legacy.ca.publicKeyPem)).toEqual({
      ok: true,
      problems: [],
      caPinned: true,
      signer: '陈建国 (111101011997001)',
      signedAt: '2026-11-22T02:00:00.000Z',
      legacyEmptySignerId: true,
      legacyEmptySignerIdIn: ['certificate', 'record', 'addendum 1'],
    });

    const tampered = structuredClone(legacy);
    tampered.record.document = tampered.record.document.replace('氨氯地平 5mg', '氨氯地平 50mg');
    tampered.record.contentHash = sm3Hex(tampered.record.document);
    expect(verifyRecordFile(tampered)).toMatchObject({
      ok: false,
      problems: [
        'addendum 1: belongs to another record',
        'record: SM2 signature does not verify (content changed after signing?)',
      ],
    });
    // Naming the standard id on a legacy signature does not make it pass either.
    const relabelled = structuredClone(legacy);
    relabelled.record.sm2Id = DEFAULT_ID;
    expect(verifyRecordFile(relabelled).ok).toBe(false);

    const run = verifyRecordCli(legacy);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('signature valid');
    expect(run.stdout).toContain('legacyEmptySignerId: true — certificate, record, addendum 1');
  }, 60_000);

  it('an incomplete file is refused, not thrown on (CLI exit 1)', () => {
    expect(verifyRecordFile({ format: RECORD_FILE_FORMAT } as RecordFile)).toEqual({
      ok: false,
      problems: ['an incomplete signed-record file'],
    });
    const run = verifyRecordCli({ format: RECORD_FILE_FORMAT, record: {} });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('INVALID');
  }, 60_000);
});
