/**
 * The regulator's first-visit pilot scopes (PILOT-1), institutions' first-visit whitelists (PILOT-2), doctors'
 * on-demand presence, and the directory facts every eligibility check reads.
 */
import { sql } from 'kysely';
import { shanghaiDate } from '../../../shared/identity.js';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError, errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  type DoctorFacts,
  type FirstVisitRefusal,
  firstVisitBar,
  firstVisitBarRefusal,
  invalidDate,
  isRealDate,
  pilotRefusal,
} from './visit.rules.js';

/** Directory facts of a practitioner as seen from one institution (ORG-1, ORG-2, ORG-5, PILOT-2). */
export async function doctorFacts(
  db: Executor,
  practitionerId: string,
  institutionId: string,
  now: Date,
): Promise<(DoctorFacts & { name: string; departmentId: string; institutionId: string }) | null> {
  const today = shanghaiDate(now);
  const p = await db
    .selectFrom('practitioner as p')
    .innerJoin('institution as i', 'i.id', 'p.institution_id')
    .select([
      'p.id',
      'p.name',
      'p.kind',
      'p.title',
      'p.status',
      'p.offers_online',
      'p.practice_since',
      'p.online_follow_up_since',
      'p.first_visit_trained',
      'p.institution_id',
      'p.department_id',
      'i.status as home_status',
    ])
    .where('p.id', '=', practitionerId)
    .executeTakeFirst();
  if (!p) return null;
  const site = await db
    .selectFrom('institution as i')
    .select([
      'i.status',
      'i.internet_hospital',
      sql<boolean>`exists (select 1 from practitioner_site s where s.practitioner_id = ${practitionerId}
        and s.institution_id = i.id)`.as('filed'),
    ])
    .where('i.id', '=', institutionId)
    .executeTakeFirst();
  const licence = await db
    .selectFrom('licence')
    .select(['valid_from', 'valid_to'])
    .where('practitioner_id', '=', practitionerId)
    .where('kind', '=', 'practitioner')
    .orderBy('valid_from')
    .execute();
  const valid = licence.some((l) => String(l.valid_from) <= today && today <= String(l.valid_to));
  return {
    name: p.name,
    departmentId: p.department_id,
    institutionId: p.institution_id,
    kind: p.kind,
    title: p.title,
    status: p.status,
    institutionStatus: site?.status ?? 'suspended',
    offersOnline: p.offers_online,
    registeredAtInstitution: p.institution_id === institutionId || site?.filed === true,
    internetHospital: site?.internet_hospital != null,
    licenceValid: valid,
    practiceSince: licence[0] ? String(licence[0].valid_from) : `${p.practice_since}-12-31`,
    onlineFollowUpSince: p.online_follow_up_since,
    firstVisitTrained: p.first_visit_trained,
  };
}

/** PILOT-1 and PILOT-2 for one doctor at one institution × specialty: the first unmet condition, or null. */
export async function firstVisitRefusal(
  db: Executor,
  facts: DoctorFacts,
  practitionerId: string,
  institutionId: string,
  specialty: string,
  now: Date,
): Promise<FirstVisitRefusal | null> {
  const today = shanghaiDate(now);
  const scopes = await db
    .selectFrom('pilot_scope')
    .select(['starts_on', 'ends_on', 'revoked_at'])
    .where('institution_id', '=', institutionId)
    .where('specialty', '=', specialty)
    .execute();
  const scope = pilotRefusal(
    scopes.map((s) => ({
      startsOn: String(s.starts_on),
      endsOn: String(s.ends_on),
      revoked: s.revoked_at !== null,
    })),
    today,
  );
  if (scope) return scope;
  const listed = await db
    .selectFrom('first_visit_whitelist')
    .select('practitioner_id')
    .where('institution_id', '=', institutionId)
    .where('practitioner_id', '=', practitionerId)
    .executeTakeFirst();
  if (!listed) return 'not_whitelisted';
  return firstVisitBarRefusal(facts, today);
}

// --- pilot scopes (regulator) ---------------------------------------------------------------------------

export interface PilotScopeView {
  id: string;
  institutionId: string;
  institutionName: string;
  specialty: string;
  startsOn: string;
  endsOn: string;
  status: 'active' | 'not_started' | 'ended' | 'revoked';
  createdAt: string;
  revokedAt?: string;
}

