import { describe, expect, it } from 'vitest';
import { encodeMultipart, mediaParam, parseMultipart } from './multipart.js';

describe('multipart/related (STOW-RS, WADO-RS)', () => {
  it('reads back what it writes, binary bodies intact', () => {
    const a = Buffer.from([0, 13, 10, 45, 45, 255, 1]);
    const b = Buffer.alloc(1000, 7);
    const out = encodeMultipart(
      [
        { contentType: 'application/dicom', body: a },
        { contentType: 'application/dicom', body: b, location: '/x' },
      ],
      'application/dicom',
    );
    const boundary = mediaParam(out.contentType, 'boundary')!;
    expect(mediaParam(out.contentType, 'type')).toBe('application/dicom');
    const parts = parseMultipart(out.body, boundary)!;
    expect(parts.map((p) => p.body)).toEqual([a, b]);
    expect(parts[1]!.headers['content-location']).toBe('/x');
  });

  it('reads the body dicomweb-client sends (a CRLF before the first delimiter, no final CRLF)', () => {
    const body = Buffer.from(
      '\r\n--abc\r\nContent-Type: application/dicom\r\n\r\nONE\r\n--abc\r\nContent-Type: application/dicom\r\n\r\nTWO\r\n--abc--',
    );
    expect(parseMultipart(body, 'abc')!.map((p) => p.body.toString())).toEqual(['ONE', 'TWO']);
  });

  it('refuses a body without the boundary or cut short', () => {
    expect(parseMultipart(Buffer.from('no parts here'), 'abc')).toBeNull();
    expect(parseMultipart(Buffer.from('--abc\r\nContent-Type: x\r\n\r\nunfinished'), 'abc')).toBeNull();
  });

  it('reads quoted and bare parameters', () => {
    expect(mediaParam('multipart/related; type="application/dicom"; boundary="q1"', 'boundary')).toBe('q1');
    expect(mediaParam('multipart/related; boundary=q2; type=application/dicom', 'boundary')).toBe('q2');
  });
});
