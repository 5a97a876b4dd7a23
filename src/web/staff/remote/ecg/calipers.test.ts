import { describe, expect, it } from 'vitest';
import {
  amplitudeMv,
  bpmFromRr,
  intervalMs,
  markMs,
  qtc,
  qtcBazett,
  qtcFridericia,
  rrFromBpm,
  rrStats,
} from './calipers.js';

describe('ECG calipers', () => {
  it('turns a distance on 25 mm/s paper into milliseconds: one 5 mm box is 200 ms', () => {
    const pxPerMs = (25 * 4) / 1000;
    expect(intervalMs(100, 120, pxPerMs)).toBeCloseTo(200);
    expect(intervalMs(120, 100, pxPerMs)).toBeCloseTo(200);
    // At 50 mm/s the same box is 100 ms.
    expect(intervalMs(100, 120, (50 * 4) / 1000)).toBeCloseTo(100);
  });

  it('reads amplitude upwards: 10 mm at 10 mm/mV is 1 mV', () => {
    expect(amplitudeMv(200, 160, 40)).toBeCloseTo(1);
    expect(amplitudeMv(160, 200, 40)).toBeCloseTo(-1);
  });

  it('gives heart rate from RR and back', () => {
    expect(bpmFromRr(1000)).toBe(60);
    expect(bpmFromRr(800)).toBe(75);
    expect(bpmFromRr(0)).toBeNull();
    expect(rrFromBpm(75)).toBe(800);
    expect(rrFromBpm(0)).toBeNull();
  });

  it('corrects QT by Bazett and Fridericia', () => {
    // At RR 1 s both equal QT.
    expect(qtcBazett(400, 1000)).toBe(400);
    expect(qtcFridericia(400, 1000)).toBe(400);
    // QT 360 ms at 100 bpm (RR 600 ms): Bazett 360/√0.6 ≈ 464.8, Fridericia 360/∛0.6 ≈ 426.8.
    expect(qtcBazett(360, 600)).toBeCloseTo(464.76, 1);
    expect(qtcFridericia(360, 600)).toBeCloseTo(426.83, 1);
    expect(qtcBazett(0, 600)).toBeNull();
    expect(qtcBazett(360, 0)).toBeNull();
  });

  it('takes the measured RR for QTc, else the heart rate’s', () => {
    expect(qtc(400, 640, 75)).toMatchObject({ rrMs: 640, rrSource: 'caliper', bazettMs: 500 });
    expect(qtc(400, null, 60)).toMatchObject({ rrMs: 1000, rrSource: 'heartRate', bazettMs: 400 });
    expect(qtc(400, null, null)).toBeNull();
    expect(qtc(null, 800, 75)).toBeNull();
  });

  it('summarises RR intervals', () => {
    const s = rrStats([800, 820, 780, Number.NaN, 0])!;
    expect(s.count).toBe(3);
    expect(s.meanMs).toBeCloseTo(800);
    expect([s.minMs, s.maxMs]).toEqual([780, 820]);
    expect(s.sdMs).toBeCloseTo(Math.sqrt(800 / 3));
    expect(rrStats([])).toBeNull();
  });

  it('measures a named interval from two clicks in either order', () => {
    expect(markMs({ leadIndex: 1, fromMs: 1_160.4, toMs: 1_000 })).toBe(160);
  });
});
