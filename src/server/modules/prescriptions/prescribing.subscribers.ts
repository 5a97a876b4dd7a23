/**
 * Who hears of a prescription's review steps (in-app notifications, delivered from the outbox after the
 * command commits): a signed prescription tells the issuing institution's pharmacists that it waits in the
 * review queue (RX-10, ORG-4); a review tells the doctor of a rejection (they revise) and the patient of an
 * approval (they choose where to fill it, RX-13). The subscriber names are receipt keys: keep them stable.
 */
import type { CommandScope } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { accountOfPractitioner, patientCard, staffAccountsAt } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { SIGNED_TOPIC, type SignedEvent } from './prescription-signing.service.js';
import { REVIEWED_TOPIC, type ReviewedEvent } from './review.service.js';

async function tellPharmacists(cmd: CommandScope, e: SignedEvent) {
  for (const accountId of await staffAccountsAt(cmd.trx, e.institutionId, 'pharmacist')) {
    await notify(cmd, notices.rxToReview({ accountId, refId: e.prescriptionId }, {}));
  }
}

async function tellReviewed(cmd: CommandScope, e: ReviewedEvent) {
  if (e.decision === 'reject') {
    const doctor = await accountOfPractitioner(cmd.trx, e.practitionerId);
    if (doctor)
      await notify(
        cmd,
        notices.rxRejected({ accountId: doctor, patientId: e.patientId, refId: e.prescriptionId }, {}),
      );
    return;
  }
  const patient = await patientCard(cmd.trx, { patientId: e.patientId });
  if (patient?.accountId)
    await notify(
      cmd,
      notices.rxApproved(
        { accountId: patient.accountId, patientId: e.patientId, refId: e.prescriptionId },
        {},
      ),
    );
}

export function registerPrescribingSubscribers(ctx: AppContext): void {
  ctx.outbox.subscribe<SignedEvent>(SIGNED_TOPIC, 'prescriptions.notify-review-queue', (event, cmd) =>
    tellPharmacists(cmd, event.payload),
  );
  ctx.outbox.subscribe<ReviewedEvent>(REVIEWED_TOPIC, 'prescriptions.notify-reviewed', (event, cmd) =>
    tellReviewed(cmd, event.payload),
  );
}
