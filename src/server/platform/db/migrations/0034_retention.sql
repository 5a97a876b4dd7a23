-- [10/12] Retention (DJ-16, REC-1, REC-4, RX-12, SEC-2) and the patient's deletion request
-- (个人信息保护法 第四十七条). Owned by modules/privacy (docs/privacy.md).

-- The audit administrator's setting (DJ-15): per kind of audit record, how many months it stays online
-- before it may be archived. Never below the legal floor (checked by the service and here).
create table retention_setting (
  kind text primary key check (kind in ('medical', 'security', 'operations')),
  months_online integer not null check (months_online between 6 and 1200),
  updated_at timestamptz not null,
  updated_by uuid references account (id)
);

-- One row per run of the retention job: what it deleted, anonymised and archived, per data kind.
create table retention_run (
  id uuid primary key,
  ran_at timestamptz not null,
  counts jsonb not null
);
create index retention_run_recent on retention_run (ran_at desc);

-- Rows past their online period under a rule that forbids deleting them (REC-4): marked archived here, by
-- kind and the owning table's id. Readable by the audit administrator or on legal request; the owning
-- module's rows are never deleted.
create table retention_archive (
  kind text not null,
  ref_id text not null,
  archived_at timestamptz not null,
  primary key (kind, ref_id)
);

-- A patient's deletion request: what was removed and what was kept and why (the answer the patient got),
-- and the consents noted before they were removed. Kept as evidence the request was handled.
create table deletion_request (
  id uuid primary key,
  account_id uuid not null references account (id),
  patient_id uuid references patient (id),
  confirmed_by text not null check (confirmed_by in ('otp', 'password')),
  requested_at timestamptz not null,
  consents jsonb not null,
  removed jsonb not null,
  kept jsonb not null
);
create index deletion_request_account on deletion_request (account_id);

-- A closed account (the patient's deletion request) can no longer log in; its phone is released. Keeps the
-- statuses 0032 allows ('locked') and the code purposes 0031 allows ('second_factor'): a later migration
-- that redefines either constraint must keep 'closed' and 'account_delete'.
alter table account drop constraint if exists account_status_check;
alter table account add constraint account_status_check
  check (status in ('active', 'disabled', 'locked', 'closed'));
-- The SMS code that re-confirms a deletion request is an otp_code of its own purpose.
alter table otp_code drop constraint if exists otp_code_purpose_check;
alter table otp_code add constraint otp_code_purpose_check
  check (purpose in ('login', 'proxy_confirm', 'second_factor', 'account_delete'));
