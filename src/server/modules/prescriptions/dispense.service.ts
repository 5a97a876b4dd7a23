/**
 * Dispensing (调配发药, RX-11): the pharmacy verifies the prescription's signatures, then hands out each
 * box with its batch and its 20-digit drug trace code (追溯码). A prescription is dispensed at most once
 * (the second of two racing pharmacists gets RX_ALREADY_DISPENSED), never before payment, never after it
 * expires (RX-6), and a trace code leaves a pharmacy once across the platform (RX_TRACE_CODE_USED, backed
 * by dispensed_box's primary key). Pick-up ends at the counter against the pick-up code (5 wrong codes in
 * a row lock it for 15 minutes); delivery goes on to the courier through the outbox
 * (`prescriptions.dispensed`).
 */
import { shanghaiDate } from '../../../shared/identity.js';
import type { DispenseBody } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { notices } from '../notifications/notices.js';
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

  // A wrong pick-up code rolls the command back, its audit with it: it is recorded in a command of its own.
  let wrongCode = false;
  try {
    await dispenseCommand(ctx, fulfilmentId, seen.prescription_id, body, actor, () => {
      wrongCode = true;
    });
  } catch (err) {
    if (wrongCode) throw await recordWrongPickupCode(ctx, actor, fulfilmentId);
    throw err;
  }
}

/** After this many wrong pick-up codes in a row the code is locked (RX_PICKUP_LOCKED) … */
export const PICKUP_MAX_FAILURES = 5;
/** … for this long; then the right code works again (and another 5 tries are allowed). */
export const PICKUP_LOCK_MS = 15 * 60_000;

/**
 * Counts a wrong pick-up code against the fulfilment and audits it (`fulfilment.pickup_code_wrong`), in its
 * own command; the 5th in a row locks the code for 15 minutes, so the 1,000,000 codes cannot be tried at
 * the counter. Answers the refusal to throw: 422 RX_PICKUP_CODE_WRONG with the tries left.
 */
async function recordWrongPickupCode(ctx: AppContext, actor: Actor, fulfilmentId: string): Promise<Error> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const f = await fulfilmentRow(trx, fulfilmentId, true);
    const failures = f.pickup_failures + 1;
    const locked = failures >= PICKUP_MAX_FAILURES;
    const lockedUntil = locked ? new Date(now.getTime() + PICKUP_LOCK_MS) : null;
    await trx
      .updateTable('fulfilment')
      .set(locked ? { pickup_failures: 0, pickup_locked_until: lockedUntil } : { pickup_failures: failures })
      .where('id', '=', f.id)
      .execute();
    await cmd.audit({
      action: 'fulfilment.pickup_code_wrong',
      resourceType: 'fulfilment',
      resourceId: f.id,
      patientId: f.patient_id,
      outcome: 'failure',
      details: { failures, ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}) },
    });
    return prescriptionErrors.pickupCodeWrong(
      locked
        ? '取药码连续错误 5 次，已锁定 15 分钟。'
        : `取药码与订单不符，还可再试 ${PICKUP_MAX_FAILURES - failures} 次。`,
      {
        attemptsLeft: locked ? 0 : PICKUP_MAX_FAILURES - failures,
        ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}),
      },
    );
  });
}

async function dispenseCommand(
  ctx: AppContext,
  fulfilmentId: string,
  prescriptionId: string,
  body: DispenseBody,
  actor: Actor,
  onWrongCode: () => void,
): Promise<void> {
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    // Locks: the prescription, then the fulfilment, then (consumeReservation) the stock rows by drug id.
    const p = await lockPrescription(trx, prescriptionId);
    const f = await fulfilmentRow(trx, fulfilmentId, true);
    if (p.status === 'dispensed' || DISPENSED_STATES.includes(f.status))
      throw prescriptionErrors.alreadyDispensed();
    if (f.status === 'cancelled') throw prescriptionErrors.fulfilmentState('取药订单已取消。');
    requireFillable(p, now); // RX-6: never after it expires; RX-3: never before approval
    if (f.status !== 'paid') throw prescriptionErrors.notPaid();
    if (f.method === 'pickup') {
      // Locked after 5 wrong codes: refused even with the right one until the lock ends.
      if (f.pickup_locked_until && f.pickup_locked_until > now)
        throw prescriptionErrors.pickupLocked(undefined, {
          lockedUntil: f.pickup_locked_until.toISOString(),
        });
      if (!body.pickupCode) throw prescriptionErrors.pickupCodeWrong('请输入患者出示的取药码。');
      if (body.pickupCode !== f.pickup_code) {
        onWrongCode(); // counted and audited in its own command once this one has rolled back
        throw prescriptionErrors.pickupCodeWrong();
      }
    }

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
      await notify(
        cmd,
        notices.rxPickedUpAtPharmacy({ accountId: f.account_id, patientId: f.patient_id, refId: f.id }, {}),
      );
    else {
      const event: DispensedEvent = { fulfilmentId: f.id };
      await cmd.emit(DISPENSED_TOPIC, event);
    }
  });
}
