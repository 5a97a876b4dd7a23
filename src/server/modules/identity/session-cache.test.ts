import { describe, expect, it } from 'vitest';
import type { Bus, BusHandler } from '../../platform/bus.js';
import { type CachedSession, SESSIONS_REVOKED, SessionCache } from './session-cache.js';

/** A bus whose connection the test turns off and on, recording what is published. */
function flakyBus() {
  const status = new Set<(up: boolean) => void>();
  const subs: { subject: string; handler: BusHandler }[] = [];
  const published: unknown[] = [];
  const bus: Bus & { set(up: boolean): void } = {
    nodeId: 'n1',
    connected: true,
    onStatus(l) {
      status.add(l);
      return () => status.delete(l);
    },
    publish(subject, data) {
      published.push({ subject, data });
    },
    subscribe(subject, handler) {
      subs.push({ subject, handler: handler as BusHandler });
      return () => {};
    },
    async close() {},
    set(up) {
      (this as { connected: boolean }).connected = up;
      for (const l of status) l(up);
    },
  };
  return {
    bus,
    published,
    hear: (data: unknown) => subs[0]!.handler({ subject: SESSIONS_REVOKED, data, origin: 'n2' }),
  };
}

const entry = (sessionId: string, readAt: number): CachedSession => ({
  auth: {
    accountId: 'a1',
    sessionId,
    roles: ['patient'],
    institutionId: null,
    practitionerId: null,
    isStaff: false,
  },
  expiresAt: readAt + 3_600_000,
  lastSeenAt: readAt,
  readAt,
});

describe('the session cache and the bus ([9/12], DJ-4: a revoked session is refused on every node)', () => {
  it('drops a session another node revoked', () => {
    const { bus, hear } = flakyBus();
    const cache = new SessionCache(30_000, bus);
    cache.put('k1', entry('s1', 1000), cache.epoch);
    expect(cache.get('k1', 2000)).toBeDefined();
    hear({ sessionIds: ['s1'] });
    expect(cache.get('k1', 2000)).toBeUndefined();
  });

  it('trusts nothing while the bus is away (a revocation may be missed) and starts empty when it is back', () => {
    const { bus } = flakyBus();
    const cache = new SessionCache(30_000, bus);
    cache.put('k1', entry('s1', 1000), cache.epoch);
    bus.set(false);
    expect(cache.get('k1', 2000)).toBeUndefined();
    cache.put('k2', entry('s2', 2000), cache.epoch);
    expect(cache.get('k2', 2100)).toBeUndefined();
    bus.set(true);
    expect(cache.size).toBe(0);
    cache.put('k3', entry('s3', 3000), cache.epoch);
    expect(cache.get('k3', 3100)).toBeDefined();
  });

  it('announces a revocation made while the bus was away as soon as it is back', () => {
    const { bus, published } = flakyBus();
    const cache = new SessionCache(30_000, bus);
    bus.set(false);
    cache.announce({ sessionIds: ['s9'] });
    expect(published).toEqual([]);
    bus.set(true);
    expect(published).toEqual([{ subject: SESSIONS_REVOKED, data: { sessionIds: ['s9'] } }]);
  });
});
