/**
 * Grey-scale display of DICOM pixels, pure (no DOM): stored values → modality values (Rescale Slope and
 * Intercept, PS3.3 C.11.1) → the VOI window (Window Center/Width, PS3.3 C.11.2.1.2) → 8-bit grey, with
 * MONOCHROME1 shown inverted (PS3.3 C.7.6.3.1.2) and the reader's own inversion on top. The viewer builds
 * one lookup table per window change and maps every pixel through it, so dragging the window stays smooth.
 */

/** Stored pixel values of one frame, one sample per pixel (grey) or interleaved samples (RGB). */
export type StoredPixels = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

export interface PixelFormat {
  rows: number;
  columns: number;
  /** Bits Allocated (0028,0100): 8, 16 or 32. */
  bitsAllocated: number;
  /** Bits Stored (0028,0101); defaults to bitsAllocated. */
  bitsStored?: number;
  /** Pixel Representation (0028,0103): 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  /** Samples per Pixel (0028,0002): 1 grey, 3 colour. */
  samplesPerPixel?: number;
  /** Planar Configuration (0028,0006) for colour: 0 interleaved (RGBRGB…), 1 planes (RR…GG…BB…). */
  planarConfiguration?: number;
}

/** Bytes one frame takes in native (uncompressed) form. */
export function frameByteLength(format: PixelFormat): number {
  return format.rows * format.columns * (format.samplesPerPixel ?? 1) * (format.bitsAllocated / 8);
}

/**
 * Reads one frame of raw little-endian pixel bytes (Explicit VR Little Endian, 1.2.840.10008.1.2.1) into
 * typed stored values. When Bits Stored is less than Bits Allocated the unused high bits are masked off and
 * a signed value is sign-extended from its own top bit (a 12-bit −1 is 0x0FFF, not 4095).
 */
export function decodeFrame(bytes: Uint8Array, format: PixelFormat): StoredPixels {
  const count = format.rows * format.columns * (format.samplesPerPixel ?? 1);
  const need = frameByteLength(format);
  if (bytes.byteLength < need) {
    throw new RangeError(`frame has ${bytes.byteLength} bytes, ${need} expected`);
  }
  const signed = format.pixelRepresentation === 1;
  const allocated = format.bitsAllocated;
  const stored = Math.min(format.bitsStored ?? allocated, allocated);
  // Copy into a fresh, aligned buffer: a multipart part may start at any byte offset.
  const copy = bytes.slice(0, need).buffer;
  let pixels: StoredPixels;
  if (allocated === 8) pixels = signed ? new Int8Array(copy) : new Uint8Array(copy);
  else if (allocated === 16) pixels = signed ? new Int16Array(copy) : new Uint16Array(copy);
  else if (allocated === 32) pixels = signed ? new Int32Array(copy) : new Uint32Array(copy);
  else throw new RangeError(`Bits Allocated ${allocated} is not supported`);
  if (stored >= allocated) return pixels;

  const out = signed ? new Int32Array(count) : new Uint32Array(count);
  const mask = stored >= 32 ? 0xffffffff : 2 ** stored - 1;
  const signBit = 2 ** (stored - 1);
  for (let i = 0; i < count; i++) {
    let v = (pixels[i] >>> 0) % (mask + 1);
    if (signed && v >= signBit) v -= mask + 1;
    out[i] = v;
  }
  return out;
}

/** The smallest and largest stored value of a frame (grey frames: every sample). */
export function storedRange(pixels: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { min: 0, max: 0 };
  return { min, max };
}

export interface Rescale {
  slope: number;
  intercept: number;
}

/** Modality LUT (PS3.3 C.11.1.1.2): output = stored × slope + intercept (CT: Hounsfield units). */
export function rescale(stored: number, r: Rescale): number {
  return stored * r.slope + r.intercept;
}

