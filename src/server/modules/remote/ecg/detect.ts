/**
 * Beat detection and the automatic measurements shown to the reading doctor — a reading aid (AI 辅助,
 * seed 002/004): suggestions the doctor confirms or corrects, never signed on their own (REMOTE-4, REMOTE-5).
 * Pure functions of the samples, at any sample rate.
 *
 * The QRS detector follows Pan & Tompkins (IEEE TBME 1985) as it is usually implemented offline: a 5–15 Hz
 * band-pass (two second-order Butterworth sections, run forwards and backwards so nothing is delayed), a
 * five-point derivative, squaring, a 150 ms moving-window integration; peaks of the integrated signal at
 * least 200 ms apart (the refractory period) are classified by two adaptive thresholds each on the
 * integrated and the band-passed signal (signal and noise levels updated by every peak), with search-back
 * for a missed beat when no QRS came for 1.66 mean RR, lowered thresholds when the rhythm is irregular, and
 * T-wave discrimination by slope within 360 ms of a QRS. Each QRS is then placed at its R peak: the largest
 * deflection of the band-passed signal near the integrated peak, refined on the baseline-free signal.
 */

/** The version of the algorithm the stored measurements came from. */
export const DETECTOR_VERSION = 'pan-tompkins-1';

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** Second-order Butterworth section (RBJ cookbook, bilinear transform). */
function butter2(kind: 'low' | 'high', cutoff: number, fs: number): Biquad {
  const w0 = (2 * Math.PI * Math.min(cutoff, fs * 0.45)) / fs;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const a0 = 1 + alpha;
  const b0 = kind === 'low' ? (1 - cos) / 2 : (1 + cos) / 2;
  const b1 = kind === 'low' ? 1 - cos : -(1 + cos);
  return { b0: b0 / a0, b1: b1 / a0, b2: b0 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

function runBiquad(f: Biquad, x: Float64Array): void {
  let x1 = x[0]!;
  let x2 = x1;
  // Start at rest on the first value (a high-pass answers 0 to a constant, a low-pass the constant).
  const dc = (f.b0 + f.b1 + f.b2) / (1 + f.a1 + f.a2);
  let y1 = Number.isFinite(dc) ? x1 * dc : 0;
  let y2 = y1;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = f.b0 * xi + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    y1 = yi;
    x[i] = yi;
  }
}

/** Zero-phase filtering (forwards, then backwards) with reflected padding at both ends. */
export function filtfilt(sections: readonly Biquad[], signal: ArrayLike<number>, pad: number): Float64Array {
  const n = signal.length;
  const p = Math.min(pad, n - 1);
  const x = new Float64Array(n + 2 * p);
  for (let i = 0; i < n; i++) x[p + i] = signal[i]!;
  for (let i = 0; i < p; i++) {
    x[p - 1 - i] = 2 * signal[0]! - signal[i + 1]!;
    x[p + n + i] = 2 * signal[n - 1]! - signal[n - 2 - i]!;
  }
  for (const s of sections) runBiquad(s, x);
  x.reverse();
  for (const s of sections) runBiquad(s, x);
  x.reverse();
  return x.slice(p, p + n);
}

/** The 5–15 Hz band Pan & Tompkins keep (QRS energy, little P/T wave, baseline or muscle noise). */
export function bandPass(signal: ArrayLike<number>, fs: number): Float64Array {
  return filtfilt([butter2('high', 5, fs), butter2('low', 15, fs)], signal, Math.round(fs));
}

/** Derivative, squaring and moving-window integration (150 ms, centred). */
export function integrate(bp: Float64Array, fs: number): Float64Array {
  const n = bp.length;
  const sq = new Float64Array(n);
  for (let i = 2; i < n - 2; i++) {
    const d = (2 * bp[i + 1]! + bp[i + 2]! - bp[i - 2]! - 2 * bp[i - 1]!) * (fs / 8);
    sq[i] = d * d;
  }
  const w = Math.max(1, Math.round(0.15 * fs));
  const half = Math.floor(w / 2);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n + half; i++) {
    if (i < n) sum += sq[i]!;
    if (i - w >= 0) sum -= sq[i - w]!;
    const c = i - half;
    if (c >= 0 && c < n) out[c] = sum / w;
  }
  return out;
}

/** Local maxima of `x` at least `distance` samples apart (the larger wins), like findpeaks' MinPeakDistance. */
export function peaks(x: Float64Array, distance: number): number[] {
  const cand: number[] = [];
  for (let i = 1; i < x.length - 1; i++) {
    if (x[i]! > x[i - 1]! && x[i]! >= x[i + 1]!) cand.push(i);
  }
  // Largest first; a peak is kept unless a kept one is closer than `distance`.
  const order = [...cand].sort((a, b) => x[b]! - x[a]!);
  const taken = new Uint8Array(x.length);
  const kept: number[] = [];
  for (const i of order) {
    let blocked = false;
    for (let j = Math.max(0, i - distance + 1); j < Math.min(x.length, i + distance); j++) {
      if (taken[j]) {
        blocked = true;
        break;
      }
    }
    if (!blocked) {
      taken[i] = 1;
      kept.push(i);
    }
  }
  return kept.sort((a, b) => a - b);
}

