/**
 * Who hears of a prescription's review steps (in-app notifications, delivered from the outbox after the
 * command commits): a signed prescription tells the issuing institution's pharmacists that it waits in the
 * review queue (RX-10, ORG-4); a review tells the doctor of a rejection (they revise) and the patient of an
 * approval (they choose where to fill it, RX-13). The subscriber names are receipt keys: keep them stable.
 */
import type { CommandScope } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { accountOfPractitioner, patientCard, staffAccountsAt } from '../identity/identity.api.js';
import { notify } from '../notifications/notify.js';
import { SIGNED_TOPIC, type SignedEvent } from './prescription-signing.service.js';
import { REVIEWED_TOPIC, type ReviewedEvent } from './review.service.js';

async function tellPharmacists(cmd: CommandScope, e: SignedEvent) {
  for (const accountId of await staffAccountsAt(cmd.trx, e.institutionId, 'pharmacist')) {
    await notify(cmd, {
      accountId,
      kind: 'prescription',
      title: '新的待审处方',
      body: '有一张线上处方已由医生签名，等待审核（审方队列）。',
      refType: 'prescription',
      refId: e.prescriptionId,
    });
  }
}

async function tellReviewed(cmd: CommandScope, e: ReviewedEvent) {
  if (e.decision === 'reject') {
    const doctor = await accountOfPractitioner(cmd.trx, e.practitionerId);
    if (doctor)
      await notify(cmd, {
        accountId: doctor,
        patientId: e.patientId,
        kind: 'prescription',
        title: '处方被药师驳回',
        body: '药师审核未通过您开具的处方，请查看理由并修改后重新签名。',
        refType: 'prescription',
        refId: e.prescriptionId,
      });
    return;
  }
  const patient = await patientCard(cmd.trx, { patientId: e.patientId });
  if (patient?.accountId)
    await notify(cmd, {
      accountId: patient.accountId,
      patientId: e.patientId,
      kind: 'prescription',
      title: '处方已审核通过',
      body: '您的处方已由药师审核通过，请在有效期内选择药房取药或配送。',
      refType: 'prescription',
      refId: e.prescriptionId,
      sms: true,
    });
}

export function registerPrescribingSubscribers(ctx: AppContext): void {
  ctx.outbox.subscribe<SignedEvent>(SIGNED_TOPIC, 'prescriptions.notify-review-queue', (event, cmd) =>
    tellPharmacists(cmd, event.payload),
  );
  ctx.outbox.subscribe<ReviewedEvent>(REVIEWED_TOPIC, 'prescriptions.notify-reviewed', (event, cmd) =>
    tellReviewed(cmd, event.payload),
  );
}
