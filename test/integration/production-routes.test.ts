/**
 * DJ-20: no debug or sample routes in production. The app built with demo mode off (production keys from
 * the environment) registers none of the simulators' routes (payment gateway cashier, insurance e-voucher
 * app) nor anything named demo, debug, test or sim; the generic callback routes refuse the simulated
 * providers. The same app in demo mode does register them (so the check looks at the right names).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

/** Every route as `METHOD /full/path`, read from Fastify's route tree (`printRoutes`). */
function routesOf(t: TestApp): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│├└─\s]*)(\S.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m?.[2]) continue;
    const depth = Math.floor(m[1]!.length / 4);
    stack.length = depth;
    stack[depth] = m[2];
    const path = stack.join('').replace(/\/{2,}/g, '/');
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      out.push(`${method} ${path}`);
  }
  return out.sort();
}

const DEBUG_OR_SAMPLE = /(^|[/_-])(sim|sim-gateway|demo|debug|test|sample|example|seed)([/_-]|$)/i;

let prod: TestApp;
let demo: TestApp;

beforeAll(async () => {
  prod = await createTestApp({ demo: false });
  demo = await createTestApp({ demo: true });
}, 60_000);

afterAll(async () => {
  await prod?.close();
  await demo?.close();
});

describe('DJ-20: production registers no simulator, demo or debug route', () => {
  it("DJ-20: the demo app has the simulators' routes, the production app none of them", () => {
    const inDemo = routesOf(demo).filter((r) => DEBUG_OR_SAMPLE.test(r.split(' ')[1]!));
    expect(inDemo).toEqual(
      expect.arrayContaining([
        'GET /sim-gateway/cashier/:prepayId',
        'POST /sim-gateway/cashier/:prepayId/confirm',
        'POST /api/v1/insurance/sim/vouchers',
      ]),
    );
    const all = routesOf(prod);
    expect(all.length).toBeGreaterThan(100);
    expect(all).toContain('POST /api/v1/auth/login');
    expect(all.filter((r) => DEBUG_OR_SAMPLE.test(r.split(' ')[1]!))).toEqual([]);
  });

  it('DJ-20: the generic provider callbacks refuse the simulated gateway and courier in production', async () => {
    const pay = await prod.request('POST', '/api/v1/payments/notify/sim', { body: { id: 'x' } });
    expect(pay.statusCode).toBeGreaterThanOrEqual(400);
    expect(pay.statusCode).toBeLessThan(500);
    const courier = await prod.request('POST', '/api/v1/courier/sim/callbacks', { body: { id: 'x' } });
    expect(courier.statusCode).toBeGreaterThanOrEqual(400);
    expect(courier.statusCode).toBeLessThan(500);
    expect(prod.sim).toBeNull();
    expect(prod.rx.simCourier ?? null).toBeNull();
  });

  it('DJ-20: an SMS code is never echoed in production (devCode is demo only)', async () => {
    const res = await prod.request('POST', '/api/v1/auth/otp', { body: { phone: '13800000009' } });
    expect(res.statusCode).toBeLessThan(500);
    expect(res.body).not.toContain('devCode');
  });
});
