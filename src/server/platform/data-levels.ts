/**
 * DJ-11 (SEC-1): every table, column and API route carries a sensitivity category and level after
 * GB/T 39725-2020 《信息安全技术 健康医疗数据安全指南》, declared once here; access follows role AND level.
 *
 * - Categories (GB/T 39725 §6.1): 个人属性, 健康状况, 医疗应用, 医疗支付, 卫生资源, 公共卫生; plus 安全管理,
 *   which is ours (the standard classifies health data only): sessions, credentials, keys, the audit log,
 *   the platform's own plumbing.
 * - Levels (§6.2): L1 public … L5 only a very small circle under strict control. The platform stores no
 *   health data at L5 yet (the standard's example is the detail of 特殊病种 such as HIV, or genetic data;
 *   diagnoses of any code sit in `diagnosis` at L4); in 安全管理 L5 is a secret (private keys, password hashes).
 * - Tables: `TABLES` names every column; a column not named there fails `data-levels.test.ts` (so a new
 *   column is given a level when it is added). Columns differing from their table's default say so.
 * - Routes: `ROUTES`, first matching pattern wins; a route under a guarded prefix matching none fails
 *   start-up (`registerDataLevels`); a public route above L1 must say why an anonymous caller may reach it.
 * - Clearance: `CLEARANCE`, the highest level each role may be served per category. A preHandler after the
 *   role check refuses a caller none of whose roles is cleared (403 DATA_LEVEL_FORBIDDEN). A role clearance
 *   is an upper bound: which rows a caller reaches is decided elsewhere (patients: their own and their
 *   dependants', requirePatientAccess; staff: records/care-access.ts, SEC-1, DJ-9).
 *
 * `npm run docs:data-levels` prints all of it into docs/security.md.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../shared/identity.js';
import { dataLevelErrors } from './data-levels.errors.js';

export const CATEGORIES = {
  personal: { zh: '个人属性', en: 'personal attributes', source: 'GB/T 39725 §6.1 a) 个人属性数据' },
  health: { zh: '健康状况', en: 'health status', source: 'GB/T 39725 §6.1 b) 健康状况数据' },
  medical: { zh: '医疗应用', en: 'medical application', source: 'GB/T 39725 §6.1 c) 医疗应用数据' },
  payment: { zh: '医疗支付', en: 'medical payment', source: 'GB/T 39725 §6.1 d) 医疗支付数据' },
  resources: { zh: '卫生资源', en: 'health resources', source: 'GB/T 39725 §6.1 e) 卫生资源数据' },
  public_health: { zh: '公共卫生', en: 'public health', source: 'GB/T 39725 §6.1 f) 公共卫生数据' },
  security: {
    zh: '安全管理',
    en: 'security and platform',
    source: 'ours: not in GB/T 39725 (not health data); levels by analogy with §6.2',
  },
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_ORDER = Object.keys(CATEGORIES) as Category[];

export type Level = 1 | 2 | 3 | 4 | 5;

/** GB/T 39725 §6.2, in short. */
export const LEVELS: Record<Level, string> = {
  1: '可完全公开使用（如机构名称、地址、电话） / public',
  2: '可在较大范围内使用，不能标识个人（去标识、汇总、内部运营） / de-identified, aggregate or internal',
  3: '部分去标识、仍可能重标识（脱敏值、盲索引、只含编号的记录） / pseudonymous or masked',
  4: '可直接标识个人（姓名、证件、手机号及其健康、诊疗、支付数据） / directly identifiable',
  5: '极小范围、严格管控（特殊病种详情、基因数据；本平台：密钥、口令散列） / strictly controlled',
};

export interface DataLevel {
  category: Category;
  level: Level;
  note?: string;
}
type Pair = [Category, Level] | [Category, Level, string];

export interface TableLevel extends DataLevel {
  table: string;
  /** Every column of the table: those at the table's level, then `overrides`. */
  columns: readonly string[];
  overrides: Readonly<Record<string, DataLevel>>;
}

const dl = ([category, level, note]: Pair): DataLevel => ({ category, level, ...(note ? { note } : {}) });

function t(table: string, level: Pair, columns: string, overrides: Record<string, Pair> = {}): TableLevel {
  return {
    table,
    ...dl(level),
    columns: columns.split(/\s+/).filter(Boolean),
    overrides: Object.fromEntries(Object.entries(overrides).map(([c, p]) => [c, dl(p)])),
  };
}

const HASHED_ID: Pair = ['personal', 3, 'blind index (HMAC-SM3) of the value'];
const MASKED: Pair = ['personal', 3, 'masked (DJ-10)'];
const SECRET: Pair = ['security', 5, 'secret'];
const SIGNED: Record<string, Pair> = {
  signed_document: ['medical', 4, 'the signed text (SM2, DJ-26)'],
  content_hash: ['security', 3, 'SM3 of the signed text'],
  signature: ['security', 3],
  certificate_serial: ['security', 2],
};

