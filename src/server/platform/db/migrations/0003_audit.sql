-- 全程留痕 (DJ-12..DJ-14, REG-3): every change and every read of patient data appends one row in the
-- same transaction. The sealer later gives each row its place in an SM3 hash chain (seq, prev_hash,
-- hash) and records each batch as a block, so requests never wait on the chain.
create table audit_event (
  id bigserial primary key,
  occurred_at timestamptz not null,
  actor_id uuid,
  actor_role text,
  action text not null,
  outcome text not null default 'success' check (outcome in ('success', 'failure')),
  resource_type text,
  resource_id text,
  patient_id uuid,
  ip text,
  details jsonb not null default '{}',
  seq bigint unique,
  prev_hash text,
  hash text,
  sealed_at timestamptz,
  check ((seq is null) = (hash is null))
);
create index audit_event_unsealed on audit_event (id) where seq is null;
create index audit_event_patient on audit_event (patient_id, occurred_at) where patient_id is not null;
create index audit_event_actor on audit_event (actor_id, occurred_at);

create table audit_block (
  block_no bigint primary key,
  first_seq bigint not null,
  last_seq bigint not null,
  head_hash text not null,
  sealed_at timestamptz not null
);

-- Append-only: no row is deleted, and a sealed row never changes. Someone with owner rights can still
-- disable this trigger; the hash chain is what catches that (DJ-24).
create function audit_event_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'audit_event is append-only (id %)', old.id;
  end if;
  if old.seq is not null then
    raise exception 'sealed audit_event % cannot change', old.id;
  end if;
  return new;
end
$$;
create trigger audit_event_guard before update or delete on audit_event
  for each row execute function audit_event_guard();

create function audit_block_guard() returns trigger language plpgsql as $$
begin
  raise exception 'audit_block is append-only';
end
$$;
create trigger audit_block_guard before update or delete on audit_block
  for each row execute function audit_block_guard();
