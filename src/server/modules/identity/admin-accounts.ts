/**
 * Accounts as the platform's administrators manage them ([10/12], DJ-8 三权分立): identity owns the account
 * table, so the administration module lists, creates and changes accounts only through these functions.
 * They take the caller's executor or transaction and audit nothing themselves: the caller's command does
 * (`cmd.audit`), with the administrator as the actor. Nothing here decides who may do what — the
 * administration service does; the database's constraints (0032) hold whatever the caller.
 */
import { sql } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/fields.js';
import { maskPhone } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { olderThan } from '../../platform/paging.js';

/** An account as administrators see it: the phone masked (DJ-10), never the password or a secret. */
export interface AdminAccountRow {
  id: string;
  name: string;
  maskedPhone: string;
  roles: string[];
  institutionId: string | null;
  practitionerId: string | null;
  status: 'active' | 'disabled' | 'locked';
  /** The newest session's start: the last successful login. */
  lastLoginAt: Date | null;
  createdAt: Date;
  passwordMustChange: boolean;
}

export interface AdminAccountFilter {
  /** A full phone (exact, by blind index) or part of a name. */
  q?: string | undefined;
  role?: string | undefined;
  status?: string | undefined;
  institutionId?: string | undefined;
  /** Keyset: older than this (created_at, id). */
  before?: readonly [string, string] | undefined;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function accountRows(db: Executor) {
  return db.selectFrom('account as a').select([
    'a.id',
    'a.name',
    'a.phone_enc',
    'a.roles',
    'a.institution_id',
    'a.practitioner_id',
    'a.status',
    'a.created_at',
    // 0031 (staff credentials): an initial password must change at the first login (DJ-2).
    sql<boolean>`a.password_must_change`.as('password_must_change'),
    (eb) =>
      eb
        .selectFrom('auth_session as s')
        .select((e) => e.fn.max('s.created_at').as('at'))
        .whereRef('s.account_id', '=', 'a.id')
        .as('last_login_at'),
  ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof accountRows>['execute']>>[number];

function toAdminRow(cipher: FieldCipher, r: Row): AdminAccountRow {
  const last = r.last_login_at as Date | string | null;
  return {
    id: r.id,
    name: r.name,
    maskedPhone: maskPhone(cipher.decrypt(r.phone_enc)),
    roles: r.roles,
    institutionId: r.institution_id,
    practitionerId: r.practitioner_id,
    status: r.status as AdminAccountRow['status'],
    lastLoginAt: last === null ? null : new Date(last),
    createdAt: r.created_at,
    passwordMustChange: r.password_must_change === true,
  };
}

/** Accounts newest first, `limit + 1` rows so the caller can tell whether a page follows. */
export async function listAdminAccounts(
  db: Executor,
  cipher: FieldCipher,
  filter: AdminAccountFilter,
): Promise<AdminAccountRow[]> {
  let q = accountRows(db);
  const text = filter.q?.trim();
  if (text) {
    q = /^1\d{10}$/.test(text)
      ? q.where('a.phone_bidx', '=', cipher.blindIndex('phone', text))
      : q.where(sql<boolean>`a.name like ${`%${escapeLike(text)}%`} escape '\\'`);
  }
  if (filter.role) q = q.where(sql<boolean>`${filter.role} = any(a.roles)`);
  if (filter.status) q = q.where('a.status', '=', filter.status);
  if (filter.institutionId) q = q.where('a.institution_id', '=', filter.institutionId);
  const rows = await q
    .where(olderThan('a.created_at', filter.before, 'a.id'))
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return rows.map((r) => toAdminRow(cipher, r));
}

export async function adminAccount(
  db: Executor,
  cipher: FieldCipher,
  accountId: string,
): Promise<AdminAccountRow | undefined> {
  const row = await accountRows(db).where('a.id', '=', accountId).executeTakeFirst();
  return row ? toAdminRow(cipher, row) : undefined;
}

/** The account row locked for the change that follows (one administrator's change at a time). */
export async function lockAccountForChange(
  trx: Executor,
  accountId: string,
): Promise<
  { id: string; name: string; roles: string[]; status: string; institutionId: string | null } | undefined
> {
  const row = await trx
    .selectFrom('account')
    .select(['id', 'name', 'roles', 'status', 'institution_id'])
    .where('id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
  return row
    ? { id: row.id, name: row.name, roles: row.roles, status: row.status, institutionId: row.institution_id }
    : undefined;
}

/** Whether a phone has an account already. */
export async function phoneRegistered(db: Executor, cipher: FieldCipher, phone: string): Promise<boolean> {
  const row = await db
    .selectFrom('account')
    .select('id')
    .where('phone_bidx', '=', cipher.blindIndex('phone', phone))
    .executeTakeFirst();
  return !!row;
}

/** Whether a practitioner already signs in with an account (practitioner_id is unique). */
export async function practitionerHasAccount(db: Executor, practitionerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('account')
    .select('id')
    .where('practitioner_id', '=', practitionerId)
    .executeTakeFirst();
  return !!row;
}

/**
 * A staff account made by the system administrator, without a password yet (the caller sets its initial
 * one in the same transaction). Returns its id; undefined when the phone was registered meanwhile.
 */
export async function insertStaffAccount(
  trx: Executor,
  cipher: FieldCipher,
  input: {
    phone: string;
    name: string;
    roles: string[];
    institutionId: string | null;
    practitionerId: string | null;
  },
  now: Date,
): Promise<string | undefined> {
  const id = newId();
  const inserted = await trx
    .insertInto('account')
    .values({
      id,
      phone_enc: cipher.encrypt(input.phone),
      phone_bidx: cipher.blindIndex('phone', input.phone),
      name: input.name,
      roles: input.roles,
      institution_id: input.institutionId,
      practitioner_id: input.practitionerId,
      password_hash: null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('phone_bidx').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

/** Sets an account's roles (DJ-8: the database refuses two administrator roles, 0032). */
export async function setAccountRoles(trx: Executor, accountId: string, roles: string[]): Promise<void> {
  await trx.updateTable('account').set({ roles }).where('id', '=', accountId).execute();
}

/** Sets an account's status: `locked` and `disabled` accounts cannot log in (resolveSession refuses them). */
export async function setAccountStatus(
  trx: Executor,
  accountId: string,
  status: 'active' | 'disabled' | 'locked',
): Promise<void> {
  await trx.updateTable('account').set({ status }).where('id', '=', accountId).execute();
}

/**
 * Revokes every live session of an account. Announce it after the commit (announceSessionsRevoked with
 * the account id) so every node's session cache drops them at once.
 */
export async function revokeAccountSessions(trx: Executor, accountId: string, now: Date): Promise<number> {
  const res = await trx
    .updateTable('auth_session')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Names and roles of accounts (the audit views name actors so: never a phone, DJ-10). */
export async function accountLabels(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { name: string; roles: string[] }>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('account')
    .select(['id', 'name', 'roles'])
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, roles: r.roles }]));
}
