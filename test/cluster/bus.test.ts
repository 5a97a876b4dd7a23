/**
 * The bus between API nodes on the real engines ([9/12]): NatsBus (NATS core) and RedisBus (Redis
 * pub/sub). Two bus instances stand for two nodes: what one publishes reaches both, once each, stamped
 * with its origin; wildcards follow the NATS rules on both; bus subjects travel under `bus.`, never
 * `yunyi.` (the outbox's JetStream events); and an outage of the engine makes `publish` drop with a log
 * line instead of throwing, then messages flow again once it is back.
 */
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../../src/server/platform/bus.js';
import { loadConfig } from '../../src/server/platform/config.js';
import { NatsBus } from '../../src/server/platform/nats-bus.js';
import { openBus } from '../../src/server/platform/open-bus.js';
import { globOf, RedisBus } from '../../src/server/platform/redis-bus.js';
import { memoryLog, NATS_URL, ownNats, ownRedis, REDIS_URL, requireService, until } from './services.js';

type Opener = (url: string, nodeId: string, log?: ReturnType<typeof memoryLog>) => Promise<Bus>;

const engines: { name: 'NATS' | 'Redis'; url: string; open: Opener; own: typeof ownNats }[] = [
  {
    name: 'NATS',
    url: NATS_URL,
    open: (url, nodeId, log = memoryLog()) =>
      NatsBus.connect({ url, nodeId, log, prefix: `test-${process.pid}` }),
    own: ownNats,
  },
  {
    name: 'Redis',
    url: REDIS_URL,
    // A prefix per run, as YUNYI_REDIS_PREFIX gives each deployment its own channels.
    open: (url, nodeId, log = memoryLog()) =>
      RedisBus.connect({ url, nodeId, log, channelPrefix: `test-${process.pid}:` }),
    own: ownRedis,
  },
];

/** Records what a subscription hears. */
function recorder(bus: Bus, pattern: string) {
  const heard: BusMessage[] = [];
  const stop = bus.subscribe(pattern, (m) => heard.push(m));
  return { heard, stop };
}

/** Until a subscription is in effect on the server: publish a probe until the other side hears one. */
async function settled(from: Bus, to: Bus, topic: string) {
  const probe = `${topic}.probe`;
  const r = recorder(to, probe);
  await until(`${probe} reaches ${to.nodeId}`, () => {
    from.publish(probe, 'probe');
    return r.heard.length > 0;
  });
  r.stop();
}

