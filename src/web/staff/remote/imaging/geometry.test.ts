import { describe, expect, it } from 'vitest';
import {
  aspectOf,
  canvasToImage,
  clampScale,
  distance,
  fitView,
  formatDistance,
  imageToCanvas,
  MAX_SCALE,
  onImage,
  panBy,
  spacingOf,
  stepIndex,
  wheelZoomFactor,
  zoomAt,
} from './geometry.js';

/** Geometry of the viewer: measurements a report cites (REMOTE-*) must be true millimetres. */

describe('Pixel Spacing and distances', () => {
  it('reads Pixel Spacing as row (y) then column (x), refusing absent or non-positive values', () => {
    expect(spacingOf([0.7, 0.5])).toEqual({ row: 0.7, column: 0.5 });
    expect(spacingOf(undefined)).toBeUndefined();
    expect(spacingOf([0.5])).toBeUndefined();
    expect(spacingOf([0, 0.5])).toBeUndefined();
  });

  it('scales x by the column spacing and y by the row spacing', () => {
    const spacing = { row: 2, column: 0.5 };
    expect(distance({ x: 0, y: 0 }, { x: 10, y: 0 }, spacing)).toEqual({ value: 5, unit: 'mm' });
    expect(distance({ x: 0, y: 0 }, { x: 0, y: 10 }, spacing)).toEqual({ value: 20, unit: 'mm' });
    const diagonal = distance({ x: 1, y: 1 }, { x: 4, y: 3 }, { row: 0.661468, column: 0.661468 });
    expect(diagonal.value).toBeCloseTo(Math.sqrt(13) * 0.661468, 9);
  });

  it('without Pixel Spacing measures in image pixels, labelled px', () => {
    const d = distance({ x: 0, y: 0 }, { x: 3, y: 4 }, undefined);
    expect(d).toEqual({ value: 5, unit: 'px' });
    expect(formatDistance(d)).toBe('5.0 px');
    expect(formatDistance({ value: 12.345, unit: 'mm' })).toBe('12.3 mm');
  });
});

describe('zoom and pan', () => {
  const image = { width: 128, height: 128 };
  const viewport = { width: 800, height: 400 };

  it('fits the image to the smaller side, centred', () => {
    const view = fitView(image, viewport);
    expect(view.scale).toBe(400 / 128);
    expect(imageToCanvas({ x: 64, y: 64 }, view, image, viewport)).toEqual({ x: 400, y: 200 });
    expect(imageToCanvas({ x: 0, y: 0 }, view, image, viewport)).toEqual({ x: 200, y: 0 });
  });

  it('draws non-square pixels at their true shape (rows aspect = row/column spacing)', () => {
    const aspect = aspectOf({ row: 1, column: 0.5 });
    expect(aspect).toBe(2);
    const view = fitView({ width: 100, height: 100 }, { width: 400, height: 400 }, aspect);
    // 100 rows drawn twice as tall as 100 columns are wide: height limits.
    expect(view.scale).toBe(2);
    const bottom = imageToCanvas(
      { x: 100, y: 100 },
      view,
      { width: 100, height: 100 },
      { width: 400, height: 400 },
      aspect,
    );
    expect(bottom).toEqual({ x: 300, y: 400 });
  });

  it('canvas → image is the inverse of image → canvas at any zoom and pan', () => {
    const view = { scale: 2.5, pan: { x: -37, y: 12 } };
    for (const p of [
      { x: 0, y: 0 },
      { x: 17.25, y: 99.5 },
      { x: 128, y: 128 },
    ]) {
      const back = canvasToImage(imageToCanvas(p, view, image, viewport, 1.3), view, image, viewport, 1.3);
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
    }
  });

  it('zooming about the pointer keeps the image point under it still', () => {
    const view = fitView(image, viewport);
    const pointer = { x: 523, y: 77 };
    const under = canvasToImage(pointer, view, image, viewport);
    const zoomed = zoomAt(view, 3, pointer, image, viewport);
    expect(zoomed.scale).toBeCloseTo(view.scale * 3, 9);
    const after = imageToCanvas(under, zoomed, image, viewport);
    expect(after.x).toBeCloseTo(pointer.x, 9);
    expect(after.y).toBeCloseTo(pointer.y, 9);
  });

  it('limits the zoom, pans by the drag, and a wheel notch in and out cancels', () => {
    expect(clampScale(1000)).toBe(MAX_SCALE);
    expect(zoomAt({ scale: MAX_SCALE, pan: { x: 0, y: 0 } }, 2, { x: 0, y: 0 }, image, viewport).scale).toBe(
      MAX_SCALE,
    );
    expect(panBy({ scale: 2, pan: { x: 5, y: 5 } }, 10, -20)).toEqual({ scale: 2, pan: { x: 15, y: -15 } });
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100) * wheelZoomFactor(-100)).toBeCloseTo(1, 12);
  });

  it('knows whether a click fell on the image', () => {
    expect(onImage({ x: 0, y: 127.9 }, image)).toBe(true);
    expect(onImage({ x: -0.1, y: 3 }, image)).toBe(false);
    expect(onImage({ x: 3, y: 128.1 }, image)).toBe(false);
  });
});

describe('scrolling through a series', () => {
  it('steps within the series without wrapping', () => {
    expect(stepIndex(0, -1, 10)).toBe(0);
    expect(stepIndex(3, 1, 10)).toBe(4);
    expect(stepIndex(8, 10, 10)).toBe(9);
    expect(stepIndex(5, 1, 0)).toBe(0);
  });
});
