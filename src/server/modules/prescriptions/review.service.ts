/**
 * 审方 — the pharmacist's review (RX-10, ORG-4, RX-2, RX-3): a pharmacist of the issuing institution, never
 * the prescriber, approves or rejects (with a reason) a signed prescription. The review is signed with the
 * pharmacist's own SM2 key over the prescription's SM3, and recorded once per version. Approval makes the
 * prescription take effect (it can be filled from then on); a rejection returns it to the doctor, who
 * revises it as a new version. One whose validity passed while it waited is refused (409 RX_EXPIRED, RX-6).
 */
import type { ReviewBody } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { signForPractitioner } from '../../platform/signing/index.js';
import { practitionerProfiles } from '../directory/directory.api.js';
import { recordVisitEvent } from '../visits/visits.api.js';
import { REVIEW_FORMAT, type ReviewDocument } from './prescription-document.js';
import { prescriptionRow } from './prescription-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';
import { isPastValidity } from './rx-filling.js';

export const REVIEWED_TOPIC = 'prescriptions.reviewed';

/** A time as Beijing wall-clock minutes, for a message: '2026-11-22 23:59'. */
const shanghaiMinute = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export interface ReviewedEvent {
  prescriptionId: string;
  decision: 'approve' | 'reject';
  patientId: string;
  practitionerId: string;
  visitId: string;
}

/**
 * ORG-4, RX-10: the caller reviews for this institution — a practitioner of kind pharmacist who works
 * there, and not the prescriber (checked first: a doctor who also holds the pharmacist role is refused as
 * the prescriber, whatever else is true).
 */
async function requireReviewer(db: Executor, auth: AuthContext, prescriberId: string, institutionId: string) {
  if (auth.practitionerId && auth.practitionerId === prescriberId) throw prescriptionErrors.selfReview();
  const me = auth.practitionerId
    ? (await practitionerProfiles(db, [auth.practitionerId])).get(auth.practitionerId)
    : undefined;
  if (!auth.roles.includes('pharmacist') || me?.kind !== 'pharmacist' || me.institutionId !== institutionId)
    throw errors.forbidden('只有开方机构的药师可以审核该处方（ORG-4, RX-10）。');
  return me;
}

export async function reviewPrescription(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: ReviewBody,
  actor: Actor,
): Promise<{ id: string; status: 'approved' | 'rejected' }> {
  const reason = body.reason?.trim() || null;
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const row = await prescriptionRow(trx, id, true);
    const me = await requireReviewer(trx, auth, row.practitioner_id, row.institution_id);
    if (row.status !== 'pending_review') throw prescriptionErrors.notPendingReview();
    // RX-6: a prescription whose validity passed while it waited is not reviewed at all (neither approved
    // — the patient would be told to fill an expired prescription — nor rejected into a revision); the
    // expiry job marks it expired (review-expiry.ts) and it leaves the queue.
    if (isPastValidity(row, now))
      throw prescriptionErrors.expired(
        `处方有效期至 ${shanghaiMinute(row.valid_until!)}，已过期，不能再审核（RX-6）；请医生为患者重新开具。`,
      );
    if (body.decision === 'reject' && !reason) throw prescriptionErrors.reviewReasonRequired();

    const document = (serial: string): ReviewDocument => ({
      format: REVIEW_FORMAT,
      prescriptionId: row.id,
      version: row.version,
      contentHash: row.content_hash!,
      decision: body.decision,
      reason,
      pharmacist: { id: me.id, name: me.name, licenceNo: me.licenceNo },
      reviewedAt: now.toISOString(),
      certificateSerial: serial,
    });
    const { signed } = await signForPractitioner(
      trx,
      ctx.cipher,
      { practitionerId: me.id, name: me.name, licenceNo: me.licenceNo, institution: me.institutionName },
      now,
      (certificate) => document(certificate.serial),
    );
    await trx
      .insertInto('prescription_review')
      .values({
        id: newId(),
        prescription_id: row.id,
        pharmacist_id: me.id,
        decision: body.decision,
        reason,
        reviewed_at: now,
        signed_document: signed.document,
        content_hash: signed.contentHash,
        signature: signed.signature,
        certificate_serial: signed.certificateSerial,
      })
      .execute();
    const status = body.decision === 'approve' ? ('approved' as const) : ('rejected' as const);
    await trx
      .updateTable('prescription')
      .set(
        status === 'approved'
          ? { status, approved_at: now, updated_at: now }
          : { status, rejected_at: now, updated_at: now },
      )
      .where('id', '=', id)
      .where('status', '=', 'pending_review')
      .execute();
    await recordVisitEvent(cmd, row.visit_id, 'rx_reviewed', cmd.actor, {
      prescriptionId: id,
      prescriptionVersion: row.version,
      decision: body.decision,
      ...(reason ? { reason } : {}),
      contentHash: signed.contentHash,
      certificateSerial: signed.certificateSerial,
    });
    await cmd.audit({
      action: `prescription.${body.decision}`,
      resourceType: 'prescription',
      resourceId: id,
      patientId: row.patient_id,
      details: { version: row.version, reviewHash: signed.contentHash },
    });
    const event: ReviewedEvent = {
      prescriptionId: id,
      decision: body.decision,
      patientId: row.patient_id,
      practitionerId: row.practitioner_id,
      visitId: row.visit_id,
    };
    await cmd.emit(REVIEWED_TOPIC, event);
    return { id, status };
  });
}
