-- platform ([9/12]): the outbox relay to NATS JetStream. With NATS_URL set, one node at a time (the leader,
-- platform/leader.ts) publishes each event to the subject `yunyi.<topic>` with its id as the message id, then
-- marks it here; until then the row is the event's only copy. `delivered_at` keeps its meaning: every
-- subscriber of the topic has a receipt (set by the consumers in NATS mode, by the dispatcher without it).
alter table outbox add column relayed_at timestamptz;

-- The relay's work list, oldest first, and the lag metric's query (yunyi_outbox_lag_seconds). A row leaves it
-- when it is relayed, or when it was delivered in process (rows of a node that ran without NATS).
create index outbox_unrelayed on outbox (created_at) where relayed_at is null and delivered_at is null;
