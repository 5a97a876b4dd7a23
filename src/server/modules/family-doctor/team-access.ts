/**
 * Who may act in the family-doctor module, written once ([12/12]): the caller as a team member (a doctor or
 * nurse of a team, at an institution), the team of a resident's contract in force, and the checks every
 * service starts with (style: the access check is the first line).
 */
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import { practitionerSites } from '../directory/directory.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';

/** A doctor or nurse as the family-doctor module sees them: where they practise and the teams they are in. */
export interface FdStaff {
  accountId: string;
  practitionerId: string;
  kind: string;
  institutionIds: string[];
  /** Team ids the practitioner is a member of (lead included). */
  teamIds: string[];
}

/** The caller as an active doctor or nurse, or 403 NOT_TEAM_MEMBER (pharmacists, suspended staff, …). */
export async function fdStaff(db: Executor, auth: AuthContext): Promise<FdStaff> {
  if (!auth.practitionerId) throw familyDoctorErrors.notTeamMember();
  const sites = await practitionerSites(db, auth.practitionerId);
  if (sites?.status !== 'active' || !['doctor', 'nurse'].includes(sites.kind))
    throw familyDoctorErrors.notTeamMember();
  const teams = await db
    .selectFrom('family_team_member')
    .innerJoin('family_team', 'family_team.id', 'family_team_member.team_id')
    .select('family_team.id')
    .where('family_team_member.practitioner_id', '=', auth.practitionerId)
    .where('family_team.status', '=', 'active')
    .execute();
  return {
    accountId: auth.accountId,
    practitionerId: auth.practitionerId,
    kind: sites.kind,
    institutionIds: sites.institutionIds,
    teamIds: teams.map((t) => t.id),
  };
}

/** 403 NOT_TEAM_MEMBER unless the caller is in the team. */
export function assertTeamMember(staff: FdStaff, teamId: string): void {
  if (!staff.teamIds.includes(teamId)) throw familyDoctorErrors.notTeamMember();
}

/** The resident's contract in force today (status active), or undefined. */
export async function activeContract(
  db: Executor,
  patientId: string,
): Promise<
  { id: string; team_id: string; institution_id: string; starts_on: string; ends_on: string } | undefined
> {
  return db
    .selectFrom('family_contract')
    .select(['id', 'team_id', 'institution_id', 'starts_on', 'ends_on'])
    .where('patient_id', '=', patientId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/**
 * The team of the resident's contract in force, when the caller is in it; else 403 NOT_TEAM_MEMBER — the
 * same answer when the resident has no contract at all, so staff cannot learn who is contracted (SEC-1).
 * NOT_CONTRACTED is for the resident's (or proxy's) own path only.
 */
export async function requireContractTeam(db: Executor, staff: FdStaff, patientId: string): Promise<string> {
  const contract = await activeContract(db, patientId);
  if (!contract) throw familyDoctorErrors.notTeamMember();
  assertTeamMember(staff, contract.team_id);
  return contract.team_id;
}

/**
 * Whether `teamId` holds the resident's contract in force and the caller is in it (SEC-1: a former team
 * no longer acts on the resident's follow-ups or alerts).
 */
export async function holdsContract(
  db: Executor,
  staff: FdStaff,
  patientId: string,
  teamId: string,
): Promise<boolean> {
  if (!staff.teamIds.includes(teamId)) return false;
  const contract = await activeContract(db, patientId);
  return contract?.team_id === teamId;
}
