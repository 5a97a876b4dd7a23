import { useEffect, useState } from 'react';
import type { LoginOptions } from '../../shared/credentials.js';
import { get } from '../api.js';

/**
 * DJ-6: whether the server runs in demo mode, where demo accounts without an enrolled second factor log
 * in with the password alone — the login page says so. False until (and unless) the server says yes.
 */
export function useDemoMode(): boolean {
  const [demo, setDemo] = useState(false);
  useEffect(() => {
    let live = true;
    get<LoginOptions>('/auth/options').then(
      (options) => live && setDemo(options.demo === true),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return demo;
}
