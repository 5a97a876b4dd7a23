/**
 * Where each lead goes on the ECG "paper": pure arithmetic from lead names, paper speed, gain and scale to
 * CSS-pixel rectangles, so the viewer, its tests and the render benchmark share one layout.
 *
 * Twelve-lead records get the standard 3 × 4 layout (I, aVR, V1, V4 in the first row; each column 2.5 s
 * of its own time) and a full-width rhythm strip; any other lead set (MIT-BIH's MLII and V5, say) is
 * stacked, each lead full width. A 1 mV calibration pulse sits in the left margin of every row.
 */

export const STANDARD_LEADS = [
  'I',
  'II',
  'III',
  'aVR',
  'aVL',
  'aVF',
  'V1',
  'V2',
  'V3',
  'V4',
  'V5',
  'V6',
] as const;
export type StandardLead = (typeof STANDARD_LEADS)[number];

/** The standard printout, column by column: each column is one 2.5 s slice of the 10 s page. */
export const TWELVE_LEAD_GRID: readonly (readonly StandardLead[])[] = [
  ['I', 'II', 'III'],
  ['aVR', 'aVL', 'aVF'],
  ['V1', 'V2', 'V3'],
  ['V4', 'V5', 'V6'],
];

export const SPEEDS = [25, 50] as const;
export const GAINS = [5, 10, 20] as const;
export type Speed = (typeof SPEEDS)[number];
export type Gain = (typeof GAINS)[number];

/** CSS pixels per millimetre of paper at zoom 1 (the screen is no ruler: a fixed, legible scale). */
export const PX_PER_MM = 4;
/** One page of the viewer: 10 s, as on a printed 12-lead ECG. */
export const PAGE_MS = 10_000;
/** The calibration pulse: 1 mV for 200 ms. */
export const CALIBRATION_MS = 200;

const ALIASES: Record<string, StandardLead> = {
  i: 'I',
  ii: 'II',
  iii: 'III',
  di: 'I',
  dii: 'II',
  diii: 'III',
  avr: 'aVR',
  avl: 'aVL',
  avf: 'aVF',
  v1: 'V1',
  v2: 'V2',
  v3: 'V3',
  v4: 'V4',
  v5: 'V5',
  v6: 'V6',
};

/**
 * The standard name of a lead, whatever the file calls it ('ii', 'AVR', 'Lead I (Einthoven)', 'V1 ');
 * null for anything else (MLII — a modified limb lead — is not lead II).
 */
export function standardLeadName(name: string): StandardLead | null {
  const key = name
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/\blead\b/g, '')
    .replace(/[\s_\-:.]/g, '');
  return ALIASES[key] ?? null;
}

/** Index of a standard lead among the record's leads, or -1. */
export function findLead(names: readonly string[], lead: StandardLead): number {
  return names.findIndex((n) => standardLeadName(n) === lead);
}

/** Twelve-lead layout when most of the standard leads are there (a missing one shows as an empty box). */
export function isTwelveLead(names: readonly string[]): boolean {
  return STANDARD_LEADS.filter((lead) => findLead(names, lead) >= 0).length >= 8;
}

/** The lead a rhythm strip shows by default: II, else the one the beat detector used, else the first. */
export function defaultRhythmLead(names: readonly string[], leadUsed?: string | null): number {
  const ii = findLead(names, 'II');
  if (ii >= 0) return ii;
  if (leadUsed) {
    const used = names.findIndex((n) => n.trim().toLowerCase() === leadUsed.trim().toLowerCase());
    if (used >= 0) return used;
  }
  return names.length > 0 ? 0 : -1;
}

export interface Paper {
  speed: number; // mm/s
  gain: number; // mm/mV
  zoom: number;
}

export interface Panel {
  /** Lead index in the record, -1 when the record lacks it. */
  leadIndex: number;
  label: string;
  rhythm: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
  baselineY: number;
  fromMs: number;
  toMs: number;
}

export interface EcgLayout {
  mode: 'twelve' | 'stacked';
  width: number;
  height: number;
  pxPerMm: number;
  pxPerMs: number;
  pxPerMv: number;
  panels: Panel[];
  /** One pulse per row: its left edge and the row's baseline. */
  calibrations: { x: number; baselineY: number }[];
}

export interface LayoutInput {
  leadNames: readonly string[];
  startMs: number;
  paper: Paper;
  rhythmLead?: number;
  pageMs?: number;
}

/** Row height in mm: three millivolts of room, never under 15 mm. */
export function rowHeightMm(gain: number): number {
  return Math.max(15, 3 * gain);
}

