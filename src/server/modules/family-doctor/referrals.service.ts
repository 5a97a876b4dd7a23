/**
 * Two-way referral ([12/12], FD-4): a community doctor refers a resident up to a hospital of the alliance,
 * a hospital doctor refers a stabilised patient back down with a care plan; the lists (outgoing, incoming,
 * a resident's own), one referral's detail, and where the caller may refer to. The steps after sending
 * (accept, decline, book, complete, cancel) are in referral-steps.service.ts.
 */
import { sql } from 'kysely';
import type {
  CreateReferralBody,
  ReferralStatus,
  ReferralTargets,
  ReferralView,
} from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { cutPage, decodeCursor, olderThan } from '../../platform/paging.js';
import {
  allianceMembers,
  departmentFacts,
  type InstitutionFacts,
  institutionFacts,
} from '../directory/directory.api.js';
import {
  accountOfPractitioner,
  patientsOfAccount,
  requirePatientAccess,
  staffAccountsAt,
} from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { careRelationships, recordRead } from '../records/care-access.js';
import { departmentsWithReferralTokens } from '../scheduling/scheduling.api.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { allianceOf, isPrimaryCare, isReferralHospital, targetProblem } from './referral.rules.js';
import { type ReferralRow, referralViews } from './referral.views.js';
import { type ReferralStaff, referralRow, referralStaff, sidesOf } from './referral-access.js';
import { dailySequence } from './sequence.js';
import { activeContract } from './team-access.js';

/** Relationships a referring doctor must hold with the patient (SEC-1): care, not an authorisation or break-glass. */
const REFERRING_RELATIONSHIPS = ['visit', 'family_doctor', 'referral'];

/** The caller as a doctor who may refer (FD-4); 403 REFERRAL_ACTION_FORBIDDEN for anyone else. */
async function referringDoctor(
  db: Executor,
  auth: AuthContext,
): Promise<ReferralStaff & { practitionerId: string }> {
  const staff = await referralStaff(db, auth);
  if (staff?.kind !== 'doctor' || !staff.practitionerId) throw familyDoctorErrors.referralActionForbidden();
  return { ...staff, practitionerId: staff.practitionerId };
}

/**
 * The institution the doctor refers from (FD-4): the first of their sites from which the target is
 * allowed; 422 REFERRAL_TARGET_INVALID with the first site's reason when none is.
 */
function referringSite(
  direction: 'up' | 'down',
  sites: InstitutionFacts[],
  target: InstitutionFacts | undefined,
  contractInstitutionId: string | null,
): InstitutionFacts {
  const problems = sites.map((s) => targetProblem(direction, s, target, contractInstitutionId));
  const i = problems.indexOf(null);
  if (i >= 0) return sites[i]!;
  throw familyDoctorErrors.referralTargetInvalid(problems[0] ?? undefined);
}

