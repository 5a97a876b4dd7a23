import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { type Actor, type AuditEntry, recordAudit } from './audit/audit.js';
import type { AppContext } from './context.js';
import type { Executor, Tx } from './db/database.js';
import { errors } from './errors.js';
import { newId } from './ids.js';

/**
 * What a command body works with: one transaction, the time of the command, its actor, and two writers
 * that commit with the change — `audit` (DJ-12, DJ-13) and `emit` (the outbox).
 */
export interface CommandScope {
  ctx: AppContext;
  trx: Tx;
  actor: Actor;
  now: Date;
  /**
   * An outbox event: inserted in this transaction, delivered to the topic's subscribers after commit
   * (at least once, by event id). Topics are `<module>.<event>` (`visits.completed`, `notifications.sms`).
   */
  emit(topic: string, payload: object): Promise<string>;
  audit(entry: AuditEntry): Promise<void>;
}

/**
 * The one way to change data (style.md, "One command runner"): route → command → rules → module
 * functions (taking `cmd` or `cmd.trx`) → outbox → subscribers. Nothing happens "after commit" that a
 * crash could lose: side effects are outbox events, delivered after commit and again by the dispatcher
 * loop until every subscriber has taken them.
 */
export async function runCommand<T>(
  ctx: AppContext,
  actor: Actor,
  body: (cmd: CommandScope) => Promise<T>,
): Promise<T> {
  const emitted: string[] = [];
  const result = await ctx.db.transaction().execute(async (trx) => body(scope(ctx, trx, actor, emitted)));
  await ctx.outbox.deliver(emitted);
  return result;
}

function scope(ctx: AppContext, trx: Tx, actor: Actor, emitted: string[]): CommandScope {
  const now = ctx.clock.now();
  return {
    ctx,
    trx,
    actor,
    now,
    async emit(topic, payload) {
      const id = await enqueueEvent(trx, topic, payload, now);
      emitted.push(id);
      return id;
    },
    audit: (entry) => recordAudit(trx, actor, entry, now),
  };
}

/**
 * An outbox event written in the caller's transaction, for code that is handed a transaction rather than a
 * command (`closeOrder(trx, …)`): delivered by the dispatcher loop after the commit (`cmd.emit` also
 * delivers it at once). Topics are `<module>.<event>`.
 */
export async function enqueueEvent(
  trx: Executor,
  topic: string,
  payload: object,
  now: Date,
): Promise<string> {
  const id = newId();
  await trx
    .insertInto('outbox')
    .values({ id, topic, payload: JSON.stringify(payload), created_at: now, available_at: now })
    .execute();
  return id;
}

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export interface Idempotency {
  accountId: string;
  /** The request's `Idempotency-Key`; without one the command simply runs. */
  key: string | undefined;
  /** Hash of the request (`requestHash(body)`): the same key with another request is refused. */
  requestHash: string;
  /** The status the first answer had, replayed with it. */
  status: number;
}

export const requestHash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * A command behind an `Idempotency-Key`: the command and the record of its result commit together, so a
 * retried request — after a timeout, a crash or a double tap — gets the first result instead of a second
 * booking. Failed commands are not recorded: a retry runs them again.
 */
export async function runIdempotentCommand<T extends object>(
  ctx: AppContext,
  actor: Actor,
  idem: Idempotency,
  body: (cmd: CommandScope) => Promise<T>,
): Promise<IdempotentResult<T>> {
  return runCommand(ctx, actor, async (cmd) => {
    const { trx } = cmd;
    if (idem.key) {
      // Requests with the same key queue on its lock, so a concurrent retry waits and then sees the first
      // result: lock and look-up in one round trip (migration 0027 says why it is a function).
      const { rows } = await sql<IdempotencyRow>`
        select request_hash, status_code, body from idempotency_locked_record(${idem.accountId}, ${idem.key})`.execute(
        trx,
      );
      if (rows[0]) return replayOf<T>(rows[0], idem);
    }
    const result = await body(cmd);
    await recordIdempotentResult(trx, idem, result, cmd.now);
    return { status: idem.status, body: result, replayed: false };
  });
}

/** A stored result as the command's own `idempotency_record` columns (or the claim of a booking). */
export interface IdempotencyRow {
  request_hash: string;
  status_code: number;
  body: unknown;
}

/** The first answer again, or IDEMPOTENCY_KEY_REUSED when the key came with another request. */
/**
 * The key's record after waiting for its lock (a request with the key still in flight finishes first), in a
 * short transaction of its own; null when there is none.
 */
export async function lockedIdempotencyRecord(
  ctx: AppContext,
  idem: Idempotency,
): Promise<IdempotencyRow | null> {
  if (!idem.key) return null;
  const key = idem.key;
  return ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<IdempotencyRow>`
      select request_hash, status_code, body from idempotency_locked_record(${idem.accountId}, ${key})`.execute(
      trx,
    );
    return rows[0] ?? null;
  });
}

export function replayOf<T>(row: IdempotencyRow, idem: Idempotency): IdempotentResult<T> {
  if (row.request_hash !== idem.requestHash) throw errors.idempotencyKeyReused();
  return { status: row.status_code, body: row.body as T, replayed: true };
}

/** Writes the result under the key, in the command's transaction (nothing without a key). */
export async function recordIdempotentResult(
  trx: Executor,
  idem: Idempotency,
  result: object,
  now: Date,
): Promise<void> {
  if (!idem.key) return;
  await trx
    .insertInto('idempotency_record')
    .values({
      account_id: idem.accountId,
      key: idem.key,
      request_hash: idem.requestHash,
      status_code: idem.status,
      body: JSON.stringify(result),
      created_at: now,
    })
    .execute();
}

/**
 * For a read outside any transaction (the booking's first look, [9/12]): the key's committed record as one
 * JSON column of the caller's query (`requestHash`, `status`, `body`), null when there is none. Without the
 * lock it may miss a record being committed right now — the caller then takes the locked path.
 */
export function idempotencyRecordJson(
  accountId: string,
  key: string | undefined,
): RawBuilder<{ requestHash: string; status: number; body: unknown } | null> {
  if (!key) return sql`null::json`;
  return sql`(select json_build_object('requestHash', request_hash, 'status', status_code, 'body', body)
    from idempotency_record where account_id = ${accountId} and key = ${key})`;
}
