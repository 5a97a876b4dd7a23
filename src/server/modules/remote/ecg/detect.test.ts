/**
 * The beat detector and the rhythm hint on synthetic ECGs with known beats (the real record 100 is in the
 * integration test and the bench). The measurements are a reading aid — suggestions the reading doctor
 * confirms or corrects, never signed automatically (seed 002/004, REMOTE-4/REMOTE-5) — but a wrong
 * suggestion wastes their time, so the detector is held to: every beat found within the AAMI 150 ms window,
 * no T wave or baseline wander taken for a beat, at any sample rate, with the QRS upright or inverted.
 */
import { describe, expect, it } from 'vitest';
import { detectBeats, matchBeats, summarise } from './detect.js';

/** A deterministic pseudo-random sequence (LCG), so the noise is the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const gauss = (t: number, mu: number, sigma: number) => Math.exp(-((t - mu) ** 2) / (2 * sigma ** 2));

/**
 * An ECG-like signal in mV: P, QRS, T per beat at `beatsAt` (seconds), baseline wander at 0.3 Hz, mains-free
 * white noise. `invert` flips the QRS (a negative lead such as aVR).
 */
function synth(
  fs: number,
  seconds: number,
  beatsAt: number[],
  opts: { noise?: number; invert?: boolean } = {},
) {
  const n = Math.round(fs * seconds);
  const x = new Float64Array(n);
  const noise = rng(7);
  const q = opts.invert ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    let v = 0.3 * Math.sin(2 * Math.PI * 0.3 * t) + (opts.noise ?? 0.02) * noise();
    for (const b of beatsAt) {
      if (Math.abs(t - b) > 0.5) continue;
      v += 0.12 * gauss(t, b - 0.16, 0.025); // P
      v +=
        q * (-0.15 * gauss(t, b - 0.025, 0.008) + 1.3 * gauss(t, b, 0.01) - 0.25 * gauss(t, b + 0.03, 0.01));
      v += 0.35 * gauss(t, b + 0.28, 0.045); // T, tall
    }
    x[i] = v;
  }
  return x;
}

function beatTimes(rrs: number[], start = 0.6): number[] {
  const out = [start];
  for (const rr of rrs) out.push(out[out.length - 1]! + rr);
  return out;
}

describe('QRS detection (AI-assisted reading aid, seed 002/004)', () => {
  it.each([250, 360, 500, 1000])(
    'finds every beat at %i Hz, none extra, within a few ms of the R peak',
    (fs) => {
      const times = beatTimes(Array.from({ length: 40 }, (_, i) => 0.8 + 0.05 * Math.sin(i)));
      const x = synth(fs, times[times.length - 1]! + 1, times);
      const found = detectBeats(x, fs);
      const ref = times.map((t) => Math.round(t * fs));
      const m = matchBeats(ref, found, Math.round(0.15 * fs));
      expect(m).toMatchObject({ fn: 0, fp: 0 });
      const worst = Math.max(...found.map((f, i) => Math.abs(f - ref[i]!)));
      expect(worst / fs).toBeLessThan(0.012);
    },
  );

  it('an inverted QRS (negative lead) is found too', () => {
    const times = beatTimes(Array(30).fill(0.75));
    const found = detectBeats(synth(500, 24, times, { invert: true }), 500);
    expect(
      matchBeats(
        times.map((t) => t * 500),
        found,
        75,
      ),
    ).toMatchObject({ fn: 0, fp: 0 });
  });

  it('a premature beat and a long pause: found (search-back), with no T wave counted', () => {
    // Regular at 0.8 s, one premature beat 0.45 s after its predecessor, a compensatory pause of 1.6 s.
    const rrs = [...Array(12).fill(0.8), 0.45, 1.6, ...Array(12).fill(0.8)];
    const times = beatTimes(rrs);
    const fs = 360;
    const found = detectBeats(synth(fs, times[times.length - 1]! + 1, times), fs);
    expect(
      matchBeats(
        times.map((t) => Math.round(t * fs)),
        found,
        54,
      ),
    ).toMatchObject({ fn: 0, fp: 0 });
  });

  it('a smaller beat after large ones (amplitude change) is still found', () => {
    const times = beatTimes(Array(30).fill(0.8));
    const fs = 360;
    const x = synth(fs, 26, times);
    // Halve everything after 12 s (an electrode moved).
    for (let i = 12 * fs; i < x.length; i++) x[i] = x[i]! * 0.4;
    const found = detectBeats(x, fs);
    expect(
      matchBeats(
        times.map((t) => Math.round(t * fs)),
        found,
        54,
      ),
    ).toMatchObject({ fn: 0, fp: 0 });
  });

  it('a flat line or noise alone has no beats; a record shorter than a second is not analysed', () => {
    expect(detectBeats(new Float64Array(3600), 360)).toEqual([]);
    const noise = rng(3);
    const onlyNoise = Float64Array.from({ length: 3600 }, () => 0.01 * noise());
    // With the lead's gain known, noise of a few µV is never a beat (electrodes off).
    expect(detectBeats(onlyNoise, 360, { unitsPerMv: 1 })).toEqual([]);
    expect(detectBeats(new Float64Array(100), 360)).toEqual([]);
  });

  it('works on the ADC integers the parser gives (Int16Array), scale free', () => {
    const times = beatTimes(Array(20).fill(0.9));
    const mv = synth(360, 20, times);
    const adc = Int16Array.from(mv, (v) => Math.round(v * 200 + 1024));
    expect(detectBeats(adc, 360, { unitsPerMv: 200 })).toEqual(detectBeats(mv, 360, { unitsPerMv: 1 }));
  });
});

