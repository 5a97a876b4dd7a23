/**
 * Health education for contracted residents ([12/12] §2, 家庭医生签约服务 seed 002): a team member pushes an
 * article to the team's residents by condition or group, each resident is told in the app (no SMS), and
 * reading it as the resident (or their family proxy) sets the read receipt the team counts.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import {
  type ArticleList,
  type ArticleView,
  CONDITIONS,
  type Condition,
  PACKAGE_GROUPS,
  type PackageGroup,
} from '../../../shared/family-doctor.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { cutPage, decodeCursor, olderThan } from '../../platform/paging.js';
import { ownPatientId, patientProfiles, requirePatientAccess } from '../identity/identity.api.js';
import { notices } from '../notifications/notices.js';
import { notify } from '../notifications/notify.js';
import { familyDoctorErrors } from './family-doctor.errors.js';
import { assertTeamMember, fdStaff } from './team-access.js';

interface ArticleRow {
  id: string;
  title: string;
  summary: string;
  body: string;
  audiences: string[];
  published_at: Date;
}

const view = (a: ArticleRow, push?: { pushed_at: Date; read_at: Date | null }): ArticleView => ({
  id: a.id,
  title: a.title,
  summary: a.summary,
  body: a.body,
  audiences: a.audiences,
  publishedAt: a.published_at.toISOString(),
  pushedAt: push ? push.pushed_at.toISOString() : null,
  readAt: push?.read_at ? push.read_at.toISOString() : null,
});

const isStaff = (auth: AuthContext) => auth.roles.includes('doctor') || auth.roles.includes('nurse');

/**
 * The resident whose articles a patient-side caller asks about: the family member named (after ID-6's
 * check: themself or an active proxy) or their own record; null for an account not yet real-name verified.
 */
async function residentOf(db: Executor, auth: AuthContext, patientId: string | undefined) {
  if (patientId) {
    await requirePatientAccess(db, auth, patientId);
    return patientId;
  }
  return ownPatientId(db, auth.accountId);
}