/** Every table of the public schema (migrations 0001…), by module. */
export const TABLES: readonly TableLevel[] = [
  // --- identity
  t('account', ['personal', 4], 'id name institution_id practitioner_id created_at phone_enc', {
    phone_bidx: HASHED_ID,
    password_hash: ['security', 5, 'argon2id'],
    roles: ['security', 3],
    status: ['security', 3],
    password_changed_at: ['security', 3],
    password_must_change: ['security', 3],
  }),
  t('patient', ['personal', 4], 'id account_id name id_number_enc verified_at created_at', {
    id_number_bidx: HASHED_ID,
    birth_date: ['personal', 3, 'quasi-identifier'],
    sex: ['personal', 3, 'quasi-identifier'],
  }),
  t(
    'family_proxy',
    ['personal', 4, 'who may act for whom (ID-6)'],
    'id proxy_account_id patient_id relationship is_guardian confirm_phone_enc status confirmed_at revoked_at created_at',
  ),
  t(
    'account_consent',
    ['personal', 3, 'which agreement an account agreed to (SEC-1)'],
    'id account_id version terms privacy sensitive agreed_at',
  ),
  t(
    'account_preference',
    ['personal', 3],
    'account_id elderly_mode elderly_mode_answered_at current_patient_id updated_at',
  ),
  t('health_card', ['personal', 4, '电子健康卡: identifies its holder'], 'id patient_id card_no issued_at'),
  t(
    'auth_session',
    ['security', 3],
    'id token_hash account_id is_staff created_at expires_at last_seen_at revoked_at password_change_required',
  ),
  // staff credentials (0031: DJ-2, DJ-6)
  t('password_history', ['security', 3], 'id account_id created_at', {
    password_hash: ['security', 5, 'argon2id'],
  }),
  t('account_totp', ['security', 3], 'account_id confirmed_at pending_at last_step updated_at', {
    secret_enc: ['security', 5, 'the TOTP secret, SM4'],
    pending_secret_enc: ['security', 5],
  }),
  t('recovery_code', ['security', 3], 'id account_id created_at used_at', {
    code_hash: ['security', 5, 'a second factor'],
  }),
  t('mfa_challenge', ['security', 3], 'id account_id methods created_at expires_at used_at'),
  t('institution_mfa_policy', ['security', 3], 'institution_id doctors pharmacists updated_at updated_by'),
  t('login_guard', ['security', 3], 'failures locked_until updated_at', { phone_bidx: HASHED_ID }),
  t(
    'otp_code',
    ['security', 4, 'a one-time code (hashed) that signs someone in'],
    'id purpose code_hash ref_id created_at expires_at attempts consumed_at',
    { phone_bidx: HASHED_ID },
  ),
  t('patient_allergy', ['health', 4], 'id patient_id substance reaction recorded_by recorded_at removed_at'),
  // --- audit and platform
  t(
    'audit_event',
    ['security', 3, 'ids only, no phone or ID number (DJ-10, DJ-12)'],
    'id occurred_at actor_id actor_role action outcome resource_type resource_id patient_id details seq prev_hash hash sealed_at',
    { ip: ['personal', 3, 'source address (DJ-13)'] },
  ),
  t('audit_block', ['security', 2], 'block_no first_seq last_seq head_hash sealed_at'),
  t('schema_migration', ['security', 1], 'version applied_at'),
  // security alerts (0035: DJ-17)
  t(
    'security_alert',
    ['security', 4, 'who or which address did what'],
    'id kind severity status raised_at dedupe_key window_ends_at subject_type subject_account_id evidence acknowledged_at acknowledged_by closed_at closed_by note',
    { subject_address: ['personal', 3, 'an IP address'] },
  ),
  t('security_counter', ['security', 3, 'accounts or addresses by key'], 'id kind subject item at'),
  t('security_login_network', ['security', 3], 'account_id country first_seen_at last_seen_at', {
    network: ['personal', 3, 'an IP network'],
  }),
  // retention and the patient's deletion request (modules/privacy, DJ-16, REC-4)
  t('retention_setting', ['security', 2], 'kind months_online updated_at updated_by'),
  t('retention_run', ['security', 2, 'counts per data kind'], 'id ran_at counts'),
  t('retention_archive', ['security', 3, 'ids of archived rows'], 'kind ref_id archived_at'),
  t(
    'deletion_request',
    ['security', 3, 'ids, counts and the consents noted; no phone, no name'],
    'id account_id patient_id confirmed_by requested_at consents removed kept',
  ),
  t(
    'outbox',
    ['security', 2],
    'id topic created_at available_at attempts last_error delivered_at relayed_at',
    { payload: ['medical', 3, 'events name rows by id'] },
  ),
  t('outbox_receipt', ['security', 2], 'event_id subscriber delivered_at'),
  t('idempotency_record', ['security', 2], 'account_id key request_hash status_code created_at', {
    body: ['medical', 4, 'a replayed answer: whatever the route answered'],
  }),
  t('signing_ca', ['security', 4], 'id name public_key_pem created_at', { private_key_enc: SECRET }),
  t('signing_key', ['security', 4], 'practitioner_id serial public_key_pem certificate created_at', {
    private_key_enc: SECRET,
  }),
  // --- directory (卫生资源: the public directory of institutions, departments and doctors)
  t(
    'institution',
    ['resources', 1],
    'id code name name_en short_name type level is_childrens district address phone alliance_of internet_hospital status created_at suspended_at suspension_reason pinyin_initials pinyin_full',
  ),
  t(
    'department',
    ['resources', 1],
    'id institution_id code name name_en specialty pinyin_initials pinyin_full',
  ),
  t(
    'practitioner',
    ['resources', 1, '卫生服务人员: the public profile'],
    'id code name sex kind title professional_title institution_id department_id specialty bio practice_since online_follow_up_since offers_online first_visit_trained status created_at title_order suspended_at suspension_reason pinyin_initials pinyin_full',
    { licence_no: ['resources', 2] },
  ),
  t(
    'licence',
    ['resources', 2],
    'id institution_id practitioner_id kind number issued_by valid_from valid_to scope',
  ),
  t('practitioner_site', ['resources', 1], 'practitioner_id institution_id department_id'),
  t('practitioner_presence', ['resources', 1], 'practitioner_id department_id online changed_at'),
  t(
    'pilot_scope',
    ['resources', 2],
    'id institution_id specialty starts_on ends_on created_by created_at revoked_at revoked_by',
  ),
  t('first_visit_whitelist', ['resources', 2], 'institution_id practitioner_id added_by added_at'),
  // --- scheduling
  t(
    'schedule',
    ['resources', 1, '号源: what patients book'],
    'id institution_id department_id practitioner_id date start_time end_time mode fee_fen capacity release_at reserved_release_at reserved_released status',
    { stopped_reason: ['resources', 2], created_by: ['resources', 2], created_at: ['resources', 2] },
  ),
  t('token', ['resources', 2], 'id schedule_id token_number window_start window_end channel status'),
  t(
    'booking_policy',
    ['resources', 2],
    'institution_id release_days_ahead release_time referral_percent partner_percent reserved_release_hours cancel_cutoff_minutes max_active_bookings no_show_limit no_show_window_days suspension_days hold_minutes',
  ),
  t(
    'appointment',
    ['medical', 4, '门诊预约'],
    'id schedule_id token_id patient_id booked_by practitioner_id date channel status token_number window_start window_end fee_fen order_id hold_until cancelled_at cancel_reason checked_in_at reminded_at created_at',
  ),
  t(
    'waitlist_entry',
    ['medical', 4],
    'id schedule_id patient_id requested_by channel status appointment_id created_at promoted_at',
  ),
  // --- visits (医疗应用: the online visit; what the patient says of their condition is 健康状况)
  t(
    'visit',
    ['medical', 4],
    'id type channel status patient_id requested_by practitioner_id institution_id department_id appointment_id fee_fen order_id offline_diagnosis_id evidence_attachment_id evidence_accepted_at guardian_required guardian_account_id guardian_confirmed_at consent_at queue_opens_at queued_at expires_at paid_at started_at completed_at ended_at last_message_at chat_closes_at chat_closed_at cancel_reason refer_reason refer_recommendation rating_stars rating_comment rated_at created_at',
    {
      condition_code: ['health', 4, 'the condition followed up'],
      condition_name: ['health', 4],
      description: ['health', 4, '主诉'],
    },
  ),
  t(
    'visit_message',
    ['medical', 4],
    'id visit_id sender_account_id sender_role client_id kind attachment_id created_at body_key body_params',
    { body: ['health', 4, 'the chat: symptoms, advice'] },
  ),
  t(
    'attachment',
    ['health', 4, 'pictures and voice notes of the condition'],
    'id uploaded_by visit_id mime size_bytes sm3 storage_key thumb_key duration_ms created_at',
  ),
  t('visit_event', ['medical', 4], 'id visit_id at kind actor_account_id actor_role details'),
  t('visit_call', ['medical', 3], 'id visit_id started_by started_at ended_at ended_by participants'),
  t('visit_read', ['medical', 2], 'visit_id role last_read_id read_at'),
  t(
    'medical_record',
    ['medical', 4, '互联网诊疗病历 (REC-1)'],
    'visit_id practitioner_id patient_id content status updated_at signed_at',
    SIGNED,
  ),
  t('record_addendum', ['medical', 4], 'id visit_id practitioner_id text signed_at', SIGNED),
  t(
    'offline_diagnosis',
    ['health', 4, 'a diagnosis made offline (follow-ups, INS-2)'],
    'id patient_id institution_id department_id practitioner_id icd10 name diagnosed_at source created_at',
  ),
  // --- records (居民健康档案)
  t(
    'health_profile',
    ['health', 4, '既往史、家族史、生活方式'],
    'patient_id blood_type past_history surgical_history family_history lifestyle updated_at updated_by',
  ),
  t(
    'diagnosis',
    ['health', 4, 'L4, not L5: no 特殊病种 are told apart yet'],
    'id patient_id encounter_id icd10 name category clinical_status chronic onset_date recorded_at institution_id practitioner_id source source_ref updated_at',
  ),
  t(
    'encounter',
    ['medical', 4, '门诊、住院'],
    'id patient_id class status institution_id department_id practitioner_id started_at ended_at source source_ref created_at updated_at',
    { reason: ['health', 4] },
  ),
  t(
    'diagnostic_report',
    ['medical', 4, '检查检验报告'],
    'id patient_id encounter_id kind code_system code name status effective_at issued_at institution_id performer_name verifier_name signature source source_ref created_at updated_at',
    { findings: ['health', 4], conclusion: ['health', 4] },
  ),
  t(
    'observation',
    ['health', 4, '检验检查数据'],
    'id patient_id report_id category code_system code name value_num value_text unit ref_low ref_high ref_text flag status effective_at source created_at updated_at',
  ),
  t(
    'vaccination',
    ['health', 4, '预防接种史 in the archive'],
    'id patient_id vaccine dose given_on institution_id source created_at',
  ),
  t(
    'access_grant',
    ['medical', 4, '授权调阅 (知情告知)'],
    'id patient_id granted_by grantee_practitioner_id grantee_institution_id categories expires_at revoked_at revoked_by created_at updated_at',
  ),
  t(
    'break_glass',
    ['security', 4, '紧急调阅: who opened whose record'],
    'id patient_id account_id practitioner_id institution_id created_at expires_at reviewed_at reviewed_by review_note',
    { reason: ['health', 4, 'may name the condition'] },
  ),
  // --- hl7
  t(
    'hl7_message',
    ['medical', 4],
    'id sending_facility control_id message_type institution_id peer status ack_code error_code error_detail patient_id attempts received_at applied_at updated_at updated_by',
    { raw_enc: ['health', 4, "SM4; the hospital's message: identity, diagnoses, results"] },
  ),
  t(
    'hl7_match',
    ['personal', 4],
    'id hl7_message_id institution_id name sex birth_date candidate_patient_ids status resolved_patient_id resolved_by resolved_at created_at',
    { id_number_masked: MASKED },
  ),
  // --- prescriptions and pharmacy
  t(
    'drug',
    ['resources', 1, 'the drug catalogue'],
    'id generic_name brand_name name_en kind atc dosage_form strength strength_unit unit package_size package_unit route usual_daily_dose max_daily_dose max_daily_dose_per_kg min_age_years price_fen insurance_category otc antimicrobial special_flags ingredients allergen_classes chronic pinyin_initials pinyin_full active',
  ),
  t('formulary', ['resources', 2], 'institution_id drug_id added_by added_at'),
  t(
    'prescription',
    ['medical', 4, '用药信息'],
    'id root_id version replaces_id visit_id patient_id practitioner_id institution_id department_id kind status patient_age_years patient_weight_kg valid_days validity_reason long_term_reason checks total_fen created_at updated_at signed_at valid_until approved_at rejected_at dispensed_at expired_at cancelled_at',
    { ...SIGNED, diagnoses: ['health', 4, 'what the pharmacist reviews against'] },
  ),
  t(
    'prescription_item',
    ['medical', 4],
    'prescription_id line drug_id dose dose_unit frequency days quantity route note interaction_override_reason unit_price_fen',
  ),
  t(
    'prescription_review',
    ['medical', 4],
    'id prescription_id pharmacist_id decision reason reviewed_at',
    SIGNED,
  ),
  t(
    'fulfilment',
    ['medical', 4],
    'id prescription_id patient_id account_id pharmacy_id method status order_id drug_fen delivery_fee_fen created_at paid_at dispensed_at dispensed_by completed_at cancelled_at cancel_reason pickup_failures pickup_locked_until',
    {
      address: ['personal', 4, 'recipient, phone and address'],
      pickup_code: ['security', 4, 'collects the drugs'],
    },
  ),
  t('dispensed_box', ['medical', 3, '追溯码'], 'trace_code fulfilment_id drug_id batch_no dispensed_at'),
  t(
    'delivery_address',
    ['personal', 4],
    'id account_id recipient phone_enc subdistrict detail lat lng is_default created_at removed_at',
    { phone_masked: MASKED },
  ),
  t('delivery', ['personal', 3], 'id fulfilment_id courier waybill_no status created_at updated_at'),
  t(
    'delivery_event',
    ['personal', 3],
    'id delivery_id courier event_id status occurred_at received_at applied outcome payload',
  ),
  t(
    'pharmacy_site',
    ['resources', 1],
    'institution_id lat lng pickup delivery delivery_fee_fen opening_hours',
  ),
  t('stock_batch', ['resources', 2], 'id pharmacy_id drug_id batch_no expires_on quantity received_at'),
  t('stock_item', ['resources', 2], 'pharmacy_id drug_id price_fen on_hand reserved'),
  t(
    'stock_reservation',
    ['resources', 2],
    'id pharmacy_id drug_id fulfilment_id quantity status created_at settled_at',
  ),
  t('couriersim_key', SECRET, 'id secret created_at'),
  t(
    'couriersim_shipment',
    ['personal', 4, 'the simulated courier: recipient and address'],
    'waybill_no reference request state created_at updated_at',
  ),
  // --- payments
  t(
    'payment_order',
    ['payment', 4],
    'id patient_id account_id purpose ref_id description amount_fen refunded_fen status channel prepay_id gateway_txn_id expires_at paid_at closed_at created_at institution_id cash_fen insurance_settlement_id prepay_amount_fen',
  ),
  t(
    'payment_order_line',
    ['payment', 4, 'item names are 用药信息 too'],
    'order_id line kind ref name quantity unit_price_fen amount_fen insurance_category',
  ),
  t(
    'refund',
    ['payment', 4],
    'id order_id refund_no amount_fen reason status gateway_refund_id created_at finished_at',
  ),
  t(
    'payment_notification',
    ['payment', 3],
    'id channel event_id order_id kind signature_valid applied outcome payload received_at',
  ),
  t('paysim_key', SECRET, 'id private_pem created_at'),
  t(
    'paysim_order',
    ['payment', 3, 'the simulated gateway'],
    'prepay_id seq order_id amount_fen description expires_at state txn_id created_at',
  ),
  t('paysim_refund', ['payment', 3], 'order_id refund_no refund_id amount_fen state created_at'),
  // --- insurance
  t(
    'insured_person',
    ['payment', 4, '参保信息'],
    'patient_id scheme insuring_region insuring_region_name linked_by linked_at unlinked_at figures figures_at',
    { psn_no: ['personal', 4, '医保个人编号'] },
  ),
  t(
    'family_wallet_link',
    ['payment', 4, '家庭共济'],
    'id payer_patient_id beneficiary_patient_id status requested_by requested_at confirmed_by confirmed_at ended_at',
  ),
  t(
    'insurance_settlement',
    ['payment', 4],
    'id order_id patient_id institution_id scheme insuring_region account_payer_patient_id policy_id policy_version status msg_id reverse_msg_id platform_setl_id total_fen fund_fen account_fen cash_fen basis practitioner_id attempts last_error requested_at settled_at reversed_at reverse_reason institution_code institution_level',
    { psn_no: ['personal', 4], payer_psn_no: ['personal', 4] },
  ),
  t(
    'insurance_settlement_line',
    ['payment', 4, 'item names are 用药信息 too'],
    'settlement_id line kind item_code item_name category quantity days_supply total_fen fund_fen account_fen cash_fen',
  ),
  t(
    'insurance_policy',
    ['payment', 1, 'the published rules'],
    'id scheme institution_level version effective_from rules note',
    { created_by: ['payment', 2], created_at: ['payment', 2] },
  ),
  t(
    'insurance_designation',
    ['payment', 2, '定点协议'],
    'institution_id agreement_no effective_from effective_to updated_by updated_at',
  ),
  t(
    'insurance_alert',
    ['payment', 4, '智能监管 (INS-4)'],
    'id rule subject_kind subject_id patient_id practitioner_id settlement_id dedupe_key evidence source status decided_by decided_at decision_note cleared_by cleared_at created_at',
  ),
  t('insurance_batch_run', ['payment', 2], 'job business_date run_at details'),
  t(
    'reconciliation_statement',
    ['payment', 3, 'per institution and day; mismatches name orders by id'],
    'id institution_id business_date status orders settlements payments fund_fen account_fen cash_fen mismatches run_by run_at',
  ),
  t(
    'inssim_person',
    ['payment', 4, 'the simulated insurance platform'],
    'psn_no scheme insuring_region insuring_region_name balance_fen ytd_year ytd_total_fen ytd_deductible_fen ytd_fund_fen',
    {
      id_hash: ['personal', 3, 'SM3 of the ID number'],
      name: ['personal', 4],
      death_date: ['public_health', 4, '出生死亡数据'],
    },
  ),
  t(
    'inssim_settlement',
    ['payment', 4],
    'setl_id msg_id psn_no institution_code order_ref total_fen fund_fen account_fen cash_fen account_payer_psn_no deductible_fen status settled_at reversed_at reverse_msg_id',
  ),
  t('inssim_message', ['payment', 3], 'msg_id api response received_at'),
  t('inssim_voucher', ['security', 4, 'a token that links an insured person'], 'token psn_no expires_at'),
  // --- notifications
  t(
    'notification',
    ['medical', 4, 'what happened to a visit, a prescription, a booking'],
    'id account_id patient_id kind title body ref_type ref_id read_at created_at message_key message_params',
  ),
  // --- remote diagnosis (基层检查、上级诊断, REMOTE-5)
  t(
    'service_agreement',
    ['resources', 2, '远程医疗合作协议 (REMOTE-1)'],
    'id requester_institution_id centre_institution_id kinds agreement_no valid_from valid_to created_at',
  ),
  t(
    'diagnostic_request',
    ['medical', 4, '远程诊断申请'],
    'id accession_no patient_id requester_institution_id requester_practitioner_id requester_account_id centre_institution_id agreement_id kind modality panels urgency status material_at target_at claimed_by claimed_at signed_at cancelled_at cancel_reason created_at updated_at',
    {
      question: ['health', 4, '临床问题'],
      history: ['health', 4, '病史摘要'],
      consent: ['medical', 4, '知情同意 (REMOTE-2)'],
    },
  ),
  t(
    'remote_report',
    ['medical', 4, '远程诊断报告'],
    'id request_id patient_id author_practitioner_id status signed_at archive_report_id created_at updated_at',
    {
      findings: ['health', 4],
      conclusion: ['health', 4],
      recommendations: ['health', 4],
      critical: ['health', 4, '危急值'],
      critical_note: ['health', 4, '危急值'],
      measurements: ['health', 4],
      results: ['health', 4, '检验结果'],
      ...SIGNED,
    },
  ),
  t(
    'critical_alert',
    ['health', 4, '危急值通知'],
    'id request_id patient_id requester_institution_id to_practitioner_id raised_by reason raised_at acknowledged_at acknowledged_by note',
  ),
  t(
    'ecg_record',
    ['health', 4, '心电图数据'],
    'id request_id patient_id source_format record_name leads sample_rate samples duration_ms blob_keys signal_key measurements uploaded_by created_at',
  ),
  t(
    'imaging_study',
    ['health', 4, '医学影像 (DICOM)'],
    'id study_uid patient_id request_id institution_id accession_no study_date study_time description modalities metadata created_at updated_at',
  ),
  t(
    'imaging_series',
    ['health', 4, '医学影像 (DICOM)'],
    'id study_id series_uid modality series_number description metadata created_at',
  ),
  t(
    'imaging_instance',
    ['health', 4, '医学影像 (DICOM)'],
    'id series_id sop_instance_uid sop_class_uid instance_number transfer_syntax rows columns frames blob_key size_bytes metadata uploaded_by created_at',
  ),
  t(
    'specimen',
    ['medical', 4, '检验标本'],
    'id barcode request_id patient_id container panels status reject_reason redraw_of collected_at created_at updated_at',
  ),
  t(
    'specimen_event',
    ['medical', 3, '标本交接记录'],
    'id specimen_id step reason note actor_account_id actor_institution_id at',
  ),
  // --- family doctor (家庭医生签约, FD-1…FD-9)
  t(
    'family_team',
    ['resources', 1, '家庭医生团队'],
    'id institution_id name lead_practitioner_id intro capacity status created_at',
  ),
  t('family_team_member', ['resources', 1, '家庭医生团队成员'], 'team_id practitioner_id role'),
  t(
    'service_package',
    ['resources', 1, '签约服务包 (FD-2)'],
    'id institution_id code name group_code description services fee_fen insurance_fen public_health_fen resident_fen min_age max_age sex conditions status created_at',
  ),
  t(
    'family_contract',
    ['medical', 4, '家庭医生签约协议 (FD-1, FD-3)'],
    'id contract_no patient_id team_id institution_id signer_account_id years starts_on ends_on status previous_contract_id fee_fen insurance_fen public_health_fen resident_fen order_id group_id agreement_hash signed_at paid_at terminated_at terminate_reason created_at updated_at',
    { agreement_text: ['personal', 4, '协议文本含姓名'] },
  ),
  t(
    'family_contract_package',
    ['medical', 3, '签约服务包及价格'],
    'contract_id package_id fee_fen insurance_fen public_health_fen resident_fen',
  ),
  t(
    'home_reading',
    ['health', 4, '居家血压、血糖读数'],
    'id patient_id kind systolic diastolic pulse glucose_tenths glucose_timing classification measured_at source entered_by created_at',
  ),
  t(
    'followup_plan',
    ['health', 4, '慢病随访计划 (FD-7, FD-8)'],
    'id patient_id team_id condition started_on status last_classification uncontrolled_streak created_at updated_at',
  ),
  t(
    'followup',
    ['health', 4, '随访记录'],
    'id plan_id patient_id team_id reason referral_id title due_on status method record classification action done_at done_by created_at',
  ),
  t(
    'reading_alert',
    ['health', 4, '慢病预警'],
    'id patient_id team_id reading_id level reason created_at handled_at handled_by handled_note',
  ),
  t(
    'referral',
    ['medical', 4, '转诊单 (FD-4)'],
    'id referral_no patient_id direction from_institution_id from_practitioner_id to_institution_id to_department_id contract_id status appointment_id decline_reason accepted_at accepted_by booked_at completed_at created_at updated_at',
    {
      summary: ['health', 4, '病情摘要'],
      care_plan: ['health', 4, '康复/随访方案'],
      complete_note: ['health', 4, '转诊完成记录'],
    },
  ),
  t(
    'home_service_item',
    ['resources', 1, '上门服务项目 (FD-9)'],
    'code name category item_fee_fen description sort status',
  ),
  t(
    'home_service',
    ['medical', 4, '上门服务工单 (FD-5, FD-9)'],
    'id service_no patient_id requested_by institution_id team_id item_code window_start window_end note fee_fen order_id status provider_practitioner_id client_code_hash code_failures code_locked_until accepted_at checked_in_at checked_out_at cancelled_at cancel_reason created_at updated_at',
    { address_enc: ['personal', 4, '住址（加密）'], record: ['health', 4, '上门服务记录'] },
  ),
  t(
    'home_service_event',
    ['personal', 4, '护士签到签退位置 (FD-9)'],
    'id service_id kind latitude longitude accuracy_m at by_account_id note',
  ),
  t(
    'health_article',
    ['resources', 1, '健康教育文章'],
    'id title summary body audiences author_practitioner_id published_at',
  ),
  t('article_push', ['health', 3, '按病种推送与阅读回执'], 'article_id patient_id team_id pushed_at read_at'),
  t(
    'service_rating',
    ['medical', 3, '满意度评价'],
    'id patient_id team_id subject subject_id stars comment created_at',
  ),
];

