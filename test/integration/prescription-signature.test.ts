/**
 * The signed prescription checked by someone else's code (RX-2, SEC-4; style: "interoperable means checked
 * by someone else's code"): the exported file verifies with an independent SM2/SM3 implementation
 * (`sm-crypto`, default signer id 1234567812345678) and fails after one changed character; the CLI
 * `verify-prescription` exits 0 / 1; the PDF carries the Chinese names and a QR code whose payload names
 * the signed document (decoded from the PDF's own image with jsQR).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsqr from 'jsqr';
import { PDFParse } from 'pdf-parse';
import sharp from 'sharp';
import { sm2 as reference, sm3 as referenceSm3 } from 'sm-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PrescriptionFile,
  qrPayload,
  verifyPrescriptionFile,
} from '../../src/server/modules/prescriptions/prescription-document.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  AMLODIPINE,
  type ApprovedPrescription,
  amlodipineBody,
  approvedPrescription,
} from '../support/prescriptions.js';

// jsqr is CommonJS: module.exports is the decoder, and `.default` the same function (what its types name).
const jsQR = jsqr.default;
const DEFAULT_ID = '1234567812345678';
const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];
const b64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
/** The public point of an SPKI PEM as sm-crypto takes it: the last 65 bytes of the DER. */
const pointOf = (pem: string) => {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return der.subarray(der.length - 65).toString('hex');
};
/** sm-crypto's verdict on an SM2/SM3 signature (base64 DER) under the default signer id. */
const standardVerifies = (text: string, signatureB64: string, publicKeyHex: string) =>
  reference.doVerifySignature(utf8(text), b64ToHex(signatureB64), publicKeyHex, {
    der: true,
    hash: true,
    userId: DEFAULT_ID,
  });

