-- prescriptions: wrong pick-up codes (取药码) are counted per fulfilment; after 5 in a row the code is
-- locked for 15 minutes (RX_PICKUP_LOCKED), so a six-digit code cannot be guessed at the counter.
alter table fulfilment add column pickup_failures smallint not null default 0;
alter table fulfilment add column pickup_locked_until timestamptz;
