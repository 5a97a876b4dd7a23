import { createContext, useCallback, useContext, useEffect, useState } from 'react';

const ELDER_KEY = 'yunyi.elderMode';
const ELDER_CLASS = 'elder-mode';

/**
 * 长辈模式: larger type and stronger contrast on the patient H5. Kept on the device; the class is put on
 * <html> (so antd-mobile popups, rendered outside the app root, grow too) only while the H5 is shown.
 */
export function useElderMode(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => localStorage.getItem(ELDER_KEY) === '1');

  useEffect(() => {
    document.documentElement.classList.toggle(ELDER_CLASS, on);
    return () => document.documentElement.classList.remove(ELDER_CLASS);
  }, [on]);

  const set = useCallback((value: boolean) => {
    if (value) localStorage.setItem(ELDER_KEY, '1');
    else localStorage.removeItem(ELDER_KEY);
    setOn(value);
  }, []);

  return [on, set];
}

/** The H5 holds one elder-mode setting; pages read and change it through this context. */
export const ElderModeContext = createContext<[boolean, (on: boolean) => void]>([false, () => {}]);
export const useElderModeSetting = () => useContext(ElderModeContext);
