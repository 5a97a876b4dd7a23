/**
 * 三权分立 (DJ-8) and the audit administrator (DJ-15): the contract of the system, security and audit
 * administrators' API (`/api/v1/admin/...`, `/api/v1/audit/...`). TypeBox schemas the routes validate with,
 * `Static` types the consoles read. Browser-safe: TypeBox only.
 *
 * Who calls what:
 * - system_admin: accounts (list, create a staff account, reset a password, disable / enable);
 * - security_admin: accounts (list), roles, lock / unlock, second-factor reset, the security policy;
 * - all three: `GET /admin/actions`, every administrator's action (each sees the other two's);
 * - audit_admin only: `/audit/events`, `/audit/events/export` (CSV), `/audit/verify`.
 * Nobody's phone or ID number appears here unmasked (DJ-10): phones are `138****0001`.
 *
 * Routes (prefix /api/v1; refusals are problem+json with a stable `code`):
 *   GET  /admin/accounts                       system_admin, security_admin  AdminAccountQuery → AdminAccountPage
 *   POST /admin/accounts                       system_admin    AccountCreate → 201 InitialPassword
 *   POST /admin/accounts/:id/password-reset    system_admin    → InitialPassword
 *   POST /admin/accounts/:id/disable           system_admin    AdminReason → AdminAccount
 *   POST /admin/accounts/:id/enable            system_admin    → AdminAccount
 *   PUT  /admin/accounts/:id/roles             security_admin  RolesChange → AdminAccount
 *   POST /admin/accounts/:id/lock              security_admin  AdminReason → AdminAccount
 *   POST /admin/accounts/:id/unlock            security_admin  → AdminAccount
 *   POST /admin/accounts/:id/second-factor-reset security_admin AdminReason → AdminAccount
 *   GET  /admin/security-policy                security_admin, system_admin  → SecurityPolicy
 *   GET  /admin/actions                        all three       AdminActionQuery → AdminActionPage
 *   GET  /audit/events                         audit_admin     AuditSearchQuery → AuditEventPage
 *   GET  /audit/events/export                  audit_admin     AuditExportQuery → text/csv (UTF-8 BOM)
 *   GET  /audit/verify                         audit_admin     → AuditVerifyResult
 * Refusal codes: ADMIN_SELF_CHANGE (403: one's own roles, lock, disable, password or second-factor reset),
 * ADMIN_ROLES_EXCLUSIVE (409: two administrator roles on one account), ACCOUNT_STATUS_CONFLICT (409: enabling
 * a locked account or unlocking a disabled one — each is the other administrator's decision),
 * ACCOUNT_ROLE_NEEDS_INSTITUTION / ACCOUNT_ROLE_NEEDS_PRACTITIONER (422), PHONE_TAKEN (409),
 * ACCOUNT_NOT_FOUND (404), EXPORT_RATE_LIMITED (429, security's per-account export limit),
 * AUDIT_EXPORT_TOO_LARGE (422, more than AUDIT_EXPORT_MAX_ROWS).
 */
import { type Static, Type } from 'typebox';
import { Limit, Nullable, page, Uuid } from './http.js';
import { ADMIN_ROLES, Role } from './identity.js';

export const AdminRole = Type.Enum(ADMIN_ROLES);
export type AdminRole = Static<typeof AdminRole>;

/** `disabled` by the system administrator, `locked` by the security administrator; both cannot log in. */
export const AccountStatus = Type.Enum(['active', 'disabled', 'locked', 'closed'] as const);
export type AccountStatus = Static<typeof AccountStatus>;

// --- Accounts (system and security administrators).

export const AdminAccount = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** Masked (DJ-10): `139****0001`. */
  phone: Type.String(),
  roles: Type.Array(Role),
  institutionId: Nullable(Uuid),
  institutionName: Nullable(Type.String()),
  practitionerId: Nullable(Uuid),
  status: AccountStatus,
  /** The last successful login (the audit log's `auth.login`), null when never. */
  lastLoginAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  /** Its password was set by an administrator and must be changed at the next login (DJ-2). */
  passwordChangeRequired: Type.Boolean(),
});
export type AdminAccount = Static<typeof AdminAccount>;

export const AdminAccountQuery = Type.Object({
  /** A name (contains) or a full 11-digit phone (exact, by its blind index). */
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
  role: Type.Optional(Role),
  status: Type.Optional(AccountStatus),
  institutionId: Type.Optional(Uuid),
  /** `nextCursor` of the previous page. */
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Limit(100, 20)),
});
export type AdminAccountQuery = Static<typeof AdminAccountQuery>;

export const AdminAccountPage = page(AdminAccount);
export type AdminAccountPage = Static<typeof AdminAccountPage>;

/** Roles a system administrator may create an account with: staff roles, never `patient`. */
export const StaffRole = Type.Enum([
  'doctor',
  'nurse',
  'pharmacist',
  'pharmacy_staff',
  'org_admin',
  'regulator',
  'insurer',
  'system_admin',
  'security_admin',
  'audit_admin',
] as const);
export type StaffRole = Static<typeof StaffRole>;

