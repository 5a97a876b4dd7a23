import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { freshDatabase, itOnPostgres } from '../../../test/support/db.js';
import type { Database } from './db/database.js';
import { LEADER_LOCK_KEY, type Leadership, startLeaderElection } from './leader.js';

/**
 * Leader election ([9/12]): one node at a time holds the session advisory lock; a node that stops hands
 * over, and a node whose connection dies (a crash, a terminated backend) loses the lock with it.
 */
let database: Database;
let url: string;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  database = await freshDatabase();
  if (!process.env.TEST_DATABASE_URL) return;
  const r = await sql<{ db: string }>`select current_database() as db`.execute(database.db);
  const u = new URL(process.env.TEST_DATABASE_URL);
  u.pathname = `/${r.rows[0]!.db}`;
  url = u.toString();
});
afterAll(async () => {
  await database.close();
});

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const elect = (nodeId: string) => startLeaderElection({ databaseUrl: url, nodeId, intervalMs: 50, log });

describe('leader election on PostgreSQL', () => {
  itOnPostgres('one of two nodes leads; a stopped leader hands over to the other', async () => {
    const a = elect('a');
    await until('a leads', () => a.isLeader());
    const b = elect('b');
    let both = false;
    // Many of b's tries while a holds the lock: none succeeds.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      both ||= a.isLeader() && b.isLeader();
    }
    expect(both).toBe(false);
    expect(b.isLeader()).toBe(false);
    await a.stop();
    expect(a.isLeader()).toBe(false);
    await until('b leads', () => b.isLeader());
    await b.stop();
  });

  itOnPostgres('a leader whose connection dies loses the lock with it, and a node leads again', async () => {
    const changes: boolean[] = [];
    const a: Leadership = startLeaderElection({
      databaseUrl: url,
      nodeId: 'a',
      intervalMs: 50,
      log,
      onChange: (v) => changes.push(v),
    });
    await until('a leads', () => a.isLeader());
    const b = elect('b');
    // The crash, as PostgreSQL sees it: a's session ends (its backend is terminated).
    await sql`select pg_terminate_backend(pid) from pg_locks
               where locktype = 'advisory' and objid = ${LEADER_LOCK_KEY} and granted
                 and database = (select oid from pg_database where datname = current_database())`.execute(
      database.db,
    );
    // a notices at its next heartbeat; then whoever tries first takes the lock — b, or a on a new session.
    // Either proves the dead session's lock was released: a live one would refuse both.
    await until('a noticed', () => changes.length >= 2);
    expect(changes.slice(0, 2)).toEqual([true, false]);
    await until('one node leads again', () => a.isLeader() || b.isLeader());
    expect(a.isLeader() && b.isLeader()).toBe(false);
    await Promise.all([a.stop(), b.stop()]);
  });
});
