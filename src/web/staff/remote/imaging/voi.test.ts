import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import {
  autoWindow,
  buildGreyLut,
  CT_PRESETS,
  type DisplayOptions,
  decodeFrame,
  dragWindow,
  greyOf,
  initialWindow,
  modalityRange,
  presetsFor,
  RGB_IDENTITY_WINDOW,
  renderGrey,
  renderRgb,
  storedRange,
  windowValue,
} from './voi.js';

/** Grey display of DICOM pixels (REMOTE-*: the centre reads images at its own window). */

const le16 = (values: number[]) => {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    view.setUint16(i * 2, v & 0xffff, true);
  });
  return bytes;
};

const ct = (
  window: { center: number; width: number },
  extra: Partial<DisplayOptions> = {},
): DisplayOptions => ({
  rescale: { slope: 1, intercept: -1024 },
  window,
  photometric: 'MONOCHROME2',
  invert: false,
  ...extra,
});

describe('window (PS3.3 C.11.2.1.2.1)', () => {
  it('maps the window linearly with the standard half-pixel offsets and saturates outside it', () => {
    const w = { center: 40, width: 400 };
    // Lower edge: x ≤ c − 0.5 − (w − 1)/2 = −160; upper edge: x > c − 0.5 + (w − 1)/2 = 239.
    expect(windowValue(-160, w)).toBe(0);
    expect(windowValue(-1000, w)).toBe(0);
    expect(windowValue(-159, w)).toBeGreaterThan(0);
    expect(windowValue(238, w)).toBeLessThan(255);
    expect(windowValue(239, w)).toBeCloseTo(255, 6); // the line reaches white at the edge itself
    expect(windowValue(240, w)).toBe(255);
    expect(windowValue(39.5, w)).toBeCloseTo(127.5, 6);
  });

  it('treats a width of 1 as a threshold', () => {
    const w = { center: 100, width: 1 };
    expect(windowValue(99, w)).toBe(0);
    expect(windowValue(100, w)).toBe(255);
  });

  it('LINEAR_EXACT at the colour identity window leaves 8-bit values unchanged', () => {
    for (const v of [0, 1, 64, 127, 128, 254, 255]) {
      expect(Math.round(windowValue(v, RGB_IDENTITY_WINDOW, 'LINEAR_EXACT'))).toBe(v);
    }
  });

  it('SIGMOID is half-grey at the centre and rises through it', () => {
    const w = { center: 50, width: 100 };
    expect(windowValue(50, w, 'SIGMOID')).toBeCloseTo(127.5, 6);
    expect(windowValue(0, w, 'SIGMOID')).toBeLessThan(windowValue(100, w, 'SIGMOID'));
  });
});

