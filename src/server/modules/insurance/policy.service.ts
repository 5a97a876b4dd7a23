/**
 * 医保政策 administration by the insurer ([7/12]): immutable policy versions per scheme and institution
 * level, and the institutions designated for insured internet services (INS-1). Every change is audited.
 *
 * Versions are published in order: a new version takes effect no earlier than tomorrow (today's and
 * earlier settlements were computed under the version in force then) and no earlier than the latest
 * version's day (the same day replaces a version that has not yet taken effect: ties go to the higher
 * version, policy-store.ts). So ordering by version is ordering by effective day, and a version's end is
 * simply the next version's effectiveFrom.
 */
import { sql } from 'kysely';
import type {
  Designation,
  DesignationBody,
  InstitutionLevel,
  PolicyBody,
  PolicyList,
  PolicyRules,
  PolicyVersion,
  Scheme,
} from '../../../shared/insurance.js';
import type { Actor } from '../../platform/audit/audit.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { institutionFacts } from '../directory/directory.api.js';
import { requireDays } from './business-day.js';
import { insuranceErrors } from './insurance.errors.js';
import { shanghaiDay } from './policy-store.js';

/** A `YYYY-MM-DD` of the body that is a real calendar day (the schema checks only the pattern). */
function requireDay(value: string, field: string): void {
  requireDays({ [`body.${field}`]: value });
}

/**
 * Rules that are each within range but contradict each other (pure). FD-6 amounts above the service fee
 * basis are allowed: the engine caps the fund at the line's total.
 */
export function policyRuleProblems(scheme: Scheme, rules: PolicyRules): string[] {
  const problems: string[] = [];
  // INS-2: only employees have a personal account.
  if (scheme === 'resident' && rules.accountPaysSelfPay) {
    problems.push('城乡居民医保没有个人账户，accountPaysSelfPay 须为 false');
  }
  if (rules.reimbursementBp > 0 && rules.annualCapFen === 0) {
    problems.push('报销比例大于 0 时，年度最高支付限额 annualCapFen 不能为 0');
  }
  return problems;
}

interface PolicyRow {
  id: string;
  scheme: Scheme;
  institution_level: InstitutionLevel;
  version: number;
  effective_from: string;
  rules: Record<string, unknown>;
  note: string | null;
  created_at: Date;
}

function policyView(row: PolicyRow, effectiveTo: string | null, inForce: boolean): PolicyVersion {
  return {
    id: row.id,
    scheme: row.scheme,
    institutionLevel: row.institution_level,
    version: row.version,
    effectiveFrom: String(row.effective_from),
    effectiveTo,
    inForce,
    rules: row.rules as unknown as PolicyRules,
    note: row.note,
    createdAt: row.created_at.toISOString(),
  };
}

const POLICY_COLUMNS = [
  'id',
  'scheme',
  'institution_level',
  'version',
  'effective_from',
  'rules',
  'note',
  'created_at',
] as const;

/**
 * Every version (a handful per scheme and level: not paged), newest first within each scheme × level,
 * with the day the next one takes over and whether it is in force today; then the designations.
 */
export async function listPolicies(ctx: AppContext): Promise<PolicyList> {
  const today = shanghaiDay(ctx.clock.now());
  const rows = (await ctx.db
    .selectFrom('insurance_policy')
    .select(POLICY_COLUMNS)
    .orderBy('scheme')
    .orderBy('institution_level')
    .orderBy('version', 'desc')
    .execute()) as PolicyRow[];
  const items: PolicyVersion[] = [];
  let group = '';
  let next: PolicyRow | null = null;
  let inForceFound = false;
  for (const row of rows) {
    const key = `${row.scheme}:${row.institution_level}`;
    if (key !== group) {
      group = key;
      next = null;
      inForceFound = false;
    }
    // Newest first: the first version already in effect today is the one in force (policyInForce).
    const inForce = !inForceFound && String(row.effective_from) <= today;
    if (inForce) inForceFound = true;
    items.push(policyView(row, next ? String(next.effective_from) : null, inForce));
    next = row;
  }
  return { items, designations: await listDesignations(ctx.db, today) };
}

async function listDesignations(db: Executor, today: string): Promise<Designation[]> {
  const rows = await db
    .selectFrom('insurance_designation')
    .select(['institution_id', 'agreement_no', 'effective_from', 'effective_to'])
    .execute();
  const facts = await institutionFacts(
    db,
    rows.map((r) => r.institution_id),
  );
  return rows
    .map((r) => designationView(r, facts.get(r.institution_id), today))
    .sort(
      (a, b) => a.agreementNo.localeCompare(b.agreementNo) || a.institutionId.localeCompare(b.institutionId),
    );
}

function designationView(
  r: { institution_id: string; agreement_no: string; effective_from: string; effective_to: string | null },
  facts: { name: string; level: string | null } | undefined,
  today: string,
): Designation {
  const from = String(r.effective_from);
  const to = r.effective_to === null ? null : String(r.effective_to);
  return {
    institutionId: r.institution_id,
    institutionName: facts?.name ?? '',
    level: (facts?.level ?? null) as InstitutionLevel | null,
    agreementNo: r.agreement_no,
    effectiveFrom: from,
    effectiveTo: to,
    inForce: from <= today && (to === null || to > today),
  };
}

