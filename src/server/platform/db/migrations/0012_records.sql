-- [6/12] The records module: the health archive (居民健康档案), results, and who may read them (SEC-1,
-- REC-3); the hl7 module: messages received from hospital systems, dead letters and the match queue.
-- Nothing here is hard-deleted (REC-4): authorisations are revoked, not removed.

-- records ---------------------------------------------------------------------------------------------

-- Past and family history, lifestyle: one row per person, edited by the patient or a treating doctor.
create table health_profile (
  patient_id uuid primary key references patient (id),
  blood_type text,
  past_history text not null default '',
  surgical_history text not null default '',
  family_history text not null default '',
  -- {"smoking": "never"|"former"|"current", "drinking": …, "exercise": text, "diet": text}
  lifestyle jsonb not null default '{}',
  updated_at timestamptz not null,
  updated_by uuid references account (id)
);

create table vaccination (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  vaccine text not null,
  dose text,
  given_on date not null,
  institution_id uuid references institution (id),
  source text not null check (source in ('his', 'staff', 'seed')),
  created_at timestamptz not null
);
create index vaccination_patient on vaccination (patient_id, given_on desc);

-- An encounter: an offline visit fed by a hospital system (HL7 ADT), or an online visit once its record is
-- signed (written by visits through records.api in the same transaction).
create table encounter (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  class text not null check (class in ('AMB', 'IMP', 'EMER', 'VR')),
  status text not null check (status in ('in-progress', 'finished', 'cancelled')),
  institution_id uuid not null references institution (id),
  department_id uuid references department (id),
  practitioner_id uuid references practitioner (id),
  started_at timestamptz not null,
  ended_at timestamptz,
  reason text,
  source text not null check (source in ('his', 'online', 'seed')),
  -- PV1-19 visit number from the hospital, or the online visit's id.
  source_ref text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (institution_id, source, source_ref)
);
create index encounter_patient on encounter (patient_id, started_at desc, id);
create index encounter_updated on encounter (updated_at, id);

-- A diagnosis on the archive (FHIR Condition): from an offline encounter, an online visit's signed record,
-- or a doctor's problem list. ICD-10 codes (the national clinical edition).
create table diagnosis (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  encounter_id uuid references encounter (id),
  icd10 text not null,
  name text not null,
  category text not null check (category in ('encounter-diagnosis', 'problem-list-item')),
  clinical_status text not null check (clinical_status in ('active', 'resolved', 'inactive')),
  chronic boolean not null default false,
  onset_date date,
  recorded_at timestamptz not null,
  institution_id uuid references institution (id),
  practitioner_id uuid references practitioner (id),
  source text not null check (source in ('his', 'online', 'staff', 'seed')),
  source_ref text,
  updated_at timestamptz not null
);
create index diagnosis_patient on diagnosis (patient_id, recorded_at desc, id);
create index diagnosis_updated on diagnosis (updated_at, id);
create unique index diagnosis_source on diagnosis (patient_id, source, source_ref, icd10) where source_ref is not null;

-- A lab report (检验) or an examination report (检查: imaging, ECG, ultrasound), FHIR DiagnosticReport.
create table diagnostic_report (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  encounter_id uuid references encounter (id),
  kind text not null check (kind in ('lab', 'imaging', 'ecg', 'ultrasound', 'pathology', 'other')),
  code_system text not null,
  code text not null,
  name text not null,
  status text not null check (status in ('registered', 'partial', 'preliminary', 'final', 'amended', 'corrected', 'cancelled')),
  effective_at timestamptz not null,
  issued_at timestamptz not null,
  institution_id uuid references institution (id),
  performer_name text,
  verifier_name text,
  findings text,
  conclusion text,
  -- The SM2 signature of the conclusion when it was signed on this platform ({certSerial, sm3, signature,
  -- signedBy, signedAt}), or null for a report a hospital system signed and sent.
  signature jsonb,
  source text not null check (source in ('his', 'seed', 'remote')),
  -- The filler order number (OBR-3) with the sender: a corrected result replaces its report.
  source_ref text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (institution_id, source_ref)
);
create index diagnostic_report_patient on diagnostic_report (patient_id, effective_at desc, id);
create index diagnostic_report_updated on diagnostic_report (updated_at, id);