// --- API routes ----------------------------------------------------------------------------------------

/** What a route serves: one or more categories, each at its level. */
export type RouteData = Partial<Record<Category, Level>>;

export interface RouteLevel {
  pattern: string;
  data: RouteData;
  /** The route serves the caller's own account only (GB/T 39725 §11.2): no clearance is checked. */
  self?: string;
  /** A public route above L1: why an unauthenticated caller may reach it. */
  anonymous?: string;
  /**
   * The route's role list is wider than its clearance on purpose (its service narrows it further); the
   * level check refuses the roles not cleared before the service does.
   */
  wider?: string;
}

const r = (pattern: string, data: RouteData, more: Omit<RouteLevel, 'pattern' | 'data'> = {}) => ({
  pattern,
  data,
  ...more,
});

const V1 = '/api/v1';
const FHIR = '/fhir/R4';
const FHIR_TYPES: [Category, string[]][] = [
  ['health', ['AllergyIntolerance', 'Observation', 'Condition']],
  [
    'medical',
    ['DiagnosticReport', 'Encounter', 'MedicationRequest', 'MedicationDispense', 'Appointment', 'Consent'],
  ],
];
const FHIR_DIRECTORY = [
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'HealthcareService',
  'Schedule',
  'Slot',
];

/**
 * Routes by path pattern (`*` one segment, `**` any rest, none included), optionally after a method
 * (`POST /api/v1/…`) where one URL serves different data by method; the first match wins.
 */
