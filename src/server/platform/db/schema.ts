import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Row types of the database, kept by hand beside the SQL migrations. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns read as 'YYYY-MM-DD' on both drivers. */
type DateText = string;

export interface InstitutionTable {
  id: string;
  code: string;
  name: string;
  name_en: string | null;
  short_name: string | null;
  type: string;
  level: string | null;
  is_childrens: Generated<boolean>;
  district: string;
  address: string | null;
  phone: string | null;
  alliance_of: string | null;
  internet_hospital: JSONColumnType<{ name: string; approvedAt: string; services: string[] } | null>;
  status: Generated<string>;
  created_at: DefaultTimestamp;
  /** Pinyin search keys of the name (0024; modules/directory/search.keys.ts). */
  pinyin_initials: Generated<string>;
  pinyin_full: Generated<string>;
}

export interface DepartmentTable {
  id: string;
  institution_id: string;
  code: string;
  name: string;
  name_en: string | null;
  specialty: string;
  pinyin_initials: Generated<string>;
  pinyin_full: Generated<string>;
}

export interface PractitionerTable {
  id: string;
  code: string;
  name: string;
  sex: string;
  kind: string;
  title: string | null;
  professional_title: string;
  institution_id: string;
  department_id: string;
  specialty: string;
  bio: Generated<string>;
  licence_no: string;
  practice_since: number;
  online_follow_up_since: number | null;
  offers_online: Generated<boolean>;
  first_visit_trained: Generated<boolean>;
  status: Generated<string>;
  created_at: DefaultTimestamp;
  pinyin_initials: Generated<string>;
  pinyin_full: Generated<string>;
}

export interface PractitionerSiteTable {
  practitioner_id: string;
  institution_id: string;
  department_id: string;
}

export interface LicenceTable {
  id: string;
  institution_id: string | null;
  practitioner_id: string | null;
  kind: string;
  number: string;
  issued_by: string;
  valid_from: DateText;
  valid_to: DateText;
  scope: JSONColumnType<string[]>;
}

export interface AccountTable {
  id: string;
  phone_enc: string;
  phone_bidx: string;
  password_hash: string | null;
  name: Generated<string>;
  roles: string[];
  institution_id: string | null;
  practitioner_id: string | null;
  status: Generated<string>;
  password_changed_at: Timestamp | null;
  created_at: Timestamp;
}

export interface PatientTable {
  id: string;
  account_id: string | null;
  name: string;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  birth_date: DateText | null;
  sex: string | null;
  verified_at: Timestamp | null;
  created_at: Timestamp;
}

/** 电子健康卡 ([8/12], identity): one per verified patient; the QR code is derived, not stored. */
export interface HealthCardTable {
  id: string;
  patient_id: string;
  card_no: string;
  issued_at: Timestamp;
}

export interface FamilyProxyTable {
  id: string;
  proxy_account_id: string;
  patient_id: string;
  relationship: string;
  is_guardian: boolean;
  confirm_phone_enc: string | null;
  status: string;
  confirmed_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: Timestamp;
}

