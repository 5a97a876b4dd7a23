import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/platform/audit/audit.js';
import { runCommand } from '../../src/server/platform/command.js';
import { loadConfig } from '../../src/server/platform/config.js';
import type { Database } from '../../src/server/platform/db/database.js';
import { consumerName, streamName } from '../../src/server/platform/nats.js';
import type { Subscriber } from '../../src/server/platform/outbox.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { freshDatabase } from '../support/db.js';
import { NATS_URL, requireService, until } from './services.js';

/**
 * The outbox over NATS JetStream ([9/12] item 4; docs/operations.md "Events (NATS JetStream)"): API nodes on
 * one PostgreSQL database, each with NATS_URL. The leader relays outbox rows to `<prefix>.<topic>`; every
 * subscriber is a durable consumer the nodes share. An effect table with no unique key of its own counts
 * what the subscribers did, so an event handled twice shows as two rows.
 */

let database: Database;
let databaseUrl: string;

beforeAll(async () => {
  await requireService('NATS', NATS_URL);
  database = await freshDatabase(); // on PostgreSQL: services.ts sets TEST_DATABASE_URL for this tier
  const name = await sql<{ db: string }>`select current_database() as db`.execute(database.db);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name.rows[0]!.db}`;
  databaseUrl = url.toString();
  await sql`create table test_effect (event_id uuid not null, node text not null, n integer not null)`.execute(
    database.db,
  );
});
afterAll(async () => {
  await database?.close();
});

/** A node as `npm start` builds it (server.ts), without HTTP, on this file's database and its own prefix. */
async function startNode(node: string, natsUrl: string, prefix: string): Promise<RunningServer> {
  const config = loadConfig({
    YUNYI_DEMO: '0',
    YUNYI_FIELD_KEY: '00112233445566778899aabbccddeeff',
    YUNYI_INDEX_KEY: 'ab'.repeat(32),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yunyi-outbox-nats-')),
    LOG_LEVEL: 'fatal',
    DATABASE_URL: databaseUrl, // the leader's lock connection; the pool is the shared `database`
    NATS_URL: natsUrl,
    YUNYI_NATS_PREFIX: prefix,
    YUNYI_NODE_ID: node,
    OUTBOX_INTERVAL_MS: '100',
    JOB_INTERVAL_MS: '100',
    AUDIT_SEAL_INTERVAL_MS: '100',
  });
  return startServer(config, { database, listen: false });
}

/** A subscriber that writes one effect row per delivery it commits (and may fail first). */
function effectWriter(node: string, fail?: (eventId: string) => boolean): Subscriber<{ n: number }> {
  return async (event, cmd) => {
    await sql`insert into test_effect (event_id, node, n) values (${event.id}, ${node}, ${event.payload.n})`.execute(
      cmd.trx,
    );
    if (fail?.(event.id)) throw new Error('subscriber down this time');
  };
}

const emit = (s: RunningServer, topic: string, n: number) =>
  runCommand(s.ctx, systemActor, (cmd) => cmd.emit(topic, { n }));

/** Effect rows per event of these ids. */
async function effects(ids: string[]): Promise<Map<string, number>> {
  const r = await sql<{ event_id: string; c: number }>`
    select event_id, count(*)::int as c from test_effect where event_id = any(${ids}::uuid[]) group by event_id`.execute(
    database.db,
  );
  return new Map(r.rows.map((x) => [x.event_id, x.c]));
}

async function allHandledOnce(ids: string[]): Promise<boolean> {
  const m = await effects(ids);
  return ids.every((id) => m.get(id) === 1);
}

/** Waits until a topic's consumer exists: a subscriber registered at run time gets what is relayed after. */
async function consumerReady(natsUrl: string, prefix: string, subscriber: string, topic: string) {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await until(`consumer ${subscriber}`, async () =>
      jsm.consumers
        .info(streamName(prefix), consumerName(subscriber, topic))
        .then(() => true)
        .catch(() => false),
    );
  } finally {
    await nc.close();
  }
}

async function deleteStream(natsUrl: string, prefix: string) {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(streamName(prefix)).catch(() => {});
  } finally {
    await nc.close();
  }
}

async function metric(s: RunningServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = s.ctx.metrics.registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  const values = (await m.get()).values;
  const v = values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}
const isLeader = async (s: RunningServer) => (await metric(s, 'yunyi_leader')) === 1;

describe('two nodes on the shared NATS', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let a: RunningServer;
  let b: RunningServer;
  let leader: RunningServer;
  let follower: RunningServer;

  beforeAll(async () => {
    a = await startNode('node-a', NATS_URL, prefix);
    b = await startNode('node-b', NATS_URL, prefix);
    for (const [s, node] of [
      [a, 'a'],
      [b, 'b'],
    ] as const)
      s.ctx.outbox.subscribe('test.ping', 'test.ping-writer', effectWriter(node));
    await consumerReady(NATS_URL, prefix, 'test.ping-writer', 'test.ping');
    await until('a leader', async () => (await isLeader(a)) || (await isLeader(b)));
    [leader, follower] = (await isLeader(a)) ? [a, b] : [b, a];
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteStream(NATS_URL, prefix);
  });

  it('only the leader runs the background jobs and the audit sealer', async () => {
    await until(
      'the leader ran the jobs three times',
      async () => (await metric(leader, 'yunyi_leader_task_runs_total', { task: 'jobs' })) >= 3,
    );
    await until(
      'the leader ran the sealer three times',
      async () => (await metric(leader, 'yunyi_leader_task_runs_total', { task: 'audit-sealer' })) >= 3,
    );
    expect(await isLeader(follower)).toBe(false);
    expect(await metric(follower, 'yunyi_leader_task_runs_total', { task: 'jobs' })).toBe(0);
    expect(await metric(follower, 'yunyi_leader_task_runs_total', { task: 'audit-sealer' })).toBe(0);
  });

  it('an event emitted on either node is handled once though both nodes consume', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push(await emit(n % 2 === 0 ? a : b, 'test.ping', n));
    await until('40 events handled', () => allHandledOnce(ids));
    const rows = await database.db
      .selectFrom('outbox')
      .select(['id', 'relayed_at', 'delivered_at'])
      .where('id', 'in', ids)
      .execute();
    // Relayed, and delivered (every subscriber of the topic has its receipt).
    await until('delivered_at set', async () => {
      const r = await database.db
        .selectFrom('outbox')
        .select('id')
        .where('id', 'in', ids)
        .where('delivered_at', 'is', null)
        .execute();
      return r.length === 0;
    });
    expect(rows.every((r) => r.relayed_at !== null)).toBe(true);
    const receipts = await database.db
      .selectFrom('outbox_receipt')
      .select(['event_id'])
      .where('event_id', 'in', ids)
      .where('subscriber', '=', 'test.ping-writer')
      .execute();
    expect(receipts).toHaveLength(40);
    expect([...(await effects(ids)).values()].every((c) => c === 1)).toBe(true);
  });

  it('an event marked relayed long ago and never delivered (lost with a NATS store) is relayed again, once', async () => {
    const id = uuidv7();
    const longAgo = new Date(Date.now() - 20 * 60_000);
    await database.db
      .insertInto('outbox')
      .values({
        id,
        topic: 'test.ping',
        payload: JSON.stringify({ n: 4242 }),
        created_at: longAgo,
        available_at: longAgo,
        relayed_at: longAgo,
      })
      .execute();
    await until('the lost event handled', () => allHandledOnce([id]));
    await new Promise((r) => setTimeout(r, 500));
    expect((await effects([id])).get(id)).toBe(1);
  });

  it('while the relay is held, the lag metrics count what waits; then it drains to zero', async () => {
    a.ctx.outbox.paused = true;
    b.ctx.outbox.paused = true;
    const ids: string[] = [];
    try {
      for (let n = 0; n < 3; n++) ids.push(await emit(follower, 'test.ping', 100 + n));
      expect(await metric(follower, 'yunyi_outbox_pending')).toBe(3);
      expect(await metric(leader, 'yunyi_outbox_pending')).toBe(3);
      expect(await metric(leader, 'yunyi_outbox_lag_seconds')).toBeGreaterThan(0);
    } finally {
      a.ctx.outbox.paused = false;
      b.ctx.outbox.paused = false;
    }
    await until('relayed after the pause', async () => (await metric(leader, 'yunyi_outbox_pending')) === 0);
    await until('handled after the pause', () => allHandledOnce(ids));
    expect(await metric(leader, 'yunyi_outbox_lag_seconds')).toBe(0);
  });

  it('a failing subscriber is redelivered later, and its effect happens once', async () => {
    const failedOnce = new Set<string>();
    const attempts: number[] = [];
    for (const [s, node] of [
      [a, 'a'],
      [b, 'b'],
    ] as const)
      s.ctx.outbox.subscribe<{ n: number }>('test.flaky', 'test.flaky-writer', async (event, cmd) => {
        attempts.push(event.attempts);
        // The first delivery of each event fails, after writing its effect: the failure rolls it back.
        await effectWriter(node, (id) => {
          if (failedOnce.has(id)) return false;
          failedOnce.add(id);
          return true;
        })(event, cmd);
      });
    await consumerReady(NATS_URL, prefix, 'test.flaky-writer', 'test.flaky');
    const ids = [await emit(a, 'test.flaky', 1), await emit(b, 'test.flaky', 2)];
    await until('the first deliveries failed', async () => failedOnce.size === 2);
    await until('both recorded their failure', async () => {
      const r = await database.db.selectFrom('outbox').select('last_error').where('id', 'in', ids).execute();
      return r.every((x) => x.last_error === 'subscriber down this time');
    });
    await until('redelivered after the backoff and handled', () => allHandledOnce(ids));
    expect(attempts.sort()).toEqual([1, 1, 2, 2]); // JetStream's delivery count: second time lucky
    await until('delivered_at set and the error cleared', async () => {
      const r = await database.db
        .selectFrom('outbox')
        .select(['delivered_at', 'last_error'])
        .where('id', 'in', ids)
        .execute();
      return r.every((x) => x.delivered_at !== null && x.last_error === null);
    });
  });

  it('the relay leader goes away mid-stream: the other node takes over, nothing lost or doubled', async () => {
    const ids: string[] = [];
    let closing: Promise<void> | null = null;
    for (let n = 0; n < 60; n++) {
      ids.push(await emit(follower, 'test.ping', 1000 + n));
      if (n === 20) closing = leader.close(); // while the follower keeps emitting
      if (n % 10 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    await closing;
    await until('the follower leads', () => isLeader(follower));
    await until('60 events handled', () => allHandledOnce(ids));
    const jobsBefore = await metric(follower, 'yunyi_leader_task_runs_total', { task: 'jobs' });
    await until(
      'the new leader runs the jobs',
      async () => (await metric(follower, 'yunyi_leader_task_runs_total', { task: 'jobs' })) > jobsBefore,
    );
    // Quiet for a while longer: no late redelivery doubles anything.
    await new Promise((r) => setTimeout(r, 500));
    expect([...(await effects(ids)).values()].every((c) => c === 1)).toBe(true);
    expect((await effects(ids)).size).toBe(60);
  });
});

/** A nats-server of this test's own (never the machine's): JetStream on, its store in a temporary directory. */
async function ownJetStream() {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'yunyi-nats-js-'));
  const url = `nats://127.0.0.1:${port}`;
  const bin = process.env.NATS_SERVER_BIN || 'nats-server';
  let child: ChildProcess | null = null;
  const ready = async () => {
    // JetStream answers (not only the port): the client's first request would otherwise time out.
    await until(`nats-server on ${port}`, async () => {
      try {
        const nc = await connect({ servers: url, timeout: 500 });
        try {
          await (await jetstreamManager(nc)).getAccountInfo();
          return true;
        } finally {
          await nc.close();
        }
      } catch {
        return false;
      }
    });
  };
  const svc = {
    url,
    async start() {
      child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
      await ready();
    },
    /** As a crash: SIGKILL, no goodbye to the clients. */
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    async dispose() {
      await svc.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await svc.start();
  return svc;
}

describe('NATS restarts while events are emitted', () => {
  it('every event is relayed and handled once after NATS is back', async () => {
    const nats = await ownJetStream();
    const prefix = 'yunyi';
    const c = await startNode('node-c', nats.url, prefix);
    const d = await startNode('node-d', nats.url, prefix);
    try {
      for (const [s, node] of [
        [c, 'c'],
        [d, 'd'],
      ] as const)
        s.ctx.outbox.subscribe('test.restart', 'test.restart-writer', effectWriter(node));
      await consumerReady(nats.url, prefix, 'test.restart-writer', 'test.restart');
      const ids: string[] = [];
      for (let n = 0; n < 20; n++) ids.push(await emit(n % 2 ? c : d, 'test.restart', n));
      await nats.kill();
      // Commands still commit with NATS down: their events wait in the outbox.
      for (let n = 20; n < 40; n++) ids.push(await emit(n % 2 ? c : d, 'test.restart', n));
      await nats.start();
      for (let n = 40; n < 60; n++) ids.push(await emit(n % 2 ? c : d, 'test.restart', n));
      await until('60 events handled after the restart', () => allHandledOnce(ids), 60_000);
      await until('all relayed', async () => {
        const r = await database.db
          .selectFrom('outbox')
          .select('id')
          .where('id', 'in', ids)
          .where('relayed_at', 'is', null)
          .execute();
        return r.length === 0;
      });
      await new Promise((r) => setTimeout(r, 500));
      const m = await effects(ids);
      expect(m.size).toBe(60);
      expect([...m.values()].every((x) => x === 1)).toBe(true);
    } finally {
      await c.close();
      await d.close();
      await nats.dispose();
    }
  }, 120_000);
});
