/**
 * The WFDB and MIT-annotation readers on hand-made records (REMOTE-5: what the reading doctor sees must be
 * what the device recorded): 212 packing with negative and odd-count samples, format 16 interleaving,
 * header syntax (comments, blank lines, CRLF, gain(baseline)/units, defaults), and every refusal — a
 * checksum or initial value that does not match, a truncated or missing signal file, unsupported formats.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.js';
import { parseEcgFiles } from './ecg.service.js';
import { decodeWfdb, parseWfdbHeader, wfdbChecksum } from './wfdb.js';
import { beatSamples, parseMitAnnotations } from './wfdb-annotations.js';

/** Format 212 as the spec packs it: pairs of 12-bit two's-complement samples in 3 bytes. */
function pack212(samples: number[]): Buffer {
  const out: number[] = [];
  for (let i = 0; i < samples.length; i += 2) {
    const a = samples[i]! & 0xfff;
    if (i + 1 < samples.length) {
      const b = samples[i + 1]! & 0xfff;
      out.push(a & 0xff, ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0), b & 0xff);
    } else out.push(a & 0xff, (a >> 8) & 0x0f);
  }
  return Buffer.from(out);
}

function pack16(samples: number[]): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  for (const [i, s] of samples.entries()) b.writeInt16LE(s, i * 2);
  return b;
}

const sum16 = (xs: number[]) => wfdbChecksum(Int16Array.from(xs));

function refusal(fn: () => unknown): { code: string; detail: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, detail: e.detail ?? '' };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('WFDB header (REMOTE-5)', () => {
  it('reads comments anywhere, blank lines, CRLF, defaults and gain(baseline)/units', () => {
    const h = parseWfdbHeader(
      [
        '# made by a device',
        '',
        'rec1 3 500 4',
        '   ',
        'rec1.dat 16 1000(-5)/uV 16 0 1 0 0 I',
        '# between signals',
        'rec1.dat 16 0 12',
        'rec1.dat 16x1+0 200/mV 16 3 0 0 0 chest lead V1',
        '# age: 50',
      ].join('\r\n'),
    );
    expect(h).toMatchObject({ recordName: 'rec1', sampleRate: 500, samples: 4 });
    expect(h.comments).toEqual(['made by a device', 'between signals', 'age: 50']);
    // 1000 units per µV is 1 000 000 per mV; the baseline in parentheses wins over the ADC zero.
    expect(h.signals[0]).toMatchObject({ gain: 1_000_000, baseline: -5, units: 'uV', initialValue: 1 });
    // gain 0 means the default 200; no baseline: the ADC zero; no checksum or initial value: not checked.
    expect(h.signals[1]).toMatchObject({
      gain: 200,
      baseline: 0,
      adcResolution: 12,
      initialValue: null,
      checksum: null,
    });
    expect(h.signals[2]).toMatchObject({ baseline: 3, adcZero: 3, description: 'chest lead V1' });
  });

  it('fs and nsamp may be omitted (250 Hz, length from the file); a counter frequency is ignored', () => {
    expect(parseWfdbHeader('r 1\nr.dat 16')).toMatchObject({ sampleRate: 250, samples: null });
    expect(parseWfdbHeader('r 1 360/1000(0) 10\nr.dat 212')).toMatchObject({ sampleRate: 360, samples: 10 });
    const sig = decodeWfdb(parseWfdbHeader('r 1\nr.dat 16'), new Map([['r.dat', pack16([5, 6, 7])]]));
    expect(sig.samples).toBe(3);
  });

  it.each([
    ['no record line', '# only a comment\n', '没有记录行'],
    ['fewer signal lines than declared', 'r 2 360 10\nr.dat 212', '只有 1 行'],
    ['more signal lines than declared', 'r 1 360 10\nr.dat 212\nr.dat 212', '有 2 行'],
    ['an unsupported format', 'r 1 360 10\nr.dat 80', '格式 80'],
    ['a multi-segment record', 'r/2 1 360 10\nr.dat 212', '多段'],
    ['several samples per frame', 'r 1 360 10\nr.dat 16x2', '每帧多个采样'],
    ['a non-voltage unit', 'r 1 360 10\nr.dat 16 100/mmHg 16 0 0 0 0 ABP', '不是电压'],
    ['a non-integer checksum', 'r 1 360 10\nr.dat 16 200 16 0 0 x 0 I', '校验和'],
    ['a bad sample rate', 'r 1 fast 10\nr.dat 16', '采样频率'],
  ])('refuses %s with ECG_FILE_INVALID', (_what, text, says) => {
    const r = refusal(() => parseWfdbHeader(text));
    expect(r.code).toBe('ECG_FILE_INVALID');
    expect(r.detail).toContain(says);
  });
});

