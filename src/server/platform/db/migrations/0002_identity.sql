-- Identity: accounts, patients (real-name), family proxies, sessions, SMS codes, login lockout.
-- Phones and ID numbers are stored SM4-encrypted (*_enc) with an HMAC-SM3 blind index (*_bidx) (DJ-23).
create table account (
  id uuid primary key,
  phone_enc text not null,
  phone_bidx text not null unique,
  password_hash text,
  name text not null default '',
  roles text[] not null check (cardinality(roles) > 0 and roles <@ array['patient', 'doctor', 'nurse',
    'pharmacist', 'pharmacy_staff', 'org_admin', 'regulator', 'insurer']::text[]),
  institution_id uuid references institution (id),
  practitioner_id uuid unique references practitioner (id),
  status text not null default 'active' check (status in ('active', 'disabled')),
  password_changed_at timestamptz,
  created_at timestamptz not null
);

-- A person who receives care. Has an account when they use the platform themselves; a child may not.
-- One ID number belongs to at most one person (unique blind index).
create table patient (
  id uuid primary key,
  account_id uuid unique references account (id),
  name text not null,
  id_number_enc text,
  id_number_bidx text unique,
  birth_date date,
  sex text check (sex in ('male', 'female')),
  verified_at timestamptz,
  created_at timestamptz not null,
  check ((id_number_enc is null) = (id_number_bidx is null))
);

-- 亲情账户: an account acting for a dependent (ID-6: a guardian acts for a minor).
create table family_proxy (
  id uuid primary key,
  proxy_account_id uuid not null references account (id),
  patient_id uuid not null references patient (id),
  relationship text not null check (relationship in ('child', 'parent', 'spouse', 'grandchild',
    'grandparent', 'sibling', 'ward', 'other')),
  is_guardian boolean not null,
  -- An adult dependent confirms the proxy by an SMS code sent here (their consent, 个人信息保护法).
  confirm_phone_enc text,
  status text not null check (status in ('pending_confirmation', 'active', 'revoked')),
  confirmed_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null
);
create unique index family_proxy_live on family_proxy (proxy_account_id, patient_id) where status <> 'revoked';
create index family_proxy_patient on family_proxy (patient_id);

create table auth_session (
  id uuid primary key,
  token_hash text not null unique,
  account_id uuid not null references account (id),
  is_staff boolean not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  last_seen_at timestamptz not null,
  revoked_at timestamptz
);
create index auth_session_account on auth_session (account_id);

create table otp_code (
  id uuid primary key,
  phone_bidx text not null,
  purpose text not null check (purpose in ('login', 'proxy_confirm')),
  code_hash text not null,
  ref_id uuid,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  attempts integer not null default 0,
  consumed_at timestamptz
);
create index otp_code_lookup on otp_code (phone_bidx, purpose, created_at desc);

-- DJ-3: consecutive failures per phone and the lock they cause.
create table login_guard (
  phone_bidx text primary key,
  failures integer not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null
);

-- Offline encounters and diagnoses from physical institutions (imported from HIS or entered by staff);
-- the evidence an online follow-up rests on (VISIT-1, VISIT-2).
create table offline_diagnosis (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  institution_id uuid not null references institution (id),
  department_id uuid references department (id),
  practitioner_id uuid references practitioner (id),
  icd10 text not null,
  name text not null,
  diagnosed_at date not null,
  source text not null check (source in ('his', 'staff', 'seed')),
  created_at timestamptz not null
);
create index offline_diagnosis_patient on offline_diagnosis (patient_id, diagnosed_at desc);