/** POST /referrals (FD-4): a doctor refers a patient they care for, up to an alliance hospital or back down. */
export async function createReferral(
  ctx: AppContext,
  auth: AuthContext,
  body: CreateReferralBody,
  actor: Actor,
): Promise<ReferralView> {
  const doctor = await referringDoctor(ctx.db, auth);
  const now = ctx.clock.now();
  // SEC-1: only a doctor who cares for the patient refers them (the same answer for an unknown patient).
  const relations = await careRelationships(ctx, ctx.db, auth, body.patientId, now);
  if (!relations.some((r) => REFERRING_RELATIONSHIPS.includes(r.relationship)))
    throw familyDoctorErrors.referralNoCareRelationship();
  if (body.direction === 'down' && !body.carePlan) throw familyDoctorErrors.carePlanRequired();
  if (body.direction === 'up' && body.carePlan)
    throw errors.validationFailed('body.carePlan：上转不填康复随访方案（下转时由医院填写）。');
  const contract = await activeContract(ctx.db, body.patientId);
  const facts = await institutionFacts(ctx.db, [...doctor.institutionIds, body.toInstitutionId]);
  const sites = doctor.institutionIds.map((id) => facts.get(id)).filter((f): f is InstitutionFacts => !!f);
  const from = referringSite(
    body.direction,
    sites,
    facts.get(body.toInstitutionId),
    contract?.institution_id ?? null,
  );
  if (body.departmentId) {
    const dept = (await departmentFacts(ctx.db, [body.departmentId])).get(body.departmentId);
    if (dept?.institutionId !== body.toInstitutionId)
      throw familyDoctorErrors.referralTargetInvalid('所选科室不属于接收机构。');
  }
  const row = await runCommand(ctx, actor, async (cmd) => {
    const { trx, now: at } = cmd;
    const id = newId();
    const referralNo = await dailySequence(trx, 'ZZ', at);
    const inserted = await trx
      .insertInto('referral')
      .values({
        id,
        referral_no: referralNo,
        patient_id: body.patientId,
        direction: body.direction,
        from_institution_id: from.id,
        from_practitioner_id: doctor.practitionerId,
        to_institution_id: body.toInstitutionId,
        to_department_id: body.departmentId ?? null,
        // "Referred contracted residents get priority" (FD-4): the contract in force when referred.
        contract_id: contract?.id ?? null,
        summary: body.summary.trim(),
        care_plan: body.carePlan ? JSON.stringify(body.carePlan) : null,
        status: 'sent',
        appointment_id: null,
        decline_reason: null,
        complete_note: null,
        accepted_at: null,
        accepted_by: null,
        booked_at: null,
        completed_at: null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await cmd.audit({
      action: 'family_doctor.referral_create',
      resourceType: 'referral',
      resourceId: id,
      patientId: body.patientId,
      details: {
        referralNo,
        direction: body.direction,
        fromInstitutionId: from.id,
        toInstitutionId: body.toInstitutionId,
        contracted: contract !== undefined,
        tasks: body.carePlan?.tasks.length ?? 0,
      },
    });
    // The receiving institution's administrators (its referral desk) hear of it; on a downward referral of a
    // contracted resident, their team too.
    const to = new Set(await staffAccountsAt(trx, body.toInstitutionId, 'org_admin'));
    const params = { referralNo, direction: body.direction, fromName: from.name };
    for (const accountId of to)
      await notify(cmd, notices.fdReferralReceived({ accountId, refId: id }, params));
    if (body.direction === 'down' && contract) {
      const team = await trx
        .selectFrom('family_team')
        .select('name')
        .where('id', '=', contract.team_id)
        .executeTakeFirstOrThrow();
      for (const accountId of await teamAccounts(trx, contract.team_id))
        if (!to.has(accountId))
          await notify(
            cmd,
            notices.fdReferralToTeam(
              { accountId, refId: id },
              { referralNo, fromName: from.name, teamName: team.name },
            ),
          );
    }
    return inserted;
  });
  const [view] = await referralViews(ctx.db, [row], ctx.clock.now());
  return view!;
}

/** The sign-in accounts of a team's members. */
export async function teamAccounts(db: Executor, teamId: string): Promise<string[]> {
  const members = await db
    .selectFrom('family_team_member')
    .select('practitioner_id')
    .where('team_id', '=', teamId)
    .execute();
  const out: string[] = [];
  for (const m of members) {
    const a = await accountOfPractitioner(db, m.practitioner_id);
    if (a) out.push(a);
  }
  return out;
}

export interface ReferralQuery {
  box?: 'outgoing' | 'incoming';
  direction?: 'up' | 'down';
  status?: ReferralStatus;
  patientId?: string;
  cursor?: string;
  limit?: number;
}

/**
 * GET /referrals. Staff: their institutions' referrals — outgoing (sent by them) or incoming (sent to
 * them; contracted residents first, FD-4 priority, then newest), both when no box is named. Patients: their
 * own and their family's (`patientId`: one of them). Keyset paging on both.
 */
export async function listReferrals(
  ctx: AppContext,
  auth: AuthContext,
  query: ReferralQuery,
  actor: Actor,
): Promise<Page<ReferralView>> {
  const limit = query.limit ?? 20;
  const staff = await referralStaff(ctx.db, auth);
  let q = ctx.db.selectFrom('referral').selectAll();
  if (query.direction) q = q.where('direction', '=', query.direction);
  if (query.status) q = q.where('status', '=', query.status);
  if (staff) {
    if (query.patientId) q = q.where('patient_id', '=', query.patientId);
    const mine = staff.institutionIds;
    if (query.box === 'incoming') {
      // FD-4 priority: contracted residents first (rank 0), then newest.
      const key = decodeCursor(query.cursor, ['number', 'instant', 'uuid'] as const);
      const rank = sql<number>`(case when contract_id is null then 1 else 0 end)`;
      q = q.where('to_institution_id', 'in', mine);
      if (key)
        q = q.where(
          sql<boolean>`(${rank} > ${key[0]} or (${rank} = ${key[0]} and (created_at, id) < (${new Date(key[1])}, ${key[2]})))`,
        );
      const rows = await q
        .orderBy(rank)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = cutPage(rows, limit, (r) => [r.contract_id ? 0 : 1, r.created_at.toISOString(), r.id]);
      await auditStaffRead(ctx, actor, page.rows);
      return { items: await referralViews(ctx.db, page.rows, ctx.clock.now()), nextCursor: page.nextCursor };
    }
    q =
      query.box === 'outgoing'
        ? q.where('from_institution_id', 'in', mine)
        : q.where((eb) =>
            eb.or([eb('from_institution_id', 'in', mine), eb('to_institution_id', 'in', mine)]),
          );
  } else {
    if (!auth.roles.includes('patient')) throw errors.forbidden();
    let patients: string[];
    if (query.patientId) {
      await requirePatientAccess(ctx.db, auth, query.patientId);
      patients = [query.patientId];
    } else patients = await patientsOfAccount(ctx.db, auth.accountId);
    if (patients.length === 0) return { items: [], nextCursor: null };
    q = q.where('patient_id', 'in', patients);
  }
  const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  const rows = await q
    .where(olderThan('created_at', key))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
  if (staff) await auditStaffRead(ctx, actor, page.rows);
  return { items: await referralViews(ctx.db, page.rows, ctx.clock.now()), nextCursor: page.nextCursor };
}

/**
 * A staff list carries names, case summaries and care plans: one read under the referral relationship
 * per patient on the page (SEC-1, DJ-12), as getReferral records for one, under the patient's first
 * referral shown. Ids only, never names.
 */
async function auditStaffRead(ctx: AppContext, actor: Actor, rows: readonly ReferralRow[]): Promise<void> {
  const now = ctx.clock.now();
  const byPatient = new Map<string, string>();
  for (const r of rows) if (!byPatient.has(r.patient_id)) byPatient.set(r.patient_id, r.id);
  for (const [patientId, resourceId] of byPatient)
    await recordRead(
      ctx.db,
      actor,
      {
        patientId,
        category: 'encounters',
        what: 'referral_list',
        relationship: 'referral',
        channel: 'app',
        resourceId,
      },
      now,
    );
}

/**
 * GET /referrals/{id}: staff of either institution (audited as a read of the patient's case summary under
 * the referral, SEC-1, DJ-12), or the patient and their proxy; anyone else 404.
 */
export async function getReferral(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<ReferralView> {
  const staff = await referralStaff(ctx.db, auth);
  const row = await referralRow(ctx.db, id);
  const now = ctx.clock.now();
  if (staff && sidesOf(staff, row).length > 0) {
    await recordRead(
      ctx.db,
      actor,
      {
        patientId: row.patient_id,
        category: 'encounters',
        what: 'referral',
        relationship: 'referral',
        channel: 'app',
        resourceId: row.id,
      },
      now,
    );
  } else if (
    !auth.roles.includes('patient') ||
    !(await patientsOfAccount(ctx.db, auth.accountId)).includes(row.patient_id)
  )
    throw familyDoctorErrors.referralNotFound();
  const [view] = await referralViews(ctx.db, [row], now);
  return view!;
}

/**
 * GET /referrals/targets (FD-4): up — the secondary and tertiary hospitals of the caller's alliance, each
 * with the departments that have a session with a free referral token from today; down — the community
 * centres and stations of the caller's hospital's alliance.
 */
export async function referralTargets(
  ctx: AppContext,
  auth: AuthContext,
  direction: 'up' | 'down',
): Promise<ReferralTargets> {
  const staff = await referralStaff(ctx.db, auth);
  if (!staff) throw familyDoctorErrors.referralActionForbidden();
  const own = [...(await institutionFacts(ctx.db, staff.institutionIds)).values()];
  const fromSites = own.filter((i) => (direction === 'up' ? isPrimaryCare(i) : i.type === 'hospital'));
  const heads = [...new Set(fromSites.map(allianceOf).filter((a): a is string => a !== null))];
  const seen = new Map<string, InstitutionFacts>();
  for (const head of heads)
    for (const m of await allianceMembers(ctx.db, head))
      if (direction === 'up' ? isReferralHospital(m) : isPrimaryCare(m)) seen.set(m.id, m);
  const targets = [...seen.values()];
  const depts =
    direction === 'up'
      ? await departmentsWithReferralTokens(
          ctx.db,
          targets.map((t) => t.id),
          shanghaiDate(ctx.clock.now()),
        )
      : new Map<string, string[]>();
  const names = await departmentFacts(ctx.db, [...depts.values()].flat());
  return {
    items: targets.map((t) => ({
      id: t.id,
      name: t.name,
      level: t.level ?? t.type,
      departments: (depts.get(t.id) ?? [])
        .map((d) => ({ id: d, name: names.get(d)?.name ?? '' }))
        .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    })),
  };
}

export type { ReferralRow };
