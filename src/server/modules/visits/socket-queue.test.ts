import { describe, expect, it } from 'vitest';
import { FrameQueue, type QueueLimits } from './socket-queue.js';

/** Lets pending promises and the queue's yield to the event loop run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

const LIMITS: QueueLimits = {
  pauseFrames: 5,
  pauseBytes: 1000,
  resumeFrames: 2,
  maxFrames: 20,
  maxBytes: 4000,
};

/** A queue over a fake socket that records pause, resume and cut-off, whose tasks finish when told. */
function harness(limits = LIMITS) {
  const events: string[] = [];
  const handled: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const gates: (() => void)[] = [];
  const queue = new FrameQueue(
    {
      pause: () => events.push('pause'),
      resume: () => events.push('resume'),
      overflow: () => events.push('overflow'),
      failed: (err) => events.push(`failed ${String(err)}`),
    },
    limits,
  );
  const push = (n: number, bytes = 10) =>
    queue.push(bytes, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => gates.push(r));
      handled.push(n);
      running--;
    });
  /** Lets the task that is running finish, and the next one start. */
  const step = async () => {
    gates.shift()?.();
    await settle();
  };
  return { queue, events, handled, push, step, maxRunning: () => maxRunning };
}

describe('FrameQueue (one socket’s frames)', () => {
  it('handles frames one at a time in arrival order, pausing the socket past the high-water mark and resuming once drained', async () => {
    const h = harness();
    for (let n = 0; n < 8; n++) expect(h.push(n)).toBe(true);
    // The first frame runs at once; 5 waiting is the high-water mark.
    expect(h.events).toEqual(['pause']);
    expect(h.queue.waiting).toBe(7);
    for (let i = 0; i < 4; i++) await h.step();
    expect(h.handled).toEqual([0, 1, 2, 3]);
    expect(h.events).toEqual(['pause']);
    await h.step(); // 2 left waiting: reading resumes
    expect(h.events).toEqual(['pause', 'resume']);
    while (h.queue.waiting > 0 || h.handled.length < 8) await h.step();
    expect(h.handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(h.maxRunning()).toBe(1);
    expect(h.queue.isPaused).toBe(false);
  });

  it('pauses on bytes as well as on frames', () => {
    const h = harness();
    h.push(0, 10);
    h.push(1, 600);
    expect(h.events).toEqual([]);
    h.push(2, 600);
    expect(h.events).toEqual(['pause']);
  });

  it('cuts off a client that goes on sending past the hard bound, and takes nothing more from it', async () => {
    const h = harness();
    // The transport keeps delivering what it had read before the pause took effect.
    let accepted = 0;
    for (let n = 0; n < 30; n++) if (h.push(n)) accepted++;
    expect(accepted).toBe(21); // one running + 20 waiting
    expect(h.events).toEqual(['pause', 'overflow']);
    expect(h.queue.peak).toBe(20);
    await h.step();
    expect(h.push(99)).toBe(false);
    // What was accepted is still handled in order, and reading does not resume for a cut-off client.
    while (h.queue.waiting > 0) await h.step();
    await h.step();
    expect(h.handled).toEqual(Array.from({ length: 21 }, (_, n) => n));
    expect(h.events).toEqual(['pause', 'overflow']);
  });

  it('cuts off on bytes too: one socket never holds more than maxBytes of frames', () => {
    const h = harness();
    expect(h.push(0, 3000)).toBe(true); // running, no longer counted
    expect(h.push(1, 3000)).toBe(true);
    expect(h.push(2, 1500)).toBe(false);
    expect(h.events).toEqual(['pause', 'overflow']);
  });

  it('a task that throws is reported and the next frames still run', async () => {
    const events: string[] = [];
    const queue = new FrameQueue({
      pause: () => {},
      resume: () => {},
      overflow: () => {},
      failed: (err) => events.push(String(err)),
    });
    queue.push(1, async () => {
      throw new Error('boom');
    });
    queue.push(1, async () => {
      events.push('next');
    });
    await settle();
    expect(events).toEqual(['Error: boom', 'next']);
  });
});