/** The range of modality values that a stored range maps to (a negative slope swaps the ends). */
export function modalityRange(range: { min: number; max: number }, r: Rescale): { min: number; max: number } {
  const a = rescale(range.min, r);
  const b = rescale(range.max, r);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

export interface Window {
  center: number;
  width: number;
}

/** VOI LUT Function (0028,1056). */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/**
 * The window's 8-bit output for one modality value, PS3.3 C.11.2.1.2.1 (LINEAR, width ≥ 1), C.11.2.1.3.2
 * (LINEAR_EXACT, width > 0) and C.11.2.1.3.1 (SIGMOID).
 */
export function windowValue(x: number, w: Window, fn: VoiFunction = 'LINEAR'): number {
  const yMax = 255;
  if (fn === 'SIGMOID') {
    const width = Math.max(w.width, Number.EPSILON);
    return yMax / (1 + Math.exp((-4 * (x - w.center)) / width));
  }
  if (fn === 'LINEAR_EXACT') {
    const width = Math.max(w.width, Number.EPSILON);
    if (x <= w.center - width / 2) return 0;
    if (x > w.center + width / 2) return yMax;
    return ((x - w.center) / width + 0.5) * yMax;
  }
  const width = Math.max(w.width, 1);
  const c = w.center - 0.5;
  const half = (width - 1) / 2;
  if (x <= c - half) return 0;
  if (x > c + half) return yMax;
  if (width === 1) return yMax;
  return ((x - c) / (width - 1) + 0.5) * yMax;
}

export interface DisplayOptions {
  rescale: Rescale;
  window: Window;
  voiFunction?: VoiFunction;
  /** Photometric Interpretation (0028,0004): MONOCHROME1 shows its lowest value white. */
  photometric: string;
  /** The reader's own inversion, applied on top of MONOCHROME1's. */
  invert: boolean;
}

/** Whether the grey output is finally inverted: MONOCHROME1 and the reader's toggle cancel each other. */
export function isInverted(photometric: string, invert: boolean): boolean {
  return (photometric.toUpperCase() === 'MONOCHROME1') !== invert;
}

/** A stored value → 8-bit grey table covering [offset, offset + table.length − 1]. */
export interface GreyLut {
  offset: number;
  table: Uint8Array;
}

/** Tables longer than this (32-bit data with a wide range) are not built: values are mapped one by one. */
export const MAX_LUT_LENGTH = 1 << 20;

/** The grey table for a stored range: rescale, window, then inversion, in the standard's order. */
export function buildGreyLut(range: { min: number; max: number }, options: DisplayOptions): GreyLut {
  const length = range.max - range.min + 1;
  if (!(length > 0 && length <= MAX_LUT_LENGTH)) {
    throw new RangeError(`stored range of ${length} values is too wide for a table`);
  }
  const table = new Uint8Array(length);
  const inverted = isInverted(options.photometric, options.invert);
  for (let i = 0; i < length; i++) {
    const grey = Math.round(
      windowValue(rescale(range.min + i, options.rescale), options.window, options.voiFunction),
    );
    table[i] = inverted ? 255 - grey : grey;
  }
  return { offset: range.min, table };
}

/** One stored value to grey without a table (same steps as buildGreyLut). */
export function greyOf(stored: number, options: DisplayOptions): number {
  const grey = Math.round(windowValue(rescale(stored, options.rescale), options.window, options.voiFunction));
  return isInverted(options.photometric, options.invert) ? 255 - grey : grey;
}

/**
 * Fills RGBA output (an ImageData's data, length 4 × pixels) from a grey frame. Values outside the table
 * (none when the table was built from this frame's range) are clamped to its ends.
 */
export function renderGrey(pixels: ArrayLike<number>, options: DisplayOptions, out: Uint8ClampedArray): void {
  const range = storedRange(pixels);
  const n = pixels.length;
  if (range.max - range.min + 1 > MAX_LUT_LENGTH) {
    for (let i = 0, j = 0; i < n; i++, j += 4) {
      const g = greyOf(pixels[i], options);
      out[j] = g;
      out[j + 1] = g;
      out[j + 2] = g;
      out[j + 3] = 255;
    }
    return;
  }
  const { offset, table } = buildGreyLut(range, options);
  const last = table.length - 1;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    let k = pixels[i] - offset;
    if (k < 0) k = 0;
    else if (k > last) k = last;
    const g = table[k];
    out[j] = g;
    out[j + 1] = g;
    out[j + 2] = g;
    out[j + 3] = 255;
  }
}