let t: TestApp;
let rx: ApprovedPrescription;
let file: PrescriptionFile;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
  rx = await approvedPrescription(t);
  const res = await t.request('GET', `/api/v1/prescriptions/${rx.prescriptionId}/file`, {
    token: rx.patientToken,
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-disposition']).toContain('attachment');
  file = res.json() as PrescriptionFile;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

function cli(f: unknown) {
  const dir = mkdtempSync(path.join(tmpdir(), 'yunyi-rx-'));
  writeFileSync(path.join(dir, 'rx.json'), JSON.stringify(f));
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/server/cli.ts', 'verify-prescription', path.join(dir, 'rx.json')],
    { encoding: 'utf8' },
  );
}

/** The file with one character of the signed prescription changed (the dose 5 → 6). */
function tampered(): PrescriptionFile {
  const bad = structuredClone(file);
  bad.prescription.document = bad.prescription.document.replace('"dose":5,', '"dose":6,');
  expect(bad.prescription.document).not.toBe(file.prescription.document);
  expect(bad.prescription.document.length).toBe(file.prescription.document.length);
  return bad;
}

describe('an independent SM2 implementation verifies the exported prescription (RX-2, SEC-4)', () => {
  it('accepts the signature and the SM3 hash, with both public-key forms; rejects one changed character', () => {
    const { document, signature, contentHash } = file.prescription;
    // SM3 by another implementation.
    expect(referenceSm3(document)).toBe(contentHash);
    // The key as the file gives it (04‖x‖y hex) and as read from the certificate's PEM agree.
    expect(file.publicKeyHex).toBe(pointOf(file.certificate.publicKeyPem));
    expect(standardVerifies(document, signature, file.publicKeyHex)).toBe(true);
    // The signer id is part of what is signed: another id does not verify.
    expect(
      reference.doVerifySignature(utf8(document), b64ToHex(signature), file.publicKeyHex, {
        der: true,
        hash: true,
        userId: '',
      }),
    ).toBe(false);
    // The certificate is the CA's: the CA's signature over the canonical certificate verifies too.
    const { signature: caSig, ...certBody } = file.certificate;
    expect(standardVerifies(canonical(certBody), caSig, pointOf(file.ca.publicKeyPem))).toBe(true);

    const bad = tampered();
    expect(standardVerifies(bad.prescription.document, signature, file.publicKeyHex)).toBe(false);
    expect(referenceSm3(bad.prescription.document)).not.toBe(contentHash);
    // And the platform's own verifier agrees on both.
    expect(verifyPrescriptionFile(file)).toMatchObject({ ok: true, review: 'approve', problems: [] });
    const check = verifyPrescriptionFile(bad);
    expect(check.ok).toBe(false);
    expect(check.problems.join(' ')).toMatch(/SM3|SM2/);
  });

  it('the document is the canonical JSON: keys sorted, no whitespace, UTF-8, the signer id inside', () => {
    const { document } = file.prescription;
    const parsed = JSON.parse(document);
    expect(canonical(parsed)).toBe(document);
    expect(document).not.toMatch(/\n|": /);
    expect(parsed).toMatchObject({
      format: 'yunyi-prescription/1',
      id: rx.prescriptionId,
      sm2Id: DEFAULT_ID,
      certificateSerial: file.certificate.serial,
      items: [{ genericName: AMLODIPINE }],
    });
  });

  it('the pharmacist’s review verifies independently and is bound to the prescription’s SM3', () => {
    const review = file.review!;
    expect(
      standardVerifies(review.document, review.signature, pointOf(file.reviewerCertificate!.publicKeyPem)),
    ).toBe(true);
    expect(JSON.parse(review.document)).toMatchObject({
      format: 'yunyi-prescription-review/1',
      prescriptionId: rx.prescriptionId,
      contentHash: file.prescription.contentHash,
      decision: 'approve',
    });
    // A review whose decision was changed afterwards is caught.
    const moved = structuredClone(file);
    moved.review!.document = moved.review!.document.replace('"decision":"approve"', '"decision":"reject"');
    expect(verifyPrescriptionFile(moved).ok).toBe(false);
  });

  it('GET /verify reports the signer, the certificate and the hash', async () => {
    const res = await t.request('GET', `/api/v1/prescriptions/${rx.prescriptionId}/verify`, {
      token: rx.pharmacistToken,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      valid: true,
      signer: { name: '陈建国' },
      certificate: { serial: file.certificate.serial, publicKeyPem: file.certificate.publicKeyPem },
      hash: file.prescription.contentHash,
      problems: [],
    });
  });

  it('npm run cli -- verify-prescription: exit 0 for the file, 1 naming what fails after one changed character', () => {
    const good = cli(file);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('prescription signature valid');
    expect(good.stdout).toContain('pharmacist review (approve) verified');
    const bad = cli(tampered());
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('INVALID');
    expect(bad.stderr).toMatch(/SM3|SM2/);
  }, 90_000);
});

describe('the printable prescription (处方笺)', () => {
  it('is a PDF with the Chinese drug and patient names embedded, and a QR code naming the signed document', async () => {
    const res = await t.request('GET', `/api/v1/prescriptions/${rx.prescriptionId}/pdf`, {
      token: rx.patientToken,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    try {
      const text = (await parser.getText()).text;
      expect(text).toContain(AMLODIPINE);
      expect(text).toContain('张伟');
      expect(text).toContain('处 方 笺');
      expect(text).toContain('郑雅琴');
      expect(text).toContain(file.certificate.serial);

      const images = await parser.getImage({ imageThreshold: 0 });
      const png = images.pages[0]!.images[0]!.data;
      const raw = await sharp(Buffer.from(png)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const qr = jsQR(new Uint8ClampedArray(raw.data), raw.info.width, raw.info.height);
      expect(qr, 'a QR code in the PDF').not.toBeNull();
      const payload = JSON.parse(qr!.data);
      const row = await t.ctx.db
        .selectFrom('prescription')
        .selectAll()
        .where('id', '=', rx.prescriptionId)
        .executeTakeFirstOrThrow();
      expect(payload).toEqual(
        qrPayload({
          id: rx.prescriptionId,
          contentHash: row.content_hash!,
          signature: row.signature!,
          certificateSerial: row.certificate_serial!,
          validUntil: row.valid_until!,
        }),
      );
      // What a pharmacy does offline with the QR: the signature in it verifies the document whose SM3 it names.
      expect(payload.f).toBe('yunyi-rx/1');
      expect(referenceSm3(file.prescription.document)).toBe(payload.h);
      expect(
        standardVerifies(file.prescription.document, payload.s, pointOf(file.certificate.publicKeyPem)),
      ).toBe(true);
      expect(JSON.stringify(payload)).not.toContain('张伟'); // no personal data in the QR
    } finally {
      await parser.destroy();
    }
  }, 60_000);

  it('exists only once signed (409 RX_NOT_SIGNED for a draft), and only for those who may read it', async () => {
    const other = await t.login('13800000003');
    expect(
      (await t.request('GET', `/api/v1/prescriptions/${rx.prescriptionId}/pdf`, { token: other })).statusCode,
    ).toBe(403);
    const row = await t.ctx.db
      .selectFrom('prescription')
      .select('visit_id')
      .where('id', '=', rx.prescriptionId)
      .executeTakeFirstOrThrow();
    // The visit was completed minutes ago: a draft can still be written in it.
    const draft = await t.request('POST', `/api/v1/visits/${row.visit_id}/prescriptions`, {
      token: rx.doctorToken,
      body: await amlodipineBody(t),
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const res = await t.request('GET', `/api/v1/prescriptions/${draft.json().id}/file`, {
      token: rx.doctorToken,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('RX_NOT_SIGNED');
  });
});

/** Canonical JSON as docs/prescriptions.md describes it, written out here independently of the platform. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