function argmaxAbs(x: Float64Array, from: number, to: number): number {
  let best = Math.max(0, from);
  for (let i = best; i < Math.min(x.length, to); i++) if (Math.abs(x[i]!) > Math.abs(x[best]!)) best = i;
  return best;
}

function maxSlope(x: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, from); i < Math.min(x.length, to); i++) m = Math.max(m, x[i]! - x[i - 1]!);
  return m;
}

/** The smallest band-passed QRS taken for a beat, mV: below it is noise (electrodes off, a flat lead). */
const MIN_QRS_MV = 0.05;

/**
 * The sample numbers of the QRS complexes (their R peaks) of one lead. `signal` in any unit (thresholds
 * adapt); `fs` in Hz; with `unitsPerMv` (the lead's gain) a deflection under 0.05 mV after the band-pass is
 * never a beat, so a lead of noise alone gives none.
 */
export function detectBeats(
  signal: ArrayLike<number>,
  fs: number,
  opts: { unitsPerMv?: number } = {},
): number[] {
  const n = signal.length;
  if (n < Math.round(fs)) return [];
  const floor = opts.unitsPerMv === undefined ? 0 : MIN_QRS_MV * opts.unitsPerMv;
  const bp = bandPass(signal, fs);
  const mwi = integrate(bp, fs);
  const refractory = Math.round(0.2 * fs);
  const tWaveWindow = Math.round(0.36 * fs);
  const slopeWindow = Math.round(0.075 * fs);
  const bpWindow = Math.round(0.125 * fs);
  const cands = peaks(mwi, refractory);

  // Learning phase: the first 2 s set the starting signal and noise levels.
  const learn = Math.min(n, Math.round(2 * fs));
  let maxI = 0;
  let sumI = 0;
  let maxF = 0;
  let sumF = 0;
  for (let i = 0; i < learn; i++) {
    maxI = Math.max(maxI, mwi[i]!);
    sumI += mwi[i]!;
    maxF = Math.max(maxF, Math.abs(bp[i]!));
    sumF += Math.abs(bp[i]!);
  }
  let spki = maxI / 3;
  let npki = sumI / learn / 2;
  let spkf = maxF / 3;
  let npkf = sumF / learn / 2;
  let thrI1 = spki;
  let thrI2 = npki;
  let thrF1 = spkf;
  let thrF2 = npkf;
  const setThresholds = (irregular: boolean) => {
    thrI1 = npki + 0.25 * (spki - npki);
    thrF1 = npkf + 0.25 * (spkf - npkf);
    if (irregular) {
      thrI1 *= 0.5;
      thrF1 *= 0.5;
    }
    thrI2 = 0.5 * thrI1;
    thrF2 = 0.5 * thrF1;
  };

  const qrs: number[] = []; // positions on the integrated signal
  const rPeaks: number[] = []; // positions on the band-passed signal
  const slopes: number[] = [];
  const rr: number[] = [];
  let rrMean = 0;
  let irregular = false;

  const accept = (loc: number, r: number, slope: number) => {
    if (qrs.length > 0) {
      const interval = loc - qrs[qrs.length - 1]!;
      rr.push(interval);
      if (rr.length > 8) rr.shift();
      const mean = rr.reduce((a, b) => a + b, 0) / rr.length;
      irregular = rr.length >= 8 && (interval < 0.92 * mean || interval > 1.16 * mean);
      rrMean = mean;
    }
    qrs.push(loc);
    rPeaks.push(r);
    slopes.push(slope);
  };

  for (const loc of cands) {
    const pk = mwi[loc]!;
    const r = argmaxAbs(bp, loc - bpWindow, loc + bpWindow + 1);
    const pf = Math.abs(bp[r]!);
    const last = qrs[qrs.length - 1];

    // Search back: no QRS for 1.66 mean RR — the largest peak since the last one above the lower thresholds.
    if (last !== undefined && rrMean > 0 && loc - last >= 1.66 * rrMean) {
      let best = -1;
      for (const c of cands) {
        if (c <= last + refractory) continue;
        if (c >= loc - refractory) break;
        if (best < 0 || mwi[c]! > mwi[best]!) best = c;
      }
      if (best >= 0 && mwi[best]! > thrI2) {
        const rb = argmaxAbs(bp, best - bpWindow, best + bpWindow + 1);
        if (Math.abs(bp[rb]!) > Math.max(thrF2, floor)) {
          accept(best, rb, maxSlope(mwi, best - slopeWindow, best + 1));
          spki = 0.25 * mwi[best]! + 0.75 * spki;
          spkf = 0.25 * Math.abs(bp[rb]!) + 0.75 * spkf;
        }
      }
    }

    const prev = qrs[qrs.length - 1];
    if (pk >= thrI1) {
      const slope = maxSlope(mwi, loc - slopeWindow, loc + 1);
      // A peak soon after a QRS with half its slope is its T wave.
      const tWave =
        prev !== undefined && loc - prev <= tWaveWindow && slope < 0.5 * slopes[slopes.length - 1]!;
      if (prev !== undefined && loc - prev < refractory) {
        // within the refractory period of a beat accepted by search-back: noise
        npki = 0.125 * pk + 0.875 * npki;
      } else if (tWave) {
        npki = 0.125 * pk + 0.875 * npki;
        npkf = 0.125 * pf + 0.875 * npkf;
      } else if (pf >= thrF1 && pf >= floor) {
        accept(loc, r, slope);
        spki = 0.125 * pk + 0.875 * spki;
        spkf = 0.125 * pf + 0.875 * spkf;
      } else {
        npki = 0.125 * pk + 0.875 * npki;
        npkf = 0.125 * pf + 0.875 * npkf;
      }
    } else {
      npki = 0.125 * pk + 0.875 * npki;
      npkf = 0.125 * pf + 0.875 * npkf;
    }
    setThresholds(irregular);
  }

  return refine(signal, rPeaks, fs);
}

