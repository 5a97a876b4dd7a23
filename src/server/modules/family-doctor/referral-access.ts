/**
 * Who may act on a referral (FD-4), written once: the caller as a doctor, nurse or institution
 * administrator with the institutions they act for, the referral row, and the side of it they are on.
 * A caller on neither side gets 404 (a stranger cannot tell a referral exists).
 */
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import { practitionerSites } from '../directory/directory.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { type ReferralAction, type Side, sidesFor } from './referral.rules.js';
import type { ReferralRow } from './referral.views.js';

export interface ReferralStaff {
  accountId: string;
  /** null for an institution administrator: they accept for the institution, not as a practitioner. */
  practitionerId: string | null;
  kind: 'doctor' | 'nurse' | 'org_admin';
  institutionIds: string[];
}

/**
 * The caller as referral staff: an active doctor or nurse (their institution and second sites), else an
 * org_admin (their institution); null for anyone else (patients, pharmacists, suspended staff).
 */
export async function referralStaff(db: Executor, auth: AuthContext): Promise<ReferralStaff | null> {
  if (auth.practitionerId && (auth.roles.includes('doctor') || auth.roles.includes('nurse'))) {
    const sites = await practitionerSites(db, auth.practitionerId);
    if (sites?.status === 'active' && (sites.kind === 'doctor' || sites.kind === 'nurse'))
      return {
        accountId: auth.accountId,
        practitionerId: auth.practitionerId,
        kind: sites.kind,
        institutionIds: sites.institutionIds,
      };
  }
  if (auth.roles.includes('org_admin') && auth.institutionId)
    return {
      accountId: auth.accountId,
      practitionerId: null,
      kind: 'org_admin',
      institutionIds: [auth.institutionId],
    };
  return null;
}

/** The referral, or 404 REFERRAL_NOT_FOUND (`forUpdate`: locked for the rest of the transaction). */
export async function referralRow(db: Executor, id: string, forUpdate = false): Promise<ReferralRow> {
  let q = db.selectFrom('referral').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw familyDoctorErrors.referralNotFound();
  return row;
}

/** The sides of the referral the caller's institutions are on (both when one institution refers to itself). */
export function sidesOf(staff: ReferralStaff, row: ReferralRow): Side[] {
  const sides: Side[] = [];
  if (staff.institutionIds.includes(row.from_institution_id)) sides.push('sending');
  if (staff.institutionIds.includes(row.to_institution_id)) sides.push('receiving');
  return sides;
}

/**
 * The caller may take `action` on the referral (FD-4): 404 REFERRAL_NOT_FOUND on neither side, 403
 * REFERRAL_ACTION_FORBIDDEN on the wrong side. Answers the side they act as.
 */
export function assertSide(staff: ReferralStaff, row: ReferralRow, action: ReferralAction): Side {
  const sides = sidesOf(staff, row);
  if (sides.length === 0) throw familyDoctorErrors.referralNotFound();
  const side = sidesFor(action).find((s) => sides.includes(s));
  if (!side) throw familyDoctorErrors.referralActionForbidden();
  return side;
}
