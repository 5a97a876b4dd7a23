import { describe, expect, it } from 'vitest';
import type { FulfilmentView, TimelineEntry } from '../../../shared/prescriptions.js';
import { progressSteps } from './progress.js';

type Progress = Pick<FulfilmentView, 'method' | 'status' | 'timeline'>;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 2, minute)).toISOString();
const entry = (kind: string, minute: number): TimelineEntry => ({
  at: at(minute),
  kind,
  text: kind,
  textEn: kind,
});
const summary = (steps: ReturnType<typeof progressSteps>) =>
  steps.map((s) => `${s.entry?.kind ?? s.stage}:${s.state}`);

describe('progressSteps', () => {
  it('draws a delivery on its way: what happened, the last step in progress, the stages ahead waiting', () => {
    const f: Progress = {
      method: 'delivery',
      status: 'shipping',
      // Out of order on purpose: the steps are drawn by time.
      timeline: [entry('paid', 2), entry('chosen', 1), entry('shipped', 4), entry('dispensed', 3)],
    };
    expect(summary(progressSteps(f))).toEqual([
      'chosen:finish',
      'paid:finish',
      'dispensed:finish',
      'shipped:process',
      'in_transit:wait',
      'delivered:wait',
      'received:wait',
    ]);
  });

  it('takes a courier pick-up (picked_up) on a delivery as 已揽收, and in_transit as the stage reached', () => {
    const f: Progress = {
      method: 'delivery',
      status: 'shipping',
      timeline: [
        entry('chosen', 1),
        entry('paid', 2),
        entry('dispensed', 3),
        entry('picked_up', 4),
        entry('in_transit', 5),
      ],
    };
    expect(summary(progressSteps(f)).slice(-3)).toEqual([
      'in_transit:process',
      'delivered:wait',
      'received:wait',
    ]);
  });

  it('has nothing ahead once received, and every step finished', () => {
    const f: Progress = {
      method: 'delivery',
      status: 'received',
      timeline: ['chosen', 'paid', 'dispensed', 'shipped', 'in_transit', 'delivered', 'received'].map(
        (k, i) => entry(k, i),
      ),
    };
    const steps = progressSteps(f);
    expect(steps).toHaveLength(7);
    expect(steps.every((s) => s.state === 'finish')).toBe(true);
  });

  it('marks a failed delivery as an error and waits for the pharmacy (nothing ahead)', () => {
    const f: Progress = {
      method: 'delivery',
      status: 'returned',
      timeline: [
        entry('chosen', 1),
        entry('paid', 2),
        entry('dispensed', 3),
        entry('shipped', 4),
        entry('returned', 6),
      ],
    };
    expect(summary(progressSteps(f)).slice(-2)).toEqual(['shipped:finish', 'returned:error']);
  });

  it('draws a pick-up in three stages, from the status alone when the timeline is empty', () => {
    expect(summary(progressSteps({ method: 'pickup', status: 'paid', timeline: [] }))).toEqual([
      'ordered:finish',
      'paid:process',
      'picked_up:wait',
    ]);
    expect(summary(progressSteps({ method: 'pickup', status: 'awaiting_payment', timeline: [] }))).toEqual([
      'ordered:process',
      'paid:wait',
      'picked_up:wait',
    ]);
  });

  it('ends a cancelled order at its cancellation, with the refund after it', () => {
    const f: Progress = {
      method: 'pickup',
      status: 'cancelled',
      timeline: [entry('chosen', 1), entry('paid', 2), entry('cancelled', 3), entry('refunded', 4)],
    };
    expect(summary(progressSteps(f))).toEqual([
      'chosen:finish',
      'paid:finish',
      'cancelled:error',
      'refunded:finish',
    ]);
  });
});
