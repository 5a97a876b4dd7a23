/**
 * The fault tests' fixture (test/cluster/*.test.ts): a fresh PostgreSQL database, this file's own NATS and
 * Redis on free ports (a test stops and kills them: never the machine's shared ones), a cluster of API
 * nodes behind nginx (scripts/cluster/cluster.ts), and clients that behave as the product's do under
 * faults: a booking is retried with the same Idempotency-Key until it is answered, a message is resent with
 * the same clientId, a socket reconnects and resumes after the last message it saw.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { WebSocket } from 'ws';
import { type BenchPatient, makeBenchPatients } from '../../bench/booking-setup.js';
import {
  type Cluster,
  type ServiceHandle,
  startCluster,
  startNats,
  startRedis,
} from '../../scripts/cluster/cluster.js';
import { closeSessionCache } from '../../src/server/modules/identity/session-cache.js';
import { LocalBus } from '../../src/server/platform/bus.js';
import { systemClock } from '../../src/server/platform/clock.js';
import { loadConfig } from '../../src/server/platform/config.js';
import type { AppContext } from '../../src/server/platform/context.js';
import { FieldCipher } from '../../src/server/platform/crypto/fields.js';
import { openDatabase } from '../../src/server/platform/db/database.js';
import type { ServerFrame, VisitMessage } from '../../src/shared/visits.js';

const SERVER_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClusterFixture {
  cluster: Cluster;
  nats: ServiceHandle;
  redis: ServiceHandle;
  databaseUrl: string;
  /** A direct pool on the test database, for checking rows. */
  db: pg.Pool;
  close(): Promise<void>;
}

