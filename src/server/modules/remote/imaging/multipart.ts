/**
 * multipart/related (RFC 2387) bodies of DICOMweb: read for STOW-RS (busboy knows only form-data), written
 * for WADO-RS retrievals. Pure functions over buffers.
 */
import { randomBytes } from 'node:crypto';

export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** The value of one parameter of a Content-Type header (quoted or not), lower-cased name. */
export function mediaParam(contentType: string, name: string): string | null {
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i');
  const m = re.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

export const mediaType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/**
 * The parts of a multipart body with this boundary, or null when it is not one (no delimiter, a part without
 * its header block). The preamble and the epilogue are ignored (RFC 2046 5.1.1).
 */
export function parseMultipart(body: Buffer, boundary: string): Part[] | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  const parts: Part[] = [];
  for (;;) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // the close delimiter "--boundary--"
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const headerEnd = body.indexOf('\r\n\r\n', lineEnd);
    // A part with no header fields starts its body right after the delimiter line's CRLF.
    const noHeaders = body[lineEnd + 2] === 0x0d && body[lineEnd + 3] === 0x0a;
    const headerBlock = noHeaders ? '' : body.subarray(lineEnd + 2, headerEnd).toString('latin1');
    if (!noHeaders && headerEnd < 0) return null;
    const start = noHeaders ? lineEnd + 4 : headerEnd + 4;
    const end = body.indexOf(next, start);
    if (end < 0) return null;
    parts.push({ headers: parseHeaders(headerBlock), body: body.subarray(start, end) });
    at = end + 2;
  }
}

/** A multipart/related body of these parts and its Content-Type (`type` is the root parts' media type). */
export function encodeMultipart(
  parts: { contentType: string; body: Buffer; location?: string }[],
  type: string,
  extra = '',
): { contentType: string; body: Buffer } {
  const boundary = `yunyi-${randomBytes(16).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const loc = p.location ? `Content-Location: ${p.location}\r\n` : '';
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Type: ${p.contentType}\r\n${loc}Content-Length: ${p.body.length}\r\n\r\n`,
      ),
      p.body,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    contentType: `multipart/related; type="${type}"${extra}; boundary=${boundary}`,
    body: Buffer.concat(chunks),
  };
}
