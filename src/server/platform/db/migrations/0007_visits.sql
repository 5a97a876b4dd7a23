-- Online visits ([3/6]): first-visit pilot scopes and whitelists, visits and their timeline, chat messages
-- and attachments, video calls, signed medical records and the doctors' signing keys.

-- PILOT-1: where the regulator opened online first visits (institution × specialty, with dates).
create table pilot_scope (
  id uuid primary key,
  institution_id uuid not null references institution (id),
  specialty text not null,
  starts_on date not null,
  ends_on date not null,
  created_by uuid references account (id),
  created_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by uuid references account (id),
  check (ends_on >= starts_on)
);
create index pilot_scope_institution on pilot_scope (institution_id, specialty);

-- PILOT-2: the institution's whitelist of doctors for online first visits (the bar is checked, not trusted).
create table first_visit_whitelist (
  institution_id uuid not null references institution (id),
  practitioner_id uuid not null references practitioner (id),
  added_by uuid references account (id),
  added_at timestamptz not null,
  primary key (institution_id, practitioner_id)
);

-- On-demand queue presence: a doctor (or nurse) online for their department.
create table practitioner_presence (
  practitioner_id uuid primary key references practitioner (id),
  department_id uuid not null references department (id),
  online boolean not null,
  changed_at timestamptz not null
);

-- Uploaded pictures, documents and voice notes; served only to the uploader and the visit's participants.
create table attachment (
  id uuid primary key,
  uploaded_by uuid not null references account (id),
  visit_id uuid,
  mime text not null,
  size_bytes integer not null,
  sm3 text not null,
  storage_key text not null,
  thumb_key text,
  duration_ms integer,
  created_at timestamptz not null
);
create index attachment_visit on attachment (visit_id);

create table visit (
  id uuid primary key,
  type text not null check (type in ('consultation', 'follow_up', 'first_visit', 'nursing_consultation')),
  channel text not null check (channel in ('text', 'video')),
  status text not null check (status in ('requested', 'paid', 'waiting', 'in_progress', 'completed',
    'cancelled', 'expired', 'referred_offline')),
  patient_id uuid not null references patient (id),
  requested_by uuid not null references account (id),
  -- Null for an on-demand visit nobody has taken yet.
  practitioner_id uuid references practitioner (id),
  institution_id uuid not null references institution (id),
  department_id uuid not null references department (id),
  appointment_id uuid references appointment (id),
  condition_code text,
  condition_name text,
  description text not null,
  fee_fen integer not null check (fee_fen >= 0),
  order_id uuid references payment_order (id),
  -- VISIT-1/VISIT-2: the evidence a follow-up rests on.
  offline_diagnosis_id uuid references offline_diagnosis (id),
  evidence_attachment_id uuid references attachment (id),
  evidence_accepted_at timestamptz,
  -- ID-6 / PILOT-3
  guardian_required boolean not null,
  guardian_account_id uuid references account (id),
  guardian_confirmed_at timestamptz,
  -- VISIT-4
  consent_at timestamptz not null,
  -- Booked visits enter the queue when their window opens; on-demand ones at payment.
  queue_opens_at timestamptz,
  queued_at timestamptz,
  expires_at timestamptz,
  paid_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  ended_at timestamptz,
  last_message_at timestamptz,
  chat_closes_at timestamptz,
  chat_closed_at timestamptz,
  cancel_reason text,
  refer_reason text,
  refer_recommendation jsonb,
  rating_stars smallint check (rating_stars between 1 and 5),
  rating_comment text,
  rated_at timestamptz,
  created_at timestamptz not null
);
create index visit_patient on visit (patient_id, created_at desc);
create index visit_practitioner on visit (practitioner_id, status);
create index visit_department_queue on visit (department_id, queued_at) where status = 'waiting';
create index visit_institution on visit (institution_id, created_at desc);
create index visit_expiry on visit (expires_at) where status in ('paid', 'waiting');
create index visit_queue_open on visit (queue_opens_at) where status = 'paid';
create index visit_chat_close on visit (chat_closes_at) where status = 'completed' and chat_closed_at is null;
-- One visit per appointment.
create unique index visit_appointment on visit (appointment_id) where appointment_id is not null;
alter table attachment add constraint attachment_visit_fk foreign key (visit_id) references visit (id);

