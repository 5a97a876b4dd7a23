import { describe, expect, it } from 'vitest';
import { LocalBus, subjectMatches } from './bus.js';

describe('bus subjects', () => {
  it('match as NATS subjects do', () => {
    expect(subjectMatches('yunyi.hub.visit.>', 'yunyi.hub.visit.abc')).toBe(true);
    expect(subjectMatches('yunyi.hub.visit.>', 'yunyi.hub.visit')).toBe(false);
    expect(subjectMatches('yunyi.*.visit', 'yunyi.hub.visit')).toBe(true);
    expect(subjectMatches('yunyi.*.visit', 'yunyi.hub.visit.x')).toBe(false);
    expect(subjectMatches('a.b', 'a.c')).toBe(false);
  });

  it('delivers to every matching subscriber with the origin, until unsubscribed', async () => {
    const bus = new LocalBus('node-a');
    const got: string[] = [];
    const off = bus.subscribe<{ n: number }>('x.>', (m) => got.push(`${m.subject}:${m.data.n}:${m.origin}`));
    bus.subscribe('x.y', () => {
      throw new Error('a failing subscriber does not stop the others');
    });
    bus.publish('x.y', { n: 1 });
    bus.publish('z.y', { n: 2 });
    await Promise.resolve();
    off();
    bus.publish('x.y', { n: 3 });
    await Promise.resolve();
    expect(got).toEqual(['x.y:1:node-a']);
  });
});
