/**
 * [9/12] `/readyz`, `/metrics` and the drain of a node on SIGTERM (docs/operations.md "Health, metrics and
 * draining"). The drain runs on a real listening server (startServer) on the test's database: a request
 * in flight finishes, an open visit socket is closed with 1012 (service restart), and `/readyz` answers
 * 503 while the listener still listens — before it is closed.
 */
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Readiness } from '../../src/server/platform/health.js';
import { isPrivateAddress, metricsAllowed } from '../../src/server/platform/health.routes.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { SERVICE_RESTART_CLOSE, SERVICE_RESTART_REASON } from '../../src/shared/visits.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ seed: true });
}, 120_000);
afterAll(async () => t?.close());

describe('/healthz and /readyz', () => {
  it('/healthz is liveness only; /readyz checks the database and answers ready', async () => {
    expect((await t.request('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.request('GET', '/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.headers['cache-control']).toBe('no-store');
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('a failing check (Redis away) is 503 NOT_READY problem+json naming it, in English when asked', async () => {
    const remove = t.ctx.readiness.add('redis', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    });
    try {
      const res = await t.request('GET', '/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        code: 'NOT_READY',
        title: '服务暂未就绪',
        draining: false,
        failed: ['redis'],
        checks: { database: 'ok', redis: 'failed' },
      });
      const en = await t.request('GET', '/readyz', { headers: { 'accept-language': 'en-US' } });
      expect(en.json()).toMatchObject({ code: 'NOT_READY', title: 'Not ready' });
    } finally {
      remove();
    }
    expect((await t.request('GET', '/readyz')).statusCode).toBe(200);
  });

  it('a check that hangs is a timeout, not a hung probe; draining is never ready', async () => {
    const r = new Readiness();
    r.add('nats', () => new Promise(() => {}));
    r.add('database', async () => 1);
    expect(await r.check(20)).toEqual({
      ready: false,
      draining: false,
      checks: { nats: 'timeout', database: 'ok' },
    });
    const plain = new Readiness();
    plain.add('database', async () => 1);
    let told = 0;
    plain.onDrain(() => {
      told += 1;
    });
    await plain.drain();
    await plain.drain();
    expect(told).toBe(1);
    expect(await plain.check()).toMatchObject({ ready: false, draining: true, checks: { database: 'ok' } });
  });
});

describe('/metrics', () => {
  it('Prometheus text: requests by route pattern (never the id), latency histogram, sockets, process', async () => {
    const patientOrder = '0190f0c2-0000-7000-8000-00000000dead';
    await t.request('GET', `/api/v1/orders/${patientOrder}`); // 401: counted under its pattern
    await t.request('GET', `/api/v1/no/such/${patientOrder}`); // 404 of no route: "unmatched"
    const res = await t.request('GET', '/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).not.toContain(patientOrder);
    expect(text).toMatch(
      /yunyi_http_requests_total\{route="\/api\/v1\/orders\/:id",method="GET",status="4xx",node="[^"]+"\} 1/,
    );
    expect(text).toMatch(/yunyi_http_requests_total\{route="unmatched",method="GET",status="4xx"/);
    expect(text).toMatch(
      /yunyi_http_request_duration_seconds_bucket\{le="0.005",route="\/readyz"|yunyi_http_request_duration_seconds_bucket\{[^}]*route="\/readyz"/,
    );
    expect(text).toContain('# TYPE yunyi_http_request_duration_seconds histogram');
    expect(text).toMatch(/yunyi_ws_open_sockets\{node="[^"]+"\} 0/);
    expect(text).toContain('yunyi_process_process_cpu_user_seconds_total');
    expect(text).toContain('yunyi_process_nodejs_eventloop_lag_seconds');
  });

  it('is refused (403) through a proxy or from a public address, unless the token is given', async () => {
    const proxied = await t.request('GET', '/metrics', { headers: { 'x-forwarded-for': '10.0.0.9' } });
    expect(proxied.statusCode).toBe(403);
    expect(proxied.json().code).toBe('FORBIDDEN');
    const outside = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' });
    expect(outside.statusCode).toBe(403);
    const req = (headers: Record<string, string>, remoteAddress: string) =>
      ({ headers, socket: { remoteAddress } }) as unknown as FastifyRequest;
    expect(metricsAllowed(req({ authorization: 'Bearer s3cret-token' }, '203.0.113.7'), 's3cret-token')).toBe(
      true,
    );
    expect(metricsAllowed(req({ authorization: 'Bearer wrong-token!' }, '203.0.113.7'), 's3cret-token')).toBe(
      false,
    );
    expect(metricsAllowed(req({}, '::ffff:192.168.1.20'), null)).toBe(true);
    expect(metricsAllowed(req({ forwarded: 'for=1.2.3.4' }, '127.0.0.1'), null)).toBe(false);
    expect(
      ['127.0.0.1', '::1', '10.1.2.3', '172.16.0.1', '172.31.255.255', 'fd00::1'].map(isPrivateAddress),
    ).toEqual([true, true, true, true, true, true]);
    expect(['172.32.0.1', '8.8.8.8', '2001:db8::1', 'x', undefined].map(isPrivateAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('drain on SIGTERM (RunningServer.close)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(
      { ...t.ctx.config, port: 0, host: '127.0.0.1', demo: false },
      { database: t.database, clock: t.clock },
    );
  }, 60_000);
  afterAll(async () => server?.close());

  it('readyz 503 while still listening, then the listener closes; the request in flight completes; the socket gets 1012', async () => {
    const token = await t.login('13800000001');
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${token}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closedWith = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );

    // A slow request: the directory is locked until the test lets go (on PGlite the whole connection is).
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = t.database.db.transaction().execute(async (trx) => {
      await sql`lock table institution in access exclusive mode`.execute(trx);
      locked();
      await gate;
    });
    await isLocked;
    const arrived = new Promise<void>((r) => server.app.server.once('request', () => r()));
    const slow = fetch(`${server.url}/api/v1/institutions`);
    await arrived;

    // What the node says at the moment it starts draining, before the listener closes.
    let atDrain: { listening: boolean; readyz: number; draining: boolean } | undefined;
    server.ctx.readiness.onDrain(async () => {
      const listening = server.app.server.listening;
      const readyz = await server.app.inject({ method: 'GET', url: '/readyz' });
      atDrain = { listening, readyz: readyz.statusCode, draining: readyz.json().draining };
    });

    const closing = server.close();
    expect(await closedWith).toEqual({ code: SERVICE_RESTART_CLOSE, reason: SERVICE_RESTART_REASON });
    await vi.waitFor(() => expect(server.app.server.listening).toBe(false), { timeout: 10_000 });
    expect(atDrain).toEqual({ listening: true, readyz: 503, draining: true });
    // Stopped accepting: a new connection is refused while the request in flight still waits.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    release();
    await holder;
    const answered = await slow;
    expect(answered.status).toBe(200);
    await closing;
  });
});
