import { type Expression, type SqlBool, sql } from 'kysely';
import type { AuditRetentionKind } from '../../shared/privacy.js';
import type { Executor } from './db/database.js';

/**
 * The platform's part of retention ([10/12], DJ-16): platform owns `audit_event` and `idempotency_record`,
 * so modules/privacy reaches them through these functions.
 */

/** Actions whose audit record is about logins, accounts, roles and security settings. */
const SECURITY_PREFIXES = [
  'auth.',
  'account.',
  'security.',
  'mfa.',
  'session.',
  'audit.',
  'admin.',
  'access.',
];

/**
 * Which kind of audit record an event is (DJ-16): `medical` when it names a patient (the records' audit,
 * REC-1), `security` for logins, accounts and security settings, `operations` otherwise.
 */
export function auditKindOf(e: { patientId: string | null; action: string }): AuditRetentionKind {
  if (e.patientId) return 'medical';
  return SECURITY_PREFIXES.some((p) => e.action.startsWith(p)) ? 'security' : 'operations';
}

function kindCondition(kind: AuditRetentionKind): Expression<SqlBool> {
  const security = sql.join(
    SECURITY_PREFIXES.map((p) => sql`action like ${`${p}%`}`),
    sql` or `,
  );
  if (kind === 'medical') return sql<SqlBool>`patient_id is not null`;
  if (kind === 'security') return sql<SqlBool>`patient_id is null and (${security})`;
  return sql<SqlBool>`patient_id is null and not (${security})`;
}

/**
 * How many audit records of a kind occurred before `before` (past their online period): the count the
 * audit administrator sees as "eligible for archive". Audit records are never deleted here (DJ-14, REC-4).
 */
export async function countAuditBefore(
  db: Executor,
  kind: AuditRetentionKind,
  before: Date,
): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('occurred_at', '<', before)
    .where(kindCondition(kind))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Idempotency records older than `before`: a client's retry comes within minutes, not a month. */
export async function purgeIdempotencyRecords(db: Executor, before: Date): Promise<number> {
  const res = await db.deleteFrom('idempotency_record').where('created_at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** A closed account's idempotency records (its stored responses may carry its personal data). */
export async function forgetAccountIdempotency(db: Executor, accountId: string): Promise<number> {
  const res = await db
    .deleteFrom('idempotency_record')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** How many audit records name the account or its patient record (kept, DJ-16): for the deletion preview. */
export async function countAuditAbout(
  db: Executor,
  accountId: string,
  patientId: string | null,
): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.or([eb('actor_id', '=', accountId), ...(patientId ? [eb('patient_id', '=', patientId)] : [])]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