export function planLayout({
  leadNames,
  startMs,
  paper,
  rhythmLead,
  pageMs = PAGE_MS,
}: LayoutInput): EcgLayout {
  const pxPerMm = PX_PER_MM * paper.zoom;
  const pxPerMs = (paper.speed * pxPerMm) / 1000;
  const pxPerMv = paper.gain * pxPerMm;
  // Left margin: the pulse plus 2 mm either side, rounded up to whole 5 mm boxes so traces start on a line.
  const marginMm = Math.ceil(((CALIBRATION_MS * paper.speed) / 1000 + 4) / 5) * 5;
  const left = marginMm * pxPerMm;
  const traceWidth = pageMs * pxPerMs;
  const rowH = rowHeightMm(paper.gain) * pxPerMm;
  const width = left + traceWidth;
  const panels: Panel[] = [];
  const calibrations: EcgLayout['calibrations'] = [];
  const pulseX = 2 * pxPerMm;
  // The baseline sits 60 % down a row: QRS complexes rise more than they fall.
  const row = (r: number) => ({ y: r * rowH, baselineY: r * rowH + rowH * 0.6 });
  const fullWidth = (r: number, leadIndex: number, rhythm: boolean): Panel => ({
    leadIndex,
    label: leadIndex >= 0 ? leadNames[leadIndex] : '',
    rhythm,
    x: left,
    ...row(r),
    width: traceWidth,
    height: rowH,
    fromMs: startMs,
    toMs: startMs + pageMs,
  });

  if (isTwelveLead(leadNames)) {
    const colW = traceWidth / TWELVE_LEAD_GRID.length;
    const colMs = pageMs / TWELVE_LEAD_GRID.length;
    for (let r = 0; r < 3; r++) {
      calibrations.push({ x: pulseX, baselineY: row(r).baselineY });
      TWELVE_LEAD_GRID.forEach((column, c) => {
        const lead = column[r];
        panels.push({
          leadIndex: findLead(leadNames, lead),
          label: lead,
          rhythm: false,
          x: left + c * colW,
          ...row(r),
          width: colW,
          height: rowH,
          fromMs: startMs + c * colMs,
          toMs: startMs + (c + 1) * colMs,
        });
      });
    }
    const strip = rhythmLead !== undefined && rhythmLead >= 0 ? rhythmLead : defaultRhythmLead(leadNames);
    calibrations.push({ x: pulseX, baselineY: row(3).baselineY });
    panels.push(fullWidth(3, strip, true));
    // Leads beyond the twelve (Frank X, Y, Z…) are not hidden: full width below the rhythm strip.
    const used = new Set(STANDARD_LEADS.map((l) => findLead(leadNames, l)));
    let r = 4;
    leadNames.forEach((_, i) => {
      if (used.has(i)) return;
      calibrations.push({ x: pulseX, baselineY: row(r).baselineY });
      panels.push(fullWidth(r++, i, false));
    });
    return { mode: 'twelve', width, height: r * rowH, pxPerMm, pxPerMs, pxPerMv, panels, calibrations };
  }

  leadNames.forEach((_, i) => {
    calibrations.push({ x: pulseX, baselineY: row(i).baselineY });
    panels.push(fullWidth(i, i, i === rhythmLead));
  });
  return {
    mode: 'stacked',
    width,
    height: Math.max(1, leadNames.length) * rowH,
    pxPerMm,
    pxPerMs,
    pxPerMv,
    panels,
    calibrations,
  };
}

/** The panel under a point (CSS pixels in the canvas), or null in a margin. */
export function panelAt(layout: EcgLayout, x: number, y: number): Panel | null {
  return layout.panels.find((p) => x >= p.x && x < p.x + p.width && y >= p.y && y < p.y + p.height) ?? null;
}

/** Record time at an x inside a panel. */
export function timeAt(layout: EcgLayout, panel: Panel, x: number): number {
  return panel.fromMs + (x - panel.x) / layout.pxPerMs;
}

/** The x of a record time inside a panel (may fall outside it). */
export function xAt(layout: EcgLayout, panel: Panel, ms: number): number {
  return panel.x + (ms - panel.fromMs) * layout.pxPerMs;
}

/** Keep a page start inside the record. */
export function clampStart(startMs: number, durationMs: number, pageMs = PAGE_MS): number {
  return Math.max(0, Math.min(startMs, Math.max(0, durationMs - pageMs)));
}

/** A record time as m:ss (h:mm:ss past an hour), for the slider and the screen reader label. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
