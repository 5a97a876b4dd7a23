import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/cli.js';
import { recordAudit } from '../../src/server/platform/audit/audit.js';
import { verifyChain } from '../../src/server/platform/audit/chain.js';
import { sealAll, sealOnce, startSealer } from '../../src/server/platform/audit/sealer.js';
import { ManualClock } from '../../src/server/platform/clock.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { freshDatabase, itOnPostgres } from '../support/db.js';

// 全程留痕 (DJ-14, DJ-24, REG-3): the SM3 chain notices an altered, a deleted and a reordered event.
let database: Database;
const clock = new ManualClock('2026-11-22T02:00:00Z');
const actor = { accountId: null, role: 'system', ip: '127.0.0.1' };

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.close());

/** What an attacker with owner rights does first: switch the append-only guard off. */
async function asAttacker<T>(fn: () => Promise<T>): Promise<T> {
  await sql`alter table audit_event disable trigger audit_event_guard`.execute(database.db);
  try {
    return await fn();
  } finally {
    await sql`alter table audit_event enable trigger audit_event_guard`.execute(database.db);
  }
}

async function append(n: number, prefix: string) {
  for (let i = 0; i < n; i++) {
    await recordAudit(
      database.db,
      actor,
      { action: `${prefix}.${i}`, resourceType: 'test', resourceId: String(i), details: { i } },
      clock.now(),
    );
    clock.advance(1000);
  }
}

async function sealedIds(): Promise<number[]> {
  const rows = await database.db
    .selectFrom('audit_event')
    .select('id')
    .where('seq', 'is not', null)
    .orderBy('seq')
    .execute();
  return rows.map((r) => Number(r.id));
}

// Each case starts from an intact chain (the cases below break it on purpose).
beforeEach(async () => {
  const r = await verifyChain(database.db);
  if (!r.ok) {
    await asAttacker(() => sql`truncate audit_event, audit_block`.execute(database.db));
  }
});

describe('audit hash chain', () => {
  it('seals appended events and verifies them', async () => {
    await append(25, 'a');
    expect(await sealAll(database.db, clock, 10)).toBe(25);
    const r = await verifyChain(database.db);
    expect(r).toMatchObject({ ok: true, sealed: 25, unsealed: 0, blocks: 3 });
  });

  it('refuses updates and deletes of sealed rows through the guard', async () => {
    await append(1, 'g');
    await sealAll(database.db, clock);
    await expect(sql`update audit_event set action = 'x' where seq = 1`.execute(database.db)).rejects.toThrow(
      /cannot change/,
    );
    await expect(sql`delete from audit_event where seq = 1`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('detects an altered row, naming it', async () => {
    await append(5, 'b');
    await sealAll(database.db, clock);
    const ids = await sealedIds();
    const victim = ids[ids.length - 3]!;
    await asAttacker(() =>
      sql`update audit_event set details = '{"i": 999}' where id = ${victim}`.execute(database.db),
    );
    const r = await verifyChain(database.db);
    expect(r.ok).toBe(false);
    expect(r.firstBadEventId).toBe(victim);
    expect(r.reason).toContain('篡改');
  });

  it('detects a deleted row in the middle, naming the event after the gap', async () => {
    await append(5, 'c');
    await sealAll(database.db, clock);
    const ids = await sealedIds();
    const victim = ids[ids.length - 3]!;
    await asAttacker(() => sql`delete from audit_event where id = ${victim}`.execute(database.db));
    const r = await verifyChain(database.db);
    expect(r.ok).toBe(false);
    expect(r.firstBadEventId).toBe(ids[ids.length - 2]);
    expect(r.reason).toContain('删除');
  });

  it('detects the last row deleted (the block remembers the head)', async () => {
    await append(3, 'd');
    await sealAll(database.db, clock);
    const ids = await sealedIds();
    await asAttacker(() =>
      sql`delete from audit_event where id = ${ids[ids.length - 1]!}`.execute(database.db),
    );
    const r = await verifyChain(database.db);
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('链尾');
  });

  it('detects two rows swapped in order', async () => {
    await append(4, 'e');
    await sealAll(database.db, clock);
    const rows = await database.db
      .selectFrom('audit_event')
      .select(['id', 'seq'])
      .where('seq', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(2)
      .execute();
    const [later, earlier] = rows as [{ id: number; seq: number }, { id: number; seq: number }];
    await asAttacker(async () => {
      await sql`update audit_event set seq = -1 where id = ${earlier.id}`.execute(database.db);
      await sql`update audit_event set seq = ${earlier.seq} where id = ${later.id}`.execute(database.db);
      await sql`update audit_event set seq = ${later.seq} where id = ${earlier.id}`.execute(database.db);
    });
    const r = await verifyChain(database.db);
    expect(r.ok).toBe(false);
    expect(r.firstBadEventId).toBe(Number(later.id));
  });

  itOnPostgres('stays intact when events are appended concurrently with sealing', async () => {
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 25; i++) {
          await database.db.transaction().execute(async (trx) => {
            await recordAudit(trx, actor, { action: `w${w}.${i}` }, clock.now());
          });
        }
      })(),
    );
    let sealing = true;
    const sealer = (async () => {
      while (sealing) await sealOnce(database.db, clock, 17);
    })();
    await Promise.all(writers);
    sealing = false;
    await sealer;
    await sealAll(database.db, clock);
    const r = await verifyChain(database.db);
    expect(r.ok).toBe(true);
    const total = await database.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(r.sealed).toBe(Number(total.n));
  });
});

describe('the background sealer', () => {
  it('chains new events by itself, off the request path, and stops cleanly', async () => {
    await sealAll(database.db, clock);
    const errors: unknown[] = [];
    const sealer = startSealer(database.db, clock, {
      intervalMs: 20,
      batchSize: 50,
      onError: (e) => errors.push(e),
    });
    await append(120, 'bg');
    let r = await verifyChain(database.db);
    for (let i = 0; i < 100 && r.unsealed > 0; i++) {
      await new Promise((res) => setTimeout(res, 20));
      r = await verifyChain(database.db);
    }
    await sealer.stop();
    expect(errors).toEqual([]);
    expect(r).toMatchObject({ ok: true, unsealed: 0 });
  });
});

describe('npm run cli -- audit seal / audit verify', () => {
  // In-process on this file's database: no tsx start-up, and no PGlite cluster created on disk per command
  // (each cost seconds, tens of them on a busy 2-core machine). The CLI still migrates, seals and verifies.
  const open = async () => ({ ...database, close: async () => {} });
  const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yunyi-cli-')), YUNYI_DEMO: '1' };

  it('exits 0 with the count when intact, non-zero naming the first bad event when altered', async () => {
    const lines: string[] = [];
    const out = {
      log: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    } as unknown as Console;
    await sealAll(database.db, clock);
    await append(5, 'cli');
    expect(await runCli(['audit', 'seal'], env, out, open)).toBe(0);
    expect(lines.at(-1)).toBe('sealed 5 events');
    expect(await runCli(['audit', 'verify'], env, out, open)).toBe(0);
    expect(lines.at(-1)).toMatch(/intact: [1-9]\d* events/);

    const row = await database.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'cli.2')
      .executeTakeFirstOrThrow();
    await asAttacker(() =>
      sql`update audit_event set actor_role = 'regulator' where id = ${row.id}`.execute(database.db),
    );
    expect(await runCli(['audit', 'verify'], env, out, open)).toBe(1);
    expect(lines.at(-1)).toContain(`event ${row.id}`);
  });
});