describe('WFDB signal files', () => {
  it('212: negative values, the 12-bit extremes and an odd sample count decode exactly', () => {
    const mlii = [-1, -2048, 2047, 0, -500, 37, 1];
    const header = `r 1 360 ${mlii.length}\nr.dat 212 200 12 0 -1 ${sum16(mlii)} 0 MLII`;
    const sig = decodeWfdb(parseWfdbHeader(header), new Map([['r.dat', pack212(mlii)]]));
    expect(sig.sourceFormat).toBe('wfdb-212');
    expect([...sig.data[0]!]).toEqual(mlii);
  });

  it('212 with two signals interleaves frame by frame (as record 100)', () => {
    const a = [995, 990, -3, -2048];
    const b = [1011, -7, 2000, 5];
    const stream = a.flatMap((x, i) => [x, b[i]!]);
    const header = [
      'r 2 360 4',
      `r.dat 212 200 11 1024 995 ${sum16(a)} 0 MLII`,
      `r.dat 212 200 11 1024 1011 ${sum16(b)} 0 V5`,
    ].join('\n');
    const sig = decodeWfdb(parseWfdbHeader(header), new Map([['r.dat', pack212(stream)]]));
    expect([...sig.data[0]!]).toEqual(a);
    expect([...sig.data[1]!]).toEqual(b);
    expect(sig.leads).toEqual([
      { name: 'MLII', gain: 200, baseline: 1024, units: 'mV' },
      { name: 'V5', gain: 200, baseline: 1024, units: 'mV' },
    ]);
  });

  it('16: little-endian int16, signals of two files (as the PTB .dat and .xyz), a byte offset', () => {
    const i = [-32768, 32767, -1];
    const ii = [10, 20, 30];
    const vx = [-3, 4, 5];
    const header = [
      'p 3 1000 3',
      `p.dat 16+4 2000 16 0 ${i[0]} ${sum16(i)} 0 i`,
      `p.dat 16+4 2000 16 0 ${ii[0]} ${sum16(ii)} 0 ii`,
      `p.xyz 16 2000 16 0 ${vx[0]} ${sum16(vx)} 0 vx`,
    ].join('\n');
    const dat = Buffer.concat([Buffer.from([9, 9, 9, 9]), pack16(i.flatMap((x, k) => [x, ii[k]!]))]);
    const sig = decodeWfdb(
      parseWfdbHeader(header),
      new Map([
        ['p.dat', dat],
        ['p.xyz', pack16(vx)],
      ]),
    );
    expect(sig.data.map((d) => [...d])).toEqual([i, ii, vx]);
    expect(sig.leads.map((l) => l.name)).toEqual(['I', 'II', 'vx']);
  });

  it('refuses a checksum that does not match the samples', () => {
    const s = [1, 2, 3, 4];
    const header = `r 1 360 4\nr.dat 16 200 16 0 1 ${sum16(s) + 1} 0 II`;
    const r = refusal(() => decodeWfdb(parseWfdbHeader(header), new Map([['r.dat', pack16(s)]])));
    expect(r.code).toBe('ECG_FILE_INVALID');
    expect(r.detail).toContain('校验和');
  });

  it('refuses a first sample that is not the header initial value (another record .dat)', () => {
    const s = [7, 2, 3, 4];
    const header = `r 1 360 4\nr.dat 16 200 16 0 1 ${sum16(s)} 0 II`;
    const r = refusal(() => decodeWfdb(parseWfdbHeader(header), new Map([['r.dat', pack16(s)]])));
    expect(r.detail).toContain('初始值');
  });

  it('refuses a truncated .dat, in 212 and in 16', () => {
    const s = [1, 2, 3, 4, 5, 6];
    const h212 = parseWfdbHeader(`r 1 360 6\nr.dat 212 200 12 0 1 ${sum16(s)} 0 II`);
    const cut212 = pack212(s).subarray(0, 7);
    expect(refusal(() => decodeWfdb(h212, new Map([['r.dat', cut212]]))).detail).toContain('不完整');
    const h16 = parseWfdbHeader(`r 1 360 6\nr.dat 16 200 16 0 1 ${sum16(s)} 0 II`);
    const cut16 = pack16(s).subarray(0, 11);
    expect(refusal(() => decodeWfdb(h16, new Map([['r.dat', cut16]]))).code).toBe('ECG_FILE_INVALID');
  });

  it('a signal file the header names and the upload lacks is ECG_FILES_MISSING, naming it', () => {
    const h = parseWfdbHeader('p 2 1000 1\np.dat 16 2000 16 0 0 0 0 i\np.xyz 16 2000 16 0 0 0 0 vx');
    const r = refusal(() => decodeWfdb(h, new Map([['p.dat', pack16([0])]])));
    expect(r).toMatchObject({ code: 'ECG_FILES_MISSING' });
    expect(r.detail).toContain('p.xyz');
  });
});

