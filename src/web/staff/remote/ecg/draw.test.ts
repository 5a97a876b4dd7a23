import { describe, expect, it } from 'vitest';
import { COLOURS, type Ctx, drawBeats, drawEcg, drawPaper, drawTrace, type SampleData } from './draw.js';
import { planLayout } from './layout.js';

type Point = [number, number];

/** A 2D context that records what was drawn: each stroke or fill with its style and its points. */
class Recorder implements Ctx {
  fillStyle: Ctx['fillStyle'] = '#000';
  strokeStyle: Ctx['strokeStyle'] = '#000';
  lineWidth = 1;
  font = '';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  textAlign: CanvasTextAlign = 'start';
  lineJoin: CanvasLineJoin = 'miter';
  path: { move: boolean; p: Point }[] = [];
  strokes: { style: string; width: number; path: { move: boolean; p: Point }[] }[] = [];
  fills: { style: string; path: { move: boolean; p: Point }[] }[] = [];
  texts: string[] = [];
  beginPath() {
    this.path = [];
  }
  moveTo(x: number, y: number) {
    this.path.push({ move: true, p: [x, y] });
  }
  lineTo(x: number, y: number) {
    this.path.push({ move: false, p: [x, y] });
  }
  closePath() {}
  stroke() {
    this.strokes.push({ style: String(this.strokeStyle), width: this.lineWidth, path: this.path });
  }
  fill() {
    this.fills.push({ style: String(this.fillStyle), path: this.path });
  }
  fillRect() {}
  fillText(text: string) {
    this.texts.push(text);
  }
  measureText(text: string) {
    return { width: text.length * 6 } as TextMetrics;
  }
  save() {}
  restore() {}
  setLineDash() {}
}

const paper = { speed: 25, gain: 10, zoom: 1 };

/** A synthetic ECG at 500 Hz: flat but for a 1.5 mV, 20 ms R wave every `rr` ms from 300 ms. */
function synthetic(durationMs: number, rr = 800, rate = 500): Float32Array {
  const mv = new Float32Array((durationMs * rate) / 1000);
  for (let t = 300; t < durationMs; t += rr) {
    for (let k = -5; k <= 5; k++) {
      const i = Math.round((t * rate) / 1000) + k;
      if (i >= 0 && i < mv.length) mv[i] = 1.5 * (1 - Math.abs(k) / 5);
    }
  }
  return mv;
}

describe('ECG paper', () => {
  it('draws 1 mm pink and 5 mm red lines', () => {
    const ctx = new Recorder();
    drawPaper(ctx, 250 * 4, 40 * 4, 4);
    const [minor, major] = ctx.strokes;
    expect(minor.style).toBe(COLOURS.minor);
    expect(major.style).toBe(COLOURS.major);
    // 251 vertical and 41 horizontal mm lines; every fifth is major.
    expect(major.path.filter((s) => s.move)).toHaveLength(51 + 9);
    expect(minor.path.filter((s) => s.move)).toHaveLength(200 + 32);
    const verticalMajors = major.path.filter((s) => s.move && s.p[1] === 0).map((s) => s.p[0]);
    expect(verticalMajors[1] - verticalMajors[0]).toBe(20); // 5 mm at 4 px/mm
  });
});

describe('ECG traces', () => {
  const mv = synthetic(10_000);
  const data: SampleData = { sampleRate: 500, fromMs: 0, leads: [{ mv }, { mv }] };

  it('places each sample at 10 mm/mV above the baseline and 25 mm/s along', () => {
    const layout = planLayout({ leadNames: ['MLII', 'V5'], startMs: 0, paper, rhythmLead: 0 });
    const ctx = new Recorder();
    const n = drawTrace(ctx, layout, layout.panels[0], data);
    expect(n).toBe(5000);
    const pts = ctx.strokes[0].path.map((s) => s.p);
    const panel = layout.panels[0];
    const peak = pts.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(panel.baselineY - peak[1]).toBeCloseTo(1.5 * 40); // 1.5 mV = 15 mm = 60 px
    expect(peak[0] - panel.x).toBeCloseTo(300 * 0.1); // 300 ms = 7.5 mm = 30 px
  });

  it('keeps every R wave when a long stretch is squeezed into few pixels', () => {
    const long = synthetic(600_000);
    const layout = planLayout({ leadNames: ['MLII'], startMs: 0, paper, pageMs: 600_000 });
    // Squeeze ten minutes into 1000 px: 300 samples per pixel.
    const squeezed = { ...layout, pxPerMs: 1000 / 600_000 };
    const ctx = new Recorder();
    drawTrace(ctx, squeezed, layout.panels[0], { sampleRate: 500, fromMs: 0, leads: [{ mv: long }] });
    const ys = ctx.strokes[0].path.map((s) => s.p[1]);
    const peaks = ys.filter((y) => Math.abs(layout.panels[0].baselineY - y - 60) < 1e-6).length;
    expect(ctx.strokes[0].path.length).toBeLessThan(3000);
    expect(peaks).toBeGreaterThanOrEqual(Math.floor((600_000 - 300) / 800));
  });

  it('draws only what the loaded window covers', () => {
    const layout = planLayout({ leadNames: ['MLII'], startMs: 8_000, paper });
    const ctx = new Recorder();
    const part: SampleData = { sampleRate: 500, fromMs: 4_000, leads: [{ mv: synthetic(6_000) }] };
    expect(drawTrace(ctx, layout, layout.panels[0], part)).toBe(1000); // 8–10 s of 4–10 s
  });
});

describe('ECG page', () => {
  const names = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
  const mv = synthetic(10_000);
  const data: SampleData = { sampleRate: 500, fromMs: 0, leads: names.map(() => ({ mv })) };

  it('draws the twelve leads, four calibration pulses of 1 mV, labels and beat markers', () => {
    const layout = planLayout({ leadNames: names, startMs: 0, paper });
    const ctx = new Recorder();
    const beats = Array.from({ length: 13 }, (_, i) => 300 + i * 800);
    const result = drawEcg(ctx, layout, data, { beatsMs: [...beats, 12_000] });
    // 12 quarter-page traces of 1250 samples and a 10 s strip of 5000.
    expect(result.samples).toBe(12 * 1250 + 5000);
    expect(result.beats).toBe(13); // 12 000 ms is past the page
    expect(ctx.texts).toEqual([
      ...['I', 'aVR', 'V1', 'V4', 'II', 'aVL', 'V2', 'V5', 'III', 'aVF', 'V3', 'V6'],
      'II',
    ]);
    const pulse = ctx.strokes.find((s) => s.width === 1.5 && s.path.length === 24)!;
    const ys = pulse.path.slice(0, 6).map((s) => s.p[1]);
    expect(Math.max(...ys) - Math.min(...ys)).toBe(40); // 1 mV at 10 mm/mV
  });

  it('marks beats on the rhythm strip only', () => {
    const layout = planLayout({ leadNames: names, startMs: 0, paper });
    const ctx = new Recorder();
    drawBeats(ctx, layout, [1000]);
    const strip = layout.panels.find((p) => p.rhythm)!;
    const tip = ctx.fills[0].path[2].p;
    expect(tip[0]).toBeCloseTo(strip.x + 100);
    expect(tip[1]).toBeGreaterThan(strip.y);
    expect(tip[1]).toBeLessThan(strip.baselineY);
  });
});
