/**
 * Reading contracts ([12/12], FD-1): a resident's own and their family's, a team's residents with the
 * workstation's filters (status, package group, a name or pinyin prefix), one contract, its agreement as
 * signed, and "my family doctor" (the contract, the next one, the team, plans, the next follow-up, the
 * latest readings, unread articles). Every read of a contract or agreement is audited per resident.
 */
import { sql } from 'kysely';
import { pinyin } from 'pinyin-pro';
import type { Static } from 'typebox';
import type {
  Condition,
  ContractPage,
  ContractView,
  FollowupView,
  MyFamilyDoctor,
  PackageGroup,
  PlanView,
  ReadingView,
} from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { cutPage, decodeCursor, olderThan } from '../../platform/paging.js';
import { practitionerFacts } from '../directory/directory.api.js';
import {
  identityErrors,
  ownPatientId,
  patientNames,
  patientsOfAccount,
  requirePatientAccess,
} from '../identity/identity.api.js';
import { type ContractRow, contractViews, PENDING, readableContract } from './contract-store.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { fdStaff } from './team-access.js';
import { teamRow, teamViews } from './teams.service.js';

/** One audit row per resident whose contract data a response carries (DJ-12): ids only, never names. */
async function auditRead(
  ctx: AppContext,
  actor: Actor,
  rows: readonly Pick<ContractRow, 'id' | 'patient_id'>[],
  what: string,
): Promise<void> {
  const now = ctx.clock.now();
  const byPatient = new Map<string, string>();
  for (const r of rows) if (!byPatient.has(r.patient_id)) byPatient.set(r.patient_id, r.id);
  for (const [patientId, id] of byPatient)
    await recordAudit(
      ctx.db,
      actor,
      {
        action: 'family_doctor.contract_read',
        resourceType: 'family_contract',
        resourceId: id,
        patientId,
        details: { what },
      },
      now,
    );
}

const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9\u4e00-\u9fff]/g, '');

/** A name matched by its characters, or its pinyin (full or initials) prefix: 王秀英, wangxiuying, wxy. */
function nameMatches(name: string, q: string): boolean {
  const query = normalise(q);
  if (!query) return true;
  if (name.includes(q.trim())) return true;
  const syllables = pinyin(name, { type: 'array', toneType: 'none', surname: 'head', v: true });
  const full = normalise(syllables.join(''));
  const initials = normalise(syllables.map((s) => s.charAt(0)).join(''));
  return full.startsWith(query) || initials.startsWith(query);
}

type ContractQuery = {
  status?: ContractView['status'];
  teamId?: string;
  patientId?: string;
  group?: PackageGroup;
  q?: string;
  cursor?: string;
  limit?: number;
};

/**
 * GET /family-doctor/contracts: a resident's own and their family members' (ID-6); staff the residents of
 * their teams (or one of them: `teamId`), filtered by status, package group and a name or pinyin prefix.
 * Newest first, keyset-paged.
 */
