-- Payments: orders in integer fen with a state machine, gateway notifications applied at most once,
-- refunds, in-app notifications.
create table payment_order (
  id uuid primary key,
  patient_id uuid not null references patient (id),
  account_id uuid not null references account (id),
  purpose text not null check (purpose in ('appointment')),
  ref_id uuid not null,
  description text not null,
  amount_fen integer not null check (amount_fen > 0),
  refunded_fen integer not null default 0 check (refunded_fen >= 0),
  status text not null check (status in ('created', 'paid', 'partially_refunded', 'refunded', 'closed')),
  channel text,
  prepay_id text,
  gateway_txn_id text,
  expires_at timestamptz not null,
  paid_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null,
  check (refunded_fen <= amount_fen)
);
create index payment_order_ref on payment_order (purpose, ref_id);
create index payment_order_unsure on payment_order (created_at) where status = 'created' and prepay_id is not null;

create table payment_notification (
  id uuid primary key,
  channel text not null,
  event_id text not null,
  order_id uuid references payment_order (id),
  kind text not null,
  signature_valid boolean not null,
  applied boolean not null,
  outcome text not null,
  payload jsonb not null,
  received_at timestamptz not null,
  unique (channel, event_id)
);

create table refund (
  id uuid primary key,
  order_id uuid not null references payment_order (id),
  refund_no text not null unique,
  amount_fen integer not null check (amount_fen > 0),
  reason text not null,
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  gateway_refund_id text,
  created_at timestamptz not null,
  finished_at timestamptz
);
create index refund_order on refund (order_id);

create table notification (
  id uuid primary key,
  account_id uuid not null references account (id),
  patient_id uuid references patient (id),
  kind text not null,
  title text not null,
  body text not null,
  ref_type text,
  ref_id uuid,
  read_at timestamptz,
  created_at timestamptz not null
);
create index notification_inbox on notification (account_id, created_at desc);
