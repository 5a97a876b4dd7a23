/**
 * Pixels of a stored instance: a frame decoded to native little-endian samples (what WADO-RS frames answer
 * with, transfer syntax 1.2.840.10008.1.2.1) and rendered to PNG or JPEG for the viewer (PS3.18 8.3.5:
 * modality LUT = RescaleSlope/Intercept, then the VOI window, MONOCHROME1 inverted). JPEG 2000 is decoded
 * with OpenJPEG (@cornerstonejs/codec-openjpeg, WebAssembly).
 */
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { type DicomFacts, isJ2k, type ParsedDicom } from './dicom.js';

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
  };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
interface OpenJpeg {
  J2KDecoder: new () => J2KDecoder;
}
type OpenJpegFactory = (opts: { print(): void; printErr(): void }) => Promise<OpenJpeg>;

const require = createRequire(import.meta.url);
let openjpeg: Promise<OpenJpeg> | undefined;
/** The WebAssembly codec, instantiated once per process on first use (it is stateless between frames). */
function codec(): Promise<OpenJpeg> {
  if (!openjpeg) {
    const factory = require('@cornerstonejs/codec-openjpeg/wasmjs') as OpenJpegFactory;
    openjpeg = factory({ print() {}, printErr() {} });
  }
  return openjpeg;
}

/** One decoded frame: little-endian samples, interleaved when there are 3 (RGB). */
export interface Frame {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsAllocated: 8 | 16;
  signed: boolean;
  /** The native bytes (little endian, pixel-interleaved). */
  bytes: Buffer;
}

/** The encapsulated fragments of each frame (a single frame takes all fragments). */
function frameFragments(parsed: ParsedDicom, index: number): Buffer {
  const { pixelData, facts } = parsed;
  if (facts.frames === 1) return Buffer.concat(pixelData.map((b) => Buffer.from(b)));
  if (pixelData.length === facts.frames) return Buffer.from(pixelData[index]!);
  // Several fragments per frame without an offset table: a J2K codestream starts with SOC FF 4F FF 51.
  const frames: Buffer[][] = [];
  for (const b of pixelData.map((x) => Buffer.from(x))) {
    if (frames.length === 0 || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51))
      frames.push([]);
    frames[frames.length - 1]!.push(b);
  }
  return Buffer.concat(frames[index] ?? []);
}

/** Frame `index` (0-based) of the instance, decoded. */
export async function decodeFrame(parsed: ParsedDicom, index: number): Promise<Frame> {
  const f = parsed.facts;
  const bitsAllocated = f.bitsAllocated as 8 | 16;
  if (isJ2k(f.transferSyntax)) {
    const cj = await codec();
    const dec = new cj.J2KDecoder();
    try {
      const encoded = frameFragments(parsed, index);
      dec.getEncodedBuffer(encoded.length).set(encoded);
      dec.decode();
      const info = dec.getFrameInfo();
      const out = dec.getDecodedBuffer();
      return {
        width: info.width,
        height: info.height,
        samplesPerPixel: info.componentCount,
        bitsAllocated: info.bitsPerSample > 8 ? 16 : 8,
        signed: info.isSigned,
        bytes: Buffer.from(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)),
      };
    } finally {
      dec.delete();
    }
  }
  const frameBytes = f.rows * f.columns * f.samplesPerPixel * (bitsAllocated / 8);
  const all = Buffer.from(parsed.pixelData[0]!);
  let bytes: Buffer = all.subarray(index * frameBytes, (index + 1) * frameBytes);
  if (bytes.length < frameBytes) throw new Error(`pixel data shorter than frame ${index + 1}`);
  if (f.samplesPerPixel === 3 && f.planarConfiguration === 1) bytes = interleave(bytes, f.rows * f.columns);
  return {
    width: f.columns,
    height: f.rows,
    samplesPerPixel: f.samplesPerPixel,
    bitsAllocated,
    signed: f.pixelRepresentation === 1,
    bytes: Buffer.from(bytes),
  };
}

/** RRR…GGG…BBB… (planar) to RGBRGB… (8-bit colour only, as PS3.3 requires). */
function interleave(planar: Buffer, pixels: number): Buffer {
  const out = Buffer.alloc(planar.length);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = planar[c * pixels + i]!;
  return out;
}

/** The stored sample values of a grayscale frame, masked to BitsStored and sign-extended. */
export function samples(frame: Frame, bitsStored: number): Int32Array {
  const n = frame.width * frame.height * frame.samplesPerPixel;
  const out = new Int32Array(n);
  const bits = Math.min(bitsStored, frame.bitsAllocated);
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  for (let i = 0; i < n; i++) {
    let v = frame.bitsAllocated === 8 ? frame.bytes[i]! : frame.bytes.readUInt16LE(i * 2);
    v &= mask;
    if (frame.signed && v & sign) v -= 1 << bits;
    out[i] = v;
  }
  return out;
}

export interface Window {
  center: number;
  width: number;
}

/** PS3.18 8.3.5.1.3 `window=center,width,function`: only the linear function (PS3.3 C.11.2.1.2.1). */
export function parseWindow(value: string): Window | null {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.length > 3) return null;
  const [center, width] = [Number(parts[0]), Number(parts[1])];
  if (!Number.isFinite(center) || !Number.isFinite(width) || width <= 0) return null;
  if (parts[2] !== undefined && parts[2].toLowerCase() !== 'linear') return null;
  return { center, width };
}

/** Grayscale frame to 8-bit: modality LUT, VOI window (given, the file's, or min…max), MONOCHROME1 inverted. */
export function toGray8(frame: Frame, facts: DicomFacts, window?: Window): Buffer {
  const raw = samples(frame, facts.bitsStored);
  const values = new Float64Array(raw.length);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]! * facts.rescaleSlope + facts.rescaleIntercept;
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const w =
    window ??
    (facts.windowCenter !== null && facts.windowWidth !== null && facts.windowWidth > 0
      ? { center: facts.windowCenter, width: facts.windowWidth }
      : { center: (min + max) / 2 + 0.5, width: Math.max(1, max - min + 1) });
  // PS3.3 C.11.2.1.2.1, linear: below c − 0.5 − (w−1)/2 → 0; above c − 0.5 + (w−1)/2 → 255.
  const out = Buffer.alloc(values.length);
  const invert = facts.photometric === 'MONOCHROME1';
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    let y: number;
    if (w.width === 1) y = x < w.center - 0.5 ? 0 : 255;
    else {
      const t = ((x - (w.center - 0.5)) / (w.width - 1) + 0.5) * 255;
      y = t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t);
    }
    out[i] = invert ? 255 - y : y;
  }
  return out;
}

/** The frame as PNG (default) or JPEG, the way a viewer shows it. */
export async function renderFrame(
  frame: Frame,
  facts: DicomFacts,
  format: 'png' | 'jpeg',
  window?: Window,
): Promise<Buffer> {
  const colour = frame.samplesPerPixel === 3;
  const pixels = colour && frame.bitsAllocated === 8 ? frame.bytes : toGray8(frame, facts, window);
  const img = sharp(pixels, {
    raw: { width: frame.width, height: frame.height, channels: colour && frame.bitsAllocated === 8 ? 3 : 1 },
  });
  return format === 'jpeg' ? img.jpeg({ quality: 90 }).toBuffer() : img.png().toBuffer();
}