/**
 * The R peak on the recorded signal: within 50 ms of the band-passed peak, the largest deviation from the
 * local baseline (the median of the surrounding 300 ms), in the direction of the QRS's main deflection.
 */
function refine(signal: ArrayLike<number>, rPeaks: number[], fs: number): number[] {
  const w = Math.max(1, Math.round(0.05 * fs));
  const b = Math.round(0.15 * fs);
  const out: number[] = [];
  for (const p of rPeaks) {
    const from = Math.max(0, p - w);
    const to = Math.min(signal.length, p + w + 1);
    const around: number[] = [];
    for (let i = Math.max(0, p - b); i < Math.min(signal.length, p + b + 1); i++) around.push(signal[i]!);
    around.sort((x, y) => x - y);
    const base = around[Math.floor(around.length / 2)] ?? 0;
    let best = p;
    for (let i = from; i < to; i++)
      if (Math.abs(signal[i]! - base) > Math.abs(signal[best]! - base)) best = i;
    if (out.length === 0 || best > out[out.length - 1]!) out.push(best);
  }
  return out;
}

export interface BeatSummary {
  heartRate: number | null;
  rrMs: number[];
  rhythmHint: string;
  rhythmHintEn: string;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Heart rate from the median RR (robust to a few ectopic beats), and a rhythm hint from RR regularity: a
 * suggestion for the reading doctor, never a diagnosis (seed 002/004). Irregular: more than 10 % of RR
 * intervals more than 20 % from the median.
 */
export function summarise(beats: readonly number[], fs: number): BeatSummary {
  const rrMs: number[] = [];
  for (let i = 1; i < beats.length; i++) rrMs.push(Math.round(((beats[i]! - beats[i - 1]!) * 1e4) / fs) / 10);
  if (rrMs.length < 2)
    return {
      heartRate: null,
      rrMs,
      rhythmHint: '检出的心搏过少，无法估计心率，请人工判读',
      rhythmHintEn: 'Too few beats detected to estimate the rate; please read manually',
    };
  const med = median(rrMs);
  const heartRate = Math.round(60000 / med);
  const off = rrMs.filter((r) => Math.abs(r - med) > 0.2 * med).length;
  if (off / rrMs.length > 0.1)
    return {
      heartRate,
      rrMs,
      rhythmHint: 'RR 不齐，请复核',
      rhythmHintEn: 'Irregular RR intervals; please review',
    };
  if (heartRate > 100)
    return { heartRate, rrMs, rhythmHint: '心动过速，请复核', rhythmHintEn: 'Tachycardia; please review' };
  if (heartRate < 60)
    return { heartRate, rrMs, rhythmHint: '心动过缓，请复核', rhythmHintEn: 'Bradycardia; please review' };
  return { heartRate, rrMs, rhythmHint: '窦性心律（节律规整）', rhythmHintEn: 'Sinus rhythm (regular)' };
}

/**
 * Matches detected beats to reference beats within `tolerance` samples (ANSI/AAMI EC57: 150 ms), each used
 * once, in time order: true positives, false negatives (missed), false positives (extra).
 */
export function matchBeats(reference: readonly number[], detected: readonly number[], tolerance: number) {
  let j = 0;
  let tp = 0;
  for (const r of reference) {
    while (j < detected.length && detected[j]! < r - tolerance) j++;
    if (j >= detected.length || detected[j]! > r + tolerance) continue;
    // The closest detection within the window; the ones passed over count as extra.
    let k = j;
    while (
      k + 1 < detected.length &&
      detected[k + 1]! <= r + tolerance &&
      Math.abs(detected[k + 1]! - r) < Math.abs(detected[k]! - r)
    )
      k++;
    tp++;
    j = k + 1;
  }
  return {
    tp,
    fn: reference.length - tp,
    fp: detected.length - tp,
    sensitivity: reference.length === 0 ? 1 : tp / reference.length,
    ppv: detected.length === 0 ? 1 : tp / detected.length,
  };
}