export const ROUTES: readonly RouteLevel[] = [
  // identity and the caller's own account
  r(`${V1}/auth/otp`, { personal: 4 }, { anonymous: 'the caller’s own phone' }),
  r(`${V1}/auth/login`, { personal: 4 }, { anonymous: 'the caller’s own phone and password or code' }),
  r(`${V1}/auth/options`, { security: 1 }),
  r(
    `${V1}/auth/**`,
    { security: 4 },
    {
      self: 'the caller’s own session and credentials',
      anonymous: 'the caller’s own sign-in steps (second factor, password change)',
    },
  ),
  r(`${V1}/me`, { personal: 4 }, { self: 'the caller’s own account' }),
  r(`${V1}/me/consent`, { personal: 3 }, { self: 'the caller’s own consent' }),
  r(`${V1}/me/real-name`, { personal: 4 }),
  r(`${V1}/me/dependents/**`, { personal: 4 }),
  r(`${V1}/me/preferences`, { personal: 3 }),
  r(`${V1}/me/doctors`, { medical: 4 }),
  r(`${V1}/me/authorisations/**`, { medical: 4 }),
  r(`${V1}/me/access-log`, { security: 3, personal: 4 }, { self: 'reads of the caller’s own records' }),
  r(`${V1}/me/deletion-request/**`, { personal: 4, health: 4, medical: 4, payment: 4 }),
  r(`${V1}/me/**`, { security: 4 }, { self: 'the caller’s own account and credentials' }),
  r(`${V1}/health-cards/**`, { personal: 4 }),
  // a patient's archive (SEC-1: care relationships decide whose)
  r(`${V1}/patients/:id`, { personal: 4 }),
  r(`${V1}/patients/:id/allergies/**`, { health: 4 }),
  r(
    `${V1}/patients/:id/break-glass`,
    { health: 4, medical: 4 },
    { wider: 'open to all staff; records/access.service.ts admits doctors and nurses' },
  ),
  r(`${V1}/patients/:id/**`, { health: 4, medical: 4, personal: 4 }),
  r(`${V1}/care-patients`, { personal: 4, medical: 4 }),
  r(`${V1}/break-glass-alerts/**`, { security: 4, personal: 4, health: 4 }),
  // directory
  r(`${V1}/institutions/:id/first-visit-whitelist/**`, { resources: 2 }),
  r(`${V1}/institutions/:id/formulary/**`, { resources: 2 }),
  r(`${V1}/institutions/:id/mfa-policy`, { security: 3 }),
  r(`${V1}/institutions/:id/suspend`, { resources: 2 }),
  r(`${V1}/institutions/:id/reinstate`, { resources: 2 }),
  r(`${V1}/institutions/**`, { resources: 1 }),
  r(`${V1}/departments/**`, { resources: 1 }),
  r(`${V1}/doctors/**`, { resources: 1 }),
  r(`${V1}/practitioners/me/presence`, { resources: 1 }),
  r(`${V1}/practitioners/**`, { resources: 2 }),
  r(`${V1}/search`, { resources: 1 }),
  r(`${V1}/subdistricts`, { resources: 1 }),
  r(`${V1}/pilot-scopes/**`, { resources: 2 }),
  r(`${V1}/drugs`, { resources: 1 }),
  r(`${V1}/pharmacies/:id/stock/**`, { resources: 2 }),
  r(`${V1}/icd10`, { public_health: 1 }),
  r(`${V1}/record-templates`, { medical: 1 }),
  // scheduling
  r(`${V1}/schedules`, { resources: 1 }),
  r(`${V1}/schedules/bulk`, { resources: 2 }),
  r(`${V1}/schedules/:id/stop`, { resources: 2 }),
  r(`${V1}/schedules/:id/waitlist`, { medical: 4 }),
  r(`${V1}/schedules/:id/appointments`, { medical: 4, personal: 4 }),
  r(`${V1}/booking-policy`, { resources: 2 }),
  r(`${V1}/appointments/**`, { medical: 4 }),
  r(`${V1}/waitlist/**`, { medical: 4 }),
  // visits, records of visits, triage
  r(`${V1}/visits/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/attachments/**`, { health: 4 }),
  r(`${V1}/triage`, { health: 4 }),
  // prescriptions and their circulation
  r(`${V1}/prescriptions/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/fulfilments/**`, { medical: 4, personal: 4 }),
  r(`${V1}/addresses/**`, { personal: 4 }),
  r(
    `${V1}/courier/:courier/callbacks`,
    { personal: 3 },
    { anonymous: 'the courier’s status push, signed and verified before use' },
  ),
  // payments and insurance
  r(`${V1}/orders/**`, { payment: 4 }),
  r(
    `${V1}/payments/notify/:channel`,
    { payment: 3 },
    { anonymous: 'the gateway’s notification, signed and verified before use' },
  ),
  r(`${V1}/insurance/link/**`, { payment: 4, personal: 4 }),
  r(`${V1}/insurance/me`, { payment: 4, personal: 4 }),
  r(`${V1}/insurance/wallet-links/**`, { payment: 4 }),
  r(`${V1}/insurance/policies`, { payment: 2 }),
  r(`${V1}/insurance/designations/**`, { payment: 2 }),
  r(`${V1}/insurance/alerts/**`, { payment: 4, medical: 4, personal: 4 }),
  r(`${V1}/insurance/settlements`, { payment: 4, medical: 4, personal: 4 }),
  r(`${V1}/insurance/stats`, { payment: 2 }),
  r(`${V1}/insurance/sim/**`, { payment: 3 }),
  r(`${V1}/reconciliation`, { payment: 3 }),
  // remote diagnosis (the service narrows to the requesting doctor, the centre and the patient)
  r(`${V1}/diagnostic-requests/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/diagnostic-reports/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/diagnostic-centres`, { resources: 2 }),
  r(`${V1}/service-agreements/**`, { resources: 2 }),
  r(`${V1}/critical-alerts/**`, { health: 4, personal: 4 }),
  r(`${V1}/ecg/**`, { health: 4 }),
  r(`${V1}/specimens/**`, { medical: 4, personal: 3 }),
  r(`${V1}/lab-panels`, { resources: 1 }),
  r(`${V1}/remote-diagnosis/stats`, { resources: 2 }),
  r('/dicomweb/**', { health: 4, personal: 4 }),
  // family doctor (the service narrows to the resident, their proxies and their team; FD-1…FD-9)
  r(`${V1}/family-doctor/teams/**`, { resources: 1 }),
  r(`${V1}/family-doctor/packages/**`, { resources: 1 }),
  r(`${V1}/family-doctor/home-service-items`, { resources: 1 }),
  r(`${V1}/family-doctor/articles/**`, { health: 3 }),
  r(`${V1}/family-doctor/assessment/**`, { resources: 2 }),
  r(`${V1}/family-doctor/assessment.csv`, { resources: 2 }),
  r(`${V1}/family-doctor/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/referrals/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/home-services/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/hl7/**`, { medical: 4, health: 4, personal: 4 }),
  r(`${V1}/notifications/**`, { medical: 4 }, { self: 'the caller’s own notifications' }),
  // the three administrators' consoles (DJ-8): accounts, policy, the audit log, security events
  r(`POST ${V1}/admin/accounts`, { personal: 4, security: 4 }),
  r(`${V1}/admin/accounts/**`, { personal: 3, security: 4 }),
  r(`${V1}/admin/actions`, { security: 3, personal: 3 }),
  r(`${V1}/admin/**`, { security: 4 }),
  r(`${V1}/audit/retention`, { security: 3 }),
  r(`${V1}/audit/**`, { security: 3, personal: 3 }),
  r(`${V1}/security/**`, { security: 4, personal: 3 }),
  // FHIR (care-access.ts decides whose; the type decides what)
  r(`${FHIR}/metadata`, { resources: 1 }),
  r(`${FHIR}/Patient/:id/$everything`, { health: 4, medical: 4, personal: 4 }),
  r(`${FHIR}/Patient/**`, { personal: 4 }),
  ...FHIR_TYPES.flatMap(([category, types]) =>
    types.map((type) => r(`${FHIR}/${type}/**`, { [category]: 4 })),
  ),
  r(`${FHIR}/AuditEvent/**`, { security: 3 }),
  ...FHIR_DIRECTORY.map((type) => r(`${FHIR}/${type}/**`, { resources: 1 })),
  // the visit socket authenticates itself and admits the visit's participants only
  r('/ws', { medical: 4, health: 4 }),
  // simulators (demo mode) and the platform's own endpoints
  r(
    '/sim-gateway/**',
    { payment: 3 },
    { anonymous: 'the simulated cashier, demo mode only, reached with its prepay id' },
  ),
  r('/healthz', { security: 1 }),
  r('/readyz', { security: 1 }),
  r('/metrics', { security: 2 }, { anonymous: 'counters only; a bearer token when one is configured' }),
  r('/api/openapi.json', { security: 1 }),
  r('/api/docs/**', { security: 1 }),
];

