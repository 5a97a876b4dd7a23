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
}

export interface DepartmentTable {
  id: string;
  institution_id: string;
  code: string;
  name: string;
  name_en: string | null;
  specialty: string;
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

export interface LoginGuardTable {
  phone_bidx: string;
  failures: number;
  locked_until: Timestamp | null;
  updated_at: Timestamp;
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

export interface DB {
  institution: InstitutionTable;
  department: DepartmentTable;
  practitioner: PractitionerTable;
  practitioner_site: PractitionerSiteTable;
  licence: LicenceTable;
  account: AccountTable;
  patient: PatientTable;
  family_proxy: FamilyProxyTable;
  auth_session: AuthSessionTable;
  otp_code: OtpCodeTable;
  login_guard: LoginGuardTable;
  offline_diagnosis: OfflineDiagnosisTable;
  audit_event: AuditEventTable;
  audit_block: AuditBlockTable;
  schema_migration: SchemaMigrationTable;
}
