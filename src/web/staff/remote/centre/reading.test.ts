import { describe, expect, it } from 'vitest';
import type { DiagnosticRequestView } from '../../../../shared/remote.js';
import {
  asEcgMeasurements,
  byQueueOrder,
  ecgParts,
  heartRateConfirmed,
  isOverdue,
  minutesLeft,
  nextStep,
  normaliseBarcode,
  rejectable,
  stepDone,
  waitingMinutes,
  withLine,
} from './reading.js';

const req = (id: string, over: Partial<DiagnosticRequestView>) =>
  ({
    id,
    urgency: 'routine',
    createdAt: '2026-11-24T00:00:00Z',
    materialAt: null,
    signedAt: null,
    targetAt: null,
    waitingMinutes: null,
    overdue: false,
    ...over,
  }) as DiagnosticRequestView;

describe('reading queue (REMOTE-5 turnaround)', () => {
  const now = new Date('2026-11-24T03:00:00Z');

  it('REMOTE-5: urgent first, then the one waiting longest', () => {
    const queue = [
      req('a', { materialAt: '2026-11-24T01:00:00Z' }),
      req('b', { materialAt: '2026-11-24T02:30:00Z', urgency: 'urgent' }),
      req('c', { materialAt: '2026-11-24T00:30:00Z' }),
      req('d', { materialAt: '2026-11-24T02:00:00Z', urgency: 'urgent' }),
    ];
    expect(byQueueOrder(queue).map((r) => r.id)).toEqual(['d', 'b', 'c', 'a']);
  });

  it('REMOTE-5: counts the wait live from the material until signed, then keeps the turnaround', () => {
    const waiting = req('a', { materialAt: '2026-11-24T01:15:00Z', waitingMinutes: 10 });
    expect(waitingMinutes(waiting, now)).toBe(105);
    const signed = req('b', {
      materialAt: '2026-11-24T01:15:00Z',
      signedAt: '2026-11-24T02:00:00Z',
      waitingMinutes: 45,
    });
    expect(waitingMinutes(signed, now)).toBe(45);
    expect(waitingMinutes(req('c', {}), now)).toBeNull();
  });

  it('REMOTE-5: overdue once the target passes unsigned; minutes left before it', () => {
    const due = req('a', { targetAt: '2026-11-24T03:20:00Z' });
    expect(isOverdue(due, now)).toBe(false);
    expect(minutesLeft(due, now)).toBe(20);
    expect(isOverdue(due, new Date('2026-11-24T03:21:00Z'))).toBe(true);
    expect(minutesLeft(due, new Date('2026-11-24T03:21:00Z'))).toBeNull();
    const signedLate = req('b', {
      targetAt: '2026-11-24T01:00:00Z',
      signedAt: '2026-11-24T02:00:00Z',
      overdue: true,
    });
    expect(isOverdue(signedLate, now)).toBe(true);
    const signedOnTime = req('c', { targetAt: '2026-11-24T01:00:00Z', signedAt: '2026-11-24T00:50:00Z' });
    expect(isOverdue(signedOnTime, now)).toBe(false);
  });
});

describe('ECG measurements in the report (REMOTE-4, AI 辅助 confirmed by the doctor)', () => {
  it('lists what was measured, in report order, rounded, leaving out what was not', () => {
    expect(
      ecgParts({ heartRate: 71.6, prMs: 160, qrsMs: null, qtMs: 380.4, qtcMs: 410, rhythm: ' 窦性心律 ' }),
    ).toEqual([
      { key: 'hr', value: '72' },
      { key: 'pr', value: '160' },
      { key: 'qt', value: '380' },
      { key: 'qtc', value: '410' },
      { key: 'rhythm', value: '窦性心律' },
    ]);
  });

  it('puts the line first, and a re-confirmation replaces its own line, keeping what the doctor wrote', () => {
    const first = withLine('ST 段抬高', '心率 72 次/分。', null);
    expect(first).toBe('心率 72 次/分。\nST 段抬高');
    expect(withLine(first, '心率 75 次/分。', '心率 72 次/分。')).toBe('心率 75 次/分。\nST 段抬高');
    // The doctor deleted the generated line: the new one goes first again.
    expect(withLine('ST 段抬高', '心率 75 次/分。', '心率 72 次/分。')).toBe('心率 75 次/分。\nST 段抬高');
    expect(withLine('', '心率 75 次/分。', null)).toBe('心率 75 次/分。');
  });

  it('signing needs the heart rate confirmed (REPORT_INCOMPLETE otherwise)', () => {
    expect(heartRateConfirmed({ heartRate: 72, heartRateConfirmed: true })).toBe(true);
    expect(heartRateConfirmed({ heartRate: 72 })).toBe(false);
    // As suggested but not confirmed: still the machine's; corrected to another value: the doctor's.
    expect(heartRateConfirmed({ heartRate: 72, suggested: { heartRate: 71.8 } })).toBe(false);
    expect(heartRateConfirmed({ heartRate: 80, suggested: { heartRate: 71.8 } })).toBe(true);
    expect(heartRateConfirmed({ distances: [] })).toBe(false);
    expect(asEcgMeasurements({ heartRate: 'fast' })).toBeNull();
    expect(heartRateConfirmed(null)).toBe(false);
  });
});

describe('specimen chain of custody', () => {
  it('expects the steps in order and ends at reported or rejected', () => {
    expect(nextStep('packed')).toBe('picked_up');
    expect(nextStep('picked_up')).toBe('received');
    expect(nextStep('received')).toBe('tested');
    expect(nextStep('reported')).toBeNull();
    expect(nextStep('rejected')).toBeNull();
  });

  it('turns off steps already passed, and rejection once tested', () => {
    expect(stepDone('received', 'picked_up')).toBe(true);
    expect(stepDone('received', 'received')).toBe(true);
    expect(stepDone('received', 'tested')).toBe(false);
    expect(stepDone('rejected', 'tested')).toBe(true);
    expect(rejectable('received')).toBe(true);
    expect(rejectable('tested')).toBe(false);
    expect(rejectable('rejected')).toBe(false);
  });

  it('reads a scanned barcode: blanks, full-width characters and lower case', () => {
    expect(normaliseBarcode(' ｌｂ-20261124-0001\r\n')).toBe('LB-20261124-0001');
  });
});
