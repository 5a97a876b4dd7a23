/**
 * 三权分立 (DJ-8): the system administrator (accounts: create, reset a password, disable / enable), the
 * security administrator (roles, locks, second factors, the security policy) and the audit administrator
 * (audit.service.ts). Rules kept here, whatever the route:
 * - no account holds two administrator roles (ADMIN_ROLES_EXCLUSIVE; the database's constraint 0032 too);
 * - no administrator changes its own roles, locks or disables itself, or resets its own password or second
 *   factor through these routes (ADMIN_SELF_CHANGE, 403);
 * - a disabled account is enabled by the system administrator, a locked one unlocked by the security
 *   administrator: neither undoes the other's decision (ACCOUNT_STATUS_CONFLICT);
 * - every action, reads included, is one audit event with the administrator's role as actor_role, so the
 *   other two see it (`GET /admin/actions`).
 * Accounts are identity's: changed only through identity/admin-accounts.ts, in this module's command.
 */
import { randomInt } from 'node:crypto';
import type {
  AccountCreate,
  AdminAccount,
  AdminAccountPage,
  AdminAccountQuery,
  AdminActionPage,
  AdminActionQuery,
  AuditEventView,
  InitialPassword,
  RolesChange,
  SecurityPolicy,
} from '../../../shared/administration.js';
import { passwordShapeProblems } from '../../../shared/credentials.js';
import { ADMIN_ROLES, type Role } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import { type AuditRow, adminActionEvents } from '../../platform/audit/audit-search.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskPhone } from '../../platform/crypto/mask.js';
import { cutPage, decodeCursor } from '../../platform/paging.js';
import { institutionFacts, practitionerFacts } from '../directory/directory.api.js';
import {
  type AdminAccountRow,
  accountLabels,
  adminAccount,
  insertStaffAccount,
  listAdminAccounts,
  lockAccountForChange,
  phoneRegistered,
  practitionerHasAccount,
  revokeAccountSessions,
  setAccountRoles,
  setAccountStatus,
} from '../identity/admin-accounts.js';
import {
  resetSecondFactor as resetAccountSecondFactor,
  setInitialPassword as setAccountInitialPassword,
} from '../identity/credentials.service.js';
import { patientNames } from '../identity/identity.api.js';
import { announceSessionsRevoked } from '../identity/session-cache.js';
import { administrationErrors } from './administration.errors.js';

const isAdminRole = (r: string) => (ADMIN_ROLES as readonly string[]).includes(r);

/** Roles whose account belongs to an institution, and those that sign in as a directory practitioner. */
const NEEDS_INSTITUTION = new Set(['doctor', 'nurse', 'pharmacist', 'pharmacy_staff', 'org_admin']);
const NEEDS_PRACTITIONER = new Set(['doctor', 'pharmacist']);

/**
 * The actor of an administrator's request: its administrator role, whatever order its roles are in, so the
 * audit event's actor_role says which of the three acted (DJ-8).
 */
export function adminActor(auth: AuthContext, ip: string | null): Actor {
  return { accountId: auth.accountId, role: auth.roles.find(isAdminRole) ?? auth.roles[0] ?? null, ip };
}

/**
 * DJ-8: an administrator role is an account's only role — never two of them, nor one beside a business
 * role (its actions would be audited under that role and an added patient role would skip DJ-19's check).
 */
export function checkAdminRoles(roles: readonly string[]): void {
  if (roles.some(isAdminRole) && roles.length > 1) throw administrationErrors.rolesExclusive();
}

function notSelf(auth: AuthContext, accountId: string): void {
  if (auth.accountId === accountId) throw administrationErrors.selfChange();
}

// --- Views.

async function accountViews(ctx: AppContext, rows: AdminAccountRow[]): Promise<AdminAccount[]> {
  const institutions = await institutionFacts(
    ctx.db,
    rows.flatMap((r) => (r.institutionId ? [r.institutionId] : [])),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phone: r.maskedPhone,
    roles: r.roles as Role[],
    institutionId: r.institutionId,
    institutionName: r.institutionId ? (institutions.get(r.institutionId)?.name ?? null) : null,
    practitionerId: r.practitionerId,
    status: r.status,
    lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    passwordChangeRequired: r.passwordMustChange,
  }));
}

