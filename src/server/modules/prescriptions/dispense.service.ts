/**
 * Dispensing (调配发药, RX-11): the pharmacy verifies the prescription's signatures, then hands out each
 * box with its batch and its 20-digit drug trace code (追溯码). A prescription is dispensed at most once
 * (the second of two racing pharmacists gets RX_ALREADY_DISPENSED), never before payment, never after it
 * expires (RX-6), and a trace code leaves a pharmacy once across the platform (RX_TRACE_CODE_USED, backed
 * by dispensed_box's primary key). Pick-up ends at the counter against the pick-up code; delivery goes on
 * to the courier through the outbox (`prescriptions.dispensed`).
 */
import { shanghaiDate } from '../../../shared/identity.js';
import type { DispenseBody } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { notify } from '../notifications/notify.js';
import { consumeReservation } from '../pharmacy/pharmacy.api.js';
import { recordVisitEvent } from '../visits/visits.api.js';
import { DISPENSED_STATES, fulfilmentRow, requirePharmacyStaff } from './fulfilment-store.js';
import { prescriptionSignatureValid } from './prescriptions.api.js';
import { prescriptionErrors } from './prescriptions.errors.js';
import { fillLines, lockPrescription, markDispensed, requireFillable } from './rx-filling.js';

/** The outbox topic of a delivery fulfilment ready for the courier (dispensed, or to be shipped again). */
export const DISPENSED_TOPIC = 'prescriptions.dispensed';
export interface DispensedEvent {
  fulfilmentId: string;
}

const TRACE_CODE = /^[0-9]{20}$/;

/** What is wrong with the scanned codes, before anything is locked (RX_TRACE_CODE_INVALID). */
export function traceCodeProblems(body: DispenseBody): { invalid: string[]; repeated: string[] } {
  const all = body.items.flatMap((i) => i.traceCodes.map((c) => c.trim()));
  const invalid = all.filter((c) => !TRACE_CODE.test(c));
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const c of all) {
    if (seen.has(c)) repeated.add(c);
    seen.add(c);
  }
  return { invalid, repeated: [...repeated] };
}

