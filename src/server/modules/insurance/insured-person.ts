/**
 * A patient's link to the insurance platform as the rest of the module reads it ([7/12], ID-3): who the
 * caller acts for, the live link, the masked person number, and the figures "我的医保" shows.
 */
import type { Scheme } from '../../../shared/insurance.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import { identityErrors, ownPatientId, requirePatientAccess } from '../identity/identity.api.js';

/** The platform's person number as shown: the first 4 and the last 2 characters (DJ-10). */
export function maskPsnNo(psnNo: string): string {
  if (psnNo.length <= 6) return '*'.repeat(psnNo.length);
  return `${psnNo.slice(0, 4)}${'*'.repeat(psnNo.length - 6)}${psnNo.slice(-2)}`;
}

/**
 * The patient the caller acts for here (ID-6): a dependent named by `patientId` (an active proxy; 403
 * NOT_YOUR_PATIENT otherwise, the same for an unknown id), or the caller's own record (403
 * REAL_NAME_REQUIRED before real-name verification).
 */
export async function actingPatient(db: Executor, auth: AuthContext, patientId?: string): Promise<string> {
  if (patientId) {
    await requirePatientAccess(db, auth, patientId);
    return patientId;
  }
  const own = await ownPatientId(db, auth.accountId);
  if (!own) throw identityErrors.realNameRequired();
  return own;
}

/** A person's balance and year-to-date figures as the platform reported them (integer fen). */
export interface InsuredFigures {
  ytdYear: number;
  balanceFen: number;
  ytdTotalFen: number;
  ytdDeductibleFen: number;
  ytdFundFen: number;
}

/**
 * For the checkout (helper C): the figures after a settlement (its basis plus what it moved), so "我的医保"
 * shows them. Call it for the patient, and for a 家庭共济 payer whose balance paid. Only ever moves forward
 * in time: an older report does not replace a newer one.
 */
export async function recordInsuredFigures(
  db: Executor,
  patientId: string,
  figures: InsuredFigures,
  at: Date,
): Promise<void> {
  await db
    .updateTable('insured_person')
    .set({ figures: JSON.stringify(figures), figures_at: at })
    .where('patient_id', '=', patientId)
    .where((eb) => eb.or([eb('figures_at', 'is', null), eb('figures_at', '<=', at)]))
    .execute();
}

/** A patient's live link (null when never linked or unlinked), for the checkout and 家庭共济. */
export async function linkedPerson(
  db: Executor,
  patientId: string,
): Promise<{ psnNo: string; scheme: Scheme; insuringRegion: string; insuringRegionName: string } | null> {
  const r = await db
    .selectFrom('insured_person')
    .select(['psn_no', 'scheme', 'insuring_region', 'insuring_region_name'])
    .where('patient_id', '=', patientId)
    .where('unlinked_at', 'is', null)
    .executeTakeFirst();
  return r
    ? {
        psnNo: r.psn_no,
        scheme: r.scheme,
        insuringRegion: r.insuring_region,
        insuringRegionName: r.insuring_region_name,
      }
    : null;
}