export const AccountCreate = Type.Object(
  {
    phone: Type.String({ pattern: '^1[3-9]\\d{9}$', description: '11 位手机号' }),
    name: Type.String({ minLength: 2, maxLength: 30 }),
    role: StaffRole,
    /** Required for doctor, nurse, pharmacist, pharmacy_staff and org_admin. */
    institutionId: Type.Optional(Uuid),
    /** Required for doctor and pharmacist: the directory's practitioner the account signs in as. */
    practitionerId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type AccountCreate = Static<typeof AccountCreate>;

/**
 * A password an administrator set (a new account, a reset): shown this once, never stored in clear, meets
 * the staff policy (DJ-2) and must be changed at the first login.
 */
export const InitialPassword = Type.Object({
  account: AdminAccount,
  initialPassword: Type.String(),
});
export type InitialPassword = Static<typeof InitialPassword>;

/** Why (disable, lock, a role change): kept in the audit event. */
export const AdminReason = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 200 }) },
  { additionalProperties: false },
);
export type AdminReason = Static<typeof AdminReason>;

export const RolesChange = Type.Object(
  {
    roles: Type.Array(Role, { minItems: 1, maxItems: 4, uniqueItems: true }),
    reason: Type.String({ minLength: 2, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type RolesChange = Static<typeof RolesChange>;

/** The security policy in force (read-only: the numbers are settings, docs/operations.md). */
export const SecurityPolicy = Type.Object({
  password: Type.Object({
    minLength: Type.Integer(),
    minClasses: Type.Integer(),
    maxAgeDays: Type.Integer(),
    historyCount: Type.Integer(),
    patientMinLength: Type.Integer(),
    patientMinClasses: Type.Integer(),
  }),
  login: Type.Object({
    maxFailures: Type.Integer(),
    lockoutMinutes: Type.Number(),
    staffIdleTimeoutMinutes: Type.Number(),
    staffSessionHours: Type.Number(),
  }),
  mfa: Type.Object({ issuer: Type.String(), challengeTtlSeconds: Type.Number(), demoSkip: Type.Boolean() }),
  consoleRanges: Type.Array(Type.String()),
  alerts: Type.Object({
    bruteForceAccounts: Type.Integer(),
    bruteForceWindowMinutes: Type.Number(),
    enumerationIds: Type.Integer(),
    enumerationWindowMinutes: Type.Number(),
    exportsPerHour: Type.Integer(),
    bulkReadsPerHour: Type.Integer(),
  }),
});
export type SecurityPolicy = Static<typeof SecurityPolicy>;

// --- Audit events as administrators see them.

/** Who did it: the account's name and role, never a phone or ID number. Null: the system. */
export const AuditActor = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: Nullable(Type.String()),
});
export type AuditActor = Static<typeof AuditActor>;

export const AuditEventView = Type.Object({
  id: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  actor: Nullable(AuditActor),
  /** The role the actor acted in (the event's actor_role; `system` for the platform itself). */
  actorRole: Nullable(Type.String()),
  action: Type.String(),
  outcome: Type.Enum(['success', 'failure'] as const),
  resourceType: Nullable(Type.String()),
  resourceId: Nullable(Type.String()),
  /** The patient concerned, by id and name. */
  patient: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  ip: Nullable(Type.String()),
  /** As recorded (DJ-10 keeps phones masked and ID numbers out of it). */
  details: Type.Record(Type.String(), Type.Unknown()),
  /** In the SM3 chain already (the sealer runs every few seconds). */
  sealed: Type.Boolean(),
});
export type AuditEventView = Static<typeof AuditEventView>;

export const AuditEventPage = page(AuditEventView);
export type AuditEventPage = Static<typeof AuditEventPage>;

/** Filters of the audit search; the export takes the same without `before` and `limit`. */
export const AuditSearchFilters = {
  actorId: Type.Optional(Uuid),
  patientId: Type.Optional(Uuid),
  /** A prefix of the action: `auth.` finds every sign-in event, `record.read` that action. */
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: '^[a-z0-9_.]+$' })),
  outcome: Type.Optional(Type.Enum(['success', 'failure'] as const)),
  /** From this instant (inclusive). */
  from: Type.Optional(Type.String({ format: 'date-time' })),
  /** Until this instant (exclusive). */
  to: Type.Optional(Type.String({ format: 'date-time' })),
};

export const AuditSearchQuery = Type.Object({
  ...AuditSearchFilters,
  /** `nextCursor` of the previous page (newest first). */
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Limit(200, 50)),
});
export type AuditSearchQuery = Static<typeof AuditSearchQuery>;

export const AuditExportQuery = Type.Object(AuditSearchFilters);
export type AuditExportQuery = Static<typeof AuditExportQuery>;

/** The most rows one export holds (narrow the search for more). */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

export const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  /** Events in the chain, and those waiting for the sealer. */
  sealed: Type.Integer(),
  unsealed: Type.Integer(),
  blocks: Type.Integer(),
  /** The first event whose link does not hold, and why (Chinese). */
  firstBadEventId: Nullable(Type.Integer()),
  reason: Nullable(Type.String()),
  checkedAt: Type.String({ format: 'date-time' }),
});
export type AuditVerifyResult = Static<typeof AuditVerifyResult>;

// --- Administrators' actions, visible to all three (DJ-8).

export const AdminActionQuery = Type.Object({
  /** Only this administrator role's actions. */
  role: Type.Optional(AdminRole),
  before: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Limit(100, 50)),
});
export type AdminActionQuery = Static<typeof AdminActionQuery>;

export const AdminActionPage = page(AuditEventView);
export type AdminActionPage = Static<typeof AdminActionPage>;
