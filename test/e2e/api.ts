/** Setting a journey's data up through the API (schedules, bookings, payments), so the UI steps stay few. */
import { randomUUID } from 'node:crypto';
import type { Practitioner } from '../../src/shared/directory.js';
import type { Page } from '../../src/shared/http.js';
import type { LoginResult, Me } from '../../src/shared/identity.js';
import type { Order, PayResult } from '../../src/shared/payments.js';
import type { BookResult, Schedule } from '../../src/shared/scheduling.js';
import type { CreatedVisit } from '../../src/shared/visits.js';
import { DEMO_PASSWORD } from './support.js';

export interface ApiClient {
  /** The session token, for what HTTP does not carry (the visit WebSocket). */
  token: string;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  post<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T>;
  put<T = Record<string, unknown>>(path: string, body: unknown): Promise<T>;
  /** Uploads bytes as the raw body, as the SPA does (the API takes no multipart). */
  upload<T = Record<string, unknown>>(
    path: string,
    bytes: Uint8Array<ArrayBuffer>,
    contentType: string,
  ): Promise<T>;
  /** The answer whatever its status: for refusals a journey expects. */
  answer<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  /** The raw response of a GET (attachment bytes). */
  fetch(path: string): Promise<Response>;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

interface Outgoing {
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as the raw body, with `contentType`. */
  bytes?: Uint8Array<ArrayBuffer>;
  contentType?: string;
  headers?: Record<string, string>;
}

function send(baseURL: string, method: string, path: string, out: Outgoing = {}): Promise<Response> {
  const type = out.bytes ? out.contentType : out.json === undefined ? undefined : 'application/json';
  return fetch(`${baseURL}${path}`, {
    method,
    headers: {
      ...(type ? { 'content-type': type } : {}),
      ...(out.token ? { authorization: `Bearer ${out.token}` } : {}),
      ...out.headers,
    },
    body: out.bytes ?? (out.json === undefined ? undefined : JSON.stringify(out.json)),
  });
}

async function answerOf<T>(res: Response): Promise<Answer<T>> {
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function call<T>(baseURL: string, method: string, path: string, out: Outgoing = {}): Promise<T> {
  const { status, body } = await answerOf<T>(await send(baseURL, method, path, out));
  if (status >= 300) throw new Error(`${method} ${path} → ${status} ${JSON.stringify(body)}`);
  return body;
}

/** An /api/v1 client logged in as a demo account. */
export async function apiAs(baseURL: string, phone: string): Promise<ApiClient> {
  const api = `${baseURL}/api/v1`;
  const { token } = await call<LoginResult>(api, 'POST', '/auth/login', {
    json: { phone, password: DEMO_PASSWORD },
  });
  return {
    token,
    get: (path) => call(api, 'GET', path, { token }),
    post: (path, json = {}, headers) => call(api, 'POST', path, { token, json, headers }),
    put: (path, json) => call(api, 'PUT', path, { token, json }),
    upload: (path, bytes, contentType) => call(api, 'POST', path, { token, bytes, contentType }),
    answer: async (method, path, json) => answerOf(await send(api, method, path, { token, json })),
    fetch: (path) => send(api, 'GET', path, { token }),
  };
}

/** A public /api/v1 call (the directory), without logging in. */
export function publicGet<T>(baseURL: string, path: string): Promise<T> {
  return call<T>(`${baseURL}/api/v1`, 'GET', path);
}

/** The Shanghai calendar date `days` from today (the demo clock is the real one). */
export function shanghaiDay(days = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** How the zh-CN UI writes a date: 11月24日. */
export function zhMonthDay(date: string): string {
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日`;
}

/** 1 = Monday … 7 = Sunday, as the API's weekly template counts. */
export function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** The id of a doctor of the org_admin's institution, by name. */
export async function doctorId(admin: ApiClient, name: string): Promise<string> {
  const me = await admin.get<Me>('/me');
  const page = await admin.get<Page<Practitioner>>(
    `/doctors?institutionId=${me.institutionId}&q=${encodeURIComponent(name)}`,
  );
  const doctor = page.items.find((d) => d.name === name);
  if (!doctor) throw new Error(`no doctor ${name}`);
  return doctor.id;
}

export async function createSchedule(
  admin: ApiClient,
  body: { doctorId: string; date: string; startTime: string; endTime: string; capacity: number },
): Promise<Schedule> {
  return admin.post('/schedules', { mode: 'offline', ...body });
}

/** Polls until `probe` answers something (every 200 ms, 50 tries by default). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Pays an order on the simulated gateway's cashier, as the patient would, until the order is paid. */
export async function payOrder(baseURL: string, patient: ApiClient, orderId: string): Promise<void> {
  const { prepayId } = await patient.post<PayResult>(`/orders/${orderId}/pay`, { channel: 'sim' });
  await call(baseURL, 'POST', `/sim-gateway/cashier/${prepayId}/confirm`);
  await until(`order ${orderId} to be paid`, async () => {
    const order = await patient.get<Order>(`/orders/${orderId}`);
    return order.status === 'paid' ? order : undefined;
  });
}

/** Books a schedule and pays on the simulated gateway, as a patient would, until the order is paid. */
export async function bookAndPay(
  baseURL: string,
  patient: ApiClient,
  scheduleId: string,
): Promise<BookResult> {
  const booking = await patient.post<BookResult>(
    '/appointments',
    { scheduleId },
    { 'Idempotency-Key': randomUUID() },
  );
  if (!booking.orderId) throw new Error(`booking ${booking.id} has no order to pay`);
  await payOrder(baseURL, patient, booking.orderId);
  return booking;
}

/** The patient requests an online visit (with consent) and pays for it, until it waits in the queue. */
export async function requestPaidVisit<T extends { id: string; status: string }>(
  baseURL: string,
  patient: ApiClient,
  body: Record<string, unknown>,
): Promise<T> {
  const requested = await patient.post<CreatedVisit>('/visits', {
    consent: true,
    ...body,
  });
  if (requested.orderId && requested.status === 'requested')
    await payOrder(baseURL, patient, requested.orderId);
  return until(`visit ${requested.id} to wait for its doctor`, async () => {
    const visit = await patient.get<T>(`/visits/${requested.id}`);
    return visit.status === 'waiting' ? visit : undefined;
  });
}