export async function listContracts(
  ctx: AppContext,
  auth: AuthContext,
  query: ContractQuery,
  actor: Actor,
): Promise<Static<typeof ContractPage>> {
  const limit = query.limit ?? 20;
  const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  const empty = { items: [], nextCursor: null };
  let q = ctx.db.selectFrom('family_contract').selectAll();
  const staff = auth.isStaff;
  if (!staff) {
    const mine = await patientsOfAccount(ctx.db, auth.accountId);
    const wanted = query.patientId ? mine.filter((id) => id === query.patientId) : mine;
    if (wanted.length === 0) return empty;
    q = q.where('patient_id', 'in', wanted);
    if (query.teamId) q = q.where('team_id', '=', query.teamId);
  } else {
    const me = await fdStaff(ctx.db, auth);
    if (query.teamId && !me.teamIds.includes(query.teamId)) throw familyDoctorErrors.notTeamMember();
    const teams = query.teamId ? [query.teamId] : me.teamIds;
    if (teams.length === 0) return empty;
    q = q.where('team_id', 'in', teams);
    if (query.patientId) q = q.where('patient_id', '=', query.patientId);
    if (query.q?.trim()) {
      const candidates = await ctx.db
        .selectFrom('family_contract')
        .select('patient_id')
        .distinct()
        .where('team_id', 'in', teams)
        .execute();
      const names = await patientNames(
        ctx.db,
        candidates.map((c) => c.patient_id),
      );
      const hits = [...names].filter(([, name]) => nameMatches(name, query.q!)).map(([id]) => id);
      if (hits.length === 0) return empty;
      q = q.where('patient_id', 'in', hits);
    }
  }
  if (query.status) q = q.where('status', '=', query.status);
  if (query.group)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('family_contract_package as cp')
          .innerJoin('service_package as p', 'p.id', 'cp.package_id')
          .select('cp.contract_id')
          .whereRef('cp.contract_id', '=', 'family_contract.id')
          .where('p.group_code', '=', query.group!),
      ),
    );
  const rows = await q
    .where(olderThan('created_at', key))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.created_at.toISOString(), r.id]);
  await auditRead(ctx, actor, page.rows, 'list');
  return {
    items: await contractViews(ctx.db, page.rows, ctx.clock.now(), {
      staff,
      renewalWindowDays: ctx.config.familyDoctor.renewalWindowDays,
    }),
    nextCursor: page.nextCursor,
  };
}

/** GET /family-doctor/contracts/{id}: the resident, their proxies and the team (others 404). */
export async function getContract(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<ContractView> {
  const { row, reader } = await readableContract(ctx.db, auth, id);
  await auditRead(ctx, actor, [row], 'contract');
  const [view] = await contractViews(ctx.db, [row], ctx.clock.now(), {
    staff: reader.kind === 'staff',
    renewalWindowDays: ctx.config.familyDoctor.renewalWindowDays,
  });
  return view!;
}

/** GET /family-doctor/contracts/{id}/agreement: the text as signed and its SM3 hash. */
export async function getAgreement(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<{ contractId: string; text: string; sm3: string; signedAt: string | null }> {
  const { row } = await readableContract(ctx.db, auth, id);
  await auditRead(ctx, actor, [row], 'agreement');
  return {
    contractId: row.id,
    text: row.agreement_text,
    sm3: row.agreement_hash,
    signedAt: row.signed_at?.toISOString() ?? null,
  };
}

// --- My family doctor (the resident's home page)

async function plansOf(db: Executor, patientId: string, now: Date): Promise<PlanView[]> {
  const yearStart = new Date(`${shanghaiDate(now).slice(0, 4)}-01-01T00:00:00+08:00`);
  const plans = await db
    .selectFrom('followup_plan')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', '=', 'active')
    .orderBy('condition')
    .execute();
  const out: PlanView[] = [];
  for (const p of plans) {
    const stats = await db
      .selectFrom('followup')
      .select([
        sql<string>`count(*) filter (where status = 'done' and done_at >= ${yearStart})`.as('done'),
        sql<string | null>`(min(due_on) filter (where status = 'due'))::text`.as('next'),
      ])
      .where('plan_id', '=', p.id)
      .executeTakeFirstOrThrow();
    out.push({
      id: p.id,
      patientId: p.patient_id,
      condition: p.condition as Condition,
      startedOn: String(p.started_on),
      status: p.status as PlanView['status'],
      lastClassification: p.last_classification as PlanView['lastClassification'],
      uncontrolledStreak: p.uncontrolled_streak,
      followupsThisYear: Number(stats.done),
      nextDueOn: stats.next,
    });
  }
  return out;
}

async function nextFollowupOf(
  db: Executor,
  patientId: string,
  patientName: string,
  today: string,
): Promise<FollowupView | null> {
  const f = await db
    .selectFrom('followup')
    .leftJoin('followup_plan', 'followup_plan.id', 'followup.plan_id')
    .selectAll('followup')
    .select('followup_plan.condition')
    .where('followup.patient_id', '=', patientId)
    .where('followup.status', '=', 'due')
    .orderBy('followup.due_on')
    .orderBy('followup.id')
    .executeTakeFirst();
  if (!f) return null;
  const doneBy = f.done_by ? await practitionerFacts(db, f.done_by) : undefined;
  return {
    id: f.id,
    planId: f.plan_id,
    patientId: f.patient_id,
    patientName,
    teamId: f.team_id,
    condition: (f.condition as Condition | null) ?? null,
    reason: f.reason as FollowupView['reason'],
    referralId: f.referral_id,
    title: f.title,
    dueOn: String(f.due_on),
    overdue: String(f.due_on) < today,
    status: f.status as FollowupView['status'],
    method: f.method,
    record: (f.record as FollowupView['record']) ?? null,
    classification: f.classification,
    action: f.action ?? null,
    doneAt: f.done_at?.toISOString() ?? null,
    doneByName: doneBy?.name ?? null,
  };
}

async function latestReadingsOf(db: Executor, patientId: string): Promise<ReadingView[]> {
  const rows = await db
    .selectFrom('home_reading')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('measured_at', 'desc')
    .orderBy('id', 'desc')
    .limit(5)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as ReadingView['kind'],
    systolic: r.systolic,
    diastolic: r.diastolic,
    pulse: r.pulse,
    glucoseMmol: r.glucose_tenths === null ? null : r.glucose_tenths / 10,
    glucoseTiming: r.glucose_timing as ReadingView['glucoseTiming'],
    classification: r.classification,
    measuredAt: r.measured_at.toISOString(),
    source: r.source as ReadingView['source'],
  }));
}

