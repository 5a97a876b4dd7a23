/**
 * Drawing the ECG paper, pure: every function takes a 2D context and data, nothing else — no React, no
 * DOM look-ups — so the viewer, its unit tests (a recording fake context) and bench/ecg-render.ts (the
 * same code bundled into headless Chromium) draw identically. Coordinates are CSS pixels; the caller sets
 * the devicePixelRatio transform.
 */
import { CALIBRATION_MS, type EcgLayout, type Panel, xAt } from './layout.js';

/** The 2D context calls used here: a real CanvasRenderingContext2D, or a recorder in tests. */
export type Ctx = Pick<
  CanvasRenderingContext2D,
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'fill'
  | 'fillRect'
  | 'fillText'
  | 'measureText'
  | 'save'
  | 'restore'
  | 'setLineDash'
  | 'closePath'
> & {
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  strokeStyle: CanvasRenderingContext2D['strokeStyle'];
  lineWidth: number;
  font: string;
  textBaseline: CanvasTextBaseline;
  textAlign: CanvasTextAlign;
  lineJoin: CanvasLineJoin;
};

/** Classic ECG paper: pink 1 mm squares, red 5 mm squares, on white; the trace in near-black. */
export const COLOURS = {
  paper: '#ffffff',
  minor: '#f7c6c6',
  major: '#e06666',
  trace: '#111111',
  label: '#000000',
  beat: '#0958d9',
  caliper: '#1d39c4',
  mark: '#531dab',
} as const;

/** Samples of a window of the record, leads in the record's order. */
export interface SampleData {
  sampleRate: number;
  fromMs: number;
  leads: readonly { mv: ArrayLike<number> }[];
}

/** A caliper or a named interval to show: record times on one lead, or a free drag in CSS pixels. */
export interface MarkToDraw {
  label: string;
  leadIndex: number;
  fromMs: number;
  toMs: number;
}

export interface FreeCaliper {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  text: string;
}

export interface DrawOptions {
  beatsMs?: readonly number[];
  marks?: readonly MarkToDraw[];
  caliper?: FreeCaliper | null;
  /** A first click waiting for its second: a dashed vertical line at this x. */
  pendingX?: number | null;
  pixelRatio?: number;
}

const snap = (v: number, ratio: number) => (Math.round(v * ratio) + 0.5) / ratio;

/** White paper with 1 mm minor and 5 mm major lines. */
export function drawPaper(ctx: Ctx, width: number, height: number, pxPerMm: number, pixelRatio = 1): void {
  ctx.fillStyle = COLOURS.paper;
  ctx.fillRect(0, 0, width, height);
  const cols = Math.floor(width / pxPerMm);
  const rows = Math.floor(height / pxPerMm);
  for (const major of [false, true]) {
    ctx.beginPath();
    for (let i = 0; i <= cols; i++) {
      if ((i % 5 === 0) !== major) continue;
      const x = snap(i * pxPerMm, pixelRatio);
      ctx.moveTo(x, 0);
      ctx.lineTo(x, height);
    }
    for (let j = 0; j <= rows; j++) {
      if ((j % 5 === 0) !== major) continue;
      const y = snap(j * pxPerMm, pixelRatio);
      ctx.moveTo(0, y);
      ctx.lineTo(width, y);
    }
    ctx.strokeStyle = major ? COLOURS.major : COLOURS.minor;
    // Minor lines one device pixel wide, major ones one CSS pixel: the 5 mm boxes read at a glance.
    ctx.lineWidth = major ? 1 : 1 / pixelRatio;
    ctx.stroke();
  }
}

/** The 1 mV, 200 ms calibration pulse at the start of each row. */
export function drawCalibrations(ctx: Ctx, layout: EcgLayout): void {
  const w = CALIBRATION_MS * layout.pxPerMs;
  const h = layout.pxPerMv;
  const lead = layout.pxPerMm;
  ctx.beginPath();
  for (const { x, baselineY } of layout.calibrations) {
    ctx.moveTo(x - lead, baselineY);
    ctx.lineTo(x, baselineY);
    ctx.lineTo(x, baselineY - h);
    ctx.lineTo(x + w, baselineY - h);
    ctx.lineTo(x + w, baselineY);
    ctx.lineTo(x + w + lead, baselineY);
  }
  ctx.strokeStyle = COLOURS.trace;
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'miter';
  ctx.stroke();
}

