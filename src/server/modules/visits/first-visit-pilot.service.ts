/**
 * The online first-visit pilot: the regulator's pilot scopes, institution × specialty with dates
 * (PILOT-1), and each institution's first-visit whitelist, whose every entry shows the bar checked today
 * (PILOT-2). Eligibility of a single visit is in doctor-eligibility.ts.
 */
import { shanghaiDate } from '../../../shared/identity.js';
import type { BarCheck, PilotScopeBody, PilotScopeView, WhitelistEntry } from '../../../shared/visits.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts, practitionerProfiles, specialtyAt } from '../directory/directory.api.js';
import { directoryErrors } from '../directory/directory.errors.js';
import { doctorFacts } from './doctor-eligibility.js';
import { firstVisitBar, invalidDate, isRealDate } from './visit.rules.js';
import { visitErrors } from './visits.errors.js';

// --- pilot scopes (regulator) ---------------------------------------------------------------------------
export async function listPilotScopes(ctx: AppContext): Promise<PilotScopeView[]> {
  const today = shanghaiDate(ctx.clock.now());
  const rows = await ctx.db
    .selectFrom('pilot_scope')
    .select(['id', 'institution_id', 'specialty', 'starts_on', 'ends_on', 'created_at', 'revoked_at'])
    .orderBy('created_at', 'desc')
    .execute();
  const institutions = await institutionFacts(
    ctx.db,
    rows.map((r) => r.institution_id),
  );
  return rows.map((r) => {
    const startsOn = String(r.starts_on);
    const endsOn = String(r.ends_on);
    return {
      id: r.id,
      institutionId: r.institution_id,
      institutionName: institutions.get(r.institution_id)?.name ?? '',
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
  input: PilotScopeBody,
  actor: Actor,
): Promise<PilotScopeView> {
  for (const d of [input.startsOn, input.endsOn]) if (!isRealDate(d)) throw invalidDate(d);
  if (input.endsOn < input.startsOn) throw visitErrors.invalidPeriod();
  // ORG-3: a pilot opens only a specialty the institution is licensed for, at an internet hospital.
  const site = await specialtyAt(ctx.db, input.institutionId, input.specialty);
  if (!site) throw visitErrors.specialtyNotAtInstitution();
  if (!site.internetHospital) throw visitErrors.notInternetHospital();
  const id = newId();
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
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
    await audit({
      action: 'pilot_scope.create',
      resourceType: 'pilot_scope',
      resourceId: id,
      details: input,
    });
  });
  return (await listPilotScopes(ctx)).find((s) => s.id === id)!;
}

export async function revokePilotScope(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<PilotScopeView> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
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
    await audit({ action: 'pilot_scope.revoke', resourceType: 'pilot_scope', resourceId: id });
  });
  return (await listPilotScopes(ctx)).find((s) => s.id === id)!;
}

// --- whitelist (institution) ----------------------------------------------------------------------------

function requireInstitutionAdmin(auth: AuthContext, institutionId: string, write: boolean): void {
  if (auth.roles.includes('org_admin') && auth.institutionId === institutionId) return;
  if (!write && auth.roles.includes('regulator')) return;
  throw errors.forbidden('只能管理本机构的首诊医生白名单。');
}

async function barOf(db: Executor, practitionerId: string, institutionId: string, now: Date) {
  const facts = await doctorFacts(db, practitionerId, institutionId, now);
  if (!facts) return null;
  const today = shanghaiDate(now);
  const bar: BarCheck[] = [{ condition: 'licence', met: facts.licenceValid }, ...firstVisitBar(facts, today)];
  return { facts, bar, eligible: bar.every((c) => c.met) && facts.kind === 'doctor' };
}

export async function listWhitelist(
  ctx: AppContext,
  auth: AuthContext,
  institutionId: string,
): Promise<WhitelistEntry[]> {
  requireInstitutionAdmin(auth, institutionId, false);
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('first_visit_whitelist')
    .select(['practitioner_id', 'added_at'])
    .where('institution_id', '=', institutionId)
    .orderBy('added_at')
    .execute();
  const profiles = await practitionerProfiles(
    ctx.db,
    rows.map((r) => r.practitioner_id),
  );
  const out: WhitelistEntry[] = [];
  for (const r of rows) {
    const p = profiles.get(r.practitioner_id);
    if (!p) continue;
    const b = await barOf(ctx.db, p.id, institutionId, now);
    out.push({
      practitionerId: p.id,
      name: p.name,
      professionalTitle: p.professionalTitle,
      departmentName: p.departmentName,
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
): Promise<WhitelistEntry[]> {
  requireInstitutionAdmin(auth, institutionId, true);
  const now = ctx.clock.now();
  const b = await barOf(ctx.db, practitionerId, institutionId, now);
  if (!b?.facts.registeredAtInstitution) throw errors.notFound('本机构的医生');
  if (!b.eligible) {
    const unmet = b.bar.filter((c) => !c.met).map((c) => c.condition);
    throw directoryErrors.firstVisitBarNotMet(
      `该医生不符合互联网首诊医生条件（PILOT-2）：${unmet.map((c) => BAR_WORDS[c] ?? c).join('、')}。`,
      { unmet },
    );
  }
  await runCommand(ctx, actor, async ({ trx, audit }) => {
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
    await audit({
      action: 'first_visit_whitelist.add',
      resourceType: 'practitioner',
      resourceId: practitionerId,
      details: { institutionId },
    });
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
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    const res = await trx
      .deleteFrom('first_visit_whitelist')
      .where('institution_id', '=', institutionId)
      .where('practitioner_id', '=', practitionerId)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw errors.notFound('白名单中的医生');
    await audit({
      action: 'first_visit_whitelist.remove',
      resourceType: 'practitioner',
      resourceId: practitionerId,
      details: { institutionId },
    });
  });
}
