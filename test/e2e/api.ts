/** Setting a journey's data up through the API (schedules, bookings, payments), so the UI steps stay few. */
import { randomUUID } from 'node:crypto';
import { DEMO_PASSWORD } from './support.js';

export interface ApiClient {
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  post<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T>;
}

async function call<T>(
  baseURL: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers = {},
) {
  const res = await fetch(`${baseURL}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** An /api/v1 client logged in as a demo account. */
export async function apiAs(baseURL: string, phone: string): Promise<ApiClient> {
  const api = `${baseURL}/api/v1`;
  const { token } = await call<{ token: string }>(api, 'POST', '/auth/login', undefined, {
    phone,
    password: DEMO_PASSWORD,
  });
  return {
    get: (path) => call(api, 'GET', path, token),
    post: (path, body = {}, headers) => call(api, 'POST', path, token, body, headers),
  };
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
  const me = await admin.get<{ institutionId: string }>('/me');
  const page = await admin.get<{ items: { id: string; name: string }[] }>(
    `/doctors?institutionId=${me.institutionId}&q=${encodeURIComponent(name)}`,
  );
  const doctor = page.items.find((d) => d.name === name);
  if (!doctor) throw new Error(`no doctor ${name}`);
  return doctor.id;
}

export async function createSchedule(
  admin: ApiClient,
  body: { doctorId: string; date: string; startTime: string; endTime: string; capacity: number },
): Promise<{ id: string }> {
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
  const { prepayId } = await patient.post<{ prepayId: string }>(`/orders/${orderId}/pay`, { channel: 'sim' });
  await call(baseURL, 'POST', `/sim-gateway/cashier/${prepayId}/confirm`);
  await until(`order ${orderId} to be paid`, async () => {
    const order = await patient.get<{ status: string }>(`/orders/${orderId}`);
    return order.status === 'paid' ? order : undefined;
  });
}

/** Books a schedule and pays on the simulated gateway, as a patient would, until the order is paid. */
export async function bookAndPay(
  baseURL: string,
  patient: ApiClient,
  scheduleId: string,
): Promise<{ id: string; orderId: string }> {
  const booking = await patient.post<{ id: string; orderId: string }>(
    '/appointments',
    { scheduleId },
    { 'Idempotency-Key': randomUUID() },
  );
  await payOrder(baseURL, patient, booking.orderId);
  return booking;
}

/** The patient requests an online visit (with consent) and pays for it, until it waits in the queue. */
export async function requestPaidVisit<T extends { id: string; status: string }>(
  baseURL: string,
  patient: ApiClient,
  body: Record<string, unknown>,
): Promise<T> {
  const requested = await patient.post<{ id: string; status: string; orderId?: string }>('/visits', {
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
