/**
 * A small DICOMweb (PS3.18) client for the viewer: QIDO-RS series and instance lists, WADO-RS series
 * metadata, one frame as raw little-endian pixels (multipart/related), and the server-rendered PNG as a
 * fallback. It authenticates like src/web/api.ts: the session's bearer token and the UI language, and a
 * refusal (problem+json) comes back as the same ApiError.
 */

import { ApiError, getToken } from '../../../api.js';

const BASE = '/dicomweb';

/** Explicit VR Little Endian: the server decodes every stored syntax (JPEG 2000 too) into this. */
export const NATIVE_TRANSFER_SYNTAX = '1.2.840.10008.1.2.1';
export const FRAME_ACCEPT = `multipart/related; type="application/octet-stream"; transfer-syntax=${NATIVE_TRANSFER_SYNTAX}`;

/** One attribute in the DICOM JSON model (PS3.18 F.2). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

/** One dataset in the DICOM JSON model: tag ("00200013") → attribute. */
export type DicomJson = Record<string, DicomJsonAttribute | undefined>;

/** The attribute's first value as a string (a person name as its alphabetic form). */
export function tagString(item: DicomJson | undefined, tag: string): string | undefined {
  const value = item?.[tag]?.Value?.[0];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    const alphabetic = (value as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic : undefined;
  }
  return String(value);
}

/** The attribute's values as numbers (DS and IS may arrive as strings); non-numbers are dropped. */
export function tagNumbers(item: DicomJson | undefined, tag: string): number[] {
  const values = item?.[tag]?.Value ?? [];
  const out: number[] = [];
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

/** The attribute's first value as a number. */
export function tagNumber(item: DicomJson | undefined, tag: string): number | undefined {
  return tagNumbers(item, tag)[0];
}

/** The tags the viewer reads. */
export const TAG = {
  studyDate: '00080020',
  modality: '00080060',
  studyDescription: '00081030',
  seriesDescription: '0008103E',
  sopInstanceUid: '00080018',
  patientName: '00100010',
  sliceThickness: '00180050',
  seriesInstanceUid: '0020000E',
  seriesNumber: '00200011',
  instanceNumber: '00200013',
  imagePositionPatient: '00200032',
  sliceLocation: '00201041',
  seriesRelatedInstances: '00201209',
  samplesPerPixel: '00280002',
  photometric: '00280004',
  planarConfiguration: '00280006',
  numberOfFrames: '00280008',
  rows: '00280010',
  columns: '00280011',
  pixelSpacing: '00280030',
  bitsAllocated: '00280100',
  bitsStored: '00280101',
  pixelRepresentation: '00280103',
  windowCenter: '00281050',
  windowWidth: '00281051',
  rescaleIntercept: '00281052',
  rescaleSlope: '00281053',
  voiLutFunction: '00281056',
  transferSyntax: '00020010',
  availableTransferSyntax: '00083002',
} as const;

async function problemOf(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    // Not JSON: keep the HTTP status only.
  }
  const p = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return new ApiError(
    res.status,
    text(p.code) ?? `HTTP_${res.status}`,
    text(p.title) ?? (res.statusText || 'Error'),
    text(p.detail),
  );
}

/** One GET under /dicomweb with the session's token; a refusal or a network failure throws ApiError. */
export async function dicomwebGet(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: `${accept}, application/problem+json` };
  if (typeof document !== 'undefined' && document.documentElement.lang) {
    headers['Accept-Language'] = document.documentElement.lang;
  }
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, { method: 'GET', headers, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'Network error');
  }
  if (!res.ok) throw await problemOf(res);
  return res;
}

const seg = encodeURIComponent;

async function dicomJson(path: string, signal?: AbortSignal): Promise<DicomJson[]> {
  const res = await dicomwebGet(path, 'application/dicom+json', signal);
  if (res.status === 204) return [];
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : [];
  return Array.isArray(body) ? (body as DicomJson[]) : [];
}

/** QIDO-RS: the study's series. */
export function searchSeries(study: string, signal?: AbortSignal): Promise<DicomJson[]> {
  return dicomJson(`/studies/${seg(study)}/series`, signal);
}