async function accountView(ctx: AppContext, accountId: string): Promise<AdminAccount> {
  const row = await adminAccount(ctx.db, ctx.cipher, accountId);
  if (!row) throw administrationErrors.accountNotFound();
  const [view] = await accountViews(ctx, [row]);
  return view!;
}

/** Audit events as administrators see them: actors and patients by name and role, never a phone (DJ-10). */
export async function auditEventViews(ctx: AppContext, rows: AuditRow[]): Promise<AuditEventView[]> {
  const [actors, patients] = await Promise.all([
    accountLabels(
      ctx.db,
      rows.flatMap((r) => (r.actorId ? [r.actorId] : [])),
    ),
    patientNames(
      ctx.db,
      rows.flatMap((r) => (r.patientId ? [r.patientId] : [])),
    ),
  ]);
  return rows.map((r) => {
    const actor = r.actorId ? actors.get(r.actorId) : undefined;
    return {
      id: r.id,
      occurredAt: r.occurredAt.toISOString(),
      actor: r.actorId
        ? {
            id: r.actorId,
            name: actor?.name || '（未命名账号）',
            role: r.actorRole ?? actor?.roles[0] ?? null,
          }
        : null,
      actorRole: r.actorRole,
      action: r.action,
      outcome: r.outcome,
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      patient: r.patientId ? { id: r.patientId, name: patients.get(r.patientId) ?? '' } : null,
      ip: r.ip,
      details: r.details,
      sealed: r.sealed,
    };
  });
}

// --- Reads of the system and security administrators.

export async function listAccounts(
  ctx: AppContext,
  query: AdminAccountQuery,
  actor: Actor,
): Promise<AdminAccountPage> {
  const limit = query.limit ?? 20;
  const before = decodeCursor(query.cursor, ['instant', 'uuid'] as const);
  const rows = await listAdminAccounts(ctx.db, ctx.cipher, {
    q: query.q,
    role: query.role,
    status: query.status,
    institutionId: query.institutionId,
    before,
    limit,
  });
  const page = cutPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
  await runCommand(ctx, actor, (cmd) =>
    cmd.audit({
      action: 'admin.account.list',
      resourceType: 'account',
      details: {
        // A phone searched for is kept masked (DJ-10), and so is any part of one; a name as typed.
        q:
          query.q && /\d/.test(query.q)
            ? /^1\d{10}$/.test(query.q)
              ? maskPhone(query.q)
              : '(digits)'
            : query.q,
        role: query.role,
        status: query.status,
        institutionId: query.institutionId,
        count: page.rows.length,
      },
    }),
  );
  return { items: await accountViews(ctx, page.rows), nextCursor: page.nextCursor };
}

/** DJ-8: the other administrators' actions — and one's own — newest first. Reading it is audited too. */
export async function listAdminActions(
  ctx: AppContext,
  query: AdminActionQuery,
  actor: Actor,
): Promise<AdminActionPage> {
  const limit = query.limit ?? 50;
  const key = decodeCursor(query.before, ['instant', 'number'] as const);
  const rows = await adminActionEvents(
    ctx.db,
    { role: query.role, before: key ? { at: new Date(key[0]), id: key[1] } : undefined },
    limit + 1,
  );
  const page = cutPage(rows, limit, (r) => [r.occurredAt.toISOString(), r.id]);
  await runCommand(ctx, actor, (cmd) =>
    cmd.audit({
      action: 'admin.actions.read',
      resourceType: 'audit_event',
      details: { role: query.role, count: page.rows.length },
    }),
  );
  return { items: await auditEventViews(ctx, page.rows), nextCursor: page.nextCursor };
}

