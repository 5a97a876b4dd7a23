import type { AuditRetentionKind, RetentionScheduleEntry } from '../../../shared/privacy.js';

/**
 * The retention schedule, declared once (DJ-16, REC-1, REC-4, RX-12, SEC-2): every kind of data the platform
 * keeps, the tables that hold it, how long, the rule that demands it and what happens after. Printed in
 * docs/privacy.md; the audit console shows it; the retention job (retention.job.ts) applies it; the deletion
 * request (deletion.service.ts) answers from it. A test checks every table of the schema is covered here or
 * is reference data (REFERENCE_TABLES).
 *
 * `archive`: never deleted (REC-4) — once past `months` the rows are marked archived (retention_archive),
 * readable by the audit administrator or on legal request. `delete`: only kinds under no retention rule.
 * `keep_online`: audit records, online for the audit administrator's setting, never deleted (DJ-14).
 */
export const RETENTION_SCHEDULE = [
  {
    kind: 'medical_record',
    label: '病历与诊疗记录',
    labelEn: 'Medical records',
    tables: [
      'visit',
      'medical_record',
      'record_addendum',
      'offline_diagnosis',
      'encounter',
      'diagnosis',
      'diagnostic_report',
      'observation',
      'health_profile',
      'vaccination',
      'patient_allergy',
      'hl7_message',
      'hl7_match',
      // remote diagnosis ([11/12]): the request, the signed report and what was read
      'diagnostic_request',
      'remote_report',
      'critical_alert',
      'ecg_record',
      'imaging_study',
      'imaging_series',
      'imaging_instance',
      'specimen',
      'specimen_event',
      // family doctor ([12/12]): contracts, readings, follow-ups, referrals and home services are care records
      'family_contract',
      'family_contract_package',
      'home_reading',
      'followup_plan',
      'followup',
      'reading_alert',
      'referral',
      'home_service',
      'home_service_event',
      'article_push',
      'service_rating',
    ],
    months: 15 * 12,
    from: '就诊结束（记录形成）',
    after: 'archive',
    rule: 'REC-1',
    why: '互联网诊疗病历属门诊病历，保存不少于 15 年（互联网诊疗监管细则）；到期后转入归档，不删除（REC-4）。',
    whyEn:
      'Internet visit records are outpatient medical records, kept at least 15 years; then archived, never deleted (REC-4).',
  },
  {
    kind: 'visit_process',
    label: '诊疗过程记录（图文、音视频）',
    labelEn: 'Process records (chat, pictures, audio, video)',
    tables: ['visit_message', 'visit_event', 'visit_read', 'visit_call', 'attachment'],
    months: 3 * 12,
    from: '就诊结束',
    after: 'archive',
    rule: 'REC-1',
    why: '诊疗过程中的图文对话、图片、音视频等过程记录保存不少于 3 年；到期后转入归档。',
    whyEn: 'Chat, pictures, audio and video of a visit are kept at least 3 years; then archived.',
  },
  {
    kind: 'prescription',
    label: '处方及调配、配送记录',
    labelEn: 'Prescriptions, dispensing and delivery',
    tables: [
      'prescription',
      'prescription_item',
      'prescription_review',
      'fulfilment',
      'dispensed_box',
      'delivery',
      'delivery_event',
    ],
    months: 15 * 12,
    from: '处方开具',
    after: 'archive',
    rule: 'RX-12, REC-1',
    why: '处方保存期限：普通、急诊、儿科处方 1 年，毒性药品和第二类精神药品处方 2 年，麻醉药品和第一类精神药品处方 3 年（处方管理办法 第五十条）；互联网处方是门诊病历的一部分，随病历保存 15 年，到期后归档。',
    whyEn:
      'Prescriptions: 1 year ordinary, 2 years toxic and class-2 psychotropic, 3 years narcotic and class-1 psychotropic (RX-12); an internet prescription is part of the visit record and is kept with it, 15 years, then archived.',
  },
  {
    kind: 'payment',
    label: '支付、退款与医保结算记录（会计档案）',
    labelEn: 'Payments, refunds and insurance settlements (accounting records)',
    tables: [
      'payment_order',
      'payment_order_line',
      'payment_notification',
      'refund',
      'appointment',
      'insured_person',
      'family_wallet_link',
      'insurance_settlement',
      'insurance_settlement_line',
      'insurance_alert',
      'reconciliation_statement',
      'insurance_batch_run',
    ],
    months: 30 * 12,
    from: '会计年度终了',
    after: 'archive',
    rule: '会计档案管理办法 第十四条',
    why: '支付、退款、挂号缴费与医保结算是会计凭证，保存 30 年（会计档案管理办法 第十四条）；到期后归档。',
    whyEn:
      'Payments, refunds, paid appointments and insurance settlements are accounting vouchers, kept 30 years; then archived.',
  },
  {
    kind: 'patient_identity',
    label: '就诊人身份信息（姓名、证件号）',
    labelEn: 'Patient identity (name, ID number)',
    tables: ['patient'],
    months: 15 * 12,
    from: '最后一次就诊',
    after: 'archive',
    rule: 'REC-1',
    why: '病历须能对应到就诊人：姓名与证件号随病历保存（加密存储），不再用于登录或展示。',
    whyEn:
      'Medical records must name whom they are about: the name and ID number stay with them (encrypted), no longer used to log in or shown.',
  },
  {
    kind: 'record_access',
    label: '病历授权与紧急调阅记录',
    labelEn: 'Record authorisations and break-glass reads',
    tables: ['access_grant', 'break_glass'],
    months: 15 * 12,
    from: '授权或调阅时',
    after: 'archive',
    rule: 'REC-1, DJ-16',
    why: '谁在何时因何调阅病历，与病历审计同期保存；注销时有效授权即撤销。',
    whyEn:
      'Who could read the records and why is kept as long as the records’ audit; live authorisations are revoked on closing.',
  },
  {
    kind: 'audit_medical',
    label: '审计记录：病历与诊疗',
    labelEn: 'Audit records: medical data',
    tables: ['audit_event', 'audit_block'],
    months: 15 * 12,
    from: '事件发生',
    after: 'keep_online',
    rule: 'DJ-16, REC-1',
    why: '涉及病历的审计记录与病历同期保存（不少于 15 年）；审计记录只追加、不删除（SM3 哈希链），在线期限由审计管理员设置。',
    whyEn:
      'Audit of medical data is kept as long as the records (≥15 years); audit records are append-only (SM3 chain), never deleted; the audit administrator sets how long they stay online.',
  },
  {
    kind: 'audit_security',
    label: '审计记录：登录、账号与安全',
    labelEn: 'Audit records: logins, accounts and security',
    tables: ['audit_event', 'audit_block'],
    months: 6,
    from: '事件发生',
    after: 'keep_online',
    rule: 'DJ-16, SEC-2',
    why: '网络日志留存不少于 6 个月（网络安全法 第二十一条）；审计记录不删除。',
    whyEn:
      'Network logs are kept at least 6 months (Cybersecurity Law art. 21); audit records are never deleted.',
  },
  {
    kind: 'audit_operations',
    label: '审计记录：其他操作',
    labelEn: 'Audit records: other operations',
    tables: ['audit_event', 'audit_block'],
    months: 6,
    from: '事件发生',
    after: 'keep_online',
    rule: 'DJ-16, SEC-2',
    why: '网络日志留存不少于 6 个月（网络安全法 第二十一条）；审计记录不删除。',
    whyEn:
      'Network logs are kept at least 6 months (Cybersecurity Law art. 21); audit records are never deleted.',
  },
  {
    kind: 'security_events',
    label: '安全告警与登录网络',
    labelEn: 'Security alerts and login networks',
    tables: ['security_alert', 'security_counter', 'security_login_network'],
    months: 6,
    from: '事件发生',
    after: 'keep_online',
    rule: 'DJ-16, SEC-2',
    why: '入侵告警及其依据属网络日志，留存不少于 6 个月；由安全模块自行清理计数器。',
    whyEn: 'Intrusion alerts and their evidence are network logs, kept at least 6 months.',
  },
  {
    kind: 'deletion_request',
    label: '删除请求的处理记录',
    labelEn: 'Deletion requests handled',
    tables: ['deletion_request', 'retention_setting', 'retention_run', 'retention_archive'],
    months: 15 * 12,
    from: '请求时',
    after: 'keep_online',
    rule: 'DJ-16',
    why: '删除了什么、保留了什么及其依据，是已依法处理请求的证明，与病历审计同期保存。',
    whyEn:
      'What was removed and kept, and why, proves the request was handled; kept as long as the records’ audit.',
  },
  {
    kind: 'account',
    label: '账号与个人设置',
    labelEn: 'Account and personal settings',
    tables: [
      'account',
      'account_preference',
      'account_consent',
      'health_card',
      'family_proxy',
      'delivery_address',
      'notification',
      'waitlist_entry',
      'password_history',
      'account_totp',
      'recovery_code',
      'institution_mfa_policy',
    ],
    months: null,
    from: '账号存续期间',
    after: 'delete',
    rule: null,
    why: '无法定保存期限：账号存续期间保存，注销（删除个人信息请求）时删除；账号行本身只保留注销标记（不含手机号与姓名），手机号可重新注册。',
    whyEn:
      'No legal retention: kept while the account lives, deleted when the patient asks; the account row keeps only a closed marker (no phone, no name), and the phone may register anew.',
  },
  {
    kind: 'otp_code',
    label: '短信验证码',
    labelEn: 'SMS codes',
    tables: ['otp_code', 'mfa_challenge'],
    months: 0,
    from: '过期后 1 天',
    after: 'delete',
    rule: null,
    why: '过期的验证码与登录挑战无保存价值，过期 1 天后删除（尝试记录已在审计中）。',
    whyEn:
      'Expired codes and login challenges are deleted a day after they expire (attempts are in the audit).',
  },
  {
    kind: 'session',
    label: '登录会话',
    labelEn: 'Sessions',
    tables: ['auth_session', 'login_guard'],
    months: 1,
    from: '过期或注销',
    after: 'delete',
    rule: null,
    why: '过期或已注销的会话 30 天后删除（登录与注销已在审计中）；失败计数在锁定期满后删除。',
    whyEn:
      'Expired or revoked sessions are deleted after 30 days (logins and logouts are in the audit); failure counters once the lock is over.',
  },
  {
    kind: 'idempotency',
    label: '幂等请求记录',
    labelEn: 'Idempotency records',
    tables: ['idempotency_record', 'outbox', 'outbox_receipt'],
    months: 1,
    from: '请求时',
    after: 'delete',
    rule: null,
    why: '重复提交保护只需覆盖客户端重试的时间：30 天后删除。消息外发箱由其自身任务清理。',
    whyEn:
      'Protection against repeated submissions only needs to cover client retries: deleted after 30 days.',
  },
] as const satisfies readonly RetentionScheduleEntry[];