export async function dispenseFulfilment(
  ctx: AppContext,
  auth: AuthContext,
  fulfilmentId: string,
  body: DispenseBody,
  actor: Actor,
): Promise<void> {
  const seen = await fulfilmentRow(ctx.db, fulfilmentId);
  requirePharmacyStaff(auth, seen.pharmacy_id);
  // RX-11, RX-2: the pharmacy checks the doctor's and the pharmacist's signatures before handing anything out.
  const verified = await prescriptionSignatureValid(ctx.db, seen.prescription_id);
  if (!verified.valid) throw prescriptionErrors.signatureInvalid(undefined, { problems: verified.problems });
  const scanned = traceCodeProblems(body);
  if (scanned.invalid.length > 0)
    throw prescriptionErrors.traceCodeInvalid(
      `追溯码须为 20 位数字：${scanned.invalid.slice(0, 5).join('、')}`,
      {
        traceCodes: scanned.invalid,
      },
    );
  if (scanned.repeated.length > 0)
    throw prescriptionErrors.traceCodeInvalid(
      `同一追溯码扫描了两次：${scanned.repeated.slice(0, 5).join('、')}`,
      {
        traceCodes: scanned.repeated,
      },
    );

  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    // Locks: the prescription, then the fulfilment, then (consumeReservation) the stock rows by drug id.
    const p = await lockPrescription(trx, seen.prescription_id);
    const f = await fulfilmentRow(trx, fulfilmentId, true);
    if (p.status === 'dispensed' || DISPENSED_STATES.includes(f.status))
      throw prescriptionErrors.alreadyDispensed();
    if (f.status === 'cancelled') throw prescriptionErrors.fulfilmentState('取药订单已取消。');
    requireFillable(p, now); // RX-6: never after it expires; RX-3: never before approval
    if (f.status !== 'paid') throw prescriptionErrors.notPaid();
    if (f.method === 'pickup' && body.pickupCode !== f.pickup_code)
      throw prescriptionErrors.pickupCodeWrong();

    // Exactly the prescribed packages of each drug, one trace code per box.
    const lines = await fillLines(trx, p.id);
    const counted = new Map<string, number>();
    for (const i of body.items) counted.set(i.drugId, (counted.get(i.drugId) ?? 0) + i.traceCodes.length);
    const wrong = [
      ...lines.filter((l) => counted.get(l.drugId) !== l.quantity).map((l) => l.drugId),
      ...[...counted.keys()].filter((id) => !lines.some((l) => l.drugId === id)),
    ];
    if (wrong.length > 0)
      throw prescriptionErrors.dispenseMismatch(
        lines
          .map(
            (l) =>
              `${l.card.genericName} 应发 ${l.quantity}${l.card.packageUnit}，扫描 ${counted.get(l.drugId) ?? 0} 个追溯码`,
          )
          .join('；'),
        {
          expected: lines.map((l) => ({ drugId: l.drugId, quantity: l.quantity })),
          drugIds: wrong,
        },
      );

    const codes = body.items.flatMap((i) => i.traceCodes.map((c) => c.trim()));
    const used = await trx
      .selectFrom('dispensed_box')
      .select('trace_code')
      .where('trace_code', 'in', codes)
      .execute();
    if (used.length > 0)
      throw prescriptionErrors.traceCodeUsed(
        `已发出过的追溯码：${used.map((u) => u.trace_code).join('、')}`,
        {
          traceCodes: used.map((u) => u.trace_code),
        },
      );

    const consumed = await consumeReservation(trx, {
      pharmacyId: f.pharmacy_id,
      fulfilmentId: f.id,
      boxes: body.items.map((i) => ({
        drugId: i.drugId,
        batchNo: i.batchNo.trim(),
        count: i.traceCodes.length,
      })),
      now,
      today: shanghaiDate(now),
    });
    if (!consumed.ok) {
      if (consumed.problem === 'not_reserved') throw prescriptionErrors.dispenseMismatch();
      const why = {
        unknown_batch: '本药房没有该批号',
        batch_short: '该批次剩余数量不足',
        batch_expired: '该批次已过效期',
      };
      throw prescriptionErrors.batchUnknown(
        `${consumed.drugId} 批号 ${consumed.batchNo}：${why[consumed.problem]}。`,
        {
          drugId: consumed.drugId,
          batchNo: consumed.batchNo,
          problem: consumed.problem,
        },
      );
    }
    // The primary key is the last word when two pharmacies scan the same box at once.
    await mapUniqueViolation(
      trx
        .insertInto('dispensed_box')
        .values(
          body.items.flatMap((i) =>
            i.traceCodes.map((c) => ({
              trace_code: c.trim(),
              fulfilment_id: f.id,
              drug_id: i.drugId,
              batch_no: i.batchNo.trim(),
              dispensed_at: now,
            })),
          ),
        )
        .execute(),
      prescriptionErrors.traceCodeUsed(),
    );
    await markDispensed(trx, p.id, now); // RX-11: cannot be used again
    const pickup = f.method === 'pickup';
    await trx
      .updateTable('fulfilment')
      .set({
        status: pickup ? 'picked_up' : 'dispensed',
        dispensed_at: now,
        dispensed_by: actor.accountId,
        ...(pickup ? { completed_at: now } : {}),
      })
      .where('id', '=', f.id)
      .execute();
    const details = {
      prescriptionId: p.id,
      fulfilmentId: f.id,
      pharmacyId: f.pharmacy_id,
      method: f.method,
      boxes: codes.length,
      batches: [...new Set(body.items.map((i) => `${i.drugId}:${i.batchNo.trim()}`))],
    };
    await cmd.audit({
      action: 'fulfilment.dispense',
      resourceType: 'fulfilment',
      resourceId: f.id,
      patientId: f.patient_id,
      details: { ...details, traceCodes: codes },
    });
    await recordVisitEvent(trx, p.visit_id, 'rx_dispensed', actor, details, now);
    if (pickup)
      await notify(cmd, {
        accountId: f.account_id,
        patientId: f.patient_id,
        kind: 'prescription',
        title: '已取药',
        body: '您的处方药品已在药房取走。请按医嘱用药。',
        refType: 'fulfilment',
        refId: f.id,
      });
    else {
      const event: DispensedEvent = { fulfilmentId: f.id };
      await cmd.emit(DISPENSED_TOPIC, event);
    }
  });
}
