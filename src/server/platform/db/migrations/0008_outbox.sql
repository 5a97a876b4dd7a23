-- platform: the transactional outbox. A command inserts its events here in its own transaction; a
-- dispatcher delivers each to its subscribers after commit (at least once), recording a receipt per
-- subscriber in the subscriber's own transaction, so a crash between commit and delivery loses nothing
-- and a redelivery changes nothing twice.
create table outbox (
  id uuid primary key,
  topic text not null,
  payload jsonb not null,
  created_at timestamptz not null,
  -- Not before this time: a claim leases the row until then, a failure backs off until then.
  available_at timestamptz not null,
  attempts integer not null default 0,
  last_error text,
  delivered_at timestamptz
);
create index outbox_pending on outbox (available_at) where delivered_at is null;

create table outbox_receipt (
  event_id uuid not null references outbox (id),
  subscriber text not null,
  delivered_at timestamptz not null,
  primary key (event_id, subscriber)
);
