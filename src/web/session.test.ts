import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, setPasswordChangeListener, setToken, setUnauthorizedListener } from './api.js';
import { clearSessionData, type KeyStore, onSessionEnd } from './session.js';

/** A Web Storage stand-in with the parts session.ts and api.ts use. */
function memoryStorage(entries: Record<string, string> = {}): KeyStore & {
  map: Map<string, string>;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
} {
  const map = new Map(Object.entries(entries));
  return {
    map,
    get length() {
      return map.size;
    },
    key: (index: number) => [...map.keys()][index] ?? null,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
    clear: () => map.clear(),
  };
}

describe('DJ-28: session data cleared at logout and when the session ends', () => {
  it('DJ-28: removes every yunyi.* key but the device language, all of sessionStorage, and in-memory caches', () => {
    const local = memoryStorage({
      'yunyi.token': 't-1',
      'yunyi.passwordChange': '1',
      'yunyi.elderlyMode.3f0c': '1',
      'yunyi.lang': 'en-US',
      'other-app': 'kept',
    });
    const session = memoryStorage({ 'yunyi.paying': 'order-1', anything: 'x' });
    let cache: string[] | undefined = ['张伟'];
    const stop = onSessionEnd(() => {
      cache = undefined;
    });
    clearSessionData({ local, session });
    stop();
    expect([...local.map.keys()].sort()).toEqual(['other-app', 'yunyi.lang']);
    expect(session.map.size).toBe(0);
    expect(cache).toBeUndefined();
  });

  it('DJ-28: one failing cache does not keep the others', () => {
    const cleared: string[] = [];
    const stops = [
      onSessionEnd(() => {
        throw new Error('boom');
      }),
      onSessionEnd(() => cleared.push('b')),
    ];
    clearSessionData({});
    for (const stop of stops) stop();
    expect(cleared).toEqual(['b']);
  });

  describe('through the API client', () => {
    let local: ReturnType<typeof memoryStorage>;
    let session: ReturnType<typeof memoryStorage>;
    beforeEach(() => {
      local = memoryStorage();
      session = memoryStorage();
      vi.stubGlobal('localStorage', local);
      vi.stubGlobal('sessionStorage', session);
    });
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    const problem = (status: number, code: string) => () =>
      Promise.resolve(
        new Response(JSON.stringify({ title: code, status, code }), {
          status,
          headers: { 'content-type': 'application/problem+json' },
        }),
      );

    it('DJ-28: a 401 after expiry clears the whole session, not only the token', async () => {
      setToken('t-1');
      local.setItem('yunyi.passwordChange', '1');
      local.setItem('yunyi.lang', 'zh-CN');
      session.setItem('yunyi.paying', 'order-1');
      let cache: string | undefined = 'cached record';
      const stop = onSessionEnd(() => {
        cache = undefined;
      });
      const ended = vi.fn();
      setUnauthorizedListener(ended);
      vi.stubGlobal('fetch', problem(401, 'UNAUTHENTICATED'));
      await expect(get('/me')).rejects.toBeInstanceOf(ApiError);
      stop();
      expect([...local.map.keys()]).toEqual(['yunyi.lang']);
      expect(session.map.size).toBe(0);
      expect(cache).toBeUndefined();
      expect(ended).toHaveBeenCalledOnce();
    });

    it('DJ-2: a 403 PASSWORD_CHANGE_REQUIRED sends the session to the password change, keeping it', async () => {
      setToken('t-2');
      const toChange = vi.fn();
      setPasswordChangeListener(toChange);
      vi.stubGlobal('fetch', problem(403, 'PASSWORD_CHANGE_REQUIRED'));
      await expect(get('/appointments')).rejects.toMatchObject({
        status: 403,
        code: 'PASSWORD_CHANGE_REQUIRED',
      });
      expect(toChange).toHaveBeenCalledOnce();
      expect(local.getItem('yunyi.token')).toBe('t-2');
    });

    it('DJ-2: another 403 is just a refusal', async () => {
      setToken('t-3');
      const toChange = vi.fn();
      setPasswordChangeListener(toChange);
      vi.stubGlobal('fetch', problem(403, 'FORBIDDEN'));
      await expect(get('/audit/events')).rejects.toMatchObject({ status: 403 });
      expect(toChange).not.toHaveBeenCalled();
    });
  });
});
