import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setToken } from '../../../api.js';
import {
  boundaryOf,
  FRAME_ACCEPT,
  fetchFrame,
  parseMultipart,
  searchSeries,
  seriesMetadata,
  TAG,
  tagNumber,
  tagNumbers,
  tagString,
} from './dicomweb.js';
import { decodeFrame } from './voi.js';

/** The viewer's DICOMweb client (PS3.18): multipart frames, DICOM JSON, the session's token (SEC-*). */

const enc = (s: string) => new TextEncoder().encode(s);
const concat = (...chunks: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

/** A multipart/related body as RFC 2046 lays it out. */
function multipart(
  boundary: string,
  parts: { headers: string[]; body: Uint8Array }[],
  preamble = '',
): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [enc(preamble)];
  parts.forEach((part, i) => {
    chunks.push(enc(`${i === 0 && !preamble ? '' : '\r\n'}--${boundary}\r\n`));
    chunks.push(enc(part.headers.map((h) => `${h}\r\n`).join('')));
    chunks.push(enc('\r\n'), part.body);
  });
  chunks.push(enc(`\r\n--${boundary}--\r\n`));
  return concat(...chunks);
}

describe('multipart/related', () => {
  it('reads the boundary quoted or bare', () => {
    expect(boundaryOf('multipart/related; type="application/octet-stream"; boundary="a b:c"')).toBe('a b:c');
    expect(boundaryOf('multipart/related;boundary=xyz123;type=application/octet-stream')).toBe('xyz123');
    expect(boundaryOf('application/octet-stream')).toBeUndefined();
  });

  it('keeps binary bodies byte for byte, CR LF and dashes inside included', () => {
    const tricky = new Uint8Array([0x0d, 0x0a, 0x2d, 0x2d, 0x62, 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0xff, 0x2d]);
    const second = new Uint8Array([1, 2, 3]);
    const body = multipart(
      'bnd',
      [
        { headers: ['Content-Type: application/octet-stream', 'Content-Location: /frames/1'], body: tricky },
        { headers: ['Content-Type: application/octet-stream'], body: second },
      ],
      'preamble to ignore',
    );
    const parts = parseMultipart(body, 'multipart/related; boundary=bnd');
    expect(parts).toHaveLength(2);
    expect(Array.from(parts[0].body)).toEqual(Array.from(tricky));
    expect(parts[0].headers['content-location']).toBe('/frames/1');
    expect(Array.from(parts[1].body)).toEqual([1, 2, 3]);
  });

  it('accepts a part without headers and refuses a type without a boundary', () => {
    const body = concat(enc('--q\r\n\r\n'), new Uint8Array([9, 8]), enc('\r\n--q--'));
    expect(parseMultipart(body, 'multipart/related; boundary=q').map((p) => Array.from(p.body))).toEqual([
      [9, 8],
    ]);
    expect(() => parseMultipart(body, 'multipart/related')).toThrow();
  });
});

describe('DICOM JSON model', () => {
  const item = {
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Zhang^Wei' }] },
    '00280030': { vr: 'DS', Value: ['0.661468', 0.5] },
    '00200013': { vr: 'IS', Value: [7] },
    '00281050': { vr: 'DS' },
  };
  it('reads person names, numeric strings and absent values', () => {
    expect(tagString(item, TAG.patientName)).toBe('Zhang^Wei');
    expect(tagNumbers(item, TAG.pixelSpacing)).toEqual([0.661468, 0.5]);
    expect(tagNumber(item, TAG.instanceNumber)).toBe(7);
    expect(tagNumber(item, TAG.windowCenter)).toBeUndefined();
    expect(tagString(item, TAG.modality)).toBeUndefined();
  });
});

describe('requests', () => {
  const store = new Map<string, string>();
  const calls: { url: string; init: RequestInit }[] = [];
  let answer: () => Response;

  beforeEach(() => {
    store.clear();
    calls.length = 0;
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => store.set(key, value),
      removeItem: (key: string) => store.delete(key),
    });
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return answer();
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks QIDO and WADO metadata for DICOM JSON with the bearer token', async () => {
    setToken('tok-9');
    answer = () =>
      new Response(JSON.stringify([{ '0020000E': { vr: 'UI', Value: ['1.2.3'] } }]), {
        headers: { 'content-type': 'application/dicom+json' },
      });
    const series = await searchSeries('1.2.840.1');
    expect(tagString(series[0], TAG.seriesInstanceUid)).toBe('1.2.3');
    await seriesMetadata('1.2.840.1', '1.2.3');
    expect(calls.map((c) => c.url)).toEqual([
      '/dicomweb/studies/1.2.840.1/series',
      '/dicomweb/studies/1.2.840.1/series/1.2.3/metadata',
    ]);
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok-9');
    expect(headers.Accept).toContain('application/dicom+json');
  });

  it('a refusal comes back as ApiError with the problem’s code', async () => {
    setToken('tok-9');
    answer = () =>
      new Response(JSON.stringify({ status: 403, title: '无权查看该影像', code: 'REMOTE_NOT_PARTY' }), {
        status: 403,
        headers: { 'content-type': 'application/problem+json' },
      });
    const error = await seriesMetadata('s', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect((error as ApiError).code).toBe('REMOTE_NOT_PARTY');
    expect((error as ApiError).title).toBe('无权查看该影像');
  });

  it('fetches CT_small.dcm’s frame as multipart/related and decodes the same pixels dicom-parser reads', async () => {
    setToken('tok-9');
    const file = new Uint8Array(readFileSync('../shared/testdata/dicom/CT_small.dcm'));
    const ds = dicomParser.parseDicom(file);
    const element = ds.elements.x7fe00010;
    const pixelBytes = file.slice(element.dataOffset, element.dataOffset + element.length);
    const boundary = 'dicomweb-0f3a';
    const body = multipart(boundary, [
      {
        headers: ['Content-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1'],
        body: pixelBytes,
      },
    ]);
    answer = () =>
      new Response(body, {
        headers: {
          'content-type': `multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1; boundary="${boundary}"`,
        },
      });
    const bytes = await fetchFrame('st', 'se', 'in');
    expect(calls[0].url).toBe('/dicomweb/studies/st/series/se/instances/in/frames/1');
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers.Accept).toContain(FRAME_ACCEPT);
    expect(bytes.length).toBe(128 * 128 * 2);
    const pixels = decodeFrame(bytes, { rows: 128, columns: 128, bitsAllocated: 16, pixelRepresentation: 1 });
    const reference = new Int16Array(pixelBytes.buffer, pixelBytes.byteOffset, pixelBytes.length / 2);
    expect(Array.from(pixels)).toEqual(Array.from(reference));
  });
});
