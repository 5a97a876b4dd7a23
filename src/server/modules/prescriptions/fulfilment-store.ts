/**
 * Fulfilments (where an approved prescription is filled, RX-13) as circulation reads and locks them, and
 * who may act on one: the patient (or their proxy), or the staff of the pharmacy that fills it.
 *
 * Lock order of every circulation command (no two of them deadlock): the payment order first (as
 * docs/payments.md has it, when the command may change the order), then the prescription, then the
 * fulfilment, then its delivery, then the pharmacy's stock rows sorted by drug id.
 */
import type { Selectable } from 'kysely';
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { FulfilmentTable } from '../../platform/db/schema.js';
import { errors } from '../../platform/errors.js';
import { requirePatientAccess } from '../identity/identity.api.js';
import type { AddressSnapshot } from './addresses.service.js';
import { prescriptionErrors } from './prescriptions.errors.js';

export type FulfilmentRow = Selectable<FulfilmentTable>;

/** Fulfilment states once the drugs have left the shelf (RX-11: the prescription is used). */
export const DISPENSED_STATES = ['dispensed', 'shipping', 'delivered', 'received', 'picked_up', 'returned'];

export async function fulfilmentRow(db: Executor, id: string, lock = false): Promise<FulfilmentRow> {
  let q = db.selectFrom('fulfilment').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw errors.notFound('取药订单');
  return row;
}

/** The live (not cancelled) fulfilment of a prescription, if any. */
export async function liveFulfilment(
  db: Executor,
  prescriptionId: string,
): Promise<FulfilmentRow | undefined> {
  return db
    .selectFrom('fulfilment')
    .selectAll()
    .where('prescription_id', '=', prescriptionId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
}

export const addressOfFulfilment = (f: Pick<FulfilmentRow, 'address'>) =>
  f.address as unknown as AddressSnapshot | null;

const PHARMACY_ROLES = ['pharmacy_staff', 'pharmacist', 'org_admin'] as const;

/** Whether the caller works at this pharmacy (its pharmacy staff, pharmacists or administrator). */
export const worksAt = (auth: AuthContext, pharmacyId: string) =>
  auth.institutionId === pharmacyId &&
  auth.roles.some((r) => (PHARMACY_ROLES as readonly string[]).includes(r));

/** The pharmacy's own staff only (RX_NOT_YOUR_PHARMACY otherwise). */
export function requirePharmacyStaff(auth: AuthContext, pharmacyId: string): void {
  if (!worksAt(auth, pharmacyId)) throw prescriptionErrors.notYourPharmacy();
}

/**
 * Who is asking about a fulfilment: its pharmacy's staff, or the patient's side (the patient or an
 * active proxy, ID-6). Anyone else is refused as not theirs.
 */
export async function fulfilmentSide(
  db: Executor,
  auth: AuthContext,
  f: Pick<FulfilmentRow, 'pharmacy_id' | 'patient_id'>,
): Promise<'pharmacy' | 'patient'> {
  if (worksAt(auth, f.pharmacy_id)) return 'pharmacy';
  if (auth.roles.includes('patient')) {
    await requirePatientAccess(db, auth, f.patient_id);
    return 'patient';
  }
  throw prescriptionErrors.notYourPharmacy();
}