export async function listPilotScopes(ctx: AppContext): Promise<PilotScopeView[]> {
  const today = shanghaiDate(ctx.clock.now());
  const rows = await ctx.db
    .selectFrom('pilot_scope as s')
    .innerJoin('institution as i', 'i.id', 's.institution_id')
    .select([
      's.id',
      's.institution_id',
      'i.name as institution_name',
      's.specialty',
      's.starts_on',
      's.ends_on',
      's.created_at',
      's.revoked_at',
    ])
    .orderBy('s.created_at', 'desc')
    .execute();
  return rows.map((r) => {
    const startsOn = String(r.starts_on);
    const endsOn = String(r.ends_on);
    return {
      id: r.id,
      institutionId: r.institution_id,
      institutionName: r.institution_name,
      specialty: r.specialty,
      startsOn,
      endsOn,
      status: r.revoked_at
        ? 'revoked'
        : today < startsOn
          ? 'not_started'
          : today > endsOn
            ? 'ended'
            : 'active',
      createdAt: r.created_at.toISOString(),
      ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}),
    };
  });
}

export async function createPilotScope(
  ctx: AppContext,
  auth: AuthContext,
  input: { institutionId: string; specialty: string; startsOn: string; endsOn: string },
  actor: Actor,
): Promise<PilotScopeView> {
  for (const d of [input.startsOn, input.endsOn]) if (!isRealDate(d)) throw invalidDate(d);
  if (input.endsOn < input.startsOn)
    throw new AppError(422, 'INVALID_PERIOD', '试点期限不正确', '结束日期不能早于开始日期。');
  const now = ctx.clock.now();
  const dept = await ctx.db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select(['i.id', 'i.internet_hospital'])
    .where('d.institution_id', '=', input.institutionId)
    .where('d.specialty', '=', input.specialty)
    .executeTakeFirst();
  if (!dept)
    throw new AppError(
      422,
      'SPECIALTY_NOT_AT_INSTITUTION',
      '机构无此专业',
      '该机构没有这个专业的科室，不能列入首诊试点（ORG-3）。',
    );
  if (!dept.internet_hospital)
    throw new AppError(422, 'NOT_INTERNET_HOSPITAL', '不是互联网医院', '该机构未取得互联网医院执业许可。');
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('pilot_scope')
      .values({
        id,
        institution_id: input.institutionId,
        specialty: input.specialty,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        created_by: auth.accountId,
        created_at: now,
      })
      .execute();
    await recordAudit(
      trx,
      actor,
      { action: 'pilot_scope.create', resourceType: 'pilot_scope', resourceId: id, details: input },
      now,
    );
  });
  return (await listPilotScopes(ctx)).find((s) => s.id === id)!;
}

export async function revokePilotScope(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<PilotScopeView> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('pilot_scope')
      .select(['id', 'revoked_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw errors.notFound('试点范围');
    if (row.revoked_at) return;
    await trx
      .updateTable('pilot_scope')
      .set({ revoked_at: now, revoked_by: auth.accountId })
      .where('id', '=', id)
      .execute();
    await recordAudit(
      trx,
      actor,
      { action: 'pilot_scope.revoke', resourceType: 'pilot_scope', resourceId: id },
      now,
    );
  });
  return (await listPilotScopes(ctx)).find((s) => s.id === id)!;
}

// --- whitelist (institution) ----------------------------------------------------------------------------

export interface WhitelistEntryView {
  practitionerId: string;
  name: string;
  professionalTitle: string;
  departmentName: string;
  addedAt: string;
  /** PILOT-2, each condition with whether it holds today. */
  bar: { condition: string; met: boolean }[];
  eligible: boolean;
}

function requireInstitutionAdmin(auth: AuthContext, institutionId: string, write: boolean): void {
  if (auth.roles.includes('org_admin') && auth.institutionId === institutionId) return;
  if (!write && auth.roles.includes('regulator')) return;
  throw errors.forbidden('只能管理本机构的首诊医生白名单。');
}

async function barOf(db: Executor, practitionerId: string, institutionId: string, now: Date) {
  const facts = await doctorFacts(db, practitionerId, institutionId, now);
  if (!facts) return null;
  const today = shanghaiDate(now);
  const bar = [{ condition: 'licence', met: facts.licenceValid }, ...firstVisitBar(facts, today)];
  return { facts, bar, eligible: bar.every((c) => c.met) && facts.kind === 'doctor' };
}

export async function listWhitelist(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
): Promise<WhitelistEntryView[]> {
  requireInstitutionAdmin(auth, institutionId, false);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('first_visit_whitelist as w')
    .innerJoin('practitioner as p', 'p.id', 'w.practitioner_id')
    .innerJoin('department as d', 'd.id', 'p.department_id')
    .select(['p.id', 'p.name', 'p.professional_title', 'd.name as department_name', 'w.added_at'])
    .where('w.institution_id', '=', institutionId)
    .orderBy('w.added_at')
    .execute();
  const out: WhitelistEntryView[] = [];
  for (const r of rows) {
    const b = await barOf(ctx.db, r.id, institutionId, now);
    out.push({
      practitionerId: r.id,
      name: r.name,
      professionalTitle: r.professional_title,
      departmentName: r.department_name,
      addedAt: r.added_at.toISOString(),
      bar: b?.bar ?? [],
      eligible: b?.eligible ?? false,
    });
  }
  return out;
}