export interface AuthSessionTable {
  id: string;
  token_hash: string;
  account_id: string;
  is_staff: boolean;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface OtpCodeTable {
  id: string;
  phone_bidx: string;
  purpose: string;
  code_hash: string;
  ref_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  attempts: Generated<number>;
  consumed_at: Timestamp | null;
}

/** [8/12] An account's settings: 长辈模式 (null until answered) and the current 就诊人 (null = oneself). */
export interface AccountPreferenceTable {
  account_id: string;
  elderly_mode: boolean | null;
  elderly_mode_answered_at: Timestamp | null;
  current_patient_id: string | null;
  updated_at: Timestamp;
}

export interface LoginGuardTable {
  phone_bidx: string;
  failures: number;
  locked_until: Timestamp | null;
  updated_at: Timestamp;
}

/** SEC-1: one row per agreement to the user agreement, privacy policy and sensitive-data consent. */
export interface AccountConsentTable {
  id: string;
  account_id: string;
  version: string;
  terms: boolean;
  privacy: boolean;
  sensitive: boolean;
  agreed_at: Timestamp;
}

export interface OfflineDiagnosisTable {
  id: string;
  patient_id: string;
  institution_id: string;
  department_id: string | null;
  practitioner_id: string | null;
  icd10: string;
  name: string;
  diagnosed_at: DateText;
  source: string;
  created_at: Timestamp;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: Timestamp;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  outcome: Generated<string>;
  resource_type: string | null;
  resource_id: string | null;
  patient_id: string | null;
  ip: string | null;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
  sealed_at: Timestamp | null;
}

export interface AuditBlockTable {
  block_no: number;
  first_seq: number;
  last_seq: number;
  head_hash: string;
  sealed_at: Timestamp;
}

export interface SchemaMigrationTable {
  version: string;
  applied_at: DefaultTimestamp;
}

// Scheduling (0004_scheduling.sql)
export interface BookingPolicyTable {
  institution_id: string;
  release_days_ahead: number;
  release_time: string;
  referral_percent: number;
  partner_percent: number;
  reserved_release_hours: number;
  cancel_cutoff_minutes: number;
  max_active_bookings: number;
  no_show_limit: number;
  no_show_window_days: number;
  suspension_days: number;
  hold_minutes: number;
}

export interface ScheduleTable {
  id: string;
  institution_id: string;
  department_id: string;
  practitioner_id: string;
  date: DateText;
  start_time: string;
  end_time: string;
  mode: string;
  fee_fen: number;
  capacity: number;
  release_at: Timestamp;
  reserved_release_at: Timestamp;
  reserved_released: Generated<boolean>;
  status: Generated<string>;
  stopped_reason: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface TokenTable {
  id: string;
  schedule_id: string;
  token_number: number;
  window_start: Timestamp;
  window_end: Timestamp;
  channel: string;
  status: Generated<string>;
}

export interface AppointmentTable {
  id: string;
  schedule_id: string;
  token_id: string;
  patient_id: string;
  booked_by: string;
  practitioner_id: string;
  date: DateText;
  channel: string;
  status: string;
  token_number: number;
  window_start: Timestamp;
  window_end: Timestamp;
  fee_fen: number;
  order_id: string | null;
  hold_until: Timestamp | null;
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
  checked_in_at: Timestamp | null;
  reminded_at: Timestamp | null;
  created_at: Timestamp;
}

export interface WaitlistEntryTable {
  id: string;
  schedule_id: string;
  patient_id: string;
  requested_by: string;
  channel: Generated<string>;
  status: string;
  appointment_id: string | null;
  created_at: Timestamp;
  promoted_at: Timestamp | null;
}

export interface OutboxTable {
  id: string;
  topic: string;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
  available_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  delivered_at: Timestamp | null;
  /** Published to NATS JetStream by the relay (0029); null without NATS_URL. */
  relayed_at: Timestamp | null;
}

export interface OutboxReceiptTable {
  event_id: string;
  subscriber: string;
  delivered_at: Timestamp;
}

export interface IdempotencyRecordTable {
  account_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  body: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

// Payments (0006_payments.sql)
export interface PaymentOrderTable {
  id: string;
  patient_id: string;
  account_id: string;
  purpose: string;
  ref_id: string;
  description: string;
  amount_fen: number;
  refunded_fen: Generated<number>;
  status: string;
  channel: string | null;
  prepay_id: string | null;
  gateway_txn_id: string | null;
  expires_at: Timestamp;
  paid_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_at: Timestamp;
}

export interface PaymentNotificationTable {
  id: string;
  channel: string;
  event_id: string;
  order_id: string | null;
  kind: string;
  signature_valid: boolean;
  applied: boolean;
  outcome: string;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  received_at: Timestamp;
}

export interface RefundTable {
  id: string;
  order_id: string;
  refund_no: string;
  amount_fen: number;
  reason: string;
  status: string;
  gateway_refund_id: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface NotificationTable {
  id: string;
  account_id: string;
  patient_id: string | null;
  kind: string;
  title: string;
  body: string;
  ref_type: string | null;
  ref_id: string | null;
  read_at: Timestamp | null;
  created_at: Timestamp;
  /** [8/12] The text's key in notifications/notices.ts, rendered in the reader's language (0026). */
  message_key: ColumnType<string | null, string | null | undefined, string | null>;
  message_params: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

// [5/12] prescriptions and pharmacy (0010_prescriptions.sql).
export interface DrugTable {
  id: string;
  generic_name: string;
  brand_name: string | null;
  name_en: string;
  kind: string;
  atc: string | null;
  dosage_form: string;
  strength: number;
  strength_unit: string;
  unit: string;
  package_size: number;
  package_unit: string;
  route: string;
  usual_daily_dose: number;
  max_daily_dose: number;
  max_daily_dose_per_kg: number | null;
  min_age_years: number | null;
  price_fen: number;
  insurance_category: string;
  otc: boolean;
  antimicrobial: string;
  special_flags: ColumnType<string[], string[] | undefined, string[]>;
  ingredients: string[];
  allergen_classes: ColumnType<string[], string[] | undefined, string[]>;
  chronic: Generated<boolean>;
  pinyin_initials: string;
  pinyin_full: string;
  active: Generated<boolean>;
}

export interface FormularyTable {
  institution_id: string;
  drug_id: string;
  added_by: string | null;
  added_at: Timestamp;
}

export interface PatientAllergyTable {
  id: string;
  patient_id: string;
  substance: string;
  reaction: string | null;
  recorded_by: string | null;
  recorded_at: Timestamp;
  removed_at: Timestamp | null;
}

export interface PrescriptionTable {
  id: string;
  root_id: string;
  version: number;
  replaces_id: string | null;
  visit_id: string;
  patient_id: string;
  practitioner_id: string;
  institution_id: string;
  department_id: string;
  kind: string;
  status: string;
  diagnoses: JSONColumnType<{ icd10: string; name: string }[]>;
  patient_age_years: number;
  patient_weight_kg: number | null;
  valid_days: Generated<number>;
  validity_reason: string | null;
  long_term_reason: string | null;
  checks: JSONColumnType<Record<string, unknown>[], string | undefined, string>;
  total_fen: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  signed_at: Timestamp | null;
  valid_until: Timestamp | null;
  signed_document: string | null;
  content_hash: string | null;
  signature: string | null;
  certificate_serial: string | null;
  approved_at: Timestamp | null;
  rejected_at: Timestamp | null;
  dispensed_at: Timestamp | null;
  expired_at: Timestamp | null;
  cancelled_at: Timestamp | null;
}

export interface PrescriptionItemTable {
  prescription_id: string;
  line: number;
  drug_id: string;
  dose: number;
  dose_unit: string;
  frequency: string;
  days: number;
  quantity: number;
  route: string;
  note: string | null;
  interaction_override_reason: string | null;
  unit_price_fen: number;
}

export interface PrescriptionReviewTable {
  id: string;
  prescription_id: string;
  pharmacist_id: string;
  decision: string;
  reason: string | null;
  reviewed_at: Timestamp;
  signed_document: string;
  content_hash: string;
  signature: string;
  certificate_serial: string;
}

export interface DeliveryAddressTable {
  id: string;
  account_id: string;
  recipient: string;
  phone_enc: string;
  phone_masked: string;
  subdistrict: string;
  detail: string;
  lat: number;
  lng: number;
  is_default: Generated<boolean>;
  created_at: Timestamp;
  removed_at: Timestamp | null;
}

export interface FulfilmentTable {
  id: string;
  prescription_id: string;
  patient_id: string;
  account_id: string;
  pharmacy_id: string;
  method: string;
  address: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  status: string;
  order_id: string;
  drug_fen: number;
  delivery_fee_fen: Generated<number>;
  pickup_code: string | null;
  /** Wrong pick-up codes since the last lock (0011_pickup_attempts.sql). */
  pickup_failures: Generated<number>;
  /** After 5 wrong codes the code is refused until then. */
  pickup_locked_until: Timestamp | null;
  created_at: Timestamp;
  paid_at: Timestamp | null;
  dispensed_at: Timestamp | null;
  dispensed_by: string | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
}

export interface DispensedBoxTable {
  trace_code: string;
  fulfilment_id: string;
  drug_id: string;
  batch_no: string;
  dispensed_at: Timestamp;
}

export interface DeliveryTable {
  id: string;
  fulfilment_id: string;
  courier: string;
  waybill_no: string | null;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeliveryEventTable {
  id: string;
  delivery_id: string;
  courier: string;
  event_id: string;
  status: string;
  occurred_at: Timestamp;
  received_at: Timestamp;
  applied: boolean;
  outcome: string;
  payload: JSONColumnType<Record<string, unknown>>;
}

export interface PharmacySiteTable {
  institution_id: string;
  lat: number;
  lng: number;
  pickup: Generated<boolean>;
  delivery: Generated<boolean>;
  delivery_fee_fen: Generated<number>;
  opening_hours: string | null;
}

export interface StockItemTable {
  pharmacy_id: string;
  drug_id: string;
  price_fen: number;
  on_hand: number;
  reserved: Generated<number>;
}

export interface StockBatchTable {
  id: string;
  pharmacy_id: string;
  drug_id: string;
  batch_no: string;
  expires_on: ColumnType<DateText, string, string>;
  quantity: number;
  received_at: Timestamp;
}

export interface StockReservationTable {
  id: string;
  pharmacy_id: string;
  drug_id: string;
  fulfilment_id: string;
  quantity: number;
  status: string;
  created_at: Timestamp;
  settled_at: Timestamp | null;
}

export interface PaymentOrderLineTable {
  order_id: string;
  line: number;
  kind: string;
  ref: string | null;
  name: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
  insurance_category: string | null;
}

// --- records ([6/12])

export interface HealthProfileTable {
  patient_id: string;
  blood_type: string | null;
  past_history: Generated<string>;
  surgical_history: Generated<string>;
  family_history: Generated<string>;
  lifestyle: JSONColumnType<Record<string, string>, string | undefined, string>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface VaccinationTable {
  id: string;
  patient_id: string;
  vaccine: string;
  dose: string | null;
  given_on: DateText;
  institution_id: string | null;
  source: 'his' | 'staff' | 'seed';
  created_at: Timestamp;
}

export interface EncounterTable {
  id: string;
  patient_id: string;
  class: 'AMB' | 'IMP' | 'EMER' | 'VR';
  status: 'in-progress' | 'finished' | 'cancelled';
  institution_id: string;
  department_id: string | null;
  practitioner_id: string | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  reason: string | null;
  source: 'his' | 'online' | 'seed';
  source_ref: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DiagnosisTable {
  id: string;
  patient_id: string;
  encounter_id: string | null;
  icd10: string;
  name: string;
  category: 'encounter-diagnosis' | 'problem-list-item';
  clinical_status: 'active' | 'resolved' | 'inactive';
  chronic: Generated<boolean>;
  onset_date: DateText | null;
  recorded_at: Timestamp;
  institution_id: string | null;
  practitioner_id: string | null;
  source: 'his' | 'online' | 'staff' | 'seed';
  source_ref: string | null;
  updated_at: Timestamp;
}

export interface ReportSignature {
  certSerial: string;
  sm3: string;
  signature: string;
  signedBy: string;
  signedAt: string;
}

export interface DiagnosticReportTable {
  id: string;
  patient_id: string;
  encounter_id: string | null;
  kind: 'lab' | 'imaging' | 'ecg' | 'ultrasound' | 'pathology' | 'other';
  code_system: string;
  code: string;
  name: string;
  status: 'registered' | 'partial' | 'preliminary' | 'final' | 'amended' | 'corrected' | 'cancelled';
  effective_at: Timestamp;
  issued_at: Timestamp;
  institution_id: string | null;
  performer_name: string | null;
  verifier_name: string | null;
  findings: string | null;
  conclusion: string | null;
  signature: JSONColumnType<ReportSignature | null, string | null, string | null>;
  source: 'his' | 'seed' | 'remote';
  source_ref: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ObservationTable {
  id: string;
  patient_id: string;
  report_id: string | null;
  category: 'laboratory' | 'vital-signs' | 'imaging' | 'exam';
  code_system: string;
  code: string;
  name: string;
  value_num: number | null;
  value_text: string | null;
  unit: string | null;
  ref_low: number | null;
  ref_high: number | null;
  ref_text: string | null;
  flag: 'N' | 'H' | 'L' | 'HH' | 'LL' | 'A' | null;
  status: 'registered' | 'preliminary' | 'final' | 'amended' | 'corrected' | 'cancelled';
  effective_at: Timestamp;
  source: 'his' | 'seed' | 'device' | 'staff';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AccessGrantTable {
  id: string;
  patient_id: string;
  granted_by: string;
  grantee_practitioner_id: string | null;
  grantee_institution_id: string | null;
  categories: string[] | null;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BreakGlassTable {
  id: string;
  patient_id: string;
  account_id: string;
  practitioner_id: string | null;
  institution_id: string | null;
  reason: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  review_note: string | null;
}

// --- hl7 ([6/12])

export interface Hl7MessageTable {
  id: string;
  sending_facility: string;
  control_id: string;
  message_type: string;
  institution_id: string | null;
  peer: string | null;
  raw_enc: string;
  status: 'applied' | 'held' | 'dead' | 'replayed' | 'discarded';
  ack_code: 'AA' | 'AE' | 'AR';
  error_code: string | null;
  error_detail: string | null;
  patient_id: string | null;
  attempts: Generated<number>;
  received_at: Timestamp;
  applied_at: Timestamp | null;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface Hl7MatchTable {
  id: string;
  hl7_message_id: string;
  institution_id: string | null;
  name: string;
  sex: string | null;
  birth_date: DateText | null;
  id_number_masked: string | null;
  candidate_patient_ids: string[];
  status: 'pending' | 'matched' | 'created' | 'rejected';
  resolved_patient_id: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_at: Timestamp;
}

export interface DB {
  institution: InstitutionTable;
  department: DepartmentTable;
  practitioner: PractitionerTable;
  practitioner_site: PractitionerSiteTable;
  licence: LicenceTable;
  account: AccountTable;
  patient: PatientTable;
  family_proxy: FamilyProxyTable;
  health_card: HealthCardTable;
  auth_session: AuthSessionTable;
  otp_code: OtpCodeTable;
  login_guard: LoginGuardTable;
  account_preference: AccountPreferenceTable;
  account_consent: AccountConsentTable;
  offline_diagnosis: OfflineDiagnosisTable;
  audit_event: AuditEventTable;
  audit_block: AuditBlockTable;
  booking_policy: BookingPolicyTable;
  schedule: ScheduleTable;
  token: TokenTable;
  appointment: AppointmentTable;
  waitlist_entry: WaitlistEntryTable;
  idempotency_record: IdempotencyRecordTable;
  outbox: OutboxTable;
  outbox_receipt: OutboxReceiptTable;
  payment_order: PaymentOrderTable;
  payment_notification: PaymentNotificationTable;
  refund: RefundTable;
  notification: NotificationTable;
  schema_migration: SchemaMigrationTable;
  pilot_scope: PilotScopeTable;
  first_visit_whitelist: FirstVisitWhitelistTable;
  practitioner_presence: PractitionerPresenceTable;
  attachment: AttachmentTable;
  visit: VisitTable;
  visit_event: VisitEventTable;
  visit_message: VisitMessageTable;
  visit_read: VisitReadTable;
  visit_call: VisitCallTable;
  signing_key: SigningKeyTable;
  signing_ca: SigningCaTable;
  medical_record: MedicalRecordTable;
  record_addendum: RecordAddendumTable;
  drug: DrugTable;
  formulary: FormularyTable;
  patient_allergy: PatientAllergyTable;
  prescription: PrescriptionTable;
  prescription_item: PrescriptionItemTable;
  prescription_review: PrescriptionReviewTable;
  delivery_address: DeliveryAddressTable;
  fulfilment: FulfilmentTable;
  dispensed_box: DispensedBoxTable;
  delivery: DeliveryTable;
  delivery_event: DeliveryEventTable;
  pharmacy_site: PharmacySiteTable;
  stock_item: StockItemTable;
  stock_batch: StockBatchTable;
  stock_reservation: StockReservationTable;
  payment_order_line: PaymentOrderLineTable;
  health_profile: HealthProfileTable;
  vaccination: VaccinationTable;
  encounter: EncounterTable;
  diagnosis: DiagnosisTable;
  diagnostic_report: DiagnosticReportTable;
  observation: ObservationTable;
  access_grant: AccessGrantTable;
  break_glass: BreakGlassTable;
  hl7_message: Hl7MessageTable;
  hl7_match: Hl7MatchTable;
  insurance_policy: InsurancePolicyTable;
  insurance_designation: InsuranceDesignationTable;
  insured_person: InsuredPersonTable;
  family_wallet_link: FamilyWalletLinkTable;
  insurance_settlement: InsuranceSettlementTable;
  insurance_settlement_line: InsuranceSettlementLineTable;
  insurance_alert: InsuranceAlertTable;
  reconciliation_statement: ReconciliationStatementTable;
  inssim_person: InssimPersonTable;
  inssim_voucher: InssimVoucherTable;
  inssim_message: InssimMessageTable;
  inssim_settlement: InssimSettlementTable;
  insurance_batch_run: InsuranceBatchRunTable;
  paysim_key: PaysimKeyTable;
  paysim_order: PaysimOrderTable;
  paysim_refund: PaysimRefundTable;
  couriersim_key: CouriersimKeyTable;
  couriersim_shipment: CouriersimShipmentTable;
  security_alert: SecurityAlertTable;
  security_counter: SecurityCounterTable;
  security_login_network: SecurityLoginNetworkTable;
  retention_setting: RetentionSettingTable;
  retention_run: RetentionRunTable;
  retention_archive: RetentionArchiveTable;
  deletion_request: DeletionRequestTable;
}

// Directory (0005_directory.sql): columns added to tables of 0001. Declaration merging adds them to the
// interfaces above without editing them. `title_order` is generated by the database: never written.
export interface PractitionerTable {
  title_order: ColumnType<number, never, never>;
  suspended_at: Timestamp | null;
  suspension_reason: string | null;
}

export interface InstitutionTable {
  suspended_at: Timestamp | null;
  suspension_reason: string | null;
}

// Online visits (0007_visits.sql).
export interface PilotScopeTable {
  id: string;
  institution_id: string;
  specialty: string;
  starts_on: DateText;
  ends_on: DateText;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface FirstVisitWhitelistTable {
  institution_id: string;
  practitioner_id: string;
  added_by: string | null;
  added_at: Timestamp;
}

export interface PractitionerPresenceTable {
  practitioner_id: string;
  department_id: string;
  online: boolean;
  changed_at: Timestamp;
}

export interface AttachmentTable {
  id: string;
  uploaded_by: string;
  visit_id: string | null;
  mime: string;
  size_bytes: number;
  sm3: string;
  storage_key: string;
  thumb_key: string | null;
  duration_ms: number | null;
  created_at: Timestamp;
}

export interface VisitTable {
  id: string;
  type: string;
  channel: string;
  status: string;
  patient_id: string;
  requested_by: string;
  practitioner_id: string | null;
  institution_id: string;
  department_id: string;
  appointment_id: string | null;
  condition_code: string | null;
  condition_name: string | null;
  description: string;
  fee_fen: number;
  order_id: string | null;
  offline_diagnosis_id: string | null;
  evidence_attachment_id: string | null;
  evidence_accepted_at: Timestamp | null;
  guardian_required: boolean;
  guardian_account_id: string | null;
  guardian_confirmed_at: Timestamp | null;
  consent_at: Timestamp;
  queue_opens_at: Timestamp | null;
  queued_at: Timestamp | null;
  expires_at: Timestamp | null;
  paid_at: Timestamp | null;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  ended_at: Timestamp | null;
  last_message_at: Timestamp | null;
  chat_closes_at: Timestamp | null;
  chat_closed_at: Timestamp | null;
  cancel_reason: string | null;
  refer_reason: string | null;
  refer_recommendation: ColumnType<Record<string, string> | null, string | null, string | null>;
  rating_stars: number | null;
  rating_comment: string | null;
  rated_at: Timestamp | null;
  created_at: Timestamp;
}

export interface VisitEventTable {
  id: Generated<number>;
  visit_id: string;
  at: Timestamp;
  kind: string;
  actor_account_id: string | null;
  actor_role: string;
  details: JSONColumnType<Record<string, unknown>>;
}

export interface VisitMessageTable {
  id: Generated<number>;
  visit_id: string;
  sender_account_id: string | null;
  sender_role: string;
  client_id: string | null;
  kind: string;
  body: string | null;
  attachment_id: string | null;
  created_at: Timestamp;
  /** [8/12] A system line's key in visits/system-lines.ts, rendered in the reader's language (0026). */
  body_key: ColumnType<string | null, string | null | undefined, string | null>;
  body_params: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface VisitReadTable {
  visit_id: string;
  role: string;
  last_read_id: number;
  read_at: Timestamp;
}

export interface VisitCallTable {
  id: string;
  visit_id: string;
  started_by: string;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  ended_by: string | null;
  participants: JSONColumnType<
    { accountId: string; role: string; joinedAt: string; recordingConsent: boolean }[]
  >;
}

export interface SigningKeyTable {
  practitioner_id: string;
  serial: string;
  public_key_pem: string;
  private_key_enc: string;
  certificate: JSONColumnType<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface SigningCaTable {
  id: number;
  name: string;
  public_key_pem: string;
  private_key_enc: string;
  created_at: Timestamp;
}

export interface MedicalRecordTable {
  visit_id: string;
  practitioner_id: string;
  patient_id: string;
  content: JSONColumnType<Record<string, unknown>>;
  status: string;
  updated_at: Timestamp;
  signed_at: Timestamp | null;
  signed_document: string | null;
  content_hash: string | null;
  signature: string | null;
  certificate_serial: string | null;
}

export interface RecordAddendumTable {
  id: string;
  visit_id: string;
  practitioner_id: string;
  text: string;
  signed_at: Timestamp;
  signed_document: string;
  content_hash: string;
  signature: string;
  certificate_serial: string;
}

// Medical insurance (0014_insurance.sql, [7/12]). int8 columns are JS numbers on both drivers (database.ts).
type Bigint = number;

export interface PaymentOrderTable {
  institution_id: string | null;
  cash_fen: number | null;
  insurance_settlement_id: string | null;
  /** 0017: the amount of the gateway prepay recorded (or being opened) for the order. */
  prepay_amount_fen: number | null;
}

export interface InsurancePolicyTable {
  id: string;
  scheme: 'employee' | 'resident';
  institution_level: 'primary' | 'secondary' | 'tertiary';
  version: number;
  effective_from: DateText;
  rules: JSONColumnType<Record<string, unknown>, string, string>;
  note: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface InsuranceDesignationTable {
  institution_id: string;
  agreement_no: string;
  effective_from: DateText;
  effective_to: DateText | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface InsuredPersonTable {
  patient_id: string;
  psn_no: string;
  scheme: 'employee' | 'resident';
  insuring_region: string;
  insuring_region_name: string;
  linked_by: string;
  linked_at: Timestamp;
  unlinked_at: Timestamp | null;
  /** 0015: the person's figures as the platform last reported them (link, settlement), and when. */
  figures: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  figures_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface FamilyWalletLinkTable {
  id: string;
  payer_patient_id: string;
  beneficiary_patient_id: string;
  status: 'requested' | 'active' | 'revoked' | 'declined';
  requested_by: string;
  requested_at: Timestamp;
  confirmed_by: string | null;
  confirmed_at: Timestamp | null;
  ended_at: Timestamp | null;
}

export interface InsuranceSettlementTable {
  id: string;
  order_id: string;
  patient_id: string;
  institution_id: string;
  psn_no: string;
  scheme: string;
  insuring_region: string;
  account_payer_patient_id: string | null;
  policy_id: string;
  policy_version: number;
  status: 'pending' | 'settled' | 'failed' | 'reversing' | 'reversed';
  msg_id: string;
  reverse_msg_id: string | null;
  platform_setl_id: string | null;
  total_fen: number;
  fund_fen: number;
  account_fen: number;
  cash_fen: number;
  basis: JSONColumnType<Record<string, unknown>, string, string>;
  practitioner_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  requested_at: Timestamp;
  settled_at: Timestamp | null;
  reversed_at: Timestamp | null;
  reverse_reason: string | null;
  /** 0017: what every resend of 2207 carries, fixed when the row is opened. */
  payer_psn_no: Generated<string | null>;
  institution_code: Generated<string | null>;
  institution_level: Generated<string | null>;
}

export interface InsuranceSettlementLineTable {
  settlement_id: string;
  line: number;
  kind: 'drug' | 'delivery' | 'service';
  item_code: string | null;
  item_name: string;
  category: 'A' | 'B' | 'C' | null;
  quantity: number;
  days_supply: number | null;
  total_fen: number;
  fund_fen: number;
  account_fen: number;
  cash_fen: number;
}

export interface InsuranceAlertTable {
  id: string;
  rule: string;
  subject_kind: 'patient' | 'practitioner';
  subject_id: string;
  patient_id: string | null;
  practitioner_id: string | null;
  settlement_id: string | null;
  dedupe_key: string;
  evidence: JSONColumnType<Record<string, unknown>, string, string>;
  source: 'settlement' | 'batch' | 'seed';
  status: 'open' | 'confirmed' | 'dismissed' | 'cleared';
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  cleared_by: string | null;
  cleared_at: Timestamp | null;
  created_at: Timestamp;
}

export interface ReconciliationStatementTable {
  id: string;
  institution_id: string;
  business_date: DateText;
  status: 'balanced' | 'mismatched';
  orders: number;
  settlements: number;
  payments: number;
  fund_fen: Bigint;
  account_fen: Bigint;
  cash_fen: Bigint;
  mismatches: JSONColumnType<Record<string, unknown>[], string, string>;
  run_by: string;
  run_at: Timestamp;
}

export interface InssimPersonTable {
  psn_no: string;
  id_hash: string;
  name: string;
  scheme: 'employee' | 'resident';
  insuring_region: string;
  insuring_region_name: string;
  balance_fen: Bigint;
  ytd_year: number;
  ytd_total_fen: Generated<number>;
  ytd_deductible_fen: Generated<number>;
  ytd_fund_fen: Generated<number>;
  death_date: DateText | null;
}

export interface InssimVoucherTable {
  token: string;
  psn_no: string;
  expires_at: Timestamp;
}

export interface InssimMessageTable {
  msg_id: string;
  api: string;
  response: JSONColumnType<Record<string, unknown>, string, string>;
  received_at: Timestamp;
}

export interface InssimSettlementTable {
  setl_id: string;
  msg_id: string;
  psn_no: string;
  institution_code: string;
  order_ref: string;
  total_fen: Bigint;
  fund_fen: Bigint;
  account_fen: Bigint;
  cash_fen: Bigint;
  account_payer_psn_no: string | null;
  deductible_fen: Generated<number>;
  status: 'settled' | 'reversed';
  settled_at: Timestamp;
  reversed_at: Timestamp | null;
  reverse_msg_id: string | null;
}

// Insurance (0018_insurance_batch_runs.sql): a nightly job's run of a business day, once across nodes.
export interface InsuranceBatchRunTable {
  job: string;
  business_date: DateText;
  run_at: Timestamp;
  details: JSONColumnType<Record<string, unknown>, string, string>;
}

// The simulators' own ledgers (0030_simulator_ledgers.sql; payments/sim-gateway.ts, prescriptions/sim-courier.ts).
export interface PaysimKeyTable {
  id: number;
  private_pem: string;
  created_at: DefaultTimestamp;
}

export interface PaysimOrderTable {
  prepay_id: string;
  seq: Generated<number>;
  order_id: string;
  amount_fen: number;
  description: string;
  expires_at: Timestamp;
  state: 'pending' | 'paid' | 'closed';
  txn_id: string | null;
  created_at: DefaultTimestamp;
}

export interface PaysimRefundTable {
  order_id: string;
  refund_no: string;
  refund_id: string;
  amount_fen: number;
  state: 'succeeded' | 'failed';
  created_at: DefaultTimestamp;
}

export interface CouriersimKeyTable {
  id: number;
  secret: Buffer;
  created_at: DefaultTimestamp;
}

export interface CouriersimShipmentTable {
  waybill_no: string;
  reference: string;
  request: JSONColumnType<object>;
  state: 'created' | 'picked_up' | 'in_transit' | 'delivered' | 'failed' | 'cancelled';
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

// Security alerts, detector counters, staff login networks (0035_security_alerts.sql; modules/security).
export interface SecurityAlertTable {
  id: string;
  kind: string;
  severity: string;
  status: Generated<string>;
  raised_at: Timestamp;
  dedupe_key: string;
  window_ends_at: Timestamp;
  subject_type: string;
  subject_account_id: string | null;
  subject_address: string | null;
  evidence: JSONColumnType<Record<string, unknown>, string, string>;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  closed_at: Timestamp | null;
  closed_by: string | null;
  note: string | null;
}

export interface SecurityCounterTable {
  id: Generated<string>;
  kind: string;
  subject: string;
  item: string;
  at: Timestamp;
}

export interface SecurityLoginNetworkTable {
  account_id: string;
  network: string;
  country: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

// [10/12] Retention and the patient's deletion request (0034_retention.sql; modules/privacy).
export interface RetentionSettingTable {
  kind: string;
  months_online: number;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface RetentionRunTable {
  id: string;
  ran_at: Timestamp;
  counts: JSONColumnType<Record<string, number>, string, string>;
}

export interface RetentionArchiveTable {
  kind: string;
  ref_id: string;
  archived_at: Timestamp;
}

export interface DeletionRequestTable {
  id: string;
  account_id: string;
  patient_id: string | null;
  confirmed_by: string;
  requested_at: Timestamp;
  consents: JSONColumnType<unknown[], string, string>;
  removed: JSONColumnType<unknown[], string, string>;
  kept: JSONColumnType<unknown[], string, string>;
}

// Staff passwords and the second factor (0031_staff_credentials.sql; identity, DJ-2, DJ-6). Declaration
// merging adds the columns and tables without editing the interfaces above.
export interface AccountTable {
  password_must_change: Generated<boolean>;
}

export interface AuthSessionTable {
  password_change_required: Generated<boolean>;
}

export interface PasswordHistoryTable {
  id: string;
  account_id: string;
  password_hash: string;
  created_at: Timestamp;
}

export interface AccountTotpTable {
  account_id: string;
  secret_enc: string | null;
  confirmed_at: Timestamp | null;
  pending_secret_enc: string | null;
  pending_at: Timestamp | null;
  last_step: number | null;
  updated_at: Timestamp;
}

export interface RecoveryCodeTable {
  id: string;
  account_id: string;
  code_hash: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface MfaChallengeTable {
  id: string;
  account_id: string;
  methods: string[];
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface InstitutionMfaPolicyTable {
  institution_id: string;
  doctors: Generated<boolean>;
  pharmacists: Generated<boolean>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface DB {
  password_history: PasswordHistoryTable;
  account_totp: AccountTotpTable;
  recovery_code: RecoveryCodeTable;
  mfa_challenge: MfaChallengeTable;
  institution_mfa_policy: InstitutionMfaPolicyTable;
}

// Remote diagnosis (0037_remote.sql; modules/remote, [11/12]).
export interface ServiceAgreementTable {
  id: string;
  requester_institution_id: string;
  centre_institution_id: string;
  kinds: string[];
  agreement_no: string;
  valid_from: DateText;
  valid_to: DateText;
  created_at: Timestamp;
}

export interface RequestConsent {
  by: 'patient' | 'guardian';
  guardianName?: string | null;
  guardianRelation?: string | null;
  method: 'written' | 'electronic';
  recordedAt: string;
  recordedBy: string;
}

export interface DiagnosticRequestTable {
  id: string;
  accession_no: string;
  patient_id: string;
  requester_institution_id: string;
  requester_practitioner_id: string;
  requester_account_id: string;
  centre_institution_id: string;
  agreement_id: string;
  kind: 'ecg' | 'imaging' | 'lab';
  modality: 'ECG' | 'DX' | 'CT' | 'MR' | 'US' | null;
  panels: ColumnType<string[], string[] | undefined, string[]>;
  urgency: 'routine' | 'urgent';
  question: string;
  history: string | null;
  consent: JSONColumnType<RequestConsent, string, string>;
  status: 'requested' | 'ready' | 'claimed' | 'reported' | 'signed' | 'cancelled' | 'redraw';
  material_at: Timestamp | null;
  target_at: Timestamp | null;
  claimed_by: string | null;
  claimed_at: Timestamp | null;
  signed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RemoteReportTable {
  id: string;
  request_id: string;
  patient_id: string;
  author_practitioner_id: string;
  findings: Generated<string>;
  conclusion: Generated<string>;
  recommendations: Generated<string>;
  critical: Generated<boolean>;
  critical_note: string | null;
  measurements: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  results: JSONColumnType<Record<string, unknown>[] | null, string | null, string | null>;
  status: 'draft' | 'signed';
  signed_at: Timestamp | null;
  signed_document: string | null;
  content_hash: string | null;
  signature: string | null;
  certificate_serial: string | null;
  archive_report_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CriticalAlertTable {
  id: string;
  request_id: string;
  patient_id: string;
  requester_institution_id: string;
  to_practitioner_id: string;
  raised_by: string;
  reason: string;
  raised_at: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  note: string | null;
}

export interface EcgLeadRow {
  name: string;
  /** ADC units per mV. */
  gain: number;
  baseline: number;
  units: string;
}

export interface EcgRecordTable {
  id: string;
  request_id: string;
  patient_id: string;
  source_format: 'wfdb-16' | 'wfdb-212' | 'dicom';
  record_name: string;
  leads: JSONColumnType<EcgLeadRow[], string, string>;
  sample_rate: number;
  samples: number;
  duration_ms: number;
  blob_keys: string[];
  signal_key: string;
  measurements: JSONColumnType<Record<string, unknown>, string, string>;
  uploaded_by: string;
  created_at: Timestamp;
}

export interface ImagingStudyTable {
  id: string;
  study_uid: string;
  patient_id: string;
  request_id: string | null;
  institution_id: string;
  accession_no: string | null;
  study_date: string | null;
  study_time: string | null;
  description: string | null;
  modalities: ColumnType<string[], string[] | undefined, string[]>;
  metadata: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ImagingSeriesTable {
  id: string;
  study_id: string;
  series_uid: string;
  modality: string | null;
  series_number: number | null;
  description: string | null;
  metadata: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

export interface ImagingInstanceTable {
  id: string;
  series_id: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  instance_number: number | null;
  transfer_syntax: string;
  rows: number | null;
  columns: number | null;
  frames: Generated<number>;
  blob_key: string;
  size_bytes: number;
  metadata: JSONColumnType<Record<string, unknown>, string, string>;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export type SpecimenStep =
  | 'collected'
  | 'packed'
  | 'picked_up'
  | 'received'
  | 'tested'
  | 'reported'
  | 'rejected';

export interface SpecimenTable {
  id: string;
  barcode: string;
  request_id: string;
  patient_id: string;
  container: string;
  panels: string[];
  status: SpecimenStep;
  reject_reason: string | null;
  redraw_of: string | null;
  collected_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SpecimenEventTable {
  id: string;
  specimen_id: string;
  step: SpecimenStep;
  reason: string | null;
  note: string | null;
  actor_account_id: string;
  actor_institution_id: string;
  at: Timestamp;
}

export interface DB {
  service_agreement: ServiceAgreementTable;
  diagnostic_request: DiagnosticRequestTable;
  remote_report: RemoteReportTable;
  critical_alert: CriticalAlertTable;
  ecg_record: EcgRecordTable;
  imaging_study: ImagingStudyTable;
  imaging_series: ImagingSeriesTable;
  imaging_instance: ImagingInstanceTable;
  specimen: SpecimenTable;
  specimen_event: SpecimenEventTable;
}

// Family doctor (0038_family_doctor.sql, modules/family-doctor, [12/12]).
export interface FamilyTeamTable {
  id: string;
  institution_id: string;
  name: string;
  lead_practitioner_id: string;
  intro: Generated<string>;
  capacity: number;
  status: Generated<'active' | 'closed'>;
  created_at: Timestamp;
}

export interface FamilyTeamMemberTable {
  team_id: string;
  practitioner_id: string;
  role: 'lead' | 'doctor' | 'nurse' | 'public_health' | 'specialist';
}

export interface ServicePackageTable {
  id: string;
  institution_id: string | null;
  code: string;
  name: string;
  group_code:
    | 'basic'
    | 'elderly'
    | 'children'
    | 'pregnancy'
    | 'disability'
    | 'hypertension'
    | 'diabetes'
    | 'personalised';
  description: string;
  services: string[];
  fee_fen: number;
  insurance_fen: number;
  public_health_fen: number;
  resident_fen: number;
  min_age: number | null;
  max_age: number | null;
  sex: 'male' | 'female' | null;
  conditions: ColumnType<string[], string[] | undefined, string[]>;
  status: Generated<'active' | 'retired'>;
  created_at: Timestamp;
}

export type FamilyContractStatus =
  | 'pending_signature'
  | 'pending_payment'
  | 'scheduled'
  | 'active'
  | 'expired'
  | 'cancelled'
  | 'terminated';

export interface FamilyContractTable {
  id: string;
  contract_no: string;
  patient_id: string;
  team_id: string;
  institution_id: string;
  signer_account_id: string;
  years: number;
  starts_on: DateText;
  ends_on: DateText;
  status: FamilyContractStatus;
  previous_contract_id: string | null;
  fee_fen: number;
  insurance_fen: number;
  public_health_fen: number;
  resident_fen: number;
  order_id: string | null;
  group_id: string;
  agreement_text: string;
  agreement_hash: string;
  signed_at: Timestamp | null;
  paid_at: Timestamp | null;
  terminated_at: Timestamp | null;
  terminate_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FamilyContractPackageTable {
  contract_id: string;
  package_id: string;
  fee_fen: number;
  insurance_fen: number;
  public_health_fen: number;
  resident_fen: number;
}

export type ReadingClassification = 'controlled' | 'uncontrolled' | 'urgent';

export interface HomeReadingTable {
  id: string;
  patient_id: string;
  kind: 'bp' | 'glucose';
  systolic: number | null;
  diastolic: number | null;
  pulse: number | null;
  glucose_tenths: number | null;
  glucose_timing: 'fasting' | 'postprandial' | 'random' | null;
  classification: ReadingClassification;
  measured_at: Timestamp;
  source: 'patient' | 'staff' | 'device';
  entered_by: string;
  created_at: Timestamp;
}

export interface FollowupPlanTable {
  id: string;
  patient_id: string;
  team_id: string;
  condition: 'hypertension' | 'diabetes';
  started_on: DateText;
  status: 'active' | 'closed';
  last_classification: ReadingClassification | null;
  uncontrolled_streak: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FollowupTable {
  id: string;
  plan_id: string | null;
  patient_id: string;
  team_id: string;
  reason: 'scheduled' | 'adjust' | 'refer' | 'urgent' | 'care_plan';
  referral_id: string | null;
  title: string;
  due_on: DateText;
  status: 'due' | 'done' | 'cancelled';
  method: 'clinic' | 'home' | 'phone' | 'online' | null;
  record: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  classification: ReadingClassification | null;
  action: 'routine' | 'adjust' | 'refer' | 'urgent_referral' | null;
  done_at: Timestamp | null;
  done_by: string | null;
  created_at: Timestamp;
}

export interface ReadingAlertTable {
  id: string;
  patient_id: string;
  team_id: string;
  reading_id: string | null;
  level: 'uncontrolled' | 'refer' | 'urgent';
  reason: string;
  created_at: Timestamp;
  handled_at: Timestamp | null;
  handled_by: string | null;
  handled_note: string | null;
}

export interface ReferralTable {
  id: string;
  referral_no: string;
  patient_id: string;
  direction: 'up' | 'down';
  from_institution_id: string;
  from_practitioner_id: string;
  to_institution_id: string;
  to_department_id: string | null;
  contract_id: string | null;
  summary: string;
  care_plan: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  status: 'sent' | 'accepted' | 'booked' | 'completed' | 'declined' | 'cancelled';
  appointment_id: string | null;
  decline_reason: string | null;
  complete_note: string | null;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  booked_at: Timestamp | null;
  completed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HomeServiceItemTable {
  code: string;
  name: string;
  category: 'visit' | 'sickbed' | 'nursing';
  item_fee_fen: number;
  description: string;
  sort: number;
  status: Generated<'active' | 'retired'>;
}

export type HomeServiceStatus =
  | 'pending_payment'
  | 'requested'
  | 'accepted'
  | 'in_service'
  | 'completed'
  | 'cancelled';

export interface HomeServiceTable {
  id: string;
  service_no: string;
  patient_id: string;
  requested_by: string;
  institution_id: string;
  team_id: string | null;
  item_code: string;
  window_start: Timestamp;
  window_end: Timestamp;
  address_enc: string;
  note: string | null;
  fee_fen: number;
  order_id: string | null;
  status: HomeServiceStatus;
  provider_practitioner_id: string | null;
  client_code_hash: string;
  code_failures: Generated<number>;
  code_locked_until: Timestamp | null;
  accepted_at: Timestamp | null;
  checked_in_at: Timestamp | null;
  checked_out_at: Timestamp | null;
  record: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HomeServiceEventTable {
  id: string;
  service_id: string;
  kind: 'check_in' | 'position' | 'check_out' | 'panic' | 'panic_handled';
  latitude: number | null;
  longitude: number | null;
  accuracy_m: number | null;
  at: Timestamp;
  by_account_id: string;
  note: string | null;
}

export interface HealthArticleTable {
  id: string;
  title: string;
  summary: string;
  body: string;
  audiences: ColumnType<string[], string[] | undefined, string[]>;
  author_practitioner_id: string | null;
  published_at: Timestamp;
}

export interface ArticlePushTable {
  article_id: string;
  patient_id: string;
  team_id: string;
  pushed_at: Timestamp;
  read_at: Timestamp | null;
}

export interface ServiceRatingTable {
  id: string;
  patient_id: string;
  team_id: string;
  subject: 'contract' | 'followup' | 'home_service';
  subject_id: string;
  stars: number;
  comment: string | null;
  created_at: Timestamp;
}

export interface DB {
  family_team: FamilyTeamTable;
  family_team_member: FamilyTeamMemberTable;
  service_package: ServicePackageTable;
  family_contract: FamilyContractTable;
  family_contract_package: FamilyContractPackageTable;
  home_reading: HomeReadingTable;
  followup_plan: FollowupPlanTable;
  followup: FollowupTable;
  reading_alert: ReadingAlertTable;
  referral: ReferralTable;
  home_service_item: HomeServiceItemTable;
  home_service: HomeServiceTable;
  home_service_event: HomeServiceEventTable;
  health_article: HealthArticleTable;
  article_push: ArticlePushTable;
  service_rating: ServiceRatingTable;
}
