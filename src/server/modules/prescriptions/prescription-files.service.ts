/**
 * A signed prescription leaving the platform (SEC-4, RX-2, RX-13): the exported signed file, the
 * platform's own verification of the stored signature, and the printable PDF with its QR code. Only once
 * signed; every export is audited (DJ-12).
 */
import type { Static } from 'typebox';
import type { VerifyResult } from '../../../shared/prescriptions.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { caPublic, certificateBySerial } from '../../platform/signing/index.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import {
  type PrescriptionDocument,
  type PrescriptionFile,
  prescriptionFile,
  type ReviewDocument,
  verifyPrescriptionFile,
} from './prescription-document.js';
import { prescriptionPdf } from './prescription-pdf.js';
import { requireReader } from './prescription-queries.js';
import { type PrescriptionRow, prescriptionRow } from './prescription-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';

async function signedRow(db: Executor, auth: AuthContext, id: string) {
  const row = await prescriptionRow(db, id);
  await requireReader(db, auth, row);
  if (!row.signed_document) throw prescriptionErrors.notSigned();
  return row;
}

/** The signed file of a signed prescription (with its review, once reviewed). */
export async function fileOf(db: Executor, row: PrescriptionRow): Promise<PrescriptionFile> {
  const certificate = await certificateBySerial(db, row.certificate_serial!);
  const ca = await caPublic(db);
  if (!certificate || !ca) throw new Error(`prescription ${row.id}: certificate or CA missing`);
  const review = await db
    .selectFrom('prescription_review')
    .selectAll()
    .where('prescription_id', '=', row.id)
    .executeTakeFirst();
  const reviewerCertificate = review ? await certificateBySerial(db, review.certificate_serial) : undefined;
  return prescriptionFile(
    {
      document: row.signed_document!,
      contentHash: row.content_hash!,
      signature: row.signature!,
      certificateSerial: row.certificate_serial!,
      sm2Id: (JSON.parse(row.signed_document!) as { sm2Id?: string }).sm2Id ?? '1234567812345678',
    },
    certificate,
    review && reviewerCertificate
      ? {
          part: {
            document: review.signed_document,
            contentHash: review.content_hash,
            signature: review.signature,
            certificateSerial: review.certificate_serial,
          },
          certificate: reviewerCertificate,
        }
      : null,
    ca,
  );
}

const audit = (ctx: AppContext, actor: Actor, row: PrescriptionRow, action: string) =>
  recordAudit(
    ctx.db,
    actor,
    { action, resourceType: 'prescription', resourceId: row.id, patientId: row.patient_id },
    ctx.clock.now(),
  );

/** GET /prescriptions/{id}/file: verified offline by `npm run cli -- verify-prescription <file>`. */
export async function exportPrescription(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<PrescriptionFile> {
  const row = await signedRow(ctx.db, auth, id);
  const file = await fileOf(ctx.db, row);
  await audit(ctx, actor, row, 'prescription.export');
  return file;
}

/**
 * The stored prescription checked as any verifier would check its file, with the platform's CA pinned:
 * the certificate, the SM3 hash, the SM2 signature, the document naming its signer (and its review).
 */
export async function verifyStored(db: Executor, row: PrescriptionRow): Promise<Static<typeof VerifyResult>> {
  const file = await fileOf(db, row);
  const ca = await caPublic(db);
  const check = verifyPrescriptionFile(file, ca!.publicKeyPem);
  const c = file.certificate;
  const doctor = (await practitionerProfiles(db, [c.subject.practitionerId])).get(c.subject.practitionerId);
  return {
    valid: check.ok,
    signer: {
      name: c.subject.name,
      practitionerCode: c.subject.licenceNo,
      institution: doctor?.institutionName ?? c.subject.institution,
    },
    certificate: {
      serial: c.serial,
      issuer: c.issuer,
      validFrom: c.notBefore,
      validTo: c.notAfter,
      publicKeyPem: c.publicKeyPem,
    },
    hash: row.content_hash!,
    problems: check.problems,
  };
}

/** GET /prescriptions/{id}/verify. */
export async function verifyPrescription(ctx: AppContext, auth: AuthContext, id: string, actor: Actor) {
  const row = await signedRow(ctx.db, auth, id);
  const result = await verifyStored(ctx.db, row);
  await audit(ctx, actor, row, 'prescription.verify');
  return result;
}

/** GET /prescriptions/{id}/pdf: the printable 处方笺 with its QR code. */
export async function prescriptionPdfOf(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<Buffer> {
  const row = await signedRow(ctx.db, auth, id);
  const review = await ctx.db
    .selectFrom('prescription_review')
    .select(['signed_document', 'pharmacist_id'])
    .where('prescription_id', '=', id)
    .executeTakeFirst();
  const pharmacist = review
    ? (await practitionerProfiles(ctx.db, [review.pharmacist_id])).get(review.pharmacist_id)
    : undefined;
  const pdf = await prescriptionPdf({
    document: JSON.parse(row.signed_document!) as PrescriptionDocument,
    contentHash: row.content_hash!,
    signature: row.signature!,
    totalFen: row.total_fen,
    status: row.status,
    review: review
      ? { ...(JSON.parse(review.signed_document) as ReviewDocument), pharmacistName: pharmacist?.name ?? '' }
      : null,
  });
  await audit(ctx, actor, row, 'prescription.pdf');
  return pdf;
}