/** Sample index range of a panel inside the data window, or null when none of it is loaded. */
export function sampleRange(data: SampleData, panel: Panel, length: number): [number, number] | null {
  const perMs = data.sampleRate / 1000;
  const i0 = Math.max(0, Math.ceil((panel.fromMs - data.fromMs) * perMs));
  // Half-open [fromMs, toMs): a 12-lead column ends where the next begins.
  const i1 = Math.min(length - 1, Math.ceil((panel.toMs - data.fromMs) * perMs) - 1);
  return i1 > i0 ? [i0, i1] : null;
}

/**
 * One lead's trace in a panel. Where several samples fall on one pixel column (a whole record on a
 * screen) each column is drawn as its min–max span, so no spike disappears between pixels.
 */
export function drawTrace(ctx: Ctx, layout: EcgLayout, panel: Panel, data: SampleData): number {
  if (panel.leadIndex < 0 || panel.leadIndex >= data.leads.length) return 0;
  const mv = data.leads[panel.leadIndex].mv;
  const range = sampleRange(data, panel, mv.length);
  if (!range) return 0;
  const [i0, i1] = range;
  const msPerSample = 1000 / data.sampleRate;
  const pxPerSample = layout.pxPerMs * msPerSample;
  const x0 = xAt(layout, panel, data.fromMs + i0 * msPerSample);
  const base = panel.baselineY;
  const k = layout.pxPerMv;
  ctx.beginPath();
  ctx.moveTo(x0, base - mv[i0] * k);
  if (pxPerSample >= 0.5) {
    for (let i = i0 + 1; i <= i1; i++) ctx.lineTo(x0 + (i - i0) * pxPerSample, base - mv[i] * k);
  } else {
    const perColumn = 1 / pxPerSample;
    let column = 0;
    for (let start = i0; start <= i1; column++) {
      const end = Math.min(i1 + 1, Math.round(i0 + (column + 1) * perColumn));
      let lo = mv[start];
      let hi = lo;
      for (let i = start + 1; i < end; i++) {
        const v = mv[i];
        if (v < lo) lo = v;
        else if (v > hi) hi = v;
      }
      const x = x0 + column;
      ctx.lineTo(x, base - hi * k);
      ctx.lineTo(x, base - lo * k);
      start = Math.max(end, start + 1);
    }
  }
  ctx.strokeStyle = COLOURS.trace;
  // One CSS pixel: a software canvas strokes a 1-device-pixel path ~10× faster than a 1.25 px one
  // (bench/ecg-render.ts), and the thin line is what a reader measures against the grid.
  ctx.lineWidth = 1;
  ctx.lineJoin = 'round';
  ctx.stroke();
  return i1 - i0 + 1;
}

