/**
 * Counters several API nodes share ([9/12] item 5), two apps on one PostgreSQL database standing for two
 * nodes. DJ-17, DJ-18: the per-IP limit of the auth routes lives in Redis, so attempts on node A and on node
 * B count together; while Redis is away the limit fails open (a logged warning, never a 5xx) and it counts
 * again once Redis is back. DJ-3 (login lockout) and the OTP codes live in PostgreSQL (login_guard,
 * otp_code): failures on A lock the phone on B, and a code sent through A signs in through B, once.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/server/platform/config.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ownRedis, REDIS_URL, requireService, until } from './services.js';

const base = loadConfig({ YUNYI_DEMO: '1' });

/** Config of one node: its id, the deployment's Redis and prefix, and a small auth budget to reach. */
function nodeConfig(
  nodeId: string,
  redisUrl: string | null,
  redisPrefix: string,
  perMinute = 4,
): Partial<Config> {
  return {
    cluster: { ...base.cluster, nodeId, redisUrl, redisPrefix },
    auth: { ...base.auth, ipRateLimitPerMinute: perMinute },
  };
}

/** Two nodes on one database; node B does not seed again (it is the same deployment). */
async function twoNodes(
  redisUrl: string | null,
  redisPrefix: string,
  perMinute = 4,
): Promise<[TestApp, TestApp]> {
  const a = await createTestApp({
    seed: true,
    config: nodeConfig('node-a', redisUrl, redisPrefix, perMinute),
  });
  const b = await createTestApp({
    database: a.database,
    config: nodeConfig('node-b', redisUrl, redisPrefix, perMinute),
  });
  return [a, b];
}

/** A phone with no account, new each time: its failures never reach the per-phone lockout (DJ-3). */
const unknownPhone = () => `137${randomInt(10_000_000, 99_999_999)}`;

/** A login from `ip` with a wrong password: 401 while within budget, 429 RATE_LIMITED beyond it. */
const attempt = (node: TestApp, ip: string, phone = unknownPhone()) =>
  node.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: ip,
    payload: { phone, password: 'wrong-password' },
  });

/** An address of its own per test run: the counters of earlier runs in the same minute stay apart. */
const freshIp = () => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;

describe('the auth routes’ rate limit with REDIS_URL', () => {
  const prefix = `test-${randomUUID()}`;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    await requireService('Redis', REDIS_URL);
    [a, b] = await twoNodes(REDIS_URL, prefix);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('counts attempts on both nodes together: the 5th from one IP is refused on either node', async () => {
    const ip = freshIp();
    // Two on each node: within a budget of 4 either way.
    for (const node of [a, b, a, b]) expect((await attempt(node, ip)).statusCode).toBe(401);
    // Per-node counters would allow two more on each; shared ones allow none.
    for (const node of [a, b]) {
      const limited = await attempt(node, ip);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    }
    expect((await attempt(b, freshIp())).statusCode).toBe(401);
  });

  it('keeps the counters under the deployment’s prefix in Redis', async () => {
    const ip = freshIp();
    expect((await attempt(a, ip)).statusCode).toBe(401);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}:rl:*`);
      expect(keys.some((k) => k.endsWith(`-${ip}`) && k.includes('/api/v1/auth/login'))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});

describe('the rate limit while Redis is away', () => {
  let redis: Awaited<ReturnType<typeof ownRedis>>;
  let a: TestApp;
  beforeAll(async () => {
    redis = await ownRedis();
    a = await createTestApp({ config: nodeConfig('node-a', redis.url, `test-${randomUUID()}`, 2) });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await redis?.dispose();
  });

  it('fails open with a warning, never a 5xx, and counts again when Redis is back', async () => {
    const ip = freshIp();
    await redis.stop();
    // Over the budget of 2, yet every attempt is answered on its merits.
    for (let i = 0; i < 4; i++) expect((await attempt(a, ip)).statusCode).toBe(401);
    expect(a.logLines.some((l) => l.includes('rate limits are not enforced'))).toBe(true);

    await redis.start();
    await until('the limiter reconnects', () => a.logLines.some((l) => l.includes('rate limits enforced')));
    const again = freshIp();
    for (let i = 0; i < 2; i++) expect((await attempt(a, again)).statusCode).toBe(401);
    expect((await attempt(a, again)).statusCode).toBe(429);
  });
});

describe('OTP codes and the login lockout (PostgreSQL) across nodes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // No shared rate limit here: these counters are the database's (a budget large enough not to interfere).
    [a, b] = await twoNodes(null, 'unused', 1000);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('DJ-3: failures on node A and node B add up to one lock, which both nodes enforce', async () => {
    const phone = '13800000003'; // 王秀英, seeded
    expect(a.ctx.config.auth.maxFailures).toBe(5);
    // Per-node counters would stand at 3 and 2, under the limit of 5 on both nodes.
    for (const node of [a, a, a, b]) expect((await attempt(node, freshIp(), phone)).statusCode).toBe(401);
    const fifth = await attempt(b, freshIp(), phone);
    expect([401, 429]).toContain(fifth.statusCode);
    for (const node of [a, b]) {
      const right = await node.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: freshIp(),
        payload: { phone, password: 'Demo@2026' },
      });
      expect(right.statusCode).toBe(429);
      expect(right.json().code).toBe('LOGIN_LOCKED');
    }
  });

  it('a code sent through node A signs in through node B, once; a resend through B waits as on A', async () => {
    const phone = '13800000002'; // 李娜, seeded
    const sent = await a.request('POST', '/api/v1/auth/otp', { body: { phone } });
    expect(sent.statusCode).toBe(202);
    const code = sent.json().devCode as string;
    const tooSoon = await b.request('POST', '/api/v1/auth/otp', { body: { phone } });
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json().code).toBe('OTP_TOO_FREQUENT');
    const login = await b.request('POST', '/api/v1/auth/login', { body: { phone, otp: code } });
    expect(login.statusCode, login.body).toBe(200);
    const replay = await a.request('POST', '/api/v1/auth/login', { body: { phone, otp: code } });
    expect(replay.statusCode).toBe(401);
  });
});