describe('grey lookup table', () => {
  it('applies Rescale Slope/Intercept before the window (CT stored → HU → grey)', () => {
    const options = ct({ center: 40, width: 400 });
    const lut = buildGreyLut({ min: 0, max: 2000 }, options);
    // Stored 1024 is 0 HU: ((0 − 39.5)/399 + 0.5) × 255.
    expect(lut.table[1024 - lut.offset]).toBe(Math.round(((0 - 39.5) / 399 + 0.5) * 255));
    // Stored 864 is −160 HU (black), stored 1264 is 240 HU (white).
    expect(lut.table[864]).toBe(0);
    expect(lut.table[1264]).toBe(255);
    expect(lut.table[1024]).toBe(greyOf(1024, options));
  });

  it('shows MONOCHROME1 inverted, and the reader’s invert turns it back', () => {
    const window = { center: 500, width: 1000 };
    const base = { rescale: { slope: 1, intercept: 0 }, window, invert: false };
    const mono2 = buildGreyLut({ min: 0, max: 1000 }, { ...base, photometric: 'MONOCHROME2' });
    const mono1 = buildGreyLut({ min: 0, max: 1000 }, { ...base, photometric: 'MONOCHROME1' });
    const mono1Inverted = buildGreyLut(
      { min: 0, max: 1000 },
      { ...base, photometric: 'MONOCHROME1', invert: true },
    );
    expect(mono2.table[0]).toBe(0);
    expect(mono1.table[0]).toBe(255);
    expect(mono1.table[1000]).toBe(0);
    expect(Array.from(mono1Inverted.table)).toEqual(Array.from(mono2.table));
  });

  it('renders every pixel to opaque grey RGBA', () => {
    const pixels = new Int16Array([-1024, 0, 40, 3000]);
    const out = new Uint8ClampedArray(16);
    renderGrey(pixels, { ...ct({ center: 40, width: 400 }), rescale: { slope: 1, intercept: 0 } }, out);
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 0, 255]);
    expect(Array.from(out.slice(12, 16))).toEqual([255, 255, 255, 255]);
    expect(out[4]).toBe(out[5]);
    expect(out[4]).toBeLessThan(out[8]);
  });

  it('renders colour pixels (interleaved and planar) unchanged at the identity window, and inverts them', () => {
    const interleaved = new Uint8Array([10, 20, 30, 200, 100, 0]);
    const planar = new Uint8Array([10, 200, 20, 100, 30, 0]);
    const a = new Uint8ClampedArray(8);
    const b = new Uint8ClampedArray(8);
    renderRgb(interleaved, false, { window: RGB_IDENTITY_WINDOW, invert: false }, a);
    renderRgb(planar, true, { window: RGB_IDENTITY_WINDOW, invert: false }, b);
    expect(Array.from(a)).toEqual([10, 20, 30, 255, 200, 100, 0, 255]);
    expect(Array.from(b)).toEqual(Array.from(a));
    renderRgb(interleaved, false, { window: RGB_IDENTITY_WINDOW, invert: true }, a);
    expect(Array.from(a.slice(0, 3))).toEqual([245, 235, 225]);
  });
});

describe('decoding native little-endian frames', () => {
  it('reads signed 16-bit values', () => {
    const pixels = decodeFrame(le16([-2000, 0, 1, 32767]), {
      rows: 2,
      columns: 2,
      bitsAllocated: 16,
      pixelRepresentation: 1,
    });
    expect(Array.from(pixels)).toEqual([-2000, 0, 1, 32767]);
  });

  it('masks bits above Bits Stored and sign-extends a signed 12-bit value', () => {
    // 0xF800 | 0x0FFF: overlay bits set above a 12-bit −1; 0x0800 is −2048 in 12 bits.
    const signed = decodeFrame(le16([0xffff, 0x0800, 0x07ff, 0x1005]), {
      rows: 1,
      columns: 4,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 1,
    });
    expect(Array.from(signed)).toEqual([-1, -2048, 2047, 5]);
    const unsigned = decodeFrame(le16([0xf00a, 0x0fff]), {
      rows: 1,
      columns: 2,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 0,
    });
    expect(Array.from(unsigned)).toEqual([10, 4095]);
  });

  it('refuses a frame shorter than Rows × Columns × bytes', () => {
    expect(() =>
      decodeFrame(new Uint8Array(7), { rows: 2, columns: 2, bitsAllocated: 16, pixelRepresentation: 0 }),
    ).toThrow(RangeError);
  });

  it('reads a frame that starts at an odd byte offset (a multipart part)', () => {
    const buffer = new Uint8Array(5);
    buffer.set(le16([300, 65535]), 1);
    const pixels = decodeFrame(buffer.subarray(1), {
      rows: 1,
      columns: 2,
      bitsAllocated: 16,
      pixelRepresentation: 0,
    });
    expect(Array.from(pixels)).toEqual([300, 65535]);
  });
});

