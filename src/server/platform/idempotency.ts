import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from './context.js';
import type { Tx } from './db/database.js';
import { AppError } from './errors.js';

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export const requestHash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * `Idempotency-Key`: the command and the record of its result commit together, so a retried request —
 * after a timeout, a crash or a double tap — gets the first result instead of a second booking. The same
 * key with a different request is refused. Failed commands are not recorded: a retry runs them again.
 */
export async function idempotent<T extends object>(
  ctx: AppContext,
  accountId: string,
  key: string | undefined,
  hash: string,
  status: number,
  run: (trx: Tx) => Promise<T>,
): Promise<IdempotentResult<T>> {
  return ctx.db.transaction().execute(async (trx) => {
    if (key) {
      // Requests with the same key queue here, so a concurrent retry waits and then sees the first result.
      await sql`select pg_advisory_xact_lock(hashtextextended(${`${accountId}:${key}`}, 0))`.execute(trx);
      const row = await trx
        .selectFrom('idempotency_record')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (row) {
        if (row.request_hash !== hash) {
          throw new AppError(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            '幂等键已被使用',
            '同一个 Idempotency-Key 不能用于不同的请求。',
          );
        }
        return { status: row.status_code, body: row.body as T, replayed: true };
      }
    }
    const body = await run(trx);
    if (key) {
      await trx
        .insertInto('idempotency_record')
        .values({
          account_id: accountId,
          key,
          request_hash: hash,
          status_code: status,
          body: JSON.stringify(body),
          created_at: ctx.clock.now(),
        })
        .execute();
    }
    return { status, body, replayed: false };
  });
}