-- VISIT-5: the visit's own timeline (every state change, call and record event); the audit log has it too.
create table visit_event (
  id bigserial primary key,
  visit_id uuid not null references visit (id),
  at timestamptz not null,
  kind text not null,
  actor_account_id uuid references account (id),
  actor_role text not null,
  details jsonb not null default '{}'
);
create index visit_event_visit on visit_event (visit_id, id);

-- Chat. The id increases over the platform, so a client resumes with the last id it saw.
create table visit_message (
  id bigserial primary key,
  visit_id uuid not null references visit (id),
  sender_account_id uuid references account (id),
  sender_role text not null check (sender_role in ('patient', 'doctor', 'system')),
  client_id text,
  kind text not null check (kind in ('text', 'image', 'voice', 'system')),
  body text,
  attachment_id uuid references attachment (id),
  created_at timestamptz not null
);
create index visit_message_visit on visit_message (visit_id, id);
-- A resent message (same sender, same client id) is stored once.
create unique index visit_message_client on visit_message (visit_id, sender_account_id, client_id)
  where client_id is not null;

create table visit_read (
  visit_id uuid not null references visit (id),
  role text not null check (role in ('patient', 'doctor')),
  last_read_id bigint not null,
  read_at timestamptz not null,
  primary key (visit_id, role)
);

-- Video calls: start, end, who joined, and each side's answer to recording consent.
create table visit_call (
  id uuid primary key,
  visit_id uuid not null references visit (id),
  started_by uuid not null references account (id),
  started_at timestamptz not null,
  ended_at timestamptz,
  ended_by uuid references account (id),
  participants jsonb not null default '[]'
);
create index visit_call_visit on visit_call (visit_id, started_at);

-- SEC-4: a doctor's SM2 signing key and the certificate the platform CA issued for it. The private key is
-- SM4-encrypted (FieldCipher) and used only in the doctor's own authenticated request (ID-4).
create table signing_key (
  practitioner_id uuid primary key references practitioner (id),
  serial text not null unique,
  public_key_pem text not null,
  private_key_enc text not null,
  certificate jsonb not null,
  created_at timestamptz not null
);

-- The platform CA that issues signing certificates (one row; the private key SM4-encrypted).
create table signing_ca (
  id smallint primary key check (id = 1),
  name text not null,
  public_key_pem text not null,
  private_key_enc text not null,
  created_at timestamptz not null
);

-- 互联网诊疗病历 (REC-1, REC-2): a draft until the visit completes, then signed and immutable.
create table medical_record (
  visit_id uuid primary key references visit (id),
  practitioner_id uuid not null references practitioner (id),
  patient_id uuid not null references patient (id),
  content jsonb not null,
  status text not null check (status in ('draft', 'signed')),
  updated_at timestamptz not null,
  signed_at timestamptz,
  signed_document text,
  content_hash text,
  signature text,
  certificate_serial text
);
create index medical_record_patient on medical_record (patient_id, signed_at desc);

create table record_addendum (
  id uuid primary key,
  visit_id uuid not null references medical_record (visit_id),
  practitioner_id uuid not null references practitioner (id),
  text text not null,
  signed_at timestamptz not null,
  signed_document text not null,
  content_hash text not null,
  signature text not null,
  certificate_serial text not null
);
create index record_addendum_visit on record_addendum (visit_id, signed_at);

-- Payments learn a second purpose.
alter table payment_order drop constraint payment_order_purpose_check;
alter table payment_order add constraint payment_order_purpose_check check (purpose in ('appointment', 'visit'));

-- At most one open visit per patient with the same doctor (or the same on-demand department queue).
create unique index visit_open_per_target on visit (patient_id, coalesce(practitioner_id, department_id))
  where status in ('requested', 'paid', 'waiting', 'in_progress');
