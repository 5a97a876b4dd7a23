import { sql } from 'kysely';
import { sm3Hex } from '../crypto/hash.js';
import type { Db, Executor } from '../db/database.js';

/** The chain starts from this constant, so the first event's prev_hash is well defined. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns a link covers, read in a form that is the same on every driver and time zone. */
export interface ChainRow {
  id: number;
  occurred_us: string;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  outcome: string;
  resource_type: string | null;
  resource_id: string | null;
  patient_id: string | null;
  ip: string | null;
  details_text: string;
}

export function chainColumns(db: Executor) {
  return db
    .selectFrom('audit_event')
    .select([
      'id',
      sql<string>`(extract(epoch from occurred_at) * 1000000)::bigint::text`.as('occurred_us'),
      'actor_id',
      'actor_role',
      'action',
      'outcome',
      'resource_type',
      'resource_id',
      'patient_id',
      'ip',
      sql<string>`details::text`.as('details_text'),
    ]);
}

/** hash(n) = SM3(prev_hash ‖ seq ‖ every column of the event), so changing, dropping or moving a row breaks it. */
export function linkHash(prevHash: string, seq: number, row: ChainRow): string {
  const fields = [
    prevHash,
    String(seq),
    String(row.id),
    row.occurred_us,
    row.actor_id ?? '',
    row.actor_role ?? '',
    row.action,
    row.outcome,
    row.resource_type ?? '',
    row.resource_id ?? '',
    row.patient_id ?? '',
    row.ip ?? '',
    row.details_text,
  ];
  return sm3Hex(JSON.stringify(fields));
}

export interface VerifyResult {
  ok: boolean;
  sealed: number;
  unsealed: number;
  blocks: number;
  /** The first event whose link does not hold, and why. */
  firstBadEventId?: number;
  reason?: string;
}

/**
 * Recomputes the whole chain in seq order (DJ-14, DJ-24). Detects an altered row (its hash), a deleted
 * row (a gap in seq, or a block whose last event is gone), and a reordered row (seq/prev_hash mismatch).
 */
export async function verifyChain(db: Db, pageSize = 5000): Promise<VerifyResult> {
  const blocks = await db.selectFrom('audit_block').selectAll().orderBy('block_no').execute();
  const blockEnds = new Map(blocks.map((b) => [Number(b.last_seq), b]));
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let lastId: number | undefined;
  const fail = (id: number | undefined, reason: string): VerifyResult => ({
    ok: false,
    sealed: expectedSeq - 1,
    unsealed: 0,
    blocks: blocks.length,
    ...(id !== undefined ? { firstBadEventId: id } : {}),
    reason,
  });
  for (;;) {
    const rows = await chainColumns(db)
      .select(['seq', 'prev_hash', 'hash'])
      .where('seq', 'is not', null)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return fail(
          Number(row.id),
          `事件 seq ${expectedSeq} 缺失（被删除）；下一条为事件 ${row.id} (seq ${seq})`,
        );
      }
      if (row.prev_hash !== prevHash) {
        return fail(
          Number(row.id),
          `事件 ${row.id} 的 prev_hash 与前一事件不符（顺序被改动或前一事件被替换）`,
        );
      }
      const hash = linkHash(prevHash, seq, { ...row, id: Number(row.id) });
      if (hash !== row.hash) {
        return fail(Number(row.id), `事件 ${row.id} 的内容与其哈希不符（被篡改）`);
      }
      const block = blockEnds.get(seq);
      if (block && block.head_hash !== hash) {
        return fail(Number(row.id), `区块 ${block.block_no} 的链头哈希与事件 ${row.id} 不符`);
      }
      prevHash = hash;
      expectedSeq = seq + 1;
      lastId = Number(row.id);
    }
    if (rows.length < pageSize) break;
  }
  const lastBlock = blocks[blocks.length - 1];
  if (lastBlock && Number(lastBlock.last_seq) > expectedSeq - 1) {
    return fail(
      lastId,
      `区块 ${lastBlock.block_no} 记录的最后事件 seq ${lastBlock.last_seq} 缺失（链尾被删除）`,
    );
  }
  const unsealed = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow();
  return { ok: true, sealed: expectedSeq - 1, unsealed: Number(unsealed.n), blocks: blocks.length };
}
