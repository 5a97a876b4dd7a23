/**
 * Every DICOM test file read by our parser (dcmjs) and checked against an independent reader (dicom-parser):
 * dimensions, transfer syntax, modality, and pixel values against the raw PixelData bytes (REMOTE-5).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DicomRefusal, parseDicom, TS, toDicomJson } from './dicom.js';
import { decodeFrame, renderFrame, samples } from './pixels.js';

const dicomParser = createRequire(import.meta.url)('dicom-parser') as typeof import('dicom-parser');
const file = (name: string) => readFileSync(path.resolve('../shared/testdata/dicom', name));
const independent = (bytes: Buffer) => dicomParser.parseDicom(new Uint8Array(bytes));

/** The signed/unsigned 16-bit sample at (row, col) straight from the raw PixelData bytes. */
function rawSample(bytes: Buffer, row: number, col: number): number {
  const ds = independent(bytes);
  const px = ds.elements.x7fe00010!;
  const columns = ds.uint16('x00280011')!;
  const offset = px.dataOffset + (row * columns + col) * 2;
  return ds.uint16('x00280103') === 1 ? bytes.readInt16LE(offset) : bytes.readUInt16LE(offset);
}

describe('DICOM test files (REMOTE-5)', () => {
  it.each([
    ['CT_small.dcm', 128, 128, TS.explicitLE, 'CT', true],
    ['MR_small.dcm', 64, 64, TS.explicitLE, 'MR', true],
    ['MR_small_implicit.dcm', 64, 64, TS.implicitLE, 'MR', true],
  ] as const)(
    '%s: %i×%i, %s, %s, pixels equal the raw PixelData',
    async (name, rows, cols, ts, modality, signed) => {
      const bytes = file(name);
      const parsed = parseDicom(bytes);
      const ds = independent(bytes);
      expect(parsed.facts).toMatchObject({ rows, columns: cols, transferSyntax: ts, modality, frames: 1 });
      expect(parsed.facts.rows).toBe(ds.uint16('x00280010'));
      expect(parsed.facts.transferSyntax).toBe(ds.string('x00020010'));
      expect(parsed.facts.studyUid).toBe(ds.string('x0020000d'));
      expect(parsed.facts.sopInstanceUid).toBe(ds.string('x00080018'));
      const frame = await decodeFrame(parsed, 0);
      expect(frame).toMatchObject({ width: cols, height: rows, bitsAllocated: 16, signed });
      const values = samples(frame, parsed.facts.bitsStored);
      for (const [r, c] of [
        [0, 0],
        [rows / 2, cols / 2],
        [rows - 1, cols - 3],
        [17, 5],
      ] as const) {
        expect(values[r * cols + c]).toBe(rawSample(bytes, r, c));
      }
      // Not a flat image: the checks above would pass on zeros too.
      expect(new Set(values).size).toBeGreaterThan(50);
    },
  );

  it('the implicit and explicit MR files are the same instance with the same pixels', async () => {
    const a = parseDicom(file('MR_small.dcm'));
    const b = parseDicom(file('MR_small_implicit.dcm'));
    expect(b.facts.sopInstanceUid).toBe(a.facts.sopInstanceUid);
    expect(Buffer.compare((await decodeFrame(a, 0)).bytes, (await decodeFrame(b, 0)).bytes)).toBe(0);
  });

  it('JPEG2000.dcm (NM, 1.2.840.10008.1.2.4.91) decodes to Columns×Rows 16-bit signed samples', async () => {
    const bytes = file('JPEG2000.dcm');
    const parsed = parseDicom(bytes);
    const ds = independent(bytes);
    expect(parsed.facts).toMatchObject({ transferSyntax: TS.j2k, modality: 'NM', rows: 1024, columns: 256 });
    const frame = await decodeFrame(parsed, 0);
    expect(frame).toMatchObject({
      width: ds.uint16('x00280011'),
      height: ds.uint16('x00280010'),
      signed: true,
    });
    expect(frame.bytes.length).toBe(256 * 1024 * 2);
    const values = samples(frame, parsed.facts.bitsStored);
    const largest = ds.uint16('x00280107')!; // LargestImagePixelValue, written by the encoder
    const max = values.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
    // Lossy coding keeps the peak near the header's largest value; a bone scan is mostly background.
    expect(max).toBeLessThanOrEqual(largest);
    expect(max).toBeGreaterThan(largest * 0.8);
    const background = values.filter((v) => Math.abs(v) <= 2).length / values.length;
    expect(background).toBeGreaterThan(0.2);
    expect(background).toBeLessThan(0.8);
  });

  it('refuses an ECG waveform, a truncated RT plan and a text file, saying why', () => {
    const reason = (bytes: Buffer) => {
      try {
        parseDicom(bytes);
        return null;
      } catch (e) {
        return e instanceof DicomRefusal ? e : null;
      }
    };
    const ecg = reason(file('waveform_ecg.dcm'));
    expect(ecg?.reason).toBe('ecg');
    expect(ecg?.zh).toContain('心电');
    expect(reason(file('rtplan_truncated.dcm'))?.reason).toBe('truncated');
    expect(reason(Buffer.from('这不是影像，只是一段文字。\n'.repeat(20)))?.reason).toBe('not_dicom');
  });

  it('a header that promises more pixels than the file carries is refused before anything is sized by it', () => {
    const bytes = Buffer.from(file('CT_small.dcm'));
    // (0028,0010) Rows, explicit VR little endian: 28 00 10 00 'U' 'S' 02 00 <value>; 128 → 4096.
    const at = bytes.indexOf(Buffer.from([0x28, 0x00, 0x10, 0x00, 0x55, 0x53, 0x02, 0x00]));
    expect(bytes.readUInt16LE(at + 8)).toBe(128);
    bytes.writeUInt16LE(4096, at + 8);
    let refused: DicomRefusal | null = null;
    try {
      parseDicom(bytes);
    } catch (e) {
      refused = e instanceof DicomRefusal ? e : null;
    }
    expect(refused?.reason).toBe('truncated');
    expect(refused?.zh).toMatch(/少于图像尺寸所需/);
  });

  it('the DICOM JSON model has the values and the pixel data as a BulkDataURI (PS3.18 F.2)', () => {
    const parsed = parseDicom(file('CT_small.dcm'));
    const json = toDicomJson(parsed);
    expect(json['0020000D']).toEqual({ vr: 'UI', Value: [parsed.facts.studyUid] });
    expect(json['00280010']).toEqual({ vr: 'US', Value: [128] });
    expect(json['00100010']?.vr).toBe('PN');
    // DJ-10: the patient's name masked, the identifiers and birth date not served.
    expect(json['00100010']?.Value).toEqual([{ Alphabetic: 'C*' }]);
    expect(json['00100020']).toBeUndefined();
    expect(json['00100030']).toBeUndefined();
    expect(json['7FE00010']).toEqual({
      vr: 'OW',
      BulkDataURI: `/dicomweb/studies/${parsed.facts.studyUid}/series/${parsed.facts.seriesUid}/instances/${parsed.facts.sopInstanceUid}/frames/1`,
    });
    expect(JSON.stringify(json)).not.toContain('_rawValue');
    expect(Object.keys(json).every((k) => /^[0-9A-F]{8}$/.test(k))).toBe(true);
  });

  it('renders CT with the rescale and a given window, and inverts MONOCHROME1', async () => {
    const parsed = parseDicom(file('CT_small.dcm'));
    const frame = await decodeFrame(parsed, 0);
    const png = await renderFrame(frame, parsed.facts, 'png', { center: 40, width: 400 });
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 128, height: 128 });
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const raw = samples(frame, parsed.facts.bitsStored);
    // HU = raw × slope + intercept; at or below 40 − 200 is black, at or above 40 + 200 is white.
    const hu = (i: number) => raw[i]! * parsed.facts.rescaleSlope + parsed.facts.rescaleIntercept;
    const low = [...raw.keys()].find((i) => hu(i) < -200)!;
    const high = [...raw.keys()].find((i) => hu(i) > 300)!;
    expect(data[low * meta.channels!]).toBe(0);
    expect(data[high * meta.channels!]).toBe(255);
    const inverted = await renderFrame(frame, { ...parsed.facts, photometric: 'MONOCHROME1' }, 'png', {
      center: 40,
      width: 400,
    });
    const inv = (await sharp(inverted).raw().toBuffer({ resolveWithObject: true })).data;
    expect(inv[low * meta.channels!]).toBe(255);
  });
});