describe('windows the viewer offers', () => {
  it('CT presets: lung W1500/L−600, mediastinum W400/L40, bone W2000/L500, brain W80/L40', () => {
    const byId = Object.fromEntries(CT_PRESETS.map((p) => [p.id, p.window]));
    expect(byId.lung).toEqual({ width: 1500, center: -600 });
    expect(byId.mediastinum).toEqual({ width: 400, center: 40 });
    expect(byId.bone).toEqual({ width: 2000, center: 500 });
    expect(byId.brain).toEqual({ width: 80, center: 40 });
    expect(presetsFor('CT').map((p) => p.id)).toEqual([
      'lung',
      'mediastinum',
      'bone',
      'brain',
      'file',
      'auto',
    ]);
    expect(presetsFor('MR').map((p) => p.id)).toEqual(['file', 'auto']);
    expect(presetsFor('DX').map((p) => p.id)).toEqual(['file', 'auto']);
  });

  it('opens at the file’s first window pair, else at the frame’s full range', () => {
    expect(initialWindow([40, 300], [400, 1500], { min: -1000, max: 1000 })).toEqual({
      center: 40,
      width: 400,
    });
    expect(initialWindow([], [], { min: -896, max: 1167 })).toEqual({ center: 135.5, width: 2063 });
    expect(initialWindow([40], [0], { min: 0, max: 10 })).toEqual(autoWindow({ min: 0, max: 10 }));
  });

  it('a negative slope swaps the modality range', () => {
    expect(modalityRange({ min: 0, max: 100 }, { slope: -2, intercept: 10 })).toEqual({ min: -190, max: 10 });
  });

  it('dragging right widens, down raises the centre, and the width stays at least 1', () => {
    const start = { center: 40, width: 400 };
    const wider = dragWindow(start, 100, 0, 4000);
    expect(wider.width).toBeGreaterThan(400);
    expect(wider.center).toBe(40);
    expect(dragWindow(start, 0, 50, 4000).center).toBeGreaterThan(40);
    expect(dragWindow(start, -100000, 0, 4000).width).toBe(1);
  });
});

describe('CT_small.dcm (128×128 signed 16-bit, explicit VR LE) read by dicom-parser', () => {
  const file = new Uint8Array(readFileSync('../shared/testdata/dicom/CT_small.dcm'));
  const ds = dicomParser.parseDicom(file);
  const element = ds.elements.x7fe00010;
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bytes = file.subarray(element.dataOffset, element.dataOffset + element.length);
  const format = {
    rows,
    columns,
    bitsAllocated: ds.uint16('x00280100') ?? 0,
    bitsStored: ds.uint16('x00280101'),
    pixelRepresentation: ds.uint16('x00280103') ?? 0,
  };
  const rescale = { slope: Number(ds.string('x00281053')), intercept: Number(ds.string('x00281052')) };

  it('decodes the same values as reading the element as Int16 directly', () => {
    const pixels = decodeFrame(bytes, format);
    expect(pixels.length).toBe(rows * columns);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const i of [0, 1, 777, 8192, rows * columns - 1]) expect(pixels[i]).toBe(view.getInt16(i * 2, true));
  });

  it('in the mediastinal window: HU ≤ −160 black, HU > 239 white, grey rising with HU', () => {
    const pixels = decodeFrame(bytes, format);
    const out = new Uint8ClampedArray(pixels.length * 4);
    renderGrey(
      pixels,
      { rescale, window: { center: 40, width: 400 }, photometric: 'MONOCHROME2', invert: false },
      out,
    );
    let black = 0;
    let white = 0;
    let wrong = 0;
    const pairs: [number, number][] = [];
    for (let i = 0; i < pixels.length; i++) {
      const hu = pixels[i] * rescale.slope + rescale.intercept;
      const grey = out[i * 4];
      if (hu <= -160) {
        if (grey !== 0) wrong++;
        black++;
      } else if (hu > 239) {
        if (grey !== 255) wrong++;
        white++;
      }
      pairs.push([hu, grey]);
    }
    expect(wrong).toBe(0);
    // The slice holds both air/fat below the window and bone above it.
    expect(black).toBeGreaterThan(0);
    expect(white).toBeGreaterThan(0);
    pairs.sort((a, b) => a[0] - b[0]);
    const falls = pairs.filter((p, i) => i > 0 && p[1] < pairs[i - 1][1]);
    expect(falls).toEqual([]);
  });

  it('auto window spans the slice: its darkest pixel black and brightest white', () => {
    const pixels = decodeFrame(bytes, format);
    const range = storedRange(pixels);
    const window = autoWindow(modalityRange(range, rescale));
    const out = new Uint8ClampedArray(pixels.length * 4);
    renderGrey(pixels, { rescale, window, photometric: 'MONOCHROME2', invert: false }, out);
    const darkest = Array.from(pixels).indexOf(range.min);
    const brightest = Array.from(pixels).indexOf(range.max);
    expect(out[darkest * 4]).toBe(0);
    expect(out[brightest * 4]).toBe(255);
  });
});