describe('heart rate and rhythm hint (suggestions, never signed automatically)', () => {
  const at = (rrs: number[], fs = 500) => beatTimes(rrs).map((t) => Math.round(t * fs));
  it.each([
    ['regular 75/min', Array(20).fill(0.8), 75, '窦性心律（节律规整）'],
    ['regular 125/min', Array(20).fill(0.48), 125, '心动过速，请复核'],
    ['regular 45/min', Array(20).fill(60 / 45), 45, '心动过缓，请复核'],
  ])('%s', (_what, rrs, hr, hint) => {
    const s = summarise(at(rrs), 500);
    expect(s.heartRate).toBe(hr);
    expect(s.rhythmHint).toBe(hint);
    expect(s.rrMs).toHaveLength(rrs.length);
  });

  it('irregular RR (as atrial fibrillation) says so, with the median rate', () => {
    const r = rng(11);
    const rrs = Array.from({ length: 40 }, () => 0.75 + 0.5 * r());
    const s = summarise(at(rrs), 500);
    expect(s.rhythmHint).toBe('RR 不齐，请复核');
    expect(s.rhythmHintEn).toMatch(/irregular/i);
    expect(s.heartRate).toBeGreaterThan(65);
    expect(s.heartRate).toBeLessThan(95);
  });

  it('one ectopic beat does not make a regular rhythm irregular, nor move the median rate', () => {
    const s = summarise(at([...Array(15).fill(0.8), 0.5, 1.1, ...Array(15).fill(0.8)]), 500);
    expect(s).toMatchObject({ heartRate: 75, rhythmHint: '窦性心律（节律规整）' });
  });

  it('too few beats: no rate, and says to read by hand', () => {
    expect(summarise([100, 400], 500)).toMatchObject({ heartRate: null, rrMs: [600] });
    expect(summarise([], 500).rhythmHint).toContain('人工判读');
  });
});

describe('beat matching (ANSI/AAMI EC57 window)', () => {
  it('counts each detection once, the closest within the window; outside it is a miss and an extra', () => {
    expect(matchBeats([100, 400, 700], [98, 110, 402, 760], 54)).toMatchObject({ tp: 2, fn: 1, fp: 2 });
    expect(matchBeats([100], [40, 99], 54)).toMatchObject({ tp: 1, fp: 1 });
    expect(matchBeats([], [], 54)).toMatchObject({ sensitivity: 1, ppv: 1 });
  });
});
