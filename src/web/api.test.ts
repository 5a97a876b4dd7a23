import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, getBlob, post, setToken, setUnauthorizedListener, upload } from './api.js';

/** The one client of /api/v1: what it sends, and every refusal read from problem+json in one place. */

const store = new Map<string, string>();
const calls: { url: string; init: RequestInit }[] = [];
let answer: () => Response | Promise<Response>;

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

afterEach(() => {
  vi.unstubAllGlobals();
});

const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });

describe('api client', () => {
  it('sends JSON with the bearer token and reads the JSON answer', async () => {
    setToken('t-1');
    answer = () => Response.json({ id: 'a' }, { status: 201 });
    const result = await post<{ id: string }>(
      '/appointments',
      { scheduleId: 's' },
      { 'Idempotency-Key': 'k' },
    );
    expect(result).toEqual({ id: 'a' });
    const { url, init } = calls[0]!;
    expect(url).toBe('/api/v1/appointments');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"scheduleId":"s"}');
    expect(init.headers).toMatchObject({
      Authorization: 'Bearer t-1',
      'Content-Type': 'application/json',
      'Idempotency-Key': 'k',
    });
  });

  it('answers undefined for 204', async () => {
    answer = () => new Response(null, { status: 204 });
    expect(await post('/notifications/x/read')).toBeUndefined();
  });

  it('turns problem+json into an ApiError with its extension members', async () => {
    answer = () =>
      problem(422, {
        type: 'https://yunyi.dev/problems/first-visit-not-allowed',
        title: '不能线上首诊',
        status: 422,
        detail: '该科目未纳入首诊试点。',
        code: 'FIRST_VISIT_NOT_ALLOWED',
        reason: 'not_in_pilot',
        fields: [{ field: 'body.type' }],
      });
    const error = await post('/visits', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const refusal = error as ApiError;
    expect([refusal.status, refusal.code, refusal.title, refusal.detail]).toEqual([
      422,
      'FIRST_VISIT_NOT_ALLOWED',
      '不能线上首诊',
      '该科目未纳入首诊试点。',
    ]);
    expect(refusal.extension('reason')).toBe('not_in_pilot');
    expect(refusal.extensions.fields).toEqual([{ field: 'body.type' }]);
    // The members every problem has are not extensions.
    expect(Object.keys(refusal.extensions).sort()).toEqual(['fields', 'reason']);
  });

  it('keeps only the HTTP status of an answer that is not problem+json', async () => {
    answer = () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    const error = (await get('/me').catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.code, error.title, error.detail]).toEqual([
      502,
      'HTTP_502',
      'Bad Gateway',
      undefined,
    ]);
  });

  it('says a network failure is status 0', async () => {
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    const error = (await get('/me').catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.code]).toEqual([0, 'NETWORK_ERROR']);
  });

  it('drops the session on a 401 to an authenticated call, not on a failed login', async () => {
    const gone = vi.fn();
    setUnauthorizedListener(gone);
    answer = () => problem(401, { title: '请先登录', status: 401, code: 'UNAUTHENTICATED' });
    await post('/auth/login', { phone: '13800000001', password: 'x' }).catch(() => undefined);
    expect(gone).not.toHaveBeenCalled();
    setToken('t-2');
    await get('/me').catch(() => undefined);
    expect(gone).toHaveBeenCalledOnce();
    expect(store.has('yunyi.token')).toBe(false);
  });

  it('uploads bytes as the raw body with their type, and reads bytes back', async () => {
    setToken('t-3');
    const bytes = new Blob([new Uint8Array([0xff, 0xd8, 0xff])]);
    answer = () => Response.json({ id: 'att' }, { status: 201 });
    expect(await upload('/attachments?durationMs=1200', bytes, 'audio/webm')).toEqual({ id: 'att' });
    expect(calls[0]!.init.body).toBe(bytes);
    expect(calls[0]!.init.headers).toMatchObject({
      'Content-Type': 'audio/webm',
      Authorization: 'Bearer t-3',
    });

    answer = () => new Response(new Uint8Array([1, 2, 3]), { status: 200 });
    const blob = await getBlob('/attachments/att');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));

    answer = () => problem(404, { title: '资源不存在', status: 404, code: 'NOT_FOUND' });
    const error = (await getBlob('/attachments/gone').catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('NOT_FOUND');
  });
});