export async function addToWhitelist(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  practitionerId: string,
  actor: Actor,
): Promise<WhitelistEntryView[]> {
  requireInstitutionAdmin(auth, institutionId, true);
  const now = ctx.clock.now();
  const b = await barOf(ctx.db, practitionerId, institutionId, now);
  if (!b?.facts.registeredAtInstitution) throw errors.notFound('本机构的医生');
  if (!b.eligible) {
    const unmet = b.bar.filter((c) => !c.met).map((c) => c.condition);
    throw new AppError(
      422,
      'FIRST_VISIT_BAR_NOT_MET',
      '医生不符合首诊条件',
      `该医生不符合互联网首诊医生条件（PILOT-2）：${unmet.map((c) => BAR_WORDS[c] ?? c).join('、')}。`,
      { unmet },
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('first_visit_whitelist')
      .values({
        institution_id: institutionId,
        practitioner_id: practitionerId,
        added_by: auth.accountId,
        added_at: now,
      })
      .onConflict((oc) => oc.columns(['institution_id', 'practitioner_id']).doNothing())
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: 'first_visit_whitelist.add',
        resourceType: 'practitioner',
        resourceId: practitionerId,
        details: { institutionId },
      },
      now,
    );
  });
  return listWhitelist(ctx, auth, institutionId);
}

const BAR_WORDS: Record<string, string> = {
  licence: '执业证书不在有效期内',
  practice_years: '独立执业不满 3 年',
  title: '职称低于主治医师',
  online_follow_up_years: '开展互联网复诊不满 1 年',
  training: '未通过首诊培训考核',
};

export async function removeFromWhitelist(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
  practitionerId: string,
  actor: Actor,
): Promise<void> {
  requireInstitutionAdmin(auth, institutionId, true);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const res = await trx
      .deleteFrom('first_visit_whitelist')
      .where('institution_id', '=', institutionId)
      .where('practitioner_id', '=', practitionerId)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw errors.notFound('白名单中的医生');
    await recordAudit(
      trx,
      actor,
      {
        action: 'first_visit_whitelist.remove',
        resourceType: 'practitioner',
        resourceId: practitionerId,
        details: { institutionId },
      },
      now,
    );
  });
}

// --- on-demand presence ---------------------------------------------------------------------------------

export async function myPresence(ctx: AppContext, auth: AuthContext) {
  if (!auth.practitionerId) throw errors.forbidden('只有医生和护士可以设置在线接诊状态。');
  const p = await ctx.db
    .selectFrom('practitioner as p')
    .leftJoin('practitioner_presence as pr', 'pr.practitioner_id', 'p.id')
    .select(['p.department_id', 'pr.online'])
    .where('p.id', '=', auth.practitionerId)
    .executeTakeFirstOrThrow();
  return { online: p.online === true, departmentId: p.department_id };
}

export async function setPresence(ctx: AppContext, auth: AuthContext, online: boolean, actor: Actor) {
  if (!auth.practitionerId) throw errors.forbidden('只有医生和护士可以设置在线接诊状态。');
  const now = ctx.clock.now();
  const p = await ctx.db
    .selectFrom('practitioner')
    .select(['department_id', 'status'])
    .where('id', '=', auth.practitionerId)
    .executeTakeFirstOrThrow();
  if (online && p.status !== 'active')
    throw new AppError(
      403,
      'DOCTOR_NOT_AVAILABLE',
      '医生暂不可接诊',
      '已被暂停执业，不能上线接诊（ORG-5）。',
      {
        reason: 'suspended',
      },
    );
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('practitioner_presence')
      .values({
        practitioner_id: auth.practitionerId!,
        department_id: p.department_id,
        online,
        changed_at: now,
      })
      .onConflict((oc) =>
        oc.column('practitioner_id').doUpdateSet({ online, changed_at: now, department_id: p.department_id }),
      )
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: online ? 'presence.online' : 'presence.offline',
        resourceType: 'practitioner',
        resourceId: auth.practitionerId,
      },
      now,
    );
  });
  return { online, departmentId: p.department_id };
}

export async function onlineCount(db: Executor, departmentId: string): Promise<number> {
  const row = await db
    .selectFrom('practitioner_presence as pr')
    .innerJoin('practitioner as p', 'p.id', 'pr.practitioner_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('pr.department_id', '=', departmentId)
    .where('pr.online', '=', true)
    .where('p.status', '=', 'active')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
