/**
 * DJ-28: what the browser keeps of a session, and its clearing at logout or when the session ends (a 401
 * after expiry, a logout in another tab). Kept: only this device's own settings that say nothing about
 * who used it (the UI language). Cleared: every other `yunyi.*` key of localStorage (the token, the
 * forced-password-change flag, per-account caches such as 长辈模式's first-paint value), all of this
 * tab's sessionStorage, and the in-memory caches modules registered with `onSessionEnd`.
 */

/** The localStorage prefix of every key the SPA writes. */
export const STORAGE_PREFIX = 'yunyi.';
/** Device settings that outlive a session (not personal: the language the login page is shown in). */
export const DEVICE_KEYS: readonly string[] = ['yunyi.lang'];

type Clearer = () => void;
const clearers = new Set<Clearer>();

/** A module's in-memory cache of session data: `clear` runs whenever the session ends. */
export function onSessionEnd(clear: Clearer): () => void {
  clearers.add(clear);
  return () => clearers.delete(clear);
}

/** The parts of Web Storage used here (the tests pass their own). */
export interface KeyStore {
  readonly length: number;
  key(index: number): string | null;
  removeItem(key: string): void;
  clear(): void;
}

/** Every trace of the session in this browser tab, gone; safe to call more than once. */
export function clearSessionData(
  stores: { local?: KeyStore; session?: KeyStore } = {
    local: typeof localStorage === 'undefined' ? undefined : localStorage,
    session: typeof sessionStorage === 'undefined' ? undefined : sessionStorage,
  },
): void {
  const { local, session } = stores;
  if (local) {
    const doomed: string[] = [];
    for (let i = 0; i < local.length; i++) {
      const key = local.key(i);
      if (key?.startsWith(STORAGE_PREFIX) && !DEVICE_KEYS.includes(key)) doomed.push(key);
    }
    for (const key of doomed) local.removeItem(key);
  }
  session?.clear();
  for (const clear of clearers) {
    try {
      clear();
    } catch {
      // One cache failing to clear must not keep the others.
    }
  }
}
