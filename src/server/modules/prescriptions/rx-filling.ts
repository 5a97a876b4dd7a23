/**
 * What circulation needs of a prescription (RX-3, RX-6, RX-11): whether it may be filled now, its lines as
 * a pharmacy fills them (per drug, with the catalogue's label and insurance category), and its two ends
 * that circulation causes — dispensed (cannot be used again) and expired unfilled.
 */
import type { Executor } from '../../platform/db/database.js';
import { type DrugCard, drugCards } from './drug-cards.api.js';
import { type PrescriptionRow, prescriptionItems, prescriptionRow } from './prescription-store.js';
import { prescriptionErrors } from './prescriptions.errors.js';

export type { PrescriptionRow } from './prescription-store.js';

/** The prescription, locked for the caller's transaction (the first lock a circulation command takes). */
export const lockPrescription = (trx: Executor, id: string) => prescriptionRow(trx, id, true);
export const readPrescription = (db: Executor, id: string) => prescriptionRow(db, id);

/** Whether a prescription is past its validity (RX-6: the day of issue, at most 3 days). */
export const isPastValidity = (p: Pick<PrescriptionRow, 'valid_until'>, now: Date) =>
  p.valid_until !== null && p.valid_until.getTime() <= now.getTime();

/**
 * Refuses a prescription that cannot be filled now: not yet approved (RX-2, RX-3), already dispensed
 * (RX-11), or expired (RX-6) — expired also when its validity has passed and the expiry job has not yet
 * marked it.
 */
export function requireFillable(p: PrescriptionRow, now: Date): void {
  if (p.status === 'dispensed') throw prescriptionErrors.alreadyDispensed();
  if (p.status === 'expired' || (p.status === 'approved' && isPastValidity(p, now)))
    throw prescriptionErrors.expired(
      p.valid_until ? `处方有效期至 ${shanghaiTime(p.valid_until)}，已过期（RX-6）。` : undefined,
    );
  if (p.status !== 'approved') throw prescriptionErrors.notApproved();
}

const shanghaiTime = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** A drug as a pharmacy fills it: the prescribed packages of it, with its label. */
export interface FillLine {
  drugId: string;
  quantity: number;
  card: DrugCard;
}

/** The prescription's drugs with their prescribed quantities (packages), one line per drug. */
export async function fillLines(db: Executor, prescriptionId: string): Promise<FillLine[]> {
  const items = await prescriptionItems(db, prescriptionId);
  const quantities = new Map<string, number>();
  for (const i of items) quantities.set(i.drug_id, (quantities.get(i.drug_id) ?? 0) + i.quantity);
  const cards = await drugCards(db, [...quantities.keys()]);
  return [...quantities].map(([drugId, quantity]) => ({ drugId, quantity, card: cards.get(drugId)! }));
}

/** RX-11: the prescription is marked dispensed and cannot be used again. */
export async function markDispensed(trx: Executor, id: string, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('prescription')
    .set({ status: 'dispensed', dispensed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** RX-6: an approved prescription left unfilled past its validity ends as expired. */
export async function markExpired(trx: Executor, id: string, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('prescription')
    .set({ status: 'expired', expired_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Approved prescriptions past their validity, oldest first (the expiry job's work list). */
export async function approvedPastValidity(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('prescription')
    .select('id')
    .where('status', '=', 'approved')
    .where('valid_until', '<=', now)
    .orderBy('valid_until')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
