/**
 * Who may see and act on a home-service order ([12/12], FD-5, FD-9), written once: the resident and their
 * active proxies (ID-6), the doctors and nurses of the institution that serves it (where they practise,
 * second sites included), the institution's administrators, and — for the work at the door — the one
 * provider who accepted it. Everyone else gets 404 HOME_SERVICE_NOT_FOUND, so ids cannot be probed.
 */
import type { Selectable } from 'kysely';
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { HomeServiceTable } from '../../platform/db/schema.js';
import { practitionerSites } from '../directory/directory.api.js';
import { actsForPatient } from '../identity/identity.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';

export type HomeServiceRow = Selectable<HomeServiceTable>;

/** The order's row; locked for the caller's transaction with `lock`. 404 when there is none. */
export async function homeServiceRow(db: Executor, id: string, lock = false): Promise<HomeServiceRow> {
  let q = db.selectFrom('home_service').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw familyDoctorErrors.homeServiceNotFound();
  return row;
}

/** A doctor or nurse in active practice, with the institutions they practise at. */
export interface HomeStaff {
  accountId: string;
  practitionerId: string;
  kind: 'doctor' | 'nurse';
  institutionIds: string[];
}

/** The caller as an active doctor or nurse; undefined for anyone else (patients, admins, pharmacists). */
export async function homeStaffOf(db: Executor, auth: AuthContext): Promise<HomeStaff | undefined> {
  if (!auth.practitionerId) return undefined;
  if (!auth.roles.includes('doctor') && !auth.roles.includes('nurse')) return undefined;
  const sites = await practitionerSites(db, auth.practitionerId);
  if (sites?.status !== 'active' || (sites.kind !== 'doctor' && sites.kind !== 'nurse')) return undefined;
  return {
    accountId: auth.accountId,
    practitionerId: auth.practitionerId,
    kind: sites.kind,
    institutionIds: sites.institutionIds,
  };
}

/** How the caller stands to one order. */
export interface HomeServiceParty {
  /** The resident themself or an active proxy: sees the full address and the client code. */
  resident: boolean;
  /** A doctor or nurse of the serving institution (the provider included). */
  staff: HomeStaff | undefined;
  /** An administrator (org_admin) of the serving institution. */
  admin: boolean;
  /** The practitioner who accepted it. */
  provider: boolean;
}

/** The caller's standing to the order, or 404 HOME_SERVICE_NOT_FOUND when they have none. */
export async function requireParty(
  db: Executor,
  auth: AuthContext,
  row: HomeServiceRow,
): Promise<HomeServiceParty> {
  const resident =
    auth.roles.includes('patient') && (await actsForPatient(db, auth.accountId, row.patient_id));
  const staff = await homeStaffOf(db, auth);
  const atInstitution = staff?.institutionIds.includes(row.institution_id) ? staff : undefined;
  const admin = auth.roles.includes('org_admin') && auth.institutionId === row.institution_id;
  const provider = !!atInstitution && row.provider_practitioner_id === atInstitution.practitionerId;
  if (!resident && !atInstitution && !admin) throw familyDoctorErrors.homeServiceNotFound();
  return { resident, staff: atInstitution, admin, provider };
}

/** The order's institution's doctor or nurse: 404 for strangers, 403 NOT_SERVICE_PROVIDER for residents. */
export function requireInstitutionStaff(party: HomeServiceParty): HomeStaff {
  if (!party.staff) throw familyDoctorErrors.notProvider('只有服务机构的医生和护士可以接单和上门服务。');
  return party.staff;
}

/** The provider who accepted the order: 403 NOT_SERVICE_PROVIDER for any other member of staff. */
export function requireProvider(party: HomeServiceParty): HomeStaff {
  if (!party.staff || !party.provider) throw familyDoctorErrors.notProvider();
  return party.staff;
}
