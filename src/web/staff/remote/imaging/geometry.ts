/**
 * Image geometry for the viewer, pure: where an image pixel lands on the canvas at a zoom and pan, the way
 * back (a click to an image point), zooming about the pointer, and distances in millimetres from Pixel
 * Spacing (0028,0030). Pixel Spacing is "row spacing\column spacing": the first value is the distance
 * between the centres of adjacent ROWS (the vertical, y step), the second between adjacent COLUMNS (x).
 */

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Pixel Spacing in mm: row (y) and column (x) step. */
export interface Spacing {
  row: number;
  column: number;
}

/** Pixel Spacing as parsed from its two values; undefined when absent, incomplete or not positive. */
export function spacingOf(values: readonly number[] | undefined): Spacing | undefined {
  if (!values || values.length < 2) return undefined;
  const [row, column] = values;
  if (!(row > 0 && column > 0 && Number.isFinite(row) && Number.isFinite(column))) return undefined;
  return { row, column };
}

export interface Distance {
  value: number;
  /** 'mm' with Pixel Spacing; 'px' (image pixels, not calibrated) without. */
  unit: 'mm' | 'px';
}

/** The distance between two image points: mm with Pixel Spacing, image pixels without. */
export function distance(a: Point, b: Point, spacing: Spacing | undefined): Distance {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (!spacing) return { value: Math.hypot(dx, dy), unit: 'px' };
  return { value: Math.hypot(dx * spacing.column, dy * spacing.row), unit: 'mm' };
}

/** A distance as the viewer prints it: one decimal, its unit. */
export function formatDistance(d: Distance): string {
  return `${d.value.toFixed(1)} ${d.unit}`;
}

/**
 * How the image sits in the viewport: `scale` canvas (CSS) pixels per image column, the image centre offset
 * by `pan` from the viewport centre. A non-square pixel (row spacing ≠ column spacing) is drawn taller or
 * wider by `aspect` = row spacing / column spacing, so anatomy keeps its true shape.
 */
export interface View {
  scale: number;
  pan: Point;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 32;

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** Rows are drawn `aspect` times as tall as columns are wide. */
export function aspectOf(spacing: Spacing | undefined): number {
  return spacing ? spacing.row / spacing.column : 1;
}

/** The view that fits the whole image into the viewport, centred. */
export function fitView(image: Size, viewport: Size, aspect = 1): View {
  if (image.width <= 0 || image.height <= 0 || viewport.width <= 0 || viewport.height <= 0) {
    return { scale: 1, pan: { x: 0, y: 0 } };
  }
  const scale = Math.min(viewport.width / image.width, viewport.height / (image.height * aspect));
  return { scale: clampScale(scale), pan: { x: 0, y: 0 } };
}

/** The canvas position of the image's top-left corner. */
export function origin(view: View, image: Size, viewport: Size, aspect = 1): Point {
  return {
    x: viewport.width / 2 + view.pan.x - (image.width / 2) * view.scale,
    y: viewport.height / 2 + view.pan.y - (image.height / 2) * view.scale * aspect,
  };
}

/** Image point (in pixel units, 0,0 the top-left corner of the first pixel) → canvas point. */
export function imageToCanvas(p: Point, view: View, image: Size, viewport: Size, aspect = 1): Point {
  const o = origin(view, image, viewport, aspect);
  return { x: o.x + p.x * view.scale, y: o.y + p.y * view.scale * aspect };
}

/** Canvas point → image point (the inverse of imageToCanvas). */
export function canvasToImage(p: Point, view: View, image: Size, viewport: Size, aspect = 1): Point {
  const o = origin(view, image, viewport, aspect);
  return { x: (p.x - o.x) / view.scale, y: (p.y - o.y) / (view.scale * aspect) };
}

/** Whether an image point lies on the image. */
export function onImage(p: Point, image: Size): boolean {
  return p.x >= 0 && p.y >= 0 && p.x <= image.width && p.y <= image.height;
}

/**
 * Zooms by `factor` keeping the image point under `anchor` (a canvas point: the pointer, or the viewport
 * centre for the buttons) where it is.
 */
export function zoomAt(
  view: View,
  factor: number,
  anchor: Point,
  image: Size,
  viewport: Size,
  aspect = 1,
): View {
  const scale = clampScale(view.scale * factor);
  const fixed = canvasToImage(anchor, view, image, viewport, aspect);
  const next: View = { scale, pan: view.pan };
  const moved = imageToCanvas(fixed, next, image, viewport, aspect);
  return { scale, pan: { x: view.pan.x + anchor.x - moved.x, y: view.pan.y + anchor.y - moved.y } };
}

/** Moves the image by a drag of (dx, dy) canvas pixels. */
export function panBy(view: View, dx: number, dy: number): View {
  return { scale: view.scale, pan: { x: view.pan.x + dx, y: view.pan.y + dy } };
}

/** The wheel's zoom step: one notch (deltaY ≈ 100) is ×1.1 or ÷1.1. */
export function wheelZoomFactor(deltaY: number): number {
  return 1.1 ** (-deltaY / 100);
}

/** The next image index for a scroll of `steps` (clamped to the series, no wrap-around). */
export function stepIndex(index: number, steps: number, count: number): number {
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, index + steps));
}
