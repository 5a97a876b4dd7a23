/**
 * Reading the audit log as its administrators do ([10/12], DJ-8, DJ-15). "Nobody else reads audit records":
 * the audit log is the platform's table and these are its only general readers —
 * - `searchAuditEvents`: the audit administrator's search and export (any event, any filter);
 * - `adminActionEvents`: the three administrators' own actions, which each of them sees (DJ-8: every action
 *   of theirs visible to the other two) — the one documented exception;
 * - `countActions`: how often an actor did something lately (the audit export's fallback rate limit).
 * The other readers are narrower and documented where they are: a patient's own access log
 * (audit-queries.ts, 个人信息保护法 right to know) and FHIR AuditEvent (audit.fhir.ts).
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { ADMIN_ROLES } from '../../../shared/identity.js';
import type { Executor } from '../db/database.js';

export interface AuditRow {
  id: number;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  outcome: 'success' | 'failure';
  resourceType: string | null;
  resourceId: string | null;
  patientId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  sealed: boolean;
}

export interface AuditFilter {
  actorId?: string | undefined;
  patientId?: string | undefined;
  /** A prefix of the action (`auth.`); LIKE wildcards in it match literally. */
  action?: string | undefined;
  outcome?: 'success' | 'failure' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset: events older than (occurred_at, id), newest first. */
  before?: { at: Date; id: number } | undefined;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function olderThanEvent(before: AuditFilter['before']): RawBuilder<SqlBool> {
  if (!before) return sql<SqlBool>`true`;
  return sql<SqlBool>`(occurred_at, id) < (${before.at}, ${before.id})`;
}

function rows(db: Executor) {
  return db
    .selectFrom('audit_event')
    .select([
      'id',
      'occurred_at',
      'actor_id',
      'actor_role',
      'action',
      'outcome',
      'resource_type',
      'resource_id',
      'patient_id',
      'ip',
      'details',
      'seq',
    ]);
}
type Raw = Awaited<ReturnType<ReturnType<typeof rows>['execute']>>[number];

function toRow(r: Raw): AuditRow {
  return {
    id: Number(r.id),
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    outcome: r.outcome === 'failure' ? 'failure' : 'success',
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    patientId: r.patient_id,
    ip: r.ip,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {})) as Record<
      string,
      unknown
    >,
    sealed: r.seq !== null,
  };
}

/** DJ-15: the audit administrator's search, newest first, `limit` rows (ask for one more to page). */
export async function searchAuditEvents(
  db: Executor,
  filter: AuditFilter,
  limit: number,
): Promise<AuditRow[]> {
  let q = rows(db);
  if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
  if (filter.patientId) q = q.where('patient_id', '=', filter.patientId);
  if (filter.action) q = q.where(sql<SqlBool>`action like ${`${escapeLike(filter.action)}%`} escape '\\'`);
  if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
  if (filter.from) q = q.where('occurred_at', '>=', filter.from);
  if (filter.to) q = q.where('occurred_at', '<', filter.to);
  const found = await q
    .where(olderThanEvent(filter.before))
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return found.map(toRow);
}

/** DJ-8: what the three administrators did, newest first (refusals of them included). */
export async function adminActionEvents(
  db: Executor,
  query: { role?: string | undefined; before?: AuditFilter['before'] },
  limit: number,
): Promise<AuditRow[]> {
  const roles = query.role ? [query.role] : [...ADMIN_ROLES];
  const found = await rows(db)
    .where('actor_role', 'in', roles)
    .where(olderThanEvent(query.before))
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return found.map(toRow);
}

/** How many `action` events an actor has since `since` (successful ones only). */
export async function countActions(
  db: Executor,
  actorId: string,
  action: string,
  since: Date,
): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('actor_id', '=', actorId)
    .where('action', '=', action)
    .where('outcome', '=', 'success')
    .where('occurred_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
