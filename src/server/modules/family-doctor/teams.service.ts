/**
 * Family-doctor teams ([12/12], seed 002 (五), FD-1): the list residents choose from and staff work in, and
 * the institution's administration of its teams — a general practitioner of the institution as lead, its
 * doctors, nurses and public-health staff, optionally a specialist of an alliance hospital, and how many
 * residents the team takes (a full team refuses new contracts: TEAM_FULL).
 */
import { sql } from 'kysely';
import type {
  TeamBody,
  TeamCandidate,
  TeamMemberView,
  TeamRole,
  TeamView,
} from '../../../shared/family-doctor.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { newId } from '../../platform/ids.js';
import {
  activePractitionersAt,
  allianceMembers,
  institutionFacts,
  practitionerProfiles,
  practitionerSites,
  requireOwnInstitution,
} from '../directory/directory.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { fdStaff } from './team-access.js';

/** Statuses that hold a place in a team: being signed or paid, in force, or signed and waiting to start. */
export const PLACE_STATUSES = ['pending_signature', 'pending_payment', 'active', 'scheduled'] as const;

export interface TeamRow {
  id: string;
  institution_id: string;
  name: string;
  lead_practitioner_id: string;
  intro: string;
  capacity: number;
  status: 'active' | 'closed';
}

const TEAM_COLUMNS = [
  'id',
  'institution_id',
  'name',
  'lead_practitioner_id',
  'intro',
  'capacity',
  'status',
] as const;

