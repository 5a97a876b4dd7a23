import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { type Loop, startLoop } from '../loop.js';
import { chainColumns, GENESIS_HASH, linkHash } from './chain.js';

const SEALER_LOCK_KEY = 7_283_002;

/**
 * Seals committed, unsealed audit events into the SM3 chain, one block per call (DJ-14). It runs off the
 * request path: requests only append rows; one sealer at a time (advisory lock) orders them into the chain.
 * Returns how many events it sealed.
 */
export async function sealOnce(db: Db, clock: Clock, batchSize = 1000): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const lock = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_xact_lock(${SEALER_LOCK_KEY}) as ok`.execute(trx);
    if (!lock.rows[0]?.ok) return 0;
    const rows = await chainColumns(trx).where('seq', 'is', null).orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) return 0;
    const head = await trx
      .selectFrom('audit_event')
      .select(['seq', 'hash'])
      .where('seq', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    let prevHash = head?.hash ?? GENESIS_HASH;
    let seq = Number(head?.seq ?? 0);
    const firstSeq = seq + 1;
    const links: { id: number; seq: number; prev: string; hash: string }[] = [];
    for (const row of rows) {
      seq += 1;
      const hash = linkHash(prevHash, seq, { ...row, id: Number(row.id) });
      links.push({ id: Number(row.id), seq, prev: prevHash, hash });
      prevHash = hash;
    }
    const now = clock.now();
    const values = sql.join(links.map((l) => sql`(${l.id}::bigint, ${l.seq}::bigint, ${l.prev}, ${l.hash})`));
    await sql`update audit_event set seq = v.seq, prev_hash = v.prev, hash = v.hash, sealed_at = ${now}
      from (values ${values}) as v(id, seq, prev, hash) where audit_event.id = v.id`.execute(trx);
    const lastBlock = await trx
      .selectFrom('audit_block')
      .select('block_no')
      .orderBy('block_no', 'desc')
      .limit(1)
      .executeTakeFirst();
    await trx
      .insertInto('audit_block')
      .values({
        block_no: Number(lastBlock?.block_no ?? 0) + 1,
        first_seq: firstSeq,
        last_seq: seq,
        head_hash: prevHash,
        sealed_at: now,
      })
      .execute();
    return links.length;
  });
}

/** Seals until nothing is left (CLI, tests, shutdown). */
export async function sealAll(db: Db, clock: Clock, batchSize = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealOnce(db, clock, batchSize);
    total += n;
    if (n < batchSize) return total;
  }
}

/** Seals in the background every `intervalMs` (see platform/loop.ts). */
export function startSealer(
  db: Db,
  clock: Clock,
  opts: { intervalMs: number; batchSize: number; onError: (err: unknown) => void },
): Loop {
  return startLoop(opts.intervalMs, () => sealAll(db, clock, opts.batchSize), opts.onError);
}
