import { createContext, useCallback, useContext, useEffect, useState } from 'react';

const ELDERLY_KEY = 'yunyi.elderlyMode';
const ELDERLY_CLASS = 'elderly-mode';
/** Where the setting was kept before the code took the glossary's name; still read, so no one loses it. */
const FORMER_KEY = 'yunyi.elderMode';

/**
 * 长辈模式: larger type and stronger contrast on the patient H5. Kept on the device; the class is put on
 * <html> (so antd-mobile popups, rendered outside the app root, grow too) only while the H5 is shown.
 */
export function useElderlyMode(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(
    () => (localStorage.getItem(ELDERLY_KEY) ?? localStorage.getItem(FORMER_KEY)) === '1',
  );

  useEffect(() => {
    document.documentElement.classList.toggle(ELDERLY_CLASS, on);
    return () => document.documentElement.classList.remove(ELDERLY_CLASS);
  }, [on]);

  const set = useCallback((value: boolean) => {
    if (value) localStorage.setItem(ELDERLY_KEY, '1');
    else localStorage.removeItem(ELDERLY_KEY);
    localStorage.removeItem(FORMER_KEY);
    setOn(value);
  }, []);

  return [on, set];
}

/** The H5 holds one elderly-mode setting; pages read and change it through this context. */
export const ElderlyModeContext = createContext<[boolean, (on: boolean) => void]>([false, () => {}]);
export const useElderlyModeSetting = () => useContext(ElderlyModeContext);
