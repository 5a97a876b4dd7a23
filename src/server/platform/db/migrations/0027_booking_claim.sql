-- [9/12] Booking at the database's speed (scheduling; the first function is the platform's, as
-- runIdempotentCommand in platform/command.ts is). docs/performance.md, "Booking rush".

-- platform: the record of an Idempotency-Key, read after the key's lock is granted, in one round trip. A
-- VOLATILE function takes a fresh snapshot for each statement it runs, so the select sees a record committed by
-- the transaction that held the lock until a moment ago. A single statement "lock, then select" would not: its
-- snapshot is taken before the lock is granted, and a concurrent retry would miss the first request's record
-- and run the command twice. The lock is the caller's transaction's (pg_advisory_xact_lock): call this inside
-- the transaction that writes the record.
create function idempotency_locked_record(p_account uuid, p_key text)
returns setof idempotency_record
language plpgsql volatile as $$
begin
  perform pg_advisory_xact_lock(hashtextextended(p_account::text || ':' || p_key, 0));
  return query select * from idempotency_record r where r.account_id = p_account and r.key = p_key;
end $$;

-- scheduling: a booking's claim, one round trip in its transaction. With an Idempotency-Key, first the key's
-- record (under its lock, above): a retry of a booking that committed gets that record and takes nothing.
-- Otherwise the first free token of the channel (or the one named), FOR UPDATE SKIP LOCKED so that
-- concurrent bookers each get a different token or none, set to p_status ('held' until paid, or 'booked').
-- No row at all: the session is full.
create function scheduling_claim_token(
  p_account uuid, p_key text, p_schedule uuid, p_channel text, p_token uuid, p_status text
)
returns table (
  replay_hash text, replay_status integer, replay_body jsonb,
  token_id uuid, token_number integer, window_start timestamptz, window_end timestamptz
)
language plpgsql volatile as $$
#variable_conflict use_column
begin
  if p_key is not null then
    return query
      select r.request_hash, r.status_code, r.body, null::uuid, null::integer, null::timestamptz, null::timestamptz
        from idempotency_locked_record(p_account, p_key) r;
    if found then
      return;
    end if;
  end if;
  return query
    update token t set status = p_status
     where t.id = (select f.id from token f
                    where f.schedule_id = p_schedule and f.channel = p_channel and f.status = 'free'
                      and (p_token is null or f.id = p_token)
                    order by f.token_number limit 1 for update skip locked)
    returning null::text, null::integer, null::jsonb, t.id, t.token_number, t.window_start, t.window_end;
end $$;
