-- [7/12] Medical insurance (医保在线结算, INS-1..4, ID-3, FD-6). Owned by the insurance module, except the
-- `inssim_*` tables, which are the simulated national insurance platform's own ledger (the remote side,
-- insurance/sim/), and the column added to payments' `payment_order`.

-- Which institution sold an order (reconciliation is per institution; INS-1 designation is per institution).
alter table payment_order add column institution_id uuid references institution (id);
-- The part of the order the gateway takes: the whole amount, or the cash part of an insured order.
alter table payment_order add column cash_fen integer check (cash_fen >= 0);
alter table payment_order add column insurance_settlement_id uuid;
create index payment_order_institution_paid on payment_order (institution_id, paid_at) where paid_at is not null;

-- Policy (医保政策): immutable versions per scheme and institution level; the version in force on a day is
-- the one with the latest effective_from on or before it (ties: the higher version). `rules` is PolicyRules.
create table insurance_policy (
  id uuid primary key,
  scheme text not null check (scheme in ('employee', 'resident')),
  institution_level text not null check (institution_level in ('primary', 'secondary', 'tertiary')),
  version integer not null check (version >= 1),
  effective_from date not null,
  rules jsonb not null,
  note text,
  created_by uuid references account (id),
  created_at timestamptz not null,
  unique (scheme, institution_level, version)
);
create index insurance_policy_in_force on insurance_policy (scheme, institution_level, effective_from desc, version desc);

-- INS-1: institutions designated for internet services with a supplementary agreement (互联网医疗服务补充协议).
create table insurance_designation (
  institution_id uuid primary key references institution (id),
  agreement_no text not null,
  effective_from date not null,
  effective_to date,
  updated_by uuid references account (id),
  updated_at timestamptz not null
);

-- A patient's link to the insurance platform (ID-3: made with the e-voucher, 医保电子凭证).
create table insured_person (
  patient_id uuid primary key references patient (id),
  psn_no text not null unique,
  scheme text not null check (scheme in ('employee', 'resident')),
  insuring_region text not null,
  insuring_region_name text not null,
  linked_by uuid not null references account (id),
  linked_at timestamptz not null,
  unlinked_at timestamptz
);

-- 家庭共济 (医保钱包): an employee's personal account pays for a family member, confirmed by both.
create table family_wallet_link (
  id uuid primary key,
  payer_patient_id uuid not null references patient (id),
  beneficiary_patient_id uuid not null references patient (id),
  status text not null check (status in ('requested', 'active', 'revoked', 'declined')),
  requested_by uuid not null references account (id),
  requested_at timestamptz not null,
  confirmed_by uuid references account (id),
  confirmed_at timestamptz,
  ended_at timestamptz,
  check (payer_patient_id <> beneficiary_patient_id)
);
create unique index family_wallet_link_live on family_wallet_link (payer_patient_id, beneficiary_patient_id)
  where status in ('requested', 'active');
create index family_wallet_link_beneficiary on family_wallet_link (beneficiary_patient_id);

