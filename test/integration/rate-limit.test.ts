import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/platform/config.js';
import { createTestApp, type TestApp } from '../support/app.js';

// DJ-17, DJ-18: login and SMS routes are rate limited per client IP, and answer as problem+json.
let t: TestApp;
beforeAll(async () => {
  const base = loadConfig({ YUNYI_DEMO: '1' });
  t = await createTestApp({ config: { auth: { ...base.auth, ipRateLimitPerMinute: 3 } } });
});
afterAll(async () => t.close());

describe('per-IP rate limit on the auth routes', () => {
  it('refuses the 4th login in a minute from one IP with 429 RATE_LIMITED, other IPs unaffected', async () => {
    const attempt = (ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { phone: '13812345678', password: 'x' },
      });
    for (let i = 0; i < 3; i++) expect((await attempt('10.0.0.1')).statusCode).toBe(401);
    const limited = await attempt('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect((await attempt('10.0.0.2')).statusCode).toBe(401);
  });
});
