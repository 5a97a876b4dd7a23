-- [10/12] Intrusion alerts for the security administrator (DJ-17), the counters behind the detectors and
-- the per-account limits on exports and bulk reads (DJ-30), and the networks each staff account has logged
-- in from (new-network alert). Owned by modules/security.

-- One alert per incident: a detector raises at most one alert per (kind, dedupe key) within its window
-- (security/alerts.service.ts takes an advisory lock on the key, then looks for an alert still in window).
create table security_alert (
  id uuid primary key,
  kind text not null check (kind in ('brute_force', 'id_enumeration', 'export_volume', 'bulk_read',
    'new_network', 'address_refused')),
  severity text not null check (severity in ('low', 'medium', 'high')),
  status text not null default 'open' check (status in ('open', 'acknowledged', 'closed')),
  raised_at timestamptz not null,
  -- The incident's key (the address, the account, account + network): dedupe within the window.
  dedupe_key text not null,
  window_ends_at timestamptz not null,
  subject_type text not null check (subject_type in ('account', 'address')),
  subject_account_id uuid references account (id),
  subject_address text,
  -- Counts, ids, the window, addresses; never a phone or an ID number (DJ-10).
  evidence jsonb not null,
  acknowledged_at timestamptz,
  acknowledged_by uuid references account (id),
  closed_at timestamptz,
  closed_by uuid references account (id),
  note text,
  check (subject_account_id is not null or subject_address is not null)
);
-- The list: newest first, optionally by status or kind (keyset on raised_at, id).
create index security_alert_recent on security_alert (raised_at desc, id desc);
create index security_alert_status on security_alert (status, raised_at desc, id desc);
create index security_alert_kind on security_alert (kind, raised_at desc, id desc);
create index security_alert_dedupe on security_alert (kind, dedupe_key, window_ends_at desc);

-- What the detectors count: one row per event (`kind` login_failure / refusal / export / bulk_read /
-- address_refused), by subject (an address or an account id) and the item counted distinct (an account's
-- blind index, a patient id, an export kind). Rows older than a day are pruned as new ones arrive.
create table security_counter (
  id bigint generated always as identity primary key,
  kind text not null,
  subject text not null,
  item text not null,
  at timestamptz not null
);
create index security_counter_window on security_counter (kind, subject, at);
create index security_counter_age on security_counter (at);

-- The networks (security/ip-ranges.ts: a named range of the bundled table) a staff account has logged in
-- from; a login from a network not in this table, after the first login, raises new_network.
create table security_login_network (
  account_id uuid not null references account (id),
  network text not null,
  country text not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  primary key (account_id, network)
);