/**
 * GET /family-doctor/me?patientId=: the resident's (or a family member's, ID-6) family doctor — the
 * current contract (in force, or a first one being signed or paid), the next one (a renewal or switch),
 * the team, live plans, the next follow-up, the latest home readings and how many articles are unread.
 */
export async function myFamilyDoctor(
  ctx: AppContext,
  auth: AuthContext,
  query: { patientId?: string },
  actor: Actor,
): Promise<MyFamilyDoctor> {
  const patientId = query.patientId ?? (await ownPatientId(ctx.db, auth.accountId));
  if (!patientId) throw identityErrors.realNameRequired();
  await requirePatientAccess(ctx.db, auth, patientId);
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const rows = await ctx.db
    .selectFrom('family_contract')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('status', 'in', ['active', 'scheduled', ...PENDING])
    .orderBy('created_at', 'desc')
    .execute();
  const current =
    rows.find((r) => r.status === 'active') ??
    rows.find((r) => (PENDING as readonly string[]).includes(r.status) && r.previous_contract_id === null);
  const next = rows.find(
    (r) => r !== current && (r.status === 'scheduled' || r.previous_contract_id !== null),
  );
  const shown = [current, next].filter((r): r is ContractRow => r !== undefined);
  await auditRead(ctx, actor, shown, 'my_family_doctor');
  const views = await contractViews(ctx.db, shown, now, {
    renewalWindowDays: ctx.config.familyDoctor.renewalWindowDays,
  });
  const team = current ? await teamRow(ctx.db, current.team_id) : undefined;
  const [teamView] = team ? await teamViews(ctx.db, [team]) : [];
  const name = (await patientNames(ctx.db, [patientId])).get(patientId) ?? '';
  const [plans, nextFollowup, latestReadings, unread] = await Promise.all([
    plansOf(ctx.db, patientId, now),
    nextFollowupOf(ctx.db, patientId, name, today),
    latestReadingsOf(ctx.db, patientId),
    ctx.db
      .selectFrom('article_push')
      .select(sql<string>`count(*)`.as('n'))
      .where('patient_id', '=', patientId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    patientId,
    contract: current ? views.find((v) => v.id === current.id)! : null,
    next: next ? views.find((v) => v.id === next.id)! : null,
    team: teamView ?? null,
    plans,
    nextFollowup,
    latestReadings,
    unreadArticles: Number(unread.n),
  };
}