/** Lead names at each panel's top left, and a short tick where a 12-lead column changes. */
export function drawLabels(ctx: Ctx, layout: EcgLayout): void {
  const mm = layout.pxPerMm;
  ctx.font = `bold ${Math.round(3.5 * mm)}px sans-serif`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillStyle = COLOURS.label;
  for (const p of layout.panels) if (p.label) ctx.fillText(p.label, p.x + mm, p.y + mm);
  ctx.beginPath();
  for (const p of layout.panels) {
    if (p.rhythm || p.x === layout.panels[0].x) continue;
    ctx.moveTo(p.x, p.baselineY - 2.5 * mm);
    ctx.lineTo(p.x, p.baselineY + 2.5 * mm);
  }
  ctx.strokeStyle = COLOURS.trace;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

/** The suggested beats (AI 辅助): a small triangle above the trace on the rhythm panels. */
export function drawBeats(ctx: Ctx, layout: EcgLayout, beatsMs: readonly number[]): number {
  const size = 1.5 * layout.pxPerMm;
  let drawn = 0;
  ctx.beginPath();
  for (const p of layout.panels) {
    if (!p.rhythm) continue;
    const top = p.y + 5.5 * layout.pxPerMm;
    for (const t of beatsMs) {
      if (t < p.fromMs || t >= p.toMs) continue;
      const x = xAt(layout, p, t);
      ctx.moveTo(x - size, top);
      ctx.lineTo(x + size, top);
      ctx.lineTo(x, top + size * 1.4);
      ctx.closePath();
      drawn++;
    }
  }
  ctx.fillStyle = COLOURS.beat;
  ctx.fill();
  return drawn;
}

/** Named intervals (PR, QRS, QT, RR) as brackets on every panel showing that lead at that time. */
export function drawMarks(ctx: Ctx, layout: EcgLayout, marks: readonly MarkToDraw[]): void {
  const mm = layout.pxPerMm;
  ctx.font = `bold ${Math.round(3 * mm)}px sans-serif`;
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'center';
  for (const m of marks) {
    const a = Math.min(m.fromMs, m.toMs);
    const b = Math.max(m.fromMs, m.toMs);
    for (const p of layout.panels) {
      if (p.leadIndex !== m.leadIndex || b < p.fromMs || a > p.toMs) continue;
      const xa = Math.max(p.x, xAt(layout, p, a));
      const xb = Math.min(p.x + p.width, xAt(layout, p, b));
      const yTop = p.y + 2 * mm;
      const yBottom = p.y + p.height - mm;
      ctx.beginPath();
      ctx.moveTo(xa, yTop);
      ctx.lineTo(xa, yBottom);
      ctx.moveTo(xb, yTop);
      ctx.lineTo(xb, yBottom);
      ctx.moveTo(xa, yBottom - mm);
      ctx.lineTo(xb, yBottom - mm);
      ctx.strokeStyle = COLOURS.mark;
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.fillStyle = COLOURS.mark;
      ctx.fillText(m.label, (xa + xb) / 2, yBottom - 1.5 * mm);
    }
  }
}

/** A free caliper: both ends as vertical lines, the span between them and its reading. */
export function drawCaliper(ctx: Ctx, layout: EcgLayout, caliper: FreeCaliper): void {
  const mm = layout.pxPerMm;
  ctx.save();
  ctx.strokeStyle = COLOURS.caliper;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (const x of [caliper.x1, caliper.x2]) {
    ctx.moveTo(x, caliper.y1 - 6 * mm);
    ctx.lineTo(x, caliper.y1 + 6 * mm);
  }
  ctx.moveTo(caliper.x1, caliper.y1);
  ctx.lineTo(caliper.x2, caliper.y1);
  ctx.stroke();
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(caliper.x2, caliper.y1);
  ctx.lineTo(caliper.x2, caliper.y2);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = `bold ${Math.round(3.2 * mm)}px sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  const tx = Math.max(caliper.x1, caliper.x2) + mm;
  const ty = caliper.y1 - 2 * mm;
  const w = ctx.measureText(caliper.text).width;
  ctx.fillStyle = 'rgba(255,255,255,0.9)';
  ctx.fillRect(tx - 2, ty - 4 * mm, w + 4, 4 * mm + 2);
  ctx.fillStyle = COLOURS.caliper;
  ctx.fillText(caliper.text, tx, ty);
  ctx.restore();
}

function drawPending(ctx: Ctx, layout: EcgLayout, x: number): void {
  ctx.save();
  ctx.setLineDash([5, 4]);
  ctx.strokeStyle = COLOURS.mark;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x, 0);
  ctx.lineTo(x, layout.height);
  ctx.stroke();
  ctx.restore();
}

/** The whole page: paper, pulses, traces, labels, suggested beats, marks and the caliper. */
export function drawEcg(ctx: Ctx, layout: EcgLayout, data: SampleData | null, options: DrawOptions = {}) {
  drawPaper(ctx, layout.width, layout.height, layout.pxPerMm, options.pixelRatio ?? 1);
  drawCalibrations(ctx, layout);
  let samples = 0;
  if (data) for (const panel of layout.panels) samples += drawTrace(ctx, layout, panel, data);
  drawLabels(ctx, layout);
  const beats = options.beatsMs ? drawBeats(ctx, layout, options.beatsMs) : 0;
  if (options.marks?.length) drawMarks(ctx, layout, options.marks);
  if (options.pendingX !== undefined && options.pendingX !== null) drawPending(ctx, layout, options.pendingX);
  if (options.caliper) drawCaliper(ctx, layout, options.caliper);
  return { samples, beats };
}
