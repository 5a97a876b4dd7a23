import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableAccount } from '../../src/server/modules/identity/auth.service.js';
import { LocalBus } from '../../src/server/platform/bus.js';
import { createTestApp, type TestApp } from '../support/app.js';

// [9/12] The session cache (identity/session-cache.ts): two API nodes on one database and one bus. A node
// answers a known token from its cache; a logout or a disabled account on one node is refused on the
// other at once (DJ-4), because the revocation is announced on the bus, not waited out.
let a: TestApp;
let b: TestApp;
const bus = new LocalBus('shared');

beforeAll(async () => {
  a = await createTestApp({ seed: true, bus });
  b = await createTestApp({ database: a.database, bus, now: a.clock.now().toISOString() });
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const me = (t: TestApp, token: string) => t.request('GET', '/api/v1/me', { token });

describe('session cache across nodes', () => {
  it('a cached token is answered without the database; the cache lasts sessionCacheMs', async () => {
    const token = await a.login('13800000001');
    expect((await me(b, token)).statusCode).toBe(200);
    // Revoked behind the product's back (no announcement): node B still answers from its cache…
    await b.ctx.db
      .updateTable('auth_session')
      .set({ revoked_at: b.clock.now() })
      .where('revoked_at', 'is', null)
      .execute();
    expect((await me(b, token)).statusCode).toBe(200);
    // …until its copy is older than sessionCacheMs, when it reads the session again.
    b.clock.advance(b.ctx.config.cluster.sessionCacheMs);
    expect((await me(b, token)).statusCode).toBe(401);
  });

  it('logout on node A: the token is refused on node B at once', async () => {
    const token = await a.login('13800000002');
    expect((await me(b, token)).statusCode).toBe(200);
    expect((await me(a, token)).statusCode).toBe(200);
    expect((await a.request('POST', '/api/v1/auth/logout', { token })).statusCode).toBe(204);
    const replay = await me(b, token);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('UNAUTHENTICATED');
    expect((await me(a, token)).statusCode).toBe(401);
  });

  it('a disabled account is refused on every node at once, and cannot log in again', async () => {
    const token = await a.login('13800000003');
    const other = await b.login('13800000003');
    expect((await me(b, token)).statusCode).toBe(200);
    expect((await me(b, other)).statusCode).toBe(200);
    const account = (await me(a, token)).json().id as string;
    await disableAccount(
      a.ctx,
      account,
      { accountId: null, role: 'org_admin', ip: '127.0.0.1' },
      '测试：冒用',
    );
    expect((await me(b, token)).statusCode).toBe(401);
    expect((await me(b, other)).statusCode).toBe(401);
    expect((await me(a, other)).statusCode).toBe(401);
    const again = await b.request('POST', '/api/v1/auth/login', {
      body: { phone: '13800000003', password: 'Demo@2026' },
    });
    expect(again.json().code).toBe('ACCOUNT_DISABLED');
    const audit = await a.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'account.disable')
      .where('resource_id', '=', account)
      .execute();
    expect(audit).toHaveLength(1);
  });
});