export async function securityPolicy(ctx: AppContext, actor: Actor): Promise<SecurityPolicy> {
  const s = ctx.config.security;
  const a = ctx.config.auth;
  const min = 60_000;
  await runCommand(ctx, actor, (cmd) =>
    cmd.audit({ action: 'admin.security_policy.read', resourceType: 'security_policy' }),
  );
  return {
    password: { ...s.password },
    login: {
      maxFailures: a.maxFailures,
      lockoutMinutes: a.lockoutMs / min,
      staffIdleTimeoutMinutes: a.staffIdleTimeoutMs / min,
      staffSessionHours: a.staffSessionTtlMs / (60 * min),
    },
    mfa: { issuer: s.mfa.issuer, challengeTtlSeconds: s.mfa.challengeTtlMs / 1000, demoSkip: s.mfa.demoSkip },
    consoleRanges: [...s.consoleRanges],
    alerts: {
      bruteForceAccounts: s.alerts.bruteForceAccounts,
      bruteForceWindowMinutes: s.alerts.bruteForceWindowMs / min,
      enumerationIds: s.alerts.enumerationIds,
      enumerationWindowMinutes: s.alerts.enumerationWindowMs / min,
      exportsPerHour: s.alerts.exportsPerHour,
      bulkReadsPerHour: s.alerts.bulkReadsPerHour,
    },
  };
}

// --- Initial passwords (DJ-2).

const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const OTHER = '@#%+=?!';

/**
 * A password an administrator hands over once: 16 characters from all four classes (no look-alikes such as
 * 0/O, 1/l/I), well beyond the staff policy (DJ-2) — and checked against it, so a stricter setting still holds.
 */
export function generateInitialPassword(ctx: AppContext): string {
  const all = LOWER + UPPER + DIGITS + OTHER;
  const length = Math.max(16, ctx.config.security.password.minLength);
  for (;;) {
    const chars = [LOWER, UPPER, DIGITS, OTHER].map((set) => set[randomInt(set.length)]!);
    while (chars.length < length) chars.push(all[randomInt(all.length)]!);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const password = chars.join('');
    if (passwordShapeProblems(password, ctx.config.security.password).length === 0) return password;
  }
}

/** Identity's setInitialPassword: checked against the policy, remembered, `password_must_change`, sessions revoked. */
async function setInitialPassword(cmd: CommandScope, accountId: string): Promise<string> {
  const password = generateInitialPassword(cmd.ctx);
  await setAccountInitialPassword(cmd.ctx, cmd.trx, accountId, password, cmd.now);
  return password;
}

// --- The system administrator.

async function checkScope(
  ctx: AppContext,
  roles: readonly string[],
  institutionId: string | null,
  practitionerId: string | null,
): Promise<void> {
  if (roles.some((r) => NEEDS_INSTITUTION.has(r))) {
    if (!institutionId || !(await institutionFacts(ctx.db, [institutionId])).has(institutionId)) {
      throw administrationErrors.roleNeedsInstitution();
    }
  }
  if (roles.some((r) => NEEDS_PRACTITIONER.has(r))) {
    const p = practitionerId ? await practitionerFacts(ctx.db, practitionerId) : undefined;
    if (!p || p.institutionId !== institutionId) {
      throw administrationErrors.roleNeedsPractitioner(
        p ? '该执业人员不在所选机构执业（practitionerId 与 institutionId 不符）。' : undefined,
      );
    }
  }
}