/** A fresh database, NATS, Redis and `nodes` API nodes behind nginx; `close()` removes them all. */
export async function startClusterFixture(name: string, nodes = 2): Promise<ClusterFixture> {
  const dbName = `yunyi_c_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const nats = await startNats();
  const redis = await startRedis();
  const logDir = path.resolve('test-results/cluster', `${name}-${dbName}`);
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      nodes,
      databaseUrl,
      natsUrl: nats.url,
      redisUrl: redis.url,
      logDir,
      // Faster passes of the background loops, so the outbox and the jobs are seen to recover in a test.
      env: { LOG_LEVEL: 'warn', OUTBOX_INTERVAL_MS: '500', YUNYI_DRAIN_MS: '5000' },
    });
  } catch (err) {
    await Promise.all([nats.remove(), redis.remove()]);
    await dropDatabase(dbName);
    throw err;
  }
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  return {
    cluster,
    nats,
    redis,
    databaseUrl,
    db,
    async close() {
      await db.end();
      await cluster.stop();
      await Promise.all([nats.remove(), redis.remove()]);
      await dropDatabase(dbName);
    },
  };
}

async function dropDatabase(dbName: string): Promise<void> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}

/**
 * What the setup helpers of the bench (bench/booking-setup.ts, bench/chat-setup.ts) need of an app, on the
 * cluster's database with the demo keys the nodes run with: database, clock, cipher, config, and the bus
 * the session cache listens to. Not a node: nothing here serves requests.
 */
export async function withContext<T>(databaseUrl: string, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, YUNYI_DEMO: '1' });
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  const ctx = {
    config,
    db: database.db,
    clock: systemClock,
    cipher: new FieldCipher(config.fieldKeys, config.currentFieldKeyId, config.blindIndexKey),
    bus: new LocalBus('cluster-test'),
  } as unknown as AppContext; // the bench's setup helpers and resolveSession read only these
  try {
    return await fn(ctx);
  } finally {
    closeSessionCache(ctx);
    await database.close();
  }
}

/** Real-name verified patients with sessions, as the bench makes them (bench/booking-setup.ts). */
export function makePatients(databaseUrl: string, count: number, offset = 0): Promise<BenchPatient[]> {
  return withContext(databaseUrl, (ctx) => makeBenchPatients(ctx, count, { sessions: true, offset }));
}

/** Which node answered (nginx's X-Yunyi-Upstream; after a retry by nginx, the last address tried). */
export function upstreamOf(header: string | string[] | null | undefined): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return null;
  return value.split(',').pop()!.trim();
}

/** The node index whose URL has this host:port. */
export function nodeIndexOf(cluster: Cluster, hostPort: string | null): number {
  return cluster.nodes.findIndex((n) => n.url === `http://${hostPort}`);
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A JSON request; a network error is status 0 (the connection to nginx itself failed). */
export async function request(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  try {
    const res = await fetch(new URL(path, base), {
      method,
      headers: {
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { raw: text.slice(0, 200) };
    }
    return { status: res.status, body, headers: res.headers };
  } catch (err) {
    return { status: 0, body: { error: String(err) }, headers: new Headers() };
  }
}

/** What a fault may answer: the killed node's 502, nginx's 503/504 while no node is left, no connection. */
export const isTransient = (status: number) =>
  status === 0 || status === 502 || status === 503 || status === 504;

/**
 * A request retried as the product's client does when the answer is lost: the same request (same
 * Idempotency-Key, same clientId) until a node answers. Every answer is kept, in order.
 */
export async function untilAnswered(send: () => Promise<Answer>, maxTries = 120): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < maxTries; i++) {
    const a = await send();
    answers.push(a);
    if (!isTransient(a.status)) return answers;
    await sleep(Math.min(50 * 2 ** i, 500));
  }
  return answers;
}

export interface BookingAttempt {
  patient: BenchPatient;
  scheduleId: string;
  key: string;
  answers: Answer[];
}

/** One booking attempt through the front: POST /appointments with an Idempotency-Key, retried until answered. */
export async function book(
  front: string,
  patient: BenchPatient,
  scheduleId: string,
): Promise<BookingAttempt> {
  const key = randomUUID();
  const answers = await untilAnswered(() =>
    request(front, 'POST', '/api/v1/appointments', {
      token: patient.token,
      body: { scheduleId },
      headers: { 'idempotency-key': key },
    }),
  );
  return { patient, scheduleId, key, answers };
}

/** The final answer of a retried request. */
export const finalOf = (a: { answers: Answer[] }) => a.answers[a.answers.length - 1]!;

/**
 * A visit socket through the front that reconnects when its node goes away and resumes after the last
 * message it saw (the web client's behaviour). Every message frame is kept as it arrived, duplicates
 * included, so a test can tell "exactly once" from "at least once".
 */
export class ResumingSocket {
  readonly messages: VisitMessage[] = [];
  /** The node (host:port) of each connection, in order. */
  readonly upstreams: (string | null)[] = [];
  lastId = 0;
  private ws: WebSocket | null = null;
  private closed = false;
  private onMessage: (() => void)[] = [];

  constructor(
    private readonly front: string,
    private readonly token: string,
    readonly visitId: string,
  ) {}

  /** Connects (retrying while nginx has no node to give) and resumes; resolves once `resumed` arrives. */
  async connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.open();
        return;
      } catch (err) {
        if (this.closed || attempt > 60) throw err;
        await sleep(250);
      }
    }
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.front.replace('http', 'ws')}/ws?token=${this.token}`);
      let resumed = false;
      ws.once('upgrade', (res) => this.upstreams.push(upstreamOf(res.headers['x-yunyi-upstream'])));
      ws.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as ServerFrame;
        if (f.type === 'message' && f.visitId === this.visitId) {
          this.messages.push(f.message);
          this.lastId = Math.max(this.lastId, f.message.id);
          for (const w of this.onMessage) w();
        } else if (f.type === 'resumed' && f.visitId === this.visitId && !resumed) {
          resumed = true;
          resolve();
        }
      });
      ws.once('open', () => {
        this.ws = ws;
        ws.send(JSON.stringify({ type: 'resume', visitId: this.visitId, after: this.lastId }));
      });
      ws.on('error', (err) => {
        if (!resumed) reject(err);
      });
      ws.once('close', () => {
        if (!resumed) reject(new Error('socket closed before resuming'));
        else if (!this.closed) void this.connect().catch(() => {});
      });
    });
  }

  /** The node of the current connection. */
  get upstream(): string | null {
    return this.upstreams[this.upstreams.length - 1] ?? null;
  }

  send(frame: unknown): void {
    this.ws?.send(JSON.stringify(frame));
  }

  /** Waits until every id in `ids` has arrived at least once (or fails after `ms`). */
  async waitForIds(ids: number[], ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const seen = new Set(this.messages.map((m) => m.id));
      const missing = ids.filter((id) => !seen.has(id));
      if (missing.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `socket never got messages ${missing.slice(0, 10).join(', ')} (of ${missing.length})`,
        );
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 200);
        this.onMessage.push(() => {
          clearTimeout(timer);
          r();
        });
      });
      this.onMessage = [];
    }
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}

/** Ids that arrived more than once. */
/**
 * A patient's and a doctor's resuming sockets through the front, on different nodes (nginx's round robin
 * alternates; the doctor reconnects until it lands elsewhere), so every message crosses nodes.
 */
export async function socketsOnTwoNodes(
  front: string,
  visitId: string,
  patientToken: string,
  doctorToken: string,
): Promise<{ p: ResumingSocket; d: ResumingSocket }> {
  const p = new ResumingSocket(front, patientToken, visitId);
  await p.connect();
  let d = new ResumingSocket(front, doctorToken, visitId);
  await d.connect();
  for (let i = 0; i < 10 && d.upstream === p.upstream; i++) {
    d.close();
    d = new ResumingSocket(front, doctorToken, visitId);
    await d.connect();
  }
  if (d.upstream === p.upstream) throw new Error(`both sockets stayed on ${p.upstream}`);
  return { p, d };
}

export function duplicates(messages: VisitMessage[]): number[] {
  const count = new Map<number, number>();
  for (const m of messages) count.set(m.id, (count.get(m.id) ?? 0) + 1);
  return [...count].filter(([, n]) => n > 1).map(([id]) => id);
}
