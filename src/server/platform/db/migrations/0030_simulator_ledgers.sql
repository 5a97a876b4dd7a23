-- [9/12] The simulators' ledgers where every API node sees them: a payment prepared through one node is
-- confirmed on another node's cashier, its signed notification verified by any node, a courier shipment
-- created by one node is advanced or cancelled by another. These are the simulated remote sides' own
-- tables (demo mode and tests only): `paysim_*` belong to payments/sim-gateway.ts, `couriersim_*` to
-- prescriptions/sim-courier.ts. No foreign keys to the platform's tables: the remote side only knows the
-- references the platform sent it.

-- The simulated gateway's SM2 key pair (one row): the first node to start makes it, every node signs and
-- verifies with it. A simulator key, never a platform secret.
create table paysim_key (
  id smallint primary key check (id = 1),
  private_pem text not null,
  created_at timestamptz not null default now()
);

-- A cashier opened by a prepay. `seq` orders an order's cashiers: the latest one answers a query.
create table paysim_order (
  prepay_id text primary key,
  seq bigint generated always as identity,
  order_id text not null,
  amount_fen integer not null check (amount_fen >= 0),
  description text not null,
  expires_at timestamptz not null,
  state text not null check (state in ('pending', 'paid', 'closed')),
  txn_id text,
  created_at timestamptz not null default now()
);
-- One pending cashier per order: two nodes preparing the same order at once get the same prepay id.
create unique index paysim_order_pending on paysim_order (order_id) where state = 'pending';
create index paysim_order_latest on paysim_order (order_id, seq desc);

-- A refund the gateway took, idempotent by the platform's refund number.
create table paysim_refund (
  order_id text not null,
  refund_no text not null,
  refund_id text not null,
  amount_fen integer not null check (amount_fen > 0),
  state text not null check (state in ('succeeded', 'failed')),
  created_at timestamptz not null default now(),
  primary key (order_id, refund_no)
);

-- The simulated courier's HMAC key for its pushes (one row), shared by every node like paysim_key.
create table couriersim_key (
  id smallint primary key check (id = 1),
  secret bytea not null,
  created_at timestamptz not null default now()
);

-- A shipment, idempotent by the platform's reference (`<fulfilment>#<attempt>`).
create table couriersim_shipment (
  waybill_no text primary key,
  reference text not null unique,
  request jsonb not null,
  state text not null check (state in ('created', 'picked_up', 'in_transit', 'delivered', 'failed', 'cancelled')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