export type RetentionKind = (typeof RETENTION_SCHEDULE)[number]['kind'];

/** Reference data and simulators' ledgers: not personal data of patients, kept while in use. */
export const REFERENCE_TABLES = [
  'service_agreement',
  'family_team',
  'family_team_member',
  'service_package',
  'home_service_item',
  'health_article',
  'schema_migration',
  'signing_key',
  'signing_ca',
  'institution',
  'department',
  'practitioner',
  'practitioner_site',
  'licence',
  'booking_policy',
  'schedule',
  'token',
  'pilot_scope',
  'first_visit_whitelist',
  'practitioner_presence',
  'drug',
  'formulary',
  'pharmacy_site',
  'stock_item',
  'stock_batch',
  'stock_reservation',
  'insurance_policy',
  'insurance_designation',
  'inssim_person',
  'inssim_voucher',
  'inssim_message',
  'inssim_settlement',
  'paysim_key',
  'paysim_order',
  'paysim_refund',
  'couriersim_key',
  'couriersim_shipment',
] as const;

/** The schedule entry of each kind of audit record (AuditRetentionKind). */
export const AUDIT_KIND_ENTRY: Record<AuditRetentionKind, RetentionKind> = {
  medical: 'audit_medical',
  security: 'audit_security',
  operations: 'audit_operations',
};

/** How long deletable kinds wait after they end (the job's thresholds). */
export const PURGE_AFTER_MS = {
  otpCode: 24 * 3600_000,
  session: 30 * 24 * 3600_000,
  idempotency: 30 * 24 * 3600_000,
} as const;

export function scheduleEntry(kind: RetentionKind): RetentionScheduleEntry {
  const entry = RETENTION_SCHEDULE.find((e) => e.kind === kind);
  if (!entry) throw new Error(`unknown retention kind ${kind}`);
  return entry as RetentionScheduleEntry;
}