/** QIDO-RS: one series' instances. */
export function searchInstances(study: string, series: string, signal?: AbortSignal): Promise<DicomJson[]> {
  return dicomJson(`/studies/${seg(study)}/series/${seg(series)}/instances`, signal);
}

/** WADO-RS: the metadata of every instance in a series. */
export function seriesMetadata(study: string, series: string, signal?: AbortSignal): Promise<DicomJson[]> {
  return dicomJson(`/studies/${seg(study)}/series/${seg(series)}/metadata`, signal);
}

function instancePath(study: string, series: string, instance: string): string {
  return `/studies/${seg(study)}/series/${seg(series)}/instances/${seg(instance)}`;
}

/** WADO-RS: one frame's raw pixel bytes (the first part of the multipart/related answer). */
export async function fetchFrame(
  study: string,
  series: string,
  instance: string,
  frame = 1,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const res = await dicomwebGet(
    `${instancePath(study, series, instance)}/frames/${frame}`,
    FRAME_ACCEPT,
    signal,
  );
  const body = new Uint8Array(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? '';
  if (!/^multipart\//i.test(contentType.trim())) return body; // a bare octet-stream answer
  const parts = parseMultipart(body, contentType);
  if (parts.length === 0) throw new ApiError(502, 'DICOMWEB_EMPTY_MULTIPART', 'Empty multipart answer');
  return parts[0].body;
}

/** WADO-RS rendered: the server's PNG of an instance (thumbnails, and the fallback when pixels fail). */
export async function fetchRendered(
  study: string,
  series: string,
  instance: string,
  signal?: AbortSignal,
): Promise<Blob> {
  const res = await dicomwebGet(`${instancePath(study, series, instance)}/rendered`, 'image/png', signal);
  return res.blob();
}

export interface MultipartPart {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The boundary parameter of a multipart Content-Type (quoted or not), RFC 2046 §5.1.1. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = from; i <= last; i++) {
    if (haystack[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

const ascii = (s: string) => new TextEncoder().encode(s);

/**
 * Splits a multipart body (RFC 2046) into its parts. Each delimiter is CRLF "--boundary" (the first may
 * start the body); a part's headers end at the first empty line; the close delimiter ends with "--".
 * Pixel bytes are binary, so the search runs on bytes, and a part's body keeps every byte between its
 * headers and the CRLF before the next delimiter.
 */
export function parseMultipart(body: Uint8Array, contentType: string): MultipartPart[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error('multipart Content-Type without a boundary');
  const dashBoundary = ascii(`--${boundary}`);
  const delimiter = ascii(`\r\n--${boundary}`);
  const crlfcrlf = ascii('\r\n\r\n');
  const lflf = ascii('\n\n');

  let at: number;
  if (indexOf(body, dashBoundary, 0) === 0) at = dashBoundary.length;
  else {
    const found = indexOf(body, delimiter, 0);
    if (found < 0) return [];
    at = found + delimiter.length;
  }

  const parts: MultipartPart[] = [];
  for (;;) {
    // After a delimiter: "--" closes; otherwise optional whitespace then CRLF starts a part.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) break;
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (body[at] === 0x0d && body[at + 1] === 0x0a) at += 2;
    else if (body[at] === 0x0a) at += 1;
    else break;

    let headerEnd = indexOf(body, crlfcrlf, at);
    let bodyStart = headerEnd + 4;
    const lf = indexOf(body, lflf, at);
    if (lf >= 0 && (headerEnd < 0 || lf < headerEnd)) {
      headerEnd = lf;
      bodyStart = lf + 2;
    }
    // A part with no headers starts straight with the empty line.
    if (body[at] === 0x0d && body[at + 1] === 0x0a) {
      headerEnd = at;
      bodyStart = at + 2;
    }
    if (headerEnd < 0) break;
    const headers: Record<string, string> = {};
    for (const line of new TextDecoder().decode(body.subarray(at, headerEnd)).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = indexOf(body, delimiter, bodyStart);
    if (next < 0) {
      parts.push({ headers, body: body.subarray(bodyStart) }); // unterminated: keep what came
      break;
    }
    parts.push({ headers, body: body.subarray(bodyStart, next) });
    at = next + delimiter.length;
  }
  return parts;
}
