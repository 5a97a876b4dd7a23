import { describe, expect, it } from 'vitest';
import type { PrescriptionSummary } from '../../../shared/prescriptions.js';
import { byWaitingOrder, nextToReview, waitedMinutes } from './review.js';

const rx = (id: string, signedAt: string | null, createdAt = '2026-11-24T00:00:00Z') =>
  ({ id, signedAt, createdAt }) as PrescriptionSummary;

describe('review queue (RX-10)', () => {
  const queue = [
    rx('b', '2026-11-24T02:10:00Z'),
    rx('a', '2026-11-24T01:05:00Z'),
    rx('c', '2026-11-24T03:00:00Z'),
  ];

  it('RX-10: oldest signature first', () => {
    expect(byWaitingOrder(queue).map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(byWaitingOrder([rx('x', null, '2026-11-24T00:30:00Z'), ...queue])[0]?.id).toBe('x');
  });

  it('opens the oldest still waiting after a decision, skipping what was decided already', () => {
    expect(nextToReview(queue, new Set(), 'a')?.id).toBe('b');
    expect(nextToReview(queue, new Set(['b']), 'a')?.id).toBe('c');
    expect(nextToReview(queue, new Set(['b', 'c']), 'a')).toBeUndefined();
  });

  it('counts whole minutes waited, never negative', () => {
    const now = new Date('2026-11-24T01:10:59Z');
    expect(waitedMinutes('2026-11-24T01:05:00Z', now)).toBe(5);
    expect(waitedMinutes('2026-11-24T01:12:00Z', now)).toBe(0);
  });
});