describe('the upload: which files make a recording', () => {
  const hea = (n: string) => ({ name: n, bytes: Buffer.from('r 1 360 2\nr.dat 16 200 16 0 1 3 0 II\n') });
  const dat = { name: 'r.dat', bytes: pack16([1, 2]) };
  it.each([
    ['nothing', [], 'ECG_FILES_MISSING'],
    ['a .dat without its header', [dat], 'ECG_FILES_MISSING'],
    ['a header without its .dat', [hea('r.hea')], 'ECG_FILES_MISSING'],
    ['two headers', [hea('r.hea'), hea('s.hea'), dat], 'ECG_FILE_INVALID'],
    [
      'a file the header does not name',
      [hea('r.hea'), dat, { name: 'x.dat', bytes: pack16([1]) }],
      'ECG_FILE_INVALID',
    ],
    ['a text file', [{ name: 'notes.txt', bytes: Buffer.from('hello') }], 'ECG_FILE_INVALID'],
    [
      'a script called .hea',
      [{ name: 'r.hea', bytes: Buffer.from('#!/bin/sh\nrm -rf /') }, dat],
      'ECG_FILE_INVALID',
    ],
    ['a .dcm that is not DICOM', [{ name: 'a.dcm', bytes: Buffer.alloc(300, 1) }], 'ECG_FILE_INVALID'],
  ])('refuses %s', (_what, files, code) => {
    expect(refusal(() => parseEcgFiles(files)).code).toBe(code);
  });

  it('accepts the header and its signal file in any order', () => {
    expect(parseEcgFiles([dat, hea('r.hea')]).data[0]).toEqual(Int16Array.from([1, 2]));
  });
});

describe('MIT annotations', () => {
  const w = (code: number, interval: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE((code << 10) | interval);
    return b;
  };
  it('reads intervals, SKIP (32-bit, high word first), NUM, SUB, CHN and AUX (padded)', () => {
    const skip = Buffer.alloc(6);
    skip.writeUInt16LE(59 << 10, 0);
    skip.writeUInt16LE(1, 2); // high word
    skip.writeUInt16LE(5, 4); // low word: 65541
    const aux = Buffer.concat([w(63, 3), Buffer.from('(N\0'), Buffer.alloc(1)]);
    const bytes = Buffer.concat([
      w(28, 18), // '+' rhythm change at 18
      aux,
      w(1, 59), // N at 77
      skip,
      w(5, 10), // V at 77 + 65541 + 10
      w(61, 2), // SUB 2
      w(62, 1), // CHN 1
      w(60, 7), // NUM 7
      w(8, 100), // A
      w(0, 0),
      w(1, 1), // after the end: ignored
    ]);
    const a = parseMitAnnotations(bytes);
    expect(a.map((x) => [x.sample, x.symbol])).toEqual([
      [18, '+'],
      [77, 'N'],
      [65628, 'V'],
      [65728, 'A'],
    ]);
    expect(a[0]!.aux).toBe('(N');
    expect(a[2]).toMatchObject({ subtype: 2, chan: 1, num: 7 });
    expect(a[3]).toMatchObject({ chan: 1, num: 7, subtype: 0 });
    expect(beatSamples(a)).toEqual([77, 65628, 65728]);
  });

  it('refuses an AUX running past the end', () => {
    expect(refusal(() => parseMitAnnotations(Buffer.concat([w(1, 5), w(63, 40)]))).code).toBe(
      'ECG_FILE_INVALID',
    );
  });
});
