/**
 * Contracts' rows and views ([12/12], FD-1): reading and locking a contract and its group (a family signed
 * together), the per-resident lock that serialises FD-1's "one team at a time" check, the unique indexes'
 * answer (409 CONTRACT_ALREADY_ACTIVE), who may see a contract (the resident, their proxies, the team's
 * members — anyone else 404), and the view the API answers.
 */
import { type Selectable, sql } from 'kysely';
import type { Condition, ContractView } from '../../../shared/family-doctor.js';
import { ageOn, shanghaiDate } from '../../../shared/identity.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { FamilyContractTable } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique.js';
import { institutionFacts, practitionerProfiles } from '../directory/directory.api.js';
import { actsForPatient, patientNames, patientProfiles } from '../identity/identity.api.js';
import { renewalOpen } from './contract.rules.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { dailySequence } from './sequence.js';
import { type FdStaff, fdStaff } from './team-access.js';

export type ContractRow = Selectable<FamilyContractTable>;

/** FD-1: the statuses of a resident's current contract and of the next one (family_contract_current/next). */
export const PENDING = ['pending_signature', 'pending_payment'] as const;

export async function contractRow(db: Executor, id: string, lock = false): Promise<ContractRow | undefined> {
  let q = db.selectFrom('family_contract').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The contracts made together (one signer, one order), by id; `lock` takes them for the transaction. */
export async function groupRows(db: Executor, groupId: string, lock = false): Promise<ContractRow[]> {
  let q = db.selectFrom('family_contract').selectAll().where('group_id', '=', groupId).orderBy('id');
  if (lock) q = q.forUpdate();
  return q.execute();
}

/**
 * FD-1: serialises everything that makes or moves a resident's contracts — two proxies signing the same
 * resident at once queue here, and the second then sees the first's contract. Transaction-scoped; several
 * residents are locked in id order so two family signings never deadlock.
 */
export async function lockResidents(trx: Executor, patientIds: readonly string[]): Promise<void> {
  for (const id of [...new Set(patientIds)].sort())
    await sql`select pg_advisory_xact_lock(hashtextextended(${`family-doctor.contract:${id}`}, 0))`.execute(
      trx,
    );
}

/** A team's places are counted under its own lock (two residents taking the last place at once). */
export async function lockTeam(trx: Executor, teamId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`family-doctor.team:${teamId}`}, 0))`.execute(
    trx,
  );
}

/**
 * The database's last word on FD-1 (migration 0038): a second current or next contract of a resident
 * violates family_contract_current or family_contract_next — answered 409 CONTRACT_ALREADY_ACTIVE.
 */
export async function withOneTeamBackstop<T>(write: PromiseLike<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    const constraint = (err as { constraint?: string }).constraint;
    if (
      isUniqueViolation(err) &&
      (constraint === 'family_contract_current' || constraint === 'family_contract_next')
    )
      throw familyDoctorErrors.contractAlreadyActive();
    throw err;
  }
}

/** The next contract number of the day (FD202612070001), from the module's daily sequence. */
export const nextContractNo = (trx: Executor, now: Date): Promise<string> => dailySequence(trx, 'FD', now);

/** Who reads a contract: the resident or a proxy of theirs, or a member of the contract's team. */
export type ContractReader =
  | { kind: 'resident'; accountId: string }
  | { kind: 'staff'; staff: FdStaff; lead: boolean };

/**
 * A contract the caller may see — the resident themself, an active proxy (ID-6), or a member of its team
 * (a lead knows they are one) — else 404 CONTRACT_NOT_FOUND, the same for an unknown id (no probing).
 */
export async function readableContract(
  db: Executor,
  auth: AuthContext,
  id: string,
  lock = false,
): Promise<{ row: ContractRow; reader: ContractReader }> {
  const row = await contractRow(db, id, lock);
  if (!row) throw familyDoctorErrors.contractNotFound();
  if (auth.roles.includes('patient') && (await actsForPatient(db, auth.accountId, row.patient_id)))
    return { row, reader: { kind: 'resident', accountId: auth.accountId } };
  if (auth.practitionerId && (auth.roles.includes('doctor') || auth.roles.includes('nurse'))) {
    const staff = await fdStaff(db, auth).catch(() => null);
    if (staff?.teamIds.includes(row.team_id)) {
      const team = await db
        .selectFrom('family_team')
        .select('lead_practitioner_id')
        .where('id', '=', row.team_id)
        .executeTakeFirst();
      return {
        row,
        reader: { kind: 'staff', staff, lead: team?.lead_practitioner_id === staff.practitionerId },
      };
    }
  }
  throw familyDoctorErrors.contractNotFound();
}

/** Patients with a next contract (a renewal being signed or paid, or scheduled). */
async function patientsWithNext(db: Executor, patientIds: readonly string[]): Promise<Set<string>> {
  if (patientIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('family_contract')
    .select('patient_id')
    .where('patient_id', 'in', [...new Set(patientIds)])
    .where((eb) =>
      eb.or([
        eb('status', '=', 'scheduled'),
        eb.and([eb('status', 'in', PENDING), eb('previous_contract_id', 'is not', null)]),
      ]),
    )
    .execute();
  return new Set(rows.map((r) => r.patient_id));
}

/**
 * The live plans of residents with their next open follow-up (the staff list, FD-7/FD-8), by resident and
 * the team that runs them (contractViews shows them only on the contract in force of that team).
 */
async function plansOf(db: Executor, patientIds: readonly string[]) {
  if (patientIds.length === 0) return new Map<string, NonNullable<ContractView['plans']>>();
  const [plans, due] = await Promise.all([
    db
      .selectFrom('followup_plan')
      .select(['id', 'patient_id', 'team_id', 'condition', 'last_classification'])
      .where('patient_id', 'in', [...new Set(patientIds)])
      .where('status', '=', 'active')
      .execute(),
    db
      .selectFrom('followup')
      .select(['plan_id', sql<string>`min(due_on)::text`.as('due_on')])
      .where('patient_id', 'in', [...new Set(patientIds)])
      .where('status', '=', 'due')
      .where('plan_id', 'is not', null)
      .groupBy('plan_id')
      .execute(),
  ]);
  const out = new Map<string, NonNullable<ContractView['plans']>>();
  for (const p of plans) {
    const key = `${p.patient_id}:${p.team_id}`;
    const list = out.get(key) ?? [];
    list.push({
      condition: p.condition as Condition,
      lastClassification: p.last_classification,
      nextDueOn: due.find((d) => d.plan_id === p.id)?.due_on ?? null,
    });
    out.set(key, list);
  }
  return out;
}

/**
 * Contracts as the API shows them (one query per kind of fact for the page). `staff`: with the resident's
 * sex, age and live follow-up plans (the workstation's list) — the plans only on a contract in force, run
 * by its team: a former team's old contract does not show the resident's current control (SEC-1).
 */
export async function contractViews(
  db: Executor,
  rows: readonly ContractRow[],
  now: Date,
  opts: { staff?: boolean; renewalWindowDays: number },
): Promise<ContractView[]> {
  if (rows.length === 0) return [];
  const patientIds = rows.map((r) => r.patient_id);
  const teamIds = [...new Set(rows.map((r) => r.team_id))];
  const [names, teams, packages, withNext, profiles, plans] = await Promise.all([
    patientNames(db, patientIds),
    db
      .selectFrom('family_team')
      .select(['id', 'name', 'institution_id', 'lead_practitioner_id'])
      .where('id', 'in', teamIds)
      .execute(),
    db
      .selectFrom('family_contract_package as cp')
      .innerJoin('service_package as p', 'p.id', 'cp.package_id')
      .select([
        'cp.contract_id',
        'cp.package_id',
        'p.code',
        'p.name',
        'p.group_code',
        'cp.fee_fen',
        'cp.insurance_fen',
        'cp.public_health_fen',
        'cp.resident_fen',
      ])
      .where(
        'cp.contract_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute(),
    patientsWithNext(db, patientIds),
    opts.staff ? patientProfiles(db, patientIds) : Promise.resolve(null),
    opts.staff ? plansOf(db, patientIds) : Promise.resolve(null),
  ]);
  const [institutions, leads] = await Promise.all([
    institutionFacts(
      db,
      teams.map((t) => t.institution_id),
    ),
    practitionerProfiles(
      db,
      teams.map((t) => t.lead_practitioner_id),
    ),
  ]);
  const groupOrder = ['basic', 'elderly', 'children', 'pregnancy', 'disability', 'hypertension', 'diabetes'];
  const today = shanghaiDate(now);
  return rows.map((r) => {
    const team = teams.find((t) => t.id === r.team_id);
    const profile = profiles?.get(r.patient_id);
    return {
      id: r.id,
      contractNo: r.contract_no,
      status: r.status,
      patientId: r.patient_id,
      patientName: names.get(r.patient_id) ?? '',
      team: {
        id: r.team_id,
        name: team?.name ?? '',
        institutionId: r.institution_id,
        institutionName: institutions.get(r.institution_id)?.name ?? '',
      },
      leadName: (team && leads.get(team.lead_practitioner_id)?.name) ?? '',
      years: r.years,
      startsOn: String(r.starts_on),
      endsOn: String(r.ends_on),
      packages: packages
        .filter((p) => p.contract_id === r.id)
        .sort(
          (a, b) =>
            (groupOrder.indexOf(a.group_code) + 1 || 50) - (groupOrder.indexOf(b.group_code) + 1 || 50) ||
            a.code.localeCompare(b.code),
        )
        .map((p) => ({
          packageId: p.package_id,
          code: p.code,
          name: p.name,
          group: p.group_code,
          feeFen: p.fee_fen,
          insuranceFen: p.insurance_fen,
          publicHealthFen: p.public_health_fen,
          residentFen: p.resident_fen,
        })),
      feeFen: r.fee_fen,
      insuranceFen: r.insurance_fen,
      publicHealthFen: r.public_health_fen,
      residentFen: r.resident_fen,
      orderId: r.order_id,
      groupId: r.group_id,
      previousContractId: r.previous_contract_id,
      signedAt: r.signed_at?.toISOString() ?? null,
      paidAt: r.paid_at?.toISOString() ?? null,
      terminatedAt: r.terminated_at?.toISOString() ?? null,
      terminateReason: r.terminate_reason,
      renewable:
        r.status === 'active' &&
        !withNext.has(r.patient_id) &&
        renewalOpen(String(r.ends_on), today, opts.renewalWindowDays),
      createdAt: r.created_at.toISOString(),
      ...(opts.staff
        ? {
            patientSex: (profile?.sex as 'male' | 'female' | null | undefined) ?? null,
            patientAge: profile?.birthDate ? ageOn(profile.birthDate, now) : null,
            plans: (r.status === 'active' && plans?.get(`${r.patient_id}:${r.team_id}`)) || [],
          }
        : {}),
    };
  });
}