/** A staff account with an initial password, shown this once (DJ-2: changed at the first login). */
export async function createAccount(
  ctx: AppContext,
  input: AccountCreate,
  actor: Actor,
): Promise<InitialPassword> {
  const roles = [input.role];
  checkAdminRoles(roles);
  const institutionId = NEEDS_INSTITUTION.has(input.role) ? (input.institutionId ?? null) : null;
  const practitionerId = NEEDS_PRACTITIONER.has(input.role) ? (input.practitionerId ?? null) : null;
  await checkScope(ctx, roles, institutionId, practitionerId);
  if (await phoneRegistered(ctx.db, ctx.cipher, input.phone)) throw administrationErrors.phoneTaken();
  if (practitionerId && (await practitionerHasAccount(ctx.db, practitionerId))) {
    throw administrationErrors.roleNeedsPractitioner('该执业人员已有账号。');
  }
  const { id, password } = await runCommand(ctx, actor, async (cmd) => {
    const id = await insertStaffAccount(
      cmd.trx,
      ctx.cipher,
      { phone: input.phone, name: input.name, roles, institutionId, practitionerId },
      cmd.now,
    );
    if (!id) throw administrationErrors.phoneTaken();
    const password = await setInitialPassword(cmd, id);
    // DJ-8: no administrator sets up an administrator alone — a new administrator account starts locked,
    // and only the security administrator unlocks it (two people, each action visible to the third).
    const awaitingApproval = roles.some(isAdminRole);
    if (awaitingApproval) await setAccountStatus(cmd.trx, id, 'locked');
    await cmd.audit({
      action: 'admin.account.create',
      resourceType: 'account',
      resourceId: id,
      details: {
        name: input.name,
        phone: maskPhone(input.phone),
        roles,
        institutionId,
        practitionerId,
        ...(awaitingApproval ? { awaitingApproval: true } : {}),
      },
    });
    return { id, password };
  });
  return { account: await accountView(ctx, id), initialPassword: password };
}

/** A new initial password (DJ-2): the old one stops working, and so do the account's sessions. */
export async function resetPassword(
  ctx: AppContext,
  auth: AuthContext,
  accountId: string,
  actor: Actor,
): Promise<InitialPassword> {
  notSelf(auth, accountId);
  const password = await runCommand(ctx, actor, async (cmd) => {
    const account = await lockAccountForChange(cmd.trx, accountId);
    if (!account) throw administrationErrors.accountNotFound();
    const password = await setInitialPassword(cmd, accountId);
    await cmd.audit({
      action: 'admin.account.password_reset',
      resourceType: 'account',
      resourceId: accountId,
      // The audit administrator reads whom an action touched without a look-up they may not make (DJ-15).
      details: { targetName: account.name },
    });
    return password;
  });
  announceSessionsRevoked(ctx, { accountIds: [accountId] });
  return { account: await accountView(ctx, accountId), initialPassword: password };
}

type StatusChange = {
  action: string;
  to: 'active' | 'disabled' | 'locked';
  /** The states it may start from (the same state again is answered as done, changing nothing). */
  from: readonly string[];
  reason?: string;
};

async function changeStatus(
  ctx: AppContext,
  auth: AuthContext,
  accountId: string,
  change: StatusChange,
  actor: Actor,
): Promise<AdminAccount> {
  notSelf(auth, accountId);
  const revoked = await runCommand(ctx, actor, async (cmd) => {
    const account = await lockAccountForChange(cmd.trx, accountId);
    if (!account) throw administrationErrors.accountNotFound();
    if (account.status !== change.to && !change.from.includes(account.status)) {
      throw administrationErrors.statusConflict(
        account.status === 'locked'
          ? '该账号已被安全管理员锁定，须由安全管理员解锁（DJ-8 三权分立）。'
          : account.status === 'disabled'
            ? '该账号已被系统管理员停用，须由系统管理员启用（DJ-8 三权分立）。'
            : undefined,
        { accountStatus: account.status },
      );
    }
    const changed = account.status !== change.to;
    if (changed) await setAccountStatus(cmd.trx, accountId, change.to);
    const sessions = change.to === 'active' ? 0 : await revokeAccountSessions(cmd.trx, accountId, cmd.now);
    await cmd.audit({
      action: change.action,
      resourceType: 'account',
      resourceId: accountId,
      details: {
        targetName: account.name,
        from: account.status,
        to: change.to,
        ...(change.reason ? { reason: change.reason } : {}),
        ...(sessions > 0 ? { sessionsRevoked: sessions } : {}),
        ...(changed ? {} : { unchanged: true }),
      },
    });
    return change.to !== 'active';
  });
  // After the commit: every node's session cache drops the account's sessions at once.
  if (revoked) announceSessionsRevoked(ctx, { accountIds: [accountId] });
  return accountView(ctx, accountId);
}