/** The window a colour image opens with: LINEAR_EXACT at this window maps every 8-bit value to itself. */
export const RGB_IDENTITY_WINDOW: Window = { center: 127.5, width: 255 };

/**
 * Fills RGBA output from an 8-bit RGB frame (interleaved or planar). The window (LINEAR_EXACT) applies to
 * each channel alike; at RGB_IDENTITY_WINDOW the colours are unchanged.
 */
export function renderRgb(
  pixels: ArrayLike<number>,
  planar: boolean,
  options: Pick<DisplayOptions, 'window' | 'invert'>,
  out: Uint8ClampedArray,
): void {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const g = Math.round(windowValue(v, options.window, 'LINEAR_EXACT'));
    table[v] = options.invert ? 255 - g : g;
  }
  const n = pixels.length / 3;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const r = planar ? pixels[i] : pixels[3 * i];
    const g = planar ? pixels[n + i] : pixels[3 * i + 1];
    const b = planar ? pixels[2 * n + i] : pixels[3 * i + 2];
    out[j] = table[r & 0xff];
    out[j + 1] = table[g & 0xff];
    out[j + 2] = table[b & 0xff];
    out[j + 3] = 255;
  }
}

/** "Auto" window: the frame's whole modality range, from its darkest to its brightest value. */
export function autoWindow(range: { min: number; max: number }): Window {
  return { center: (range.min + range.max) / 2, width: Math.max(range.max - range.min, 1) };
}

/**
 * A mouse drag on the image changes the window: right widens it (less contrast), down raises the centre
 * (darker image). The step scales with the frame's value range, so a CT (≈4000 HU) and an 8-bit
 * radiograph both take a few hundred pixels of drag to sweep.
 */
export function dragWindow(start: Window, dx: number, dy: number, valueRange: number): Window {
  const step = Math.max(valueRange, 1) / 512;
  return {
    center: round2(start.center + dy * step),
    width: round2(Math.max(1, start.width + dx * step)),
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

export type PresetId = 'lung' | 'mediastinum' | 'bone' | 'brain' | 'file' | 'auto';

export interface Preset {
  id: PresetId;
  /** Fixed presets carry their window; 'file' and 'auto' are worked out from the image. */
  window?: Window;
}

/** CT presets in Hounsfield units (the usual reading windows). */
export const CT_PRESETS: readonly Preset[] = [
  { id: 'lung', window: { width: 1500, center: -600 } },
  { id: 'mediastinum', window: { width: 400, center: 40 } },
  { id: 'bone', window: { width: 2000, center: 500 } },
  { id: 'brain', window: { width: 80, center: 40 } },
];

/** The presets offered for a modality: CT gets the fixed HU windows; every modality gets file and auto. */
export function presetsFor(modality: string | undefined): Preset[] {
  const generic: Preset[] = [{ id: 'file' }, { id: 'auto' }];
  return (modality ?? '').toUpperCase() === 'CT' ? [...CT_PRESETS, ...generic] : generic;
}

/**
 * The window the image opens with: the file's first Window Center/Width pair when it has one
 * (the values are multi-valued, one pair per suggested window), else auto from the pixels.
 */
export function initialWindow(
  fileCenters: readonly number[] | undefined,
  fileWidths: readonly number[] | undefined,
  modalityRangeOfFrame: { min: number; max: number },
): Window {
  const center = fileCenters?.[0];
  const width = fileWidths?.[0];
  if (typeof center === 'number' && typeof width === 'number' && Number.isFinite(center) && width > 0) {
    return { center, width };
  }
  return autoWindow(modalityRangeOfFrame);
}