export async function teamRow(db: Executor, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('family_team').select(TEAM_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** An active team, or 404 TEAM_NOT_FOUND. */
export async function activeTeam(db: Executor, id: string): Promise<TeamRow> {
  const team = await teamRow(db, id);
  if (team?.status !== 'active') throw familyDoctorErrors.teamNotFound();
  return team;
}

/**
 * The residents holding a place in a team (distinct), those in `excluding` left out: a renewal with the
 * same team does not take a second place.
 */
export async function occupiedPlaces(
  db: Executor,
  teamId: string,
  excluding: readonly string[] = [],
): Promise<number> {
  let q = db
    .selectFrom('family_contract')
    .select(sql<string>`count(distinct patient_id)`.as('n'))
    .where('team_id', '=', teamId)
    .where('status', 'in', PLACE_STATUSES);
  if (excluding.length > 0) q = q.where('patient_id', 'not in', [...excluding]);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Teams as shown: lead and members with titles and institutions, residents in force, whether full. */
export async function teamViews(db: Executor, teams: readonly TeamRow[]): Promise<TeamView[]> {
  if (teams.length === 0) return [];
  const ids = teams.map((t) => t.id);
  const [members, counts, institutions] = await Promise.all([
    db
      .selectFrom('family_team_member')
      .select(['team_id', 'practitioner_id', 'role'])
      .where('team_id', 'in', ids)
      .execute(),
    db
      .selectFrom('family_contract')
      .select([
        'team_id',
        sql<string>`count(distinct patient_id) filter (where status = 'active')`.as('signed'),
        sql<string>`count(distinct patient_id)`.as('occupied'),
      ])
      .where('team_id', 'in', ids)
      .where('status', 'in', PLACE_STATUSES)
      .groupBy('team_id')
      .execute(),
    institutionFacts(
      db,
      teams.map((t) => t.institution_id),
    ),
  ]);
  const profiles = await practitionerProfiles(db, [
    ...teams.map((t) => t.lead_practitioner_id),
    ...members.map((m) => m.practitioner_id),
  ]);
  const memberView = (practitionerId: string, role: TeamRole): TeamMemberView => {
    const p = profiles.get(practitionerId);
    return {
      practitionerId,
      name: p?.name ?? '',
      role,
      kind: p?.kind ?? '',
      professionalTitle: p?.professionalTitle ?? '',
      institutionName: p?.institutionName ?? '',
    };
  };
  const order: Record<TeamRole, number> = { lead: 0, doctor: 1, specialist: 2, nurse: 3, public_health: 4 };
  return teams.map((t) => {
    const count = counts.find((c) => c.team_id === t.id);
    const occupied = Number(count?.occupied ?? 0);
    return {
      id: t.id,
      name: t.name,
      institutionId: t.institution_id,
      institutionName: institutions.get(t.institution_id)?.name ?? '',
      intro: t.intro,
      lead: memberView(t.lead_practitioner_id, 'lead'),
      members: members
        .filter((m) => m.team_id === t.id && m.practitioner_id !== t.lead_practitioner_id)
        .sort((a, b) => order[a.role] - order[b.role])
        .map((m) => memberView(m.practitioner_id, m.role)),
      capacity: t.capacity,
      signedCount: Number(count?.signed ?? 0),
      full: occupied >= t.capacity,
    };
  });
}

/** The institutions a staff caller works for: a doctor's or nurse's sites, else the account's institution. */
async function callerInstitutions(db: Executor, auth: AuthContext): Promise<string[]> {
  if (auth.practitionerId && (auth.roles.includes('doctor') || auth.roles.includes('nurse')))
    return (await fdStaff(db, auth)).institutionIds;
  return auth.institutionId ? [auth.institutionId] : [];
}

/**
 * GET /family-doctor/teams: the active teams of an institution; without one, a resident sees every team of
 * the district and staff (or `mine`) the teams of their own institution(s).
 */
export async function listTeams(
  ctx: AppContext,
  auth: AuthContext,
  query: { institutionId?: string; mine?: boolean },
): Promise<{ items: TeamView[] }> {
  let q = ctx.db.selectFrom('family_team').select(TEAM_COLUMNS).where('status', '=', 'active');
  if (query.institutionId) q = q.where('institution_id', '=', query.institutionId);
  else if (query.mine || auth.isStaff) {
    const own = await callerInstitutions(ctx.db, auth);
    if (own.length === 0) return { items: [] };
    q = q.where('institution_id', 'in', own);
  }
  const rows = await q.orderBy('institution_id').orderBy('name').execute();
  return { items: await teamViews(ctx.db, rows) };
}

/** The institutions a specialist of an institution's team may come from: it and its medical alliance. */
async function allianceOf(db: Executor, institutionId: string): Promise<string[]> {
  const inst = (await institutionFacts(db, [institutionId])).get(institutionId);
  const head = inst?.allianceOf ?? institutionId;
  const members = await allianceMembers(db, head);
  return [...new Set([institutionId, ...members.map((m) => m.id)])];
}

/**
 * GET /family-doctor/teams/candidates (org_admin): the institution's active doctors and nurses, and the
 * doctors of its alliance's other institutions (as specialists).
 */
export async function teamCandidates(
  ctx: AppContext,
  auth: AuthContext,
): Promise<{ items: TeamCandidate[] }> {
  const institutionId = requireOwnInstitution(auth);
  const alliance = (await allianceOf(ctx.db, institutionId)).filter((id) => id !== institutionId);
  const [own, specialists] = await Promise.all([
    activePractitionersAt(ctx.db, [institutionId], ['doctor', 'nurse']),
    activePractitionersAt(ctx.db, alliance, ['doctor']),
  ]);
  const seen = new Set<string>();
  const items: TeamCandidate[] = [];
  for (const p of [...own, ...specialists]) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    items.push({
      practitionerId: p.id,
      name: p.name,
      kind: p.kind,
      professionalTitle: p.professionalTitle,
      institutionId: p.institutionId,
      institutionName: p.institutionName,
      departmentName: p.departmentName,
    });
  }
  return { items };
}

const KINDS_FOR: Record<TeamRole, readonly string[]> = {
  lead: ['doctor'],
  doctor: ['doctor'],
  specialist: ['doctor'],
  nurse: ['nurse'],
  public_health: ['doctor', 'nurse'],
};

/**
 * The team's people checked against the directory: the lead an active doctor practising at the
 * institution; each member active, of the kind their role needs, at the institution — a specialist may
 * practise at an alliance institution instead. 422 TEAM_MEMBER_INVALID with the first problem.
 */
async function checkMembers(db: Executor, institutionId: string, body: TeamBody): Promise<void> {
  const ids = body.members.map((m) => m.practitionerId);
  if (new Set(ids).size !== ids.length) throw familyDoctorErrors.teamMemberInvalid('同一人员只能加入一次。');
  if (ids.includes(body.leadPractitionerId))
    throw familyDoctorErrors.teamMemberInvalid('团队长不必在成员中重复列出。');
  if (body.members.some((m) => m.role === 'lead'))
    throw familyDoctorErrors.teamMemberInvalid('每个团队只有一位团队长（leadPractitionerId）。');
  let alliance: string[] | undefined;
  const people: { id: string; role: TeamRole }[] = [
    { id: body.leadPractitionerId, role: 'lead' },
    ...body.members.map((m) => ({ id: m.practitionerId, role: m.role })),
  ];
  const profiles = await practitionerProfiles(
    db,
    people.map((p) => p.id),
  );
  for (const person of people) {
    const sites = await practitionerSites(db, person.id);
    const name = profiles.get(person.id)?.name ?? '该人员';
    if (sites?.status !== 'active') throw familyDoctorErrors.teamMemberInvalid(`${name}不是在岗的医务人员。`);
    if (!KINDS_FOR[person.role].includes(sites.kind))
      throw familyDoctorErrors.teamMemberInvalid(
        person.role === 'nurse' ? `${name}不是护士。` : `${name}不是医生，不能担任该角色。`,
      );
    if (sites.institutionIds.includes(institutionId)) continue;
    if (person.role === 'specialist') {
      alliance ??= await allianceOf(db, institutionId);
      if (sites.institutionIds.some((i) => alliance!.includes(i))) continue;
      throw familyDoctorErrors.teamMemberInvalid(`${name}不在本机构或本医联体的医院执业。`);
    }
    throw familyDoctorErrors.teamMemberInvalid(`${name}不在本机构执业。`);
  }
}

/**
 * POST /family-doctor/teams and PUT /family-doctor/teams/{id} (org_admin of the institution): the team and
 * its members as given (the members are replaced). A signed contract stays with the team.
 */
export async function saveTeam(
  ctx: AppContext,
  auth: AuthContext,
  body: TeamBody,
  actor: Actor,
  id?: string,
): Promise<TeamView> {
  const institutionId = requireOwnInstitution(auth);
  if (id) {
    const existing = await teamRow(ctx.db, id);
    if (!existing || existing.institution_id !== institutionId) throw familyDoctorErrors.teamNotFound();
  }
  await checkMembers(ctx.db, institutionId, body);
  const teamId = await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const values = {
      name: body.name.trim(),
      lead_practitioner_id: body.leadPractitionerId,
      intro: body.intro.trim(),
      capacity: body.capacity,
    };
    const taken = (c: string | undefined) =>
      c === 'family_team_institution_id_name_key' || c === undefined
        ? familyDoctorErrors.teamNameTaken()
        : undefined;
    const teamId = id ?? newId();
    if (id) {
      await mapUniqueViolation(
        trx.updateTable('family_team').set(values).where('id', '=', id).execute(),
        taken,
      );
      await trx.deleteFrom('family_team_member').where('team_id', '=', id).execute();
    } else {
      await mapUniqueViolation(
        trx
          .insertInto('family_team')
          .values({ id: teamId, institution_id: institutionId, ...values, created_at: now })
          .execute(),
        taken,
      );
    }
    await trx
      .insertInto('family_team_member')
      .values([
        { team_id: teamId, practitioner_id: body.leadPractitionerId, role: 'lead' as const },
        ...body.members.map((m) => ({ team_id: teamId, practitioner_id: m.practitionerId, role: m.role })),
      ])
      .execute();
    await audit({
      action: id ? 'family_doctor.team_update' : 'family_doctor.team_create',
      resourceType: 'family_team',
      resourceId: teamId,
      details: {
        institutionId,
        capacity: body.capacity,
        leadPractitionerId: body.leadPractitionerId,
        members: body.members.length,
      },
    });
    return teamId;
  });
  const row = await teamRow(ctx.db, teamId);
  const [view] = await teamViews(ctx.db, [row!]);
  return view!;
}