describe.each(engines)('the bus on $name', ({ name, url, open, own }) => {
  let a: Bus;
  let b: Bus;
  beforeAll(async () => {
    await requireService(name, url);
    a = await open(url, `node-a-${randomUUID()}`);
    b = await open(url, `node-b-${randomUUID()}`);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('delivers what one node publishes to every node once, itself included, with the origin', async () => {
    const topic = `t${randomUUID().replaceAll('-', '')}`;
    const onA = recorder(a, `${topic}.>`);
    const onB = recorder(b, `${topic}.>`);
    await settled(a, b, topic);
    await settled(b, a, topic);
    onA.heard.length = 0;
    onB.heard.length = 0;
    a.publish(`${topic}.x`, { n: 1, text: '你好' });
    b.publish(`${topic}.y`, { n: 2 });
    a.publish(`${topic}.done`, null);
    b.publish(`${topic}.done`, null);
    const done = (h: BusMessage[]) => h.filter((m) => m.subject === `${topic}.done`).length === 2;
    await until('both nodes hear both ends', () => done(onA.heard) && done(onB.heard));
    for (const heard of [onA.heard, onB.heard]) {
      expect(heard.filter((m) => m.subject === `${topic}.x`)).toEqual([
        { subject: `${topic}.x`, data: { n: 1, text: '你好' }, origin: a.nodeId },
      ]);
      expect(heard.filter((m) => m.subject === `${topic}.y`)).toEqual([
        { subject: `${topic}.y`, data: { n: 2 }, origin: b.nodeId },
      ]);
    }
  });

  it('matches `*` one token and `>` the rest, and stops delivering after unsubscribe', async () => {
    const topic = `t${randomUUID().replaceAll('-', '')}`;
    const star = recorder(b, `${topic}.*.end`);
    const exact = recorder(b, `${topic}.one.end`);
    const gone = recorder(b, `${topic}.>`);
    await settled(a, b, topic);
    gone.stop();
    a.publish(`${topic}.one.end`, 1);
    a.publish(`${topic}.one.two.end`, 2); // not `*`: two tokens
    a.publish(`${topic}.two.end`, 3);
    await until('the last message arrives', () => star.heard.some((m) => m.data === 3));
    expect(star.heard.map((m) => m.data)).toEqual([1, 3]);
    expect(exact.heard.map((m) => m.data)).toEqual([1]);
    expect(gone.heard.filter((m) => m.subject !== `${topic}.probe`)).toEqual([]);
  });

  it('puts bus subjects under `bus.` on the wire, never under the events’ `yunyi.`', async () => {
    const topic = `t${randomUUID().replaceAll('-', '')}`;
    const wire: string[] = [];
    let stop: () => Promise<void>;
    if (name === 'NATS') {
      const nc = await connect({ servers: url });
      nc.subscribe('>', {
        callback: (_e, m) => {
          wire.push(m.subject);
        },
      });
      await nc.flush();
      stop = () => nc.close();
    } else {
      const r = new Redis(url);
      await r.psubscribe('*');
      r.on('pmessage', (_p: string, channel: string) => wire.push(channel));
      stop = async () => void r.disconnect();
    }
    await until('the watcher sees the bus', () => {
      a.publish(`${topic}.visit`, 'x');
      return wire.some((s) => s.includes(topic));
    });
    await stop();
    const ours = wire.filter((s) => s.includes(topic));
    // The deployment's prefix keeps two deployments on one NATS or Redis apart (YUNYI_NATS_PREFIX, YUNYI_REDIS_PREFIX).
    const expected =
      name === 'NATS' ? `bus.test-${process.pid}.${topic}.visit` : `test-${process.pid}:bus.${topic}.visit`;
    expect(ours.every((s) => s === expected)).toBe(true);
    expect(ours.some((s) => s.startsWith('yunyi.'))).toBe(false);
  });

  it(`drops without throwing while ${name} is away, says so, and flows again when it is back`, async () => {
    const service = await own();
    const log = memoryLog();
    const x = await open(service.url, `node-x-${randomUUID()}`, log);
    const y = await open(service.url, `node-y-${randomUUID()}`);
    try {
      const topic = `t${randomUUID().replaceAll('-', '')}`;
      const onY = recorder(y, `${topic}.>`);
      await settled(x, y, topic);
      await service.stop();
      await until('the bus notices the outage', () => log.said('connection lost'));
      expect(() => x.publish(`${topic}.lost`, 1)).not.toThrow();
      await until('the drop is logged', () => log.said('unreachable: bus messages are dropped'));
      expect((x as NatsBus | RedisBus).dropped).toBeGreaterThan(0);
      await service.start();
      // Subscriptions come back by themselves: the same recorder hears the next message.
      await until('messages flow again', () => {
        x.publish(`${topic}.back`, 2);
        return onY.heard.some((m) => m.subject === `${topic}.back`);
      });
      expect(onY.heard.some((m) => m.subject === `${topic}.lost`)).toBe(false);
      await until('the recovery is logged', () => log.said('reachable again'));
    } finally {
      await x.close();
      await y.close();
      await service.dispose();
    }
  });
});

describe('openBus', () => {
  const env = { YUNYI_DEMO: '1', YUNYI_NODE_ID: 'node-z' };
  it('chooses NATS when NATS_URL is set, Redis when only REDIS_URL is, and one process otherwise', async () => {
    await requireService('NATS', NATS_URL);
    await requireService('Redis', REDIS_URL);
    const both = await openBus(loadConfig({ ...env, NATS_URL, REDIS_URL }), memoryLog());
    const redis = await openBus(loadConfig({ ...env, REDIS_URL }), memoryLog());
    const local = await openBus(loadConfig(env), memoryLog());
    expect([both, redis, local].map((b) => b.constructor.name)).toEqual(['NatsBus', 'RedisBus', 'LocalBus']);
    expect(both.nodeId).toBe('node-z');
    await Promise.all([both.close(), redis.close(), local.close()]);
  });

  it('turns NATS wildcards into a Redis glob that escapes the glob’s own characters', () => {
    expect(globOf('p:bus.hub.visit.>')).toBe('p:bus.hub.visit.*');
    expect(globOf('p:bus.a.*.c')).toBe('p:bus.a.*.c');
    expect(globOf('p:bus.a?[b]')).toBe('p:bus.a\\?\\[b\\]');
  });
});
