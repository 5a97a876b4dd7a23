/**
 * Retention and the patient's deletion request ([10/12]; DJ-15, DJ-16, REC-1, REC-4, RX-12, SEC-2;
 * 个人信息保护法 第四十七条). The contract of the audit administrator's retention setting
 * (`GET/PUT /api/v1/audit/retention`) and of the patient's deletion request
 * (`GET /api/v1/me/deletion-request/preview`, `POST /api/v1/me/deletion-request`). Browser-safe: TypeBox only.
 */
import { type Static, Type } from 'typebox';
import { Nullable } from './http.js';

// --- The retention schedule (declared once in src/server/modules/privacy/retention.schedule.ts).

/** What happens to a kind of data once its time is up. */
export const RetentionAfter = Type.Enum(['archive', 'anonymise', 'delete', 'keep_online'] as const, {
  description:
    'archive 转入归档（仅审计管理员或依法调取可读）；anonymise 去标识化；delete 删除（仅无保存期要求的数据）；keep_online 在线保留（审计记录：到期后方可归档）',
});
export type RetentionAfter = Static<typeof RetentionAfter>;

export const RetentionScheduleEntry = Type.Object({
  /** Stable id of the data kind, e.g. `medical_record`, `otp_code`. */
  kind: Type.String(),
  label: Type.String({ description: '中文名称' }),
  labelEn: Type.String(),
  /** The tables that hold it (module-owned). */
  tables: Type.Array(Type.String()),
  /** How long it is kept, in months, counted from `from`; null = as long as the account lives. */
  months: Nullable(Type.Integer()),
  /** What the count starts at, in words (e.g. 就诊结束, 处方开具, 过期). */
  from: Type.String(),
  after: RetentionAfter,
  /** The rule that demands the period (REC-1, RX-12, SEC-2, DJ-16, 会计档案管理办法 …), or null. */
  rule: Nullable(Type.String()),
  why: Type.String({ description: '中文说明' }),
  whyEn: Type.String(),
});
export type RetentionScheduleEntry = Static<typeof RetentionScheduleEntry>;

// --- The audit administrator's retention setting (DJ-15, DJ-16).

/**
 * Kinds of audit record: `medical` = events about a patient's medical data (anything with a patient:
 * records, prescriptions, visits, reads of them) — kept online at least as long as the records (REC-1,
 * 15 years); `security` = logins, sessions, accounts, roles and security settings; `operations` = every
 * other event. The last two: at least 6 months (网络安全法 第二十一条).
 */
export const AuditRetentionKind = Type.Enum(['medical', 'security', 'operations'] as const);
export type AuditRetentionKind = Static<typeof AuditRetentionKind>;

/** The legal floors, in months (DJ-16): below them a PUT is refused with 422 RETENTION_BELOW_FLOOR. */
export const AUDIT_RETENTION_FLOOR_MONTHS: Record<AuditRetentionKind, number> = {
  medical: 15 * 12,
  security: 6,
  operations: 6,
};
/** The most a setting may say (100 years). */
export const AUDIT_RETENTION_MAX_MONTHS = 1200;

export const AuditRetentionSetting = Type.Object({
  kind: AuditRetentionKind,
  label: Type.String(),
  labelEn: Type.String(),
  /** How many months the audit records of this kind stay online before they may be archived. */
  monthsOnline: Type.Integer(),
  /** The legal floor for this kind (months) and the rule that sets it. */
  floorMonths: Type.Integer(),
  rule: Type.String(),
  /** Online events of this kind already past `monthsOnline` (eligible for archiving). */
  eligibleForArchive: Type.Integer(),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
  /** The audit administrator's account id who last changed it; null = the default. */
  updatedBy: Nullable(Type.String()),
});
export type AuditRetentionSetting = Static<typeof AuditRetentionSetting>;

export const AuditRetention = Type.Object({
  kinds: Type.Array(AuditRetentionSetting),
  /**
   * How archiving works for audit records (they are never deleted — DJ-14, REC-4): zh-CN text for the
   * console.
   */
  note: Type.String(),
  noteEn: Type.String(),
  /** The whole retention schedule of the platform, to show beside the setting. */
  schedule: Type.Array(RetentionScheduleEntry),
  /** The last run of the retention job, or null when it has not run yet. */
  lastRun: Nullable(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      /** Rows deleted, anonymised or archived per data kind in that run. */
      counts: Type.Record(Type.String(), Type.Integer()),
    }),
  ),
});
export type AuditRetention = Static<typeof AuditRetention>;

export const PutAuditRetentionBody = Type.Object(
  {
    kinds: Type.Array(
      Type.Object(
        {
          kind: AuditRetentionKind,
          monthsOnline: Type.Integer({ minimum: 1, maximum: AUDIT_RETENTION_MAX_MONTHS }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 3 },
    ),
  },
  { additionalProperties: false },
);
export type PutAuditRetentionBody = Static<typeof PutAuditRetentionBody>;

// --- The patient's deletion request (个人信息保护法 第四十七条; REC-4).

/** remove = deleted; anonymise = kept without what names the patient; keep = kept under a rule. */
export const DeletionAction = Type.Enum(['remove', 'anonymise', 'keep'] as const);
export type DeletionAction = Static<typeof DeletionAction>;

export const DeletionItem = Type.Object({
  kind: Type.String(),
  label: Type.String({ description: '中文名称' }),
  labelEn: Type.String(),
  action: DeletionAction,
  /** How many rows of the patient's there are (0 = none, shown all the same). */
  count: Type.Integer(),
  /** For kept items: the rule and how many years; null for removed items. */
  rule: Nullable(Type.String()),
  years: Nullable(Type.Number()),
  why: Type.String(),
  whyEn: Type.String(),
});
export type DeletionItem = Static<typeof DeletionItem>;

/** Open business that refuses the request (409 DELETION_BLOCKED lists them as well). */
export const DeletionBlocker = Type.Object({
  kind: Type.Enum(['open_visit', 'unpaid_order', 'pending_fulfilment', 'open_appointment'] as const),
  id: Type.String(),
  label: Type.String(),
  labelEn: Type.String(),
});
export type DeletionBlocker = Static<typeof DeletionBlocker>;

export const DeletionPreview = Type.Object({
  removed: Type.Array(DeletionItem),
  kept: Type.Array(DeletionItem),
  blockers: Type.Array(DeletionBlocker),
  canDelete: Type.Boolean(),
  /**
   * After closing, the phone number may register a new, empty account (the closed account keeps only
   * its blind index under a released marker; the old records are not linked to the new account).
   */
  phoneReleased: Type.Boolean(),
});
export type DeletionPreview = Static<typeof DeletionPreview>;

/** Re-confirmation: the SMS code sent for `account_delete` (POST /me/deletion-request/otp), or the password. */
export const DeletionRequestBody = Type.Object(
  {
    otp: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type DeletionRequestBody = Static<typeof DeletionRequestBody>;

export const DeletionResult = Type.Object({
  closedAt: Type.String({ format: 'date-time' }),
  removed: Type.Array(DeletionItem),
  kept: Type.Array(DeletionItem),
  phoneReleased: Type.Boolean(),
});
export type DeletionResult = Static<typeof DeletionResult>;
