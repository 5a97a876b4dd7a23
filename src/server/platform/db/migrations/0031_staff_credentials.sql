-- Staff passwords (DJ-2) and the second factor (DJ-6), [10/12]; identity owns these tables.

-- DJ-2: an initial password (a new or reset staff account) must be changed at the first login. Whether
-- the password is too old is judged from account.password_changed_at (0002) at each login.
alter table account add column password_must_change boolean not null default false;

-- DJ-2: a session opened with a password that must change is good only for changing it (set at login,
-- cleared by the change; access.ts refuses everything else with PASSWORD_CHANGE_REQUIRED).
alter table auth_session add column password_change_required boolean not null default false;

-- DJ-2: every password an account has had (argon2id hashes), newest first; a new one may not be the
-- current password nor one of the newest `historyCount`.
create table password_history (
  id uuid primary key,
  account_id uuid not null references account (id),
  password_hash text not null,
  created_at timestamptz not null
);
create index password_history_account on password_history (account_id, created_at desc);

-- DJ-6: an account's TOTP authenticator (RFC 6238). The secret is SM4-encrypted (DJ-23). A new secret is
-- pending until a code from the app confirms it, and replaces the old one only then. last_step is the
-- newest time step accepted: a code of that step or an earlier one is never accepted again (replay).
create table account_totp (
  account_id uuid primary key references account (id),
  secret_enc text,
  confirmed_at timestamptz,
  pending_secret_enc text,
  pending_at timestamptz,
  last_step integer,
  updated_at timestamptz not null,
  check ((secret_enc is null) = (confirmed_at is null))
);

-- DJ-6: recovery codes, shown once; only their hash (SM3, per account) is kept, and each works once.
create table recovery_code (
  id uuid primary key,
  account_id uuid not null references account (id),
  code_hash text not null,
  created_at timestamptz not null,
  used_at timestamptz
);
create index recovery_code_account on recovery_code (account_id) where used_at is null;

-- DJ-6: a login whose password was right and that waits for its second factor. Answered once, before
-- it expires (config.security.mfa.challengeTtlMs).
create table mfa_challenge (
  id uuid primary key,
  account_id uuid not null references account (id),
  methods text[] not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index mfa_challenge_account on mfa_challenge (account_id, created_at desc);

-- DJ-6: does an institution's doctors' and pharmacists' login need a second factor? (No row: no.)
create table institution_mfa_policy (
  institution_id uuid primary key references institution (id),
  doctors boolean not null default false,
  pharmacists boolean not null default false,
  updated_at timestamptz not null,
  updated_by uuid references account (id)
);

-- DJ-6: the SMS code of a second-factor challenge is an otp_code of its own purpose (ref_id: the challenge).
alter table otp_code drop constraint if exists otp_code_purpose_check;
alter table otp_code add constraint otp_code_purpose_check
  check (purpose in ('login', 'proxy_confirm', 'second_factor'));
