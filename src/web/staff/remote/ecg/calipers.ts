/**
 * Caliper arithmetic, pure: a distance on the paper to milliseconds and millivolts, heart rate from an
 * RR interval, QTc by Bazett (QT / √RR) and Fridericia (QT / ∛RR), RR statistics for the suggestions.
 * RR enters the corrections in seconds; the result stays in milliseconds.
 */

/** Milliseconds spanned by a horizontal distance (CSS px) at the layout's px per ms. */
export function intervalMs(x1: number, x2: number, pxPerMs: number): number {
  return Math.abs(x2 - x1) / pxPerMs;
}

/** Millivolts spanned by a vertical distance; up is positive (canvas y grows downwards). */
export function amplitudeMv(y1: number, y2: number, pxPerMv: number): number {
  return (y1 - y2) / pxPerMv;
}

/** Beats per minute for an RR interval; null for a non-positive one. */
export function bpmFromRr(rrMs: number): number | null {
  return rrMs > 0 ? 60_000 / rrMs : null;
}

/** RR interval for a heart rate; null for a non-positive one. */
export function rrFromBpm(bpm: number): number | null {
  return bpm > 0 ? 60_000 / bpm : null;
}

/** Bazett: QTc = QT / √(RR in s). */
export function qtcBazett(qtMs: number, rrMs: number): number | null {
  return qtMs > 0 && rrMs > 0 ? qtMs / Math.sqrt(rrMs / 1000) : null;
}

/** Fridericia: QTc = QT / ∛(RR in s), better than Bazett at fast and slow rates. */
export function qtcFridericia(qtMs: number, rrMs: number): number | null {
  return qtMs > 0 && rrMs > 0 ? qtMs / Math.cbrt(rrMs / 1000) : null;
}

export interface RrStats {
  count: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** Population standard deviation (SDNN of the listed intervals). */
  sdMs: number;
}

export function rrStats(rrMs: readonly number[]): RrStats | null {
  const rr = rrMs.filter((v) => Number.isFinite(v) && v > 0);
  if (rr.length === 0) return null;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of rr) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / rr.length;
  let sq = 0;
  for (const v of rr) sq += (v - mean) ** 2;
  return { count: rr.length, meanMs: mean, minMs: min, maxMs: max, sdMs: Math.sqrt(sq / rr.length) };
}

/** The named intervals a reader measures with two clicks each. */
export const NAMED_INTERVALS = ['pr', 'qrs', 'qt', 'rr'] as const;
export type NamedInterval = (typeof NAMED_INTERVALS)[number];

export interface IntervalMark {
  leadIndex: number;
  fromMs: number;
  toMs: number;
}

/** A measured interval from two clicks in record time, in whole milliseconds. */
export function markMs(mark: IntervalMark): number {
  return Math.round(Math.abs(mark.toMs - mark.fromMs));
}

export interface QtcResult {
  rrMs: number;
  /** Where the RR came from: a caliper on the trace, or the heart rate. */
  rrSource: 'caliper' | 'heartRate';
  bazettMs: number;
  fridericiaMs: number;
}

/** QTc from a QT and the RR the reader measured, else the RR implied by the heart rate. */
export function qtc(qtMs: number | null, rrMs: number | null, heartRate: number | null): QtcResult | null {
  if (qtMs === null || qtMs <= 0) return null;
  const fromCaliper = rrMs !== null && rrMs > 0;
  const rr = fromCaliper ? rrMs : heartRate !== null ? rrFromBpm(heartRate) : null;
  if (rr === null) return null;
  return {
    rrMs: rr,
    rrSource: fromCaliper ? 'caliper' : 'heartRate',
    bazettMs: qtcBazett(qtMs, rr)!,
    fridericiaMs: qtcFridericia(qtMs, rr)!,
  };
}