-- One result (FHIR Observation): a lab value with unit, reference range and abnormal flag, or a vital sign.
-- LOINC where known (http://loinc.org); otherwise the sender's local code system, declared by URL.
create table observation (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  report_id uuid references diagnostic_report (id),
  category text not null check (category in ('laboratory', 'vital-signs', 'imaging', 'exam')),
  code_system text not null,
  code text not null,
  name text not null,
  value_num double precision,
  -- The value as the sender wrote it ('5.60', '阴性'): shown as is, so trailing zeros survive.
  value_text text,
  unit text,
  ref_low double precision,
  ref_high double precision,
  ref_text text,
  flag text check (flag in ('N', 'H', 'L', 'HH', 'LL', 'A')),
  status text not null check (status in ('registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled')),
  effective_at timestamptz not null,
  source text not null check (source in ('his', 'seed', 'device', 'staff')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index observation_patient_code on observation (patient_id, code, effective_at desc);
create index observation_patient on observation (patient_id, effective_at desc, id);
create index observation_report on observation (report_id);
create index observation_updated on observation (updated_at, id);

-- 授权调阅: the patient (or a proxy) lets one doctor, or one institution, read chosen categories until
-- an expiry; revoked with immediate effect (SEC-1).
create table access_grant (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  granted_by uuid not null references account (id),
  grantee_practitioner_id uuid references practitioner (id),
  grantee_institution_id uuid references institution (id),
  -- null: every category.
  categories text[],
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by uuid references account (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((grantee_practitioner_id is null) <> (grantee_institution_id is null))
);
create index access_grant_patient on access_grant (patient_id, created_at desc, id);
create index access_grant_practitioner on access_grant (grantee_practitioner_id, patient_id) where revoked_at is null;
create index access_grant_institution on access_grant (grantee_institution_id, patient_id) where revoked_at is null;

-- Break-glass (紧急调阅): a doctor reads without a relationship, with a written reason, for a limited time;
-- each one is an alert the regulator reviews.
create table break_glass (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  account_id uuid not null references account (id),
  practitioner_id uuid references practitioner (id),
  institution_id uuid references institution (id),
  reason text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  reviewed_at timestamptz,
  reviewed_by uuid references account (id),
  review_note text
);
create index break_glass_patient on break_glass (patient_id, account_id, expires_at);
create index break_glass_created on break_glass (created_at desc, id);

-- hl7 -------------------------------------------------------------------------------------------------

-- Every message received over MLLP, kept with its answer: a resent control id is answered again, never
-- applied twice; a message that cannot be applied is a dead letter until staff fix and replay it. The raw
-- text carries ID numbers and phones, so it is SM4-encrypted at rest (DJ-23).
create table hl7_message (
  id uuid primary key,
  sending_facility text not null,
  control_id text not null,
  message_type text not null,
  institution_id uuid references institution (id),
  peer text,
  raw_enc text not null,
  status text not null check (status in ('applied', 'held', 'dead', 'replayed', 'discarded')),
  ack_code text not null check (ack_code in ('AA', 'AE', 'AR')),
  error_code text,
  error_detail text,
  patient_id uuid references patient (id),
  attempts integer not null default 1,
  received_at timestamptz not null,
  applied_at timestamptz,
  updated_at timestamptz not null,
  updated_by uuid references account (id),
  unique (sending_facility, control_id)
);
create index hl7_message_status on hl7_message (status, received_at desc, id);
create index hl7_message_institution on hl7_message (institution_id, received_at desc, id);

-- A patient a message names whom the resident ID did not find: held for staff to match or create.
create table hl7_match (
  id uuid primary key,
  hl7_message_id uuid not null references hl7_message (id),
  institution_id uuid references institution (id),
  name text not null,
  sex text,
  birth_date date,
  id_number_masked text,
  candidate_patient_ids uuid[] not null,
  status text not null check (status in ('pending', 'matched', 'created', 'rejected')),
  resolved_patient_id uuid references patient (id),
  resolved_by uuid references account (id),
  resolved_at timestamptz,
  created_at timestamptz not null
);
create index hl7_match_pending on hl7_match (status, created_at, id);
