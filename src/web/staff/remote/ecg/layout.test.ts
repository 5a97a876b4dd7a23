import { describe, expect, it } from 'vitest';
import {
  clampStart,
  defaultRhythmLead,
  isTwelveLead,
  panelAt,
  planLayout,
  rowHeightMm,
  STANDARD_LEADS,
  standardLeadName,
  timeAt,
  xAt,
} from './layout.js';

const twelve = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
const paper = { speed: 25, gain: 10, zoom: 1 };

describe('ECG lead names', () => {
  it('matches standard names whatever their case or decoration', () => {
    expect(standardLeadName('ii')).toBe('II');
    expect(standardLeadName('AVR')).toBe('aVR');
    expect(standardLeadName('Lead I (Einthoven)')).toBe('I');
    expect(standardLeadName(' V1 ')).toBe('V1');
    expect(standardLeadName('lead-aVF')).toBe('aVF');
    expect(standardLeadName('DIII')).toBe('III');
  });

  it('does not take MLII (a modified limb lead) or Frank leads for standard ones', () => {
    expect(standardLeadName('MLII')).toBeNull();
    expect(standardLeadName('vx')).toBeNull();
    expect(standardLeadName('V7')).toBeNull();
  });

  it('recognises a 12-lead record, not MIT-BIH’s two leads', () => {
    expect(isTwelveLead(twelve)).toBe(true);
    expect(isTwelveLead([...twelve, 'vx', 'vy', 'vz'])).toBe(true);
    expect(isTwelveLead(['MLII', 'V5'])).toBe(false);
  });

  it('puts lead II on the rhythm strip, else the detector’s lead, else the first', () => {
    expect(defaultRhythmLead(twelve)).toBe(1);
    expect(defaultRhythmLead(['MLII', 'V5'], 'V5')).toBe(1);
    expect(defaultRhythmLead(['MLII', 'V5'], null)).toBe(0);
    expect(defaultRhythmLead([])).toBe(-1);
  });
});

describe('ECG 12-lead layout (3 × 4 plus a 10 s rhythm strip)', () => {
  const layout = planLayout({ leadNames: twelve, startMs: 20_000, paper });

  it('lays the leads out as the standard printout, 2.5 s per column', () => {
    expect(layout.mode).toBe('twelve');
    const rows = [0, 1, 2].map((r) =>
      layout.panels.filter((p) => !p.rhythm && p.y === r * layout.panels[0].height).map((p) => p.label),
    );
    expect(rows).toEqual([
      ['I', 'aVR', 'V1', 'V4'],
      ['II', 'aVL', 'V2', 'V5'],
      ['III', 'aVF', 'V3', 'V6'],
    ]);
    const firstRow = layout.panels.slice(0, 12).filter((p) => p.y === 0);
    expect(firstRow.map((p) => [p.fromMs, p.toMs])).toEqual([
      [20_000, 22_500],
      [22_500, 25_000],
      [25_000, 27_500],
      [27_500, 30_000],
    ]);
    // Each lead points at its own column in the record.
    for (const p of layout.panels.filter((q) => !q.rhythm)) {
      expect(STANDARD_LEADS[p.leadIndex]).toBe(p.label);
    }
  });

  it('maps paper millimetres to pixels: 25 mm/s and 10 mm/mV at 4 px/mm', () => {
    expect(layout.pxPerMm).toBe(4);
    expect(layout.pxPerMs).toBeCloseTo(0.1); // 25 mm/s × 4 px/mm = 100 px/s
    expect(layout.pxPerMv).toBe(40);
    const strip = layout.panels.find((p) => p.rhythm)!;
    expect(strip.width).toBeCloseTo(1000); // 10 s
    expect([strip.fromMs, strip.toMs]).toEqual([20_000, 30_000]);
    expect(strip.leadIndex).toBe(1); // II
    expect(layout.calibrations).toHaveLength(4);
    expect(layout.height).toBe(4 * rowHeightMm(10) * 4);
  });

  it('doubles the paper at 50 mm/s, and the trace height with the gain', () => {
    const fast = planLayout({ leadNames: twelve, startMs: 0, paper: { speed: 50, gain: 20, zoom: 1 } });
    expect(fast.pxPerMs).toBeCloseTo(0.2);
    expect(fast.pxPerMv).toBe(80);
    const zoomed = planLayout({ leadNames: twelve, startMs: 0, paper: { ...paper, zoom: 2 } });
    expect(zoomed.pxPerMm).toBe(8);
    expect(zoomed.width).toBeCloseTo(layout.width * 2);
  });

  it('shows the chosen rhythm lead and stacks extra leads below the strip', () => {
    const extra = planLayout({ leadNames: [...twelve, 'vx', 'vy', 'vz'], startMs: 0, paper, rhythmLead: 7 });
    expect(extra.panels.find((p) => p.rhythm)?.label).toBe('v2');
    expect(extra.panels.slice(-3).map((p) => p.label)).toEqual(['vx', 'vy', 'vz']);
    expect(extra.calibrations).toHaveLength(7);
  });

  it('keeps an empty, labelled box for a missing lead', () => {
    const missing = planLayout({ leadNames: twelve.filter((l) => l !== 'v3'), startMs: 0, paper });
    expect(missing.mode).toBe('twelve');
    const v3 = missing.panels.find((p) => p.label === 'V3')!;
    expect(v3.leadIndex).toBe(-1);
  });

  it('finds the panel and the record time under the pointer', () => {
    const strip = layout.panels.find((p) => p.rhythm)!;
    const x = xAt(layout, strip, 21_000);
    const hit = panelAt(layout, x, strip.baselineY);
    expect(hit).toBe(strip);
    expect(timeAt(layout, strip, x)).toBeCloseTo(21_000);
    expect(panelAt(layout, 1, strip.baselineY)).toBeNull(); // the calibration margin
    const aVF = layout.panels.find((p) => p.label === 'aVF')!;
    expect(panelAt(layout, aVF.x + 5, aVF.y + 5)).toBe(aVF);
  });
});

describe('ECG stacked layout (other lead sets)', () => {
  it('stacks MIT-BIH’s MLII and V5 full width, beats on the rhythm lead', () => {
    const layout = planLayout({ leadNames: ['MLII', 'V5'], startMs: 0, paper, rhythmLead: 0 });
    expect(layout.mode).toBe('stacked');
    expect(layout.panels.map((p) => [p.label, p.width, p.rhythm])).toEqual([
      ['MLII', 1000, true],
      ['V5', 1000, false],
    ]);
    expect(layout.panels[1].y).toBe(layout.panels[0].height);
  });

  it('keeps the page inside the record', () => {
    expect(clampStart(-500, 60_000)).toBe(0);
    expect(clampStart(55_000, 60_000)).toBe(50_000);
    expect(clampStart(5_000, 8_000)).toBe(0);
  });
});