/** Publishes a new immutable version (version = the latest + 1 for its scheme × level). */
export async function publishPolicy(ctx: AppContext, body: PolicyBody, actor: Actor): Promise<PolicyVersion> {
  requireDay(body.effectiveFrom, 'effectiveFrom');
  const problems = policyRuleProblems(body.scheme, body.rules);
  if (problems.length > 0) {
    throw insuranceErrors.policyRulesInvalid(`${problems.join('；')}。`, { problems });
  }
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const today = shanghaiDay(now);
    if (body.effectiveFrom <= today) {
      throw insuranceErrors.policyBackdated(
        `生效日期 ${body.effectiveFrom} 不晚于今天（${today}）；新版本最早从明天起生效。`,
      );
    }
    // One publisher at a time per scheme × level, so two concurrent posts get consecutive versions
    // (the unique (scheme, institution_level, version) refuses what the lock would miss).
    await sql`select pg_advisory_xact_lock(hashtextextended(${`insurance_policy:${body.scheme}:${body.institutionLevel}`}, 0))`.execute(
      trx,
    );
    const latest = await trx
      .selectFrom('insurance_policy')
      .select(['version', 'effective_from'])
      .where('scheme', '=', body.scheme)
      .where('institution_level', '=', body.institutionLevel)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest && body.effectiveFrom < String(latest.effective_from)) {
      throw insuranceErrors.policyBeforeLatest(
        `最新版本（第 ${latest.version} 版）自 ${String(latest.effective_from)} 起生效，新版本不得早于该日。`,
      );
    }
    const row: PolicyRow = {
      id: newId(),
      scheme: body.scheme,
      institution_level: body.institutionLevel,
      version: (latest?.version ?? 0) + 1,
      effective_from: body.effectiveFrom,
      rules: body.rules,
      note: body.note ?? null,
      created_at: now,
    };
    await trx
      .insertInto('insurance_policy')
      .values({ ...row, rules: JSON.stringify(body.rules), created_by: actor.accountId })
      .execute();
    await cmd.audit({
      action: 'insurance.policy_published',
      resourceType: 'insurance_policy',
      resourceId: row.id,
      details: {
        scheme: row.scheme,
        institutionLevel: row.institution_level,
        version: row.version,
        effectiveFrom: row.effective_from,
        rules: body.rules,
      },
    });
    return policyView(row, null, false);
  });
}

/**
 * INS-1: designates an institution (or changes or ends its designation). The table keeps one agreement
 * per institution; the days before today keep the answer they had (whether a past online service was
 * insurable does not change afterwards), except that a lapsed agreement may be replaced by a new one
 * starting today or later (the old one stays in the audit log).
 */
export async function setDesignation(
  ctx: AppContext,
  institutionId: string,
  body: DesignationBody,
  actor: Actor,
): Promise<Designation> {
  requireDay(body.effectiveFrom, 'effectiveFrom');
  const effectiveTo = body.effectiveTo ?? null;
  if (effectiveTo !== null) requireDay(effectiveTo, 'effectiveTo');
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const today = shanghaiDay(now);
    const facts = (await institutionFacts(trx, [institutionId])).get(institutionId);
    if (!facts) throw errors.notFound('机构');
    if (effectiveTo !== null && effectiveTo <= body.effectiveFrom) {
      throw insuranceErrors.designationDatesInvalid(
        `终止日期 ${effectiveTo} 须晚于生效日期 ${body.effectiveFrom}。`,
      );
    }
    const before = await trx
      .selectFrom('insurance_designation')
      .select(['institution_id', 'agreement_no', 'effective_from', 'effective_to'])
      .where('institution_id', '=', institutionId)
      .forUpdate()
      .executeTakeFirst();
    const past = (from: string, to: string | null) => {
      const end = to === null || to > today ? today : to;
      return from < end ? `${from}..${end}` : '';
    };
    const pastBefore = before ? past(String(before.effective_from), before.effective_to) : '';
    const pastAfter = past(body.effectiveFrom, effectiveTo);
    const lapsedReplaced =
      before?.effective_to != null && String(before.effective_to) <= today && body.effectiveFrom >= today;
    if (pastBefore !== pastAfter && !lapsedReplaced) {
      throw insuranceErrors.designationDatesInvalid(
        `今天（${today}）以前的定点状态不能更改：原为 ${pastBefore || '未定点'}，更改后为 ${pastAfter || '未定点'}。`,
      );
    }
    const values = {
      agreement_no: body.agreementNo.trim(),
      effective_from: body.effectiveFrom,
      effective_to: effectiveTo,
      updated_by: actor.accountId,
      updated_at: now,
    };
    await trx
      .insertInto('insurance_designation')
      .values({ institution_id: institutionId, ...values })
      .onConflict((oc) => oc.column('institution_id').doUpdateSet(values))
      .execute();
    await cmd.audit({
      action: 'insurance.designation_changed',
      resourceType: 'institution',
      resourceId: institutionId,
      details: {
        before: before
          ? {
              agreementNo: before.agreement_no,
              effectiveFrom: String(before.effective_from),
              effectiveTo: before.effective_to === null ? null : String(before.effective_to),
            }
          : null,
        after: { agreementNo: values.agreement_no, effectiveFrom: body.effectiveFrom, effectiveTo },
      },
    });
    return designationView({ institution_id: institutionId, ...values }, facts, today);
  });
}