export const disableAccount = (
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  reason: string,
  actor: Actor,
) =>
  changeStatus(
    ctx,
    auth,
    id,
    { action: 'admin.account.disable', to: 'disabled', from: ['active'], reason },
    actor,
  );

export const enableAccount = (ctx: AppContext, auth: AuthContext, id: string, actor: Actor) =>
  changeStatus(ctx, auth, id, { action: 'admin.account.enable', to: 'active', from: ['disabled'] }, actor);

// --- The security administrator.

/** DJ-7, DJ-8: locked accounts cannot log in; their live sessions are refused at once on every node. */
export const lockAccount = (ctx: AppContext, auth: AuthContext, id: string, reason: string, actor: Actor) =>
  changeStatus(
    ctx,
    auth,
    id,
    { action: 'admin.account.lock', to: 'locked', from: ['active'], reason },
    actor,
  );

export const unlockAccount = (ctx: AppContext, auth: AuthContext, id: string, actor: Actor) =>
  changeStatus(ctx, auth, id, { action: 'admin.account.unlock', to: 'active', from: ['locked'] }, actor);

/**
 * Sets an account's roles (never one's own; never two administrator roles). Sessions cache roles: the
 * account's sessions are revoked and announced, so the new roles apply from its next login.
 */
export async function changeRoles(
  ctx: AppContext,
  auth: AuthContext,
  accountId: string,
  input: RolesChange,
  actor: Actor,
): Promise<AdminAccount> {
  notSelf(auth, accountId);
  const roles = [...new Set(input.roles)];
  checkAdminRoles(roles);
  await runCommand(ctx, actor, async (cmd) => {
    const account = await lockAccountForChange(cmd.trx, accountId);
    if (!account) throw administrationErrors.accountNotFound();
    // DJ-8: administrator roles come only with a new account (created locked, unlocked by the security
    // administrator), never by a role change; DJ-2: staff roles only on accounts already staff.
    if (roles.some((r) => isAdminRole(r) && !account.roles.includes(r)))
      throw administrationErrors.adminRoleGrant();
    const isStaffRole = (r: string) => r !== 'patient';
    if (roles.some(isStaffRole) && !account.roles.some(isStaffRole))
      throw administrationErrors.staffRoleGrant();
    const current = await adminAccount(cmd.trx, ctx.cipher, accountId);
    await checkScope(ctx, roles, account.institutionId, current?.practitionerId ?? null);
    await setAccountRoles(cmd.trx, accountId, roles);
    const sessions = await revokeAccountSessions(cmd.trx, accountId, cmd.now);
    await cmd.audit({
      action: 'admin.account.roles',
      resourceType: 'account',
      resourceId: accountId,
      details: {
        targetName: account.name,
        from: account.roles,
        to: roles,
        reason: input.reason,
        sessionsRevoked: sessions,
      },
    });
  });
  announceSessionsRevoked(ctx, { accountIds: [accountId] });
  return accountView(ctx, accountId);
}

/**
 * DJ-6: the account's authenticator and recovery codes are forgotten; it enrols again at its next login.
 * Identity's resetSecondFactor does it in one command (audited `auth.second_factor.reset` with this actor,
 * sessions revoked and announced).
 */
export async function resetSecondFactor(
  ctx: AppContext,
  auth: AuthContext,
  accountId: string,
  reason: string,
  actor: Actor,
): Promise<AdminAccount> {
  notSelf(auth, accountId);
  if (!(await adminAccount(ctx.db, ctx.cipher, accountId))) throw administrationErrors.accountNotFound();
  await resetAccountSecondFactor(ctx, accountId, actor, reason);
  return accountView(ctx, accountId);
}
