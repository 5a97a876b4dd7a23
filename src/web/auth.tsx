import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import type {
  ChangePasswordBody,
  LoginAnswer,
  SecondFactorBody,
  SecondFactorChallenge,
  SessionGranted,
} from '../shared/credentials.js';
import type { LoginBody, Me } from '../shared/identity.js';
import { get, getToken, post, setPasswordChangeListener, setToken, setUnauthorizedListener } from './api.js';
import { PageLoading } from './components/PageLoading.js';
import { type Console, canOpen, homePath } from './roles.js';
import { clearSessionData } from './session.js';

/**
 * DJ-2: the session's password must be changed before anything else (the login said so, or a call was
 * refused with 403 PASSWORD_CHANGE_REQUIRED). Kept next to the token so a reload or a second tab knows
 * too; cleared with the rest of the session (DJ-28).
 */
const PASSWORD_CHANGE_KEY = 'yunyi.passwordChange';
const TOKEN_KEY = 'yunyi.token';
export const PASSWORD_CHANGE_PATH = '/password-change';

/** What a login step led to. */
export type LoginOutcome =
  | { kind: 'signedIn'; me: Me; passwordChangeRequired: boolean; secondFactorSkipped: boolean }
  /** DJ-6: the password was right; a second factor is asked before any token is given. */
  | { kind: 'secondFactor'; challenge: SecondFactorChallenge };

interface AuthState {
  /** undefined while the stored token is being checked; null when logged out. */
  me: Me | null | undefined;
  /** DJ-2: only the password change page may be shown until this is false. */
  passwordChangeRequired: boolean;
  login(body: LoginBody): Promise<LoginOutcome>;
  /** DJ-6: answers a challenge `login` returned. */
  verifySecondFactor(body: SecondFactorBody): Promise<LoginOutcome>;
  /** DJ-2: POST /me/password; on success the session may go anywhere again. */
  changePassword(body: ChangePasswordBody): Promise<void>;
  logout(): Promise<void>;
  setMe(me: Me): void;
}

const AuthContext = createContext<AuthState | null>(null);

const storedChangeFlag = () => localStorage.getItem(PASSWORD_CHANGE_KEY) === '1';

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [me, setMe] = useState<Me | null | undefined>(() => (getToken() ? undefined : null));
  const [passwordChangeRequired, setChangeRequired] = useState(storedChangeFlag);

  /** DJ-28: the session is over here (logout, expiry, another tab): drop every trace, back to login. */
  const endSession = useCallback(() => {
    setToken(null);
    clearSessionData();
    setMe(null);
    setChangeRequired(false);
    navigate('/login', { replace: true });
  }, [navigate]);

  useEffect(() => {
    setUnauthorizedListener(endSession);
    setPasswordChangeListener(() => {
      localStorage.setItem(PASSWORD_CHANGE_KEY, '1');
      setChangeRequired(true);
      navigate(PASSWORD_CHANGE_PATH, { replace: true });
    });
  }, [navigate, endSession]);

  // DJ-28: a logout (or expiry) in another tab of this browser ends the session in this one too.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if ((event.key === TOKEN_KEY || event.key === null) && !getToken()) {
        if (me) endSession();
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [me, endSession]);

  useEffect(() => {
    if (!getToken()) return;
    get<Me>('/me').then(setMe, () => setMe(null));
  }, []);

  const grant = useCallback(async (granted: SessionGranted): Promise<LoginOutcome> => {
    // A new session starts clean: nothing left from an earlier one on this device (DJ-28).
    clearSessionData();
    setToken(granted.token);
    const mustChange = granted.passwordChangeRequired === true;
    if (mustChange) localStorage.setItem(PASSWORD_CHANGE_KEY, '1');
    setChangeRequired(mustChange);
    // GET /me is one of the calls a must-change token may still make.
    const profile = await get<Me>('/me');
    setMe(profile);
    return {
      kind: 'signedIn',
      me: profile,
      passwordChangeRequired: mustChange,
      secondFactorSkipped: granted.secondFactorSkipped === 'demo',
    };
  }, []);

  const login = useCallback(
    async (body: LoginBody): Promise<LoginOutcome> => {
      const answer = await post<LoginAnswer>('/auth/login', body);
      if ('mfaRequired' in answer) return { kind: 'secondFactor', challenge: answer };
      return grant(answer);
    },
    [grant],
  );

  const verifySecondFactor = useCallback(
    async (body: SecondFactorBody) => grant(await post<SessionGranted>('/auth/login/second-factor', body)),
    [grant],
  );

  const changePassword = useCallback(async (body: ChangePasswordBody) => {
    const answer = await post<{ token?: string } | undefined>('/me/password', body);
    // A server that rotates the session on a password change answers the new token.
    if (answer?.token) setToken(answer.token);
    localStorage.removeItem(PASSWORD_CHANGE_KEY);
    setChangeRequired(false);
  }, []);

  const logout = useCallback(async () => {
    try {
      await post<void>('/auth/logout');
    } catch {
      // The token is dropped locally whatever the server says; an expired session is already gone.
    }
    endSession();
  }, [endSession]);

  const value = useMemo(
    () => ({ me, passwordChangeRequired, login, verifySecondFactor, changePassword, logout, setMe }),
    [me, passwordChangeRequired, login, verifySecondFactor, changePassword, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** The logged-in profile, for pages behind RequireConsole. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe outside a protected route');
  return me;
}

/**
 * Gate for a console: log in first, change a password that must be changed (DJ-2), and only the roles
 * that console serves may open it.
 */
export function RequireConsole({ console, children }: { console: Console; children: ReactNode }) {
  const { me, passwordChangeRequired } = useAuth();
  const location = useLocation();
  if (me === undefined) return <PageLoading />;
  if (me === null) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (passwordChangeRequired) return <Navigate to={PASSWORD_CHANGE_PATH} replace />;
  if (!canOpen(console, me.roles)) return <Navigate to={homePath(me.roles)} replace />;
  return <>{children}</>;
}
