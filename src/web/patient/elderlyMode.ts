import { createContext, useCallback, useContext, useEffect, useSyncExternalStore } from 'react';
import type { Preferences, PreferencesBody } from '../../shared/identity.js';
import { get, put } from '../api.js';
import { useMe } from '../auth.js';
import { onSessionEnd } from '../session.js';

const ELDERLY_CLASS = 'elderly-mode';
/** The answer last seen for an account on this device: the first paint before the server answers. */
const CACHE_KEY = 'yunyi.elderlyMode';
/** Where the device-only setting was kept before [8/12] (and before that, before the glossary's name). */
const DEVICE_KEYS = ['yunyi.elderlyMode', 'yunyi.elderMode'];

interface Store {
  accountId?: string;
  prefs?: Preferences;
}

let store: Store = {};
const listeners = new Set<() => void>();
// DJ-28: the account's preferences are session data; a logout forgets them.
onSessionEnd(() => {
  store = {};
  for (const listener of listeners) listener();
});
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
function setStore(next: Store) {
  store = next;
  for (const listener of listeners) listener();
  if (next.accountId && next.prefs)
    localStorage.setItem(`${CACHE_KEY}.${next.accountId}`, next.prefs.elderlyMode ? '1' : '0');
}

/** Changes the account's preferences on the server; shown at once, then as the server answers. */
export async function savePreferences(body: PreferencesBody): Promise<void> {
  const { accountId, prefs } = store;
  if (accountId && prefs) {
    setStore({
      accountId,
      prefs: {
        ...prefs,
        ...(body.elderlyMode !== undefined
          ? { elderlyMode: body.elderlyMode, elderlyModeAnswered: true, askElderlyMode: false }
          : {}),
        ...(body.currentPatientId !== undefined ? { currentPatientId: body.currentPatientId } : {}),
      },
    });
  }
  const answer = await put<Preferences>('/me/preferences', body);
  if (store.accountId === accountId) setStore({ accountId, prefs: answer });
}

async function load(accountId: string) {
  const prefs = await get<Preferences>('/me/preferences');
  if (store.accountId !== accountId) return;
  setStore({ accountId, prefs });
  // A device that had 长辈模式 on before it was kept per account hands the setting over once.
  const onBefore = DEVICE_KEYS.some((key) => localStorage.getItem(key) === '1');
  for (const key of DEVICE_KEYS) localStorage.removeItem(key);
  if (onBefore && !prefs.elderlyModeAnswered) await savePreferences({ elderlyMode: true });
}

/**
 * 长辈模式 ([8/12]): kept per ACCOUNT on the server (GET/PUT /me/preferences), on by default from 65 (the
 * home page asks once). The class is put on <html> (so antd-mobile popups, rendered outside the app root,
 * grow too) only while the H5 is shown. Called once, by the H5's root; pages use the context below.
 */
export function useElderlyMode(): [boolean, (on: boolean) => void] {
  const me = useMe();
  const current = useSyncExternalStore(subscribe, () => store);

  useEffect(() => {
    if (store.accountId === me.id) return;
    setStore({ accountId: me.id });
    load(me.id).catch(() => undefined);
  }, [me.id]);

  const mine = current.accountId === me.id ? current.prefs : undefined;
  const on = mine ? mine.elderlyMode : localStorage.getItem(`${CACHE_KEY}.${me.id}`) === '1';

  useEffect(() => {
    document.documentElement.classList.toggle(ELDERLY_CLASS, on);
    return () => document.documentElement.classList.remove(ELDERLY_CLASS);
  }, [on]);

  const set = useCallback((value: boolean) => {
    savePreferences({ elderlyMode: value }).catch(() => undefined);
  }, []);

  return [on, set];
}

/** The account's preferences (undefined until the server answered) and the current 就诊人's setter. */
export function usePreferences(): {
  prefs: Preferences | undefined;
  setCurrentPatient(patientId: string | null): Promise<void>;
} {
  const me = useMe();
  const current = useSyncExternalStore(subscribe, () => store);
  const setCurrentPatient = useCallback(
    (patientId: string | null) => savePreferences({ currentPatientId: patientId }),
    [],
  );
  return { prefs: current.accountId === me.id ? current.prefs : undefined, setCurrentPatient };
}

/** The H5 holds one elderly-mode setting; pages read and change it through this context. */
export const ElderlyModeContext = createContext<[boolean, (on: boolean) => void]>([false, () => {}]);
export const useElderlyModeSetting = () => useContext(ElderlyModeContext);
