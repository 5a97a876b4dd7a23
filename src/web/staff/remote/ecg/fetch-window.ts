/** Which samples to ask the server for, pure: the viewer's page inside a window of at most 60 s. */
import { PAGE_MS } from './layout.js';

/** Samples are fetched 40 s at a time (the API serves at most 60 s per call), 10 s before the page. */
export const FETCH_MS = 40_000;
const STEP_MS = 10_000;

/** The span to fetch so that the page [startMs, startMs + PAGE_MS) sits inside it with room to pan. */
export function fetchWindow(startMs: number): { from: number; to: number } {
  const from = Math.max(0, Math.floor((startMs - STEP_MS) / STEP_MS) * STEP_MS);
  return { from, to: from + FETCH_MS };
}

/** Whether a fetched span covers the page (or all that is left of the record after it). */
export function covers(
  span: { from: number; to: number },
  startMs: number,
  durationMs: number | null,
): boolean {
  const end = Math.min(startMs + PAGE_MS, durationMs ?? Number.POSITIVE_INFINITY);
  return startMs >= span.from && end <= span.to;
}
