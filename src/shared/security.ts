/**
 * The security administrator's intrusion alerts ([10/12]; DJ-17 intrusions raise an alert, DJ-30 exports
 * and bulk reads are rate-limited, DJ-19 consoles by address). TypeBox schemas the routes validate with;
 * `Static` types the web reads. Evidence carries counts, ids, the window and addresses — never a phone or
 * an ID number (DJ-10).
 */
import { type Static, Type } from 'typebox';
import { Limit, Nullable, page, Uuid } from './http.js';

const Instant = Type.String({ description: 'ISO 8601 instant' });

/**
 * What raised the alert: brute_force 同一地址对多个账号登录失败; id_enumeration 同一账号对多个患者编号被拒;
 * export_volume 导出超限; bulk_read 批量调阅患者信息; new_network 员工从未用过的网络登录;
 * address_refused 非许可地址反复访问管理控制台或员工接口.
 */
export const ALERT_KINDS = [
  'brute_force',
  'id_enumeration',
  'export_volume',
  'bulk_read',
  'new_network',
  'address_refused',
] as const;
export const AlertKind = Type.Enum(ALERT_KINDS);
export type AlertKind = Static<typeof AlertKind>;

export const ALERT_SEVERITIES = ['low', 'medium', 'high'] as const;
export const AlertSeverity = Type.Enum(ALERT_SEVERITIES);
export type AlertSeverity = Static<typeof AlertSeverity>;

/** open 待处理 → acknowledged 已确认（处理中） → closed 已关闭; open may be closed directly. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export const AlertStatus = Type.Enum(ALERT_STATUSES);
export type AlertStatus = Static<typeof AlertStatus>;

/** Who or what the alert is about: an account (its id) or a network address. */
export const AlertSubject = Type.Object({
  type: Type.Enum(['account', 'address'] as const),
  accountId: Nullable(Uuid),
  address: Nullable(Type.String({ description: 'IPv4/IPv6 地址' })),
});
export type AlertSubject = Static<typeof AlertSubject>;

/** What the detector saw: counts, ids, the window, addresses. Never phones or ID numbers (DJ-10). */
export const AlertEvidence = Type.Object({
  /** How many distinct things were counted (accounts, patient ids, exports, reads). */
  count: Type.Integer({ minimum: 0 }),
  /** The threshold the count reached. */
  threshold: Type.Integer({ minimum: 0 }),
  windowStart: Instant,
  windowEnd: Instant,
  /** Account ids, patient ids or export kinds counted (at most 50; known ids only). */
  ids: Type.Array(Type.String(), { maxItems: 50 }),
  addresses: Type.Array(Type.String(), { maxItems: 50 }),
  /** Kind-specific facts: the network name and country of a new network, the export kind, the route. */
  details: Type.Record(
    Type.String(),
    Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
  ),
});
export type AlertEvidence = Static<typeof AlertEvidence>;

export const AlertView = Type.Object({
  id: Uuid,
  kind: AlertKind,
  severity: AlertSeverity,
  status: AlertStatus,
  raisedAt: Instant,
  subject: AlertSubject,
  evidence: AlertEvidence,
  acknowledgedAt: Nullable(Instant),
  acknowledgedBy: Nullable(Uuid),
  closedAt: Nullable(Instant),
  closedBy: Nullable(Uuid),
  /** The latest note (acknowledge or close). */
  note: Nullable(Type.String()),
});
export type AlertView = Static<typeof AlertView>;

export const AlertQuery = Type.Object({
  status: Type.Optional(AlertStatus),
  kind: Type.Optional(AlertKind),
  limit: Type.Optional(Limit(100, 20)),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type AlertQuery = Static<typeof AlertQuery>;

export const AlertPage = page(AlertView);
export type AlertPage = Static<typeof AlertPage>;

/** Acknowledge or close: a note is required (audited with the change). */
export const AlertNote = Type.Object({
  note: Type.String({ minLength: 1, maxLength: 500 }),
});
export type AlertNote = Static<typeof AlertNote>;

/** The outbox event `security.alert_raised` (later notification picks it up). */
export interface AlertRaisedEvent {
  alertId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  subject: AlertSubject;
  raisedAt: string;
}

/** The routes (all security_admin only): `GET /api/v1/security/alerts`, acknowledge, close. */
export const SECURITY_ROUTES = {
  list: '/security/alerts',
  acknowledge: '/security/alerts/:id/acknowledge',
  close: '/security/alerts/:id/close',
} as const;

/** What `guardExport` counts: one name per export or bulk-read route family (DJ-30). */
export const EXPORT_KINDS = [
  'record_export',
  'visit_record_export',
  'fhir_everything',
  'fhir_bundle',
  'audit_export',
  'reconciliation_csv',
  'other',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
