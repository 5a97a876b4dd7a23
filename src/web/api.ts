/**
 * The one way the SPA talks to /api/v1: bearer token in, JSON or raw bytes out, and every refusal —
 * an RFC 9457 problem+json body — parsed here, into an ApiError. No page calls fetch() on /api itself
 * (the visit WebSocket is the one other channel). Response types come from the contracts in src/shared/.
 */

import { clearSessionData } from './session.js';

const TOKEN_KEY = 'yunyi.token';
const BASE = '/api/v1';

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/**
 * An error answered by the API (problem+json) or a network failure (status 0). `extensions` holds the
 * problem's other members: `fields` of a validation failure, the `reason` a visit was refused…
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ?? title);
    this.name = 'ApiError';
  }

  /** A string extension member, or undefined when the problem has none (or not a string). */
  extension(name: string): string | undefined {
    const value = this.extensions[name];
    return typeof value === 'string' ? value : undefined;
  }
}

type UnauthorizedListener = () => void;
let onUnauthorized: UnauthorizedListener = () => {
  window.location.assign('/login');
};

/** The auth layer replaces the default full-page redirect with a router navigation. */
export function setUnauthorizedListener(listener: UnauthorizedListener): void {
  onUnauthorized = listener;
}

let onPasswordChangeRequired: () => void = () => {
  window.location.assign('/password-change');
};

/** DJ-2: any call refused with 403 PASSWORD_CHANGE_REQUIRED sends the person to the forced change page. */
export function setPasswordChangeListener(listener: () => void): void {
  onPasswordChangeRequired = listener;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The refusal in a response that is not ok: its problem+json body, or just its HTTP status. */
async function problemOf(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's HTML error page, say): keep the HTTP status only.
  }
  const problem = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const { type: _type, title, status: _status, detail, code, ...extensions } = problem;
  return new ApiError(
    res.status,
    text(code) ?? `HTTP_${res.status}`,
    text(title) ?? (res.statusText || 'Error'),
    text(detail),
    extensions,
  );
}

interface Outgoing {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as the raw body (an upload), with `contentType`. */
  bytes?: Blob;
  contentType?: string;
  headers?: Record<string, string>;
}

async function send(method: string, path: string, request: Outgoing = {}): Promise<Response> {
  const token = getToken();
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    // The UI's language, not the browser's: problem titles come back in it (the <html lang> i18n sets).
    ...(typeof document !== 'undefined' && document.documentElement.lang
      ? { 'Accept-Language': document.documentElement.lang }
      : {}),
    ...request.headers,
  };
  let body: BodyInit | undefined;
  if (request.bytes !== undefined) {
    body = request.bytes;
    headers['Content-Type'] = request.contentType || 'application/octet-stream';
  } else if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers['Content-Type'] = 'application/json';
  }
  if (token) headers.Authorization = `Bearer ${token}`;

  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, { method, headers, body });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'Network error');
  }
  if (!res.ok) {
    const error = await problemOf(res);
    // A 401 on an authenticated call means the session is gone; a 401 on login is just a wrong password.
    // DJ-28: everything the browser kept of that session goes with it, not just the token.
    if (res.status === 401 && token) {
      setToken(null);
      clearSessionData();
      onUnauthorized();
    }
    if (res.status === 403 && error.code === 'PASSWORD_CHANGE_REQUIRED') onPasswordChangeRequired();
    throw error;
  }
  return res;
}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const body = await res.text();
  return (body ? JSON.parse(body) : undefined) as T;
}

export const get = async <T>(path: string) => json<T>(await send('GET', path));
export const post = async <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  json<T>(await send('POST', path, { json: body ?? {}, headers }));
export const put = async <T>(path: string, body: unknown) => json<T>(await send('PUT', path, { json: body }));
export const patch = async <T>(path: string, body: unknown) =>
  json<T>(await send('PATCH', path, { json: body }));
export const del = async <T = void>(path: string) => json<T>(await send('DELETE', path));

/** POSTs bytes as the raw body (the API takes no multipart), answered with JSON. */
export const upload = async <T>(path: string, bytes: Blob, contentType: string) =>
  json<T>(await send('POST', path, { bytes, contentType }));

/** GETs bytes (an attachment): an <img> or <audio> cannot send the bearer token itself. */
export const getBlob = async (path: string) => (await send('GET', path)).blob();
