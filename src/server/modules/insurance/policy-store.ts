/**
 * Policy versions and designations as the rest of the module reads them ([7/12]). A policy is versioned
 * data: rows are never changed; the version in force on a day is the one with the latest effective_from
 * on or before it (ties: the higher version). Every settlement records the version it used.
 */
import type { InstitutionLevel, PolicyRules, Scheme } from '../../../shared/insurance.js';
import type { Executor } from '../../platform/db/database.js';

/** The business day (Asia/Shanghai, UTC+8 without daylight saving) of an instant, `YYYY-MM-DD`. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export interface PolicyInForce {
  id: string;
  scheme: Scheme;
  institutionLevel: InstitutionLevel;
  version: number;
  effectiveFrom: string;
  rules: PolicyRules;
}

export async function policyInForce(
  db: Executor,
  scheme: Scheme,
  level: InstitutionLevel,
  day: string,
): Promise<PolicyInForce | null> {
  const row = await db
    .selectFrom('insurance_policy')
    .select(['id', 'scheme', 'institution_level', 'version', 'effective_from', 'rules'])
    .where('scheme', '=', scheme)
    .where('institution_level', '=', level)
    .where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toPolicy(row) : null;
}

/** One version by id (to recompute a settlement from the version it recorded). */
export async function policyById(db: Executor, id: string): Promise<PolicyInForce | null> {
  const row = await db
    .selectFrom('insurance_policy')
    .select(['id', 'scheme', 'institution_level', 'version', 'effective_from', 'rules'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toPolicy(row) : null;
}

function toPolicy(row: {
  id: string;
  scheme: Scheme;
  institution_level: InstitutionLevel;
  version: number;
  effective_from: string;
  rules: Record<string, unknown>;
}): PolicyInForce {
  return {
    id: row.id,
    scheme: row.scheme,
    institutionLevel: row.institution_level,
    version: row.version,
    effectiveFrom: row.effective_from,
    rules: row.rules as unknown as PolicyRules,
  };
}

/** INS-1: whether the institution holds a supplementary agreement for internet services on that day. */
export async function isDesignated(db: Executor, institutionId: string, day: string): Promise<boolean> {
  const row = await db
    .selectFrom('insurance_designation')
    .select('institution_id')
    .where('institution_id', '=', institutionId)
    .where('effective_from', '<=', day)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', day)]))
    .executeTakeFirst();
  return row !== undefined;
}