async function articleRow(db: Executor, id: string): Promise<ArticleRow> {
  const row = await db
    .selectFrom('health_article')
    .select(['id', 'title', 'summary', 'body', 'audiences', 'published_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw familyDoctorErrors.articleNotFound();
  return row;
}

/**
 * GET /family-doctor/articles: a resident's pushed articles, newest push first, each with its read receipt;
 * staff see every article, newest first. Keyset-paged.
 */
export async function listArticles(
  ctx: AppContext,
  auth: AuthContext,
  query: { patientId?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<ArticleList> {
  const limit = query.limit ?? 20;
  const key = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  if (isStaff(auth) && !query.patientId) {
    const rows = await ctx.db
      .selectFrom('health_article')
      .select(['id', 'title', 'summary', 'body', 'audiences', 'published_at'])
      .where(olderThan('published_at', key))
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = cutPage(rows, limit, (r) => [r.published_at.toISOString(), r.id]);
    return { items: page.rows.map((r) => view(r)), nextCursor: page.nextCursor };
  }
  const patientId = await residentOf(ctx.db, auth, query.patientId);
  if (!patientId) return { items: [], nextCursor: null };
  const rows = await ctx.db
    .selectFrom('article_push as p')
    .innerJoin('health_article as a', 'a.id', 'p.article_id')
    .select([
      'a.id',
      'a.title',
      'a.summary',
      'a.body',
      'a.audiences',
      'a.published_at',
      'p.pushed_at',
      'p.read_at',
    ])
    .where('p.patient_id', '=', patientId)
    .where(olderThan('p.pushed_at', key, 'p.article_id'))
    .orderBy('p.pushed_at', 'desc')
    .orderBy('p.article_id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.pushed_at.toISOString(), r.id]);
  return { items: page.rows.map((r) => view(r, r)), nextCursor: page.nextCursor };
}

/**
 * GET /family-doctor/articles/{id}: the article (health education is public to the platform's users). When a
 * resident reads one pushed to them — or a proxy reads it for their family member (`patientId`) — the first
 * reading sets the read receipt, audited with the change.
 */
export async function getArticle(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  patientId: string | undefined,
  actor: Actor,
): Promise<ArticleView> {
  const article = await articleRow(ctx.db, id);
  if (isStaff(auth) && !patientId) return view(article);
  const resident = await residentOf(ctx.db, auth, patientId);
  if (!resident) return view(article);
  const push = await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const marked = await trx
      .updateTable('article_push')
      .set({ read_at: now })
      .where('article_id', '=', id)
      .where('patient_id', '=', resident)
      .where('read_at', 'is', null)
      .returning(['pushed_at', 'read_at'])
      .executeTakeFirst();
    if (marked) {
      await audit({
        action: 'family_doctor.article_read',
        resourceType: 'health_article',
        resourceId: id,
        patientId: resident,
      });
      return marked;
    }
    return trx
      .selectFrom('article_push')
      .select(['pushed_at', 'read_at'])
      .where('article_id', '=', id)
      .where('patient_id', '=', resident)
      .executeTakeFirst();
  });
  return view(article, push);
}

const GROUPS = new Set<string>(PACKAGE_GROUPS);
const CONDITION_SET = new Set<string>(CONDITIONS);

/**
 * POST /family-doctor/articles/{id}/push: a member of the team pushes the article to the team's residents
 * in force whose packages are of one of the groups, or who have a live follow-up plan for one of the
 * conditions (hypertension and diabetes are both). A resident already sent the article is not sent it
 * again (the push is counted once); each new one is told in the app. Answers how many were newly pushed.
 */
export async function pushArticle(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: { audiences: string[]; teamId: string },
  actor: Actor,
): Promise<{ pushed: number }> {
  const staff = await fdStaff(ctx.db, auth);
  assertTeamMember(staff, body.teamId);
  const unknown = body.audiences.filter((a) => !GROUPS.has(a) && !CONDITION_SET.has(a));
  if (unknown.length > 0) {
    throw errors.validationFailed(
      `body.audiences：${unknown.join('、')} 不是服务包人群或慢病（可选 ${[...PACKAGE_GROUPS, ...CONDITIONS].join('、')}）`,
    );
  }
  const article = await articleRow(ctx.db, id);
  const groups = body.audiences.filter((a): a is PackageGroup => GROUPS.has(a));
  const conditions = body.audiences.filter((a): a is Condition => CONDITION_SET.has(a));
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const team = await trx
      .selectFrom('family_team')
      .select('name')
      .where('id', '=', body.teamId)
      .executeTakeFirstOrThrow();
    const targets = trx
      .selectFrom('family_contract as c')
      .select([
        sql<string>`${id}::uuid`.as('article_id'),
        'c.patient_id',
        'c.team_id',
        sql<Date>`${now}::timestamptz`.as('pushed_at'),
      ])
      .where('c.team_id', '=', body.teamId)
      .where('c.status', '=', 'active')
      .where((eb) => {
        const any: Expression<SqlBool>[] = [];
        if (groups.length > 0)
          any.push(
            eb.exists(
              eb
                .selectFrom('family_contract_package as cp')
                .innerJoin('service_package as sp', 'sp.id', 'cp.package_id')
                .select(sql`1`.as('one'))
                .whereRef('cp.contract_id', '=', 'c.id')
                .where('sp.group_code', 'in', groups),
            ),
          );
        if (conditions.length > 0)
          any.push(
            eb.exists(
              eb
                .selectFrom('followup_plan as fp')
                .select(sql`1`.as('one'))
                .whereRef('fp.patient_id', '=', 'c.patient_id')
                .where('fp.status', '=', 'active')
                .where('fp.condition', 'in', conditions),
            ),
          );
        return eb.or(any);
      });
    const pushed = await trx
      .insertInto('article_push')
      .columns(['article_id', 'patient_id', 'team_id', 'pushed_at'])
      .expression(targets)
      .onConflict((oc) => oc.columns(['article_id', 'patient_id']).doNothing())
      .returning('patient_id')
      .execute();
    if (pushed.length > 0) {
      // The resident's own account, or — for a family member without one — the account that signed them.
      const signed = await trx
        .selectFrom('family_contract as c')
        .select(['c.patient_id', 'c.signer_account_id'])
        .where('c.team_id', '=', body.teamId)
        .where('c.status', '=', 'active')
        .where(
          'c.patient_id',
          'in',
          pushed.map((p) => p.patient_id),
        )
        .execute();
      const people = await patientProfiles(
        trx,
        signed.map((w) => w.patient_id),
      );
      const whom = signed.map((w) => ({ ...w, account_id: people.get(w.patient_id)?.accountId ?? null }));
      for (const w of whom) {
        await notify(
          cmd,
          notices.fdArticlePushed(
            {
              accountId: w.account_id ?? w.signer_account_id,
              patientId: w.patient_id,
              refId: id,
              sms: false,
            },
            { title: article.title, teamName: team.name },
          ),
        );
      }
    }
    await cmd.audit({
      action: 'family_doctor.article_pushed',
      resourceType: 'health_article',
      resourceId: id,
      details: { teamId: body.teamId, audiences: body.audiences, pushed: pushed.length },
    });
    return { pushed: pushed.length };
  });
}

/** GET /family-doctor/articles/{id}/reads: how many of the team's residents were pushed it, and read it. */
export async function articleReads(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  teamId: string | undefined,
): Promise<{ pushed: number; read: number }> {
  const staff = await fdStaff(ctx.db, auth);
  if (teamId) assertTeamMember(staff, teamId);
  const teams = teamId ? [teamId] : staff.teamIds;
  if (teams.length === 0) throw familyDoctorErrors.notTeamMember();
  await articleRow(ctx.db, id);
  const row = await ctx.db
    .selectFrom('article_push')
    .select([sql<string>`count(*)`.as('pushed'), sql<string>`count(read_at)`.as('read')])
    .where('article_id', '=', id)
    .where('team_id', 'in', teams)
    .executeTakeFirstOrThrow();
  return { pushed: Number(row.pushed), read: Number(row.read) };
}