-- One settlement attempt of an order's insurance part (2207), and its reversal (2208). `msg_id` is the
-- message id the platform keys idempotency on (our choice, never reused for another request); at most
-- one live settlement per order.
create table insurance_settlement (
  id uuid primary key,
  order_id uuid not null references payment_order (id),
  patient_id uuid not null references patient (id),
  institution_id uuid not null references institution (id),
  psn_no text not null,
  scheme text not null,
  insuring_region text not null,
  account_payer_patient_id uuid references patient (id),
  policy_id uuid not null references insurance_policy (id),
  policy_version integer not null,
  status text not null check (status in ('pending', 'settled', 'failed', 'reversing', 'reversed')),
  msg_id text not null unique,
  reverse_msg_id text unique,
  platform_setl_id text,
  total_fen integer not null check (total_fen >= 0),
  fund_fen integer not null check (fund_fen >= 0),
  account_fen integer not null check (account_fen >= 0),
  cash_fen integer not null check (cash_fen >= 0),
  check (fund_fen + account_fen + cash_fen = total_fen),
  -- What the split was computed from (the person's year-to-date state before it), so it can be recomputed.
  basis jsonb not null,
  practitioner_id uuid references practitioner (id),
  attempts integer not null default 0,
  last_error text,
  requested_at timestamptz not null,
  settled_at timestamptz,
  reversed_at timestamptz,
  reverse_reason text
);
create unique index insurance_settlement_live on insurance_settlement (order_id)
  where status in ('pending', 'settled', 'reversing');
create index insurance_settlement_unsure on insurance_settlement (status, requested_at)
  where status in ('pending', 'reversing');
create index insurance_settlement_patient on insurance_settlement (patient_id, requested_at desc);
create index insurance_settlement_institution on insurance_settlement (institution_id, settled_at);
create index insurance_settlement_practitioner on insurance_settlement (practitioner_id, requested_at);

create table insurance_settlement_line (
  settlement_id uuid not null references insurance_settlement (id),
  line smallint not null,
  kind text not null check (kind in ('drug', 'delivery', 'service')),
  item_code text,
  item_name text not null,
  category text check (category in ('A', 'B', 'C')),
  quantity integer not null,
  days_supply integer,
  total_fen integer not null check (total_fen >= 0),
  fund_fen integer not null check (fund_fen >= 0),
  account_fen integer not null check (account_fen >= 0),
  cash_fen integer not null check (cash_fen >= 0),
  check (fund_fen + account_fen + cash_fen = total_fen),
  primary key (settlement_id, line)
);
create index insurance_settlement_line_item on insurance_settlement_line (item_code);

-- 智能监管 (INS-4): one hit of a fraud or misuse rule, with its evidence; a confirmed hit blocks its
-- subject (a patient or a practitioner) from settlement until the insurer clears it.
create table insurance_alert (
  id uuid primary key,
  rule text not null,
  subject_kind text not null check (subject_kind in ('patient', 'practitioner')),
  subject_id uuid not null,
  patient_id uuid references patient (id),
  practitioner_id uuid references practitioner (id),
  settlement_id uuid references insurance_settlement (id),
  dedupe_key text not null unique,
  evidence jsonb not null,
  source text not null check (source in ('settlement', 'batch', 'seed')),
  status text not null check (status in ('open', 'confirmed', 'dismissed', 'cleared')),
  decided_by uuid references account (id),
  decided_at timestamptz,
  decision_note text,
  cleared_by uuid references account (id),
  cleared_at timestamptz,
  created_at timestamptz not null
);
create index insurance_alert_status on insurance_alert (status, created_at desc);
create index insurance_alert_block on insurance_alert (subject_kind, subject_id) where status = 'confirmed';

-- 对账: one statement per institution and business day (Asia/Shanghai); a rerun replaces it.
create table reconciliation_statement (
  id uuid primary key,
  institution_id uuid not null references institution (id),
  business_date date not null,
  status text not null check (status in ('balanced', 'mismatched')),
  orders integer not null,
  settlements integer not null,
  payments integer not null,
  fund_fen bigint not null,
  account_fen bigint not null,
  cash_fen bigint not null,
  mismatches jsonb not null,
  run_by text not null,
  run_at timestamptz not null,
  unique (institution_id, business_date)
);

-- The simulated national insurance platform's ledger (the remote side; insurance/sim/ only).
create table inssim_person (
  psn_no text primary key,
  id_hash text not null unique,
  name text not null,
  scheme text not null check (scheme in ('employee', 'resident')),
  insuring_region text not null,
  insuring_region_name text not null,
  balance_fen bigint not null check (balance_fen >= 0),
  ytd_year integer not null,
  ytd_total_fen bigint not null default 0,
  ytd_deductible_fen bigint not null default 0,
  ytd_fund_fen bigint not null default 0,
  death_date date
);

create table inssim_voucher (
  token text primary key,
  psn_no text not null references inssim_person (psn_no),
  expires_at timestamptz not null
);

-- Every request the simulated platform answered, by its message id (idempotency: the same id, the same answer).
create table inssim_message (
  msg_id text primary key,
  api text not null,
  response jsonb not null,
  received_at timestamptz not null
);

create table inssim_settlement (
  setl_id text primary key,
  msg_id text not null unique,
  psn_no text not null references inssim_person (psn_no),
  institution_code text not null,
  order_ref text not null,
  total_fen bigint not null,
  fund_fen bigint not null,
  account_fen bigint not null,
  cash_fen bigint not null,
  account_payer_psn_no text,
  deductible_fen bigint not null default 0,
  status text not null check (status in ('settled', 'reversed')),
  settled_at timestamptz not null,
  reversed_at timestamptz,
  reverse_msg_id text
);
create index inssim_settlement_day on inssim_settlement (institution_code, settled_at);
