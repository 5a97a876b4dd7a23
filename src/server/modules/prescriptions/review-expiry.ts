/**
 * Job (RX-6, RX-10): a signed prescription whose validity passes while it still waits for the pharmacist's
 * review expires unreviewed. Review refuses it from that moment (409 RX_EXPIRED, review.service.ts); this
 * job makes the status say so — it leaves the review queue (which lists pending_review only), its visit's
 * timeline shows rx_expired, and the doctor and the patient are told in the app that a new prescription
 * is needed. Nothing was paid or reserved for it (filling needs an approval), so there is nothing to undo.
 */
import { systemActor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { accountOfPractitioner, patientCard } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { recordVisitEvent } from '../visits/visits.api.js';
import { prescriptionRow } from './prescription-store.js';
import { isPastValidity } from './rx-filling.js';

/** Signed prescriptions still waiting for review past their validity, oldest first (the work list). */
async function unreviewedPastValidity(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('prescription')
    .select('id')
    .where('status', '=', 'pending_review')
    .where('valid_until', '<=', now)
    .orderBy('valid_until')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Expires unreviewed prescriptions past their validity (RX-6); returns how many it expired. */
export async function expireUnreviewed(ctx: AppContext, limit = 100): Promise<number> {
  const ids = await unreviewedPastValidity(ctx.db, ctx.clock.now(), limit);
  let expired = 0;
  for (const id of ids) {
    const done = await runCommand(ctx, systemActor, async (cmd) => {
      const { trx, now } = cmd;
      const p = await prescriptionRow(trx, id, true);
      // Reviewed meanwhile (a review before the validity passed): not ours to expire.
      if (p.status !== 'pending_review' || !isPastValidity(p, now)) return false;
      await trx
        .updateTable('prescription')
        .set({ status: 'expired', expired_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending_review')
        .execute();
      await cmd.audit({
        action: 'prescription.expire',
        resourceType: 'prescription',
        resourceId: id,
        patientId: p.patient_id,
        details: { validUntil: p.valid_until?.toISOString() ?? null, unreviewed: true },
      });
      await recordVisitEvent(cmd, p.visit_id, 'rx_expired', cmd.actor, {
        prescriptionId: id,
        prescriptionVersion: p.version,
        unreviewed: true,
      });
      const doctor = await accountOfPractitioner(trx, p.practitioner_id);
      if (doctor)
        await notify(
          cmd,
          notices.rxUnreviewedExpiredDoctor({ accountId: doctor, patientId: p.patient_id, refId: id }, {}),
        );
      const patient = await patientCard(trx, { patientId: p.patient_id });
      if (patient?.accountId)
        await notify(
          cmd,
          notices.rxUnreviewedExpired(
            { accountId: patient.accountId, patientId: p.patient_id, refId: id },
            {},
          ),
        );
      return true;
    }).catch((err) => {
      ctx.log.error({ err, prescriptionId: id }, 'unreviewed prescription expiry failed; the job will retry');
      return false;
    });
    if (done) expired += 1;
  }
  return expired;
}