/** Routes under these prefixes must match a pattern (the web app's static files need not). */
export const GUARDED = [
  '/api/',
  '/fhir/',
  '/ws',
  '/sim-gateway/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/dicomweb',
];

export const isGuarded = (url: string) => GUARDED.some((p) => url === p || url.startsWith(p));

function patternRegex(path: string): RegExp {
  const parts = path.split('/').map((seg) => {
    if (seg === '**') return '(?:/.*)?';
    if (seg === '*') return '/[^/]+';
    return `/${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  });
  return new RegExp(`^${parts.slice(1).join('')}$`);
}
const COMPILED = ROUTES.map((route) => {
  const [method, path] = route.pattern.includes(' ') ? route.pattern.split(' ') : [null, route.pattern];
  return { route, method, re: patternRegex(path!) };
});

/** The declaration a route (its method and URL as registered, `:params` and all) falls under. */
export function routeLevel(method: string, url: string): RouteLevel | undefined {
  const path = url.length > 1 ? url.replace(/\/$/, '') : url;
  return COMPILED.find((c) => (c.method === null || c.method === method) && c.re.test(path))?.route;
}

/**
 * Contract fields whose presence in a route's body or answer needs at least this level (the field view
 * of the column levels): a request carries the full phone or ID number, an answer the masked one (DJ-10).
 */
export const FIELD_LEVELS: readonly {
  field: string;
  in: 'body' | 'any';
  category: Category;
  level: Level;
}[] = [
  { field: 'phone', in: 'body', category: 'personal', level: 4 },
  { field: 'idNumber', in: 'body', category: 'personal', level: 4 },
  { field: 'idNumber', in: 'any', category: 'personal', level: 3 },
  { field: 'idNumberMasked', in: 'any', category: 'personal', level: 3 },
  { field: 'psnNo', in: 'any', category: 'personal', level: 3 },
  { field: 'diagnoses', in: 'any', category: 'health', level: 4 },
  { field: 'allergies', in: 'any', category: 'health', level: 4 },
];

/** Every property name a JSON schema declares, nested objects, arrays and unions included. */
export function schemaFields(schema: unknown, out = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return out;
  const s = schema as Record<string, unknown>;
  if (s.properties && typeof s.properties === 'object') {
    for (const [name, sub] of Object.entries(s.properties as Record<string, unknown>)) {
      out.add(name);
      schemaFields(sub, out);
    }
  }
  for (const key of ['items', 'additionalProperties', 'not']) schemaFields(s[key], out);
  for (const key of ['anyOf', 'allOf', 'oneOf', 'prefixItems']) {
    if (Array.isArray(s[key])) for (const sub of s[key] as unknown[]) schemaFields(sub, out);
  }
  return out;
}

// --- clearance: role × category → the highest level a role may be served --------------------------------

type Clearance = Record<Category, Level | 0>;
const c = (
  personal: Level | 0,
  health: Level | 0,
  medical: Level | 0,
  payment: Level | 0,
  resources: Level | 0,
  public_health: Level | 0,
  security: Level | 0,
): Clearance => ({ personal, health, medical, payment, resources, public_health, security });

/**
 * Each role's clearance. A role cleared for a level reaches no more rows for it: patients see their own
 * and their dependants' data only; doctors and nurses a patient's only under a care relationship (SEC-1);
 * pharmacists, pharmacy staff, org_admin and the regulator read prescriptions with the diagnoses they are
 * reviewed against (health L4) but no archive; the insurer reads settlements, their lines (用药信息) and
 * fraud evidence, never health status; the three administrators (DJ-8) administer and read no patient's
 * health, care or payment data (L2: aggregates and de-identified only).
 */
export const CLEARANCE: Record<Role, Clearance> = {
  //               个人 健康 医疗 支付 资源 公卫 安全
  patient: c(4, 4, 4, 4, 1, 1, 3),
  doctor: c(4, 5, 5, 3, 3, 2, 2),
  nurse: c(4, 5, 5, 3, 3, 2, 2),
  pharmacist: c(4, 4, 4, 3, 3, 1, 2),
  pharmacy_staff: c(4, 4, 4, 3, 2, 1, 2),
  org_admin: c(4, 4, 4, 4, 3, 2, 3),
  regulator: c(4, 4, 4, 3, 3, 3, 4),
  insurer: c(4, 2, 4, 4, 2, 2, 2),
  system_admin: c(4, 2, 2, 2, 3, 1, 4),
  security_admin: c(3, 2, 2, 2, 2, 1, 4),
  audit_admin: c(3, 2, 2, 2, 2, 1, 4),
};

export type Decision = { ok: true } | { ok: false; category: Category; level: Level };

/** Whether some role of the caller is cleared, category by category, for everything a route serves. */
export function decide(roles: readonly Role[], data: RouteData): Decision {
  for (const category of CATEGORY_ORDER) {
    const level = data[category];
    if (level === undefined) continue;
    if (!roles.some((role) => (CLEARANCE[role]?.[category] ?? 0) >= level)) {
      return { ok: false, category, level };
    }
  }
  return { ok: true };
}

export interface SeenRoute {
  method: string;
  url: string;
  access: unknown;
  level: RouteLevel;
  /** The route's TypeBox schema (body, response…): the field view of what it serves. */
  schema: unknown;
}
const seenByApp = new WeakMap<FastifyInstance, SeenRoute[]>();

/** The routes an app declared, with their levels (tests; the docs read ROUTES). */
export function routesSeen(app: FastifyInstance): readonly SeenRoute[] {
  return seenByApp.get(app) ?? [];
}

/**
 * DJ-11 at start-up and per request: a guarded route matching no declaration fails start-up, as does a
 * public route above L1 that does not say why; a caller authenticated by the role check (access.ts) but
 * whose roles are not cleared for what the route serves is refused 403 DATA_LEVEL_FORBIDDEN (audited as
 * every 403 is). Register after `registerAccessControl`, so this runs after the role check.
 */
export function registerDataLevels(app: FastifyInstance): void {
  const seen: SeenRoute[] = [];
  seenByApp.set(app, seen);
  const levels = new Map<string, RouteLevel>();
  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!isGuarded(url)) return;
    const access = route.config?.access;
    for (const method of [route.method].flat()) {
      const level = routeLevel(method, url);
      if (!level) {
        throw new Error(
          `route ${method} ${url} has no data level (DJ-11, GB/T 39725): declare it in src/server/platform/data-levels.ts ROUTES`,
        );
      }
      const top = Math.max(...Object.values(level.data));
      if (access === 'public' && top > 1 && !level.anonymous) {
        throw new Error(
          `public route ${method} ${url} serves L${top} data (${level.pattern}): say why anonymous callers may reach it (anonymous) or require a role`,
        );
      }
      levels.set(`${method} ${url}`, level);
      seen.push({ method, url, access, level, schema: route.schema });
    }
  });
  app.addHook('preHandler', async (request) => {
    const auth = request.auth;
    if (!auth) return;
    const level = levels.get(`${request.method} ${request.routeOptions.url ?? ''}`);
    if (!level || level.self) return;
    const decision = decide(auth.roles, level.data);
    if (!decision.ok) {
      const { zh } = CATEGORIES[decision.category];
      throw dataLevelErrors.dataLevelForbidden(
        `此接口提供${zh} L${decision.level} 级数据，当前账号的角色（${auth.roles.join('、')}）未获准访问（DJ-11，GB/T 39725）。`,
      );
    }
  });
}
