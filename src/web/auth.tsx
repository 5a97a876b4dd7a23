import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import type { LoginBody, LoginResult, Me } from '../shared/identity.js';
import { get, getToken, post, setToken, setUnauthorizedListener } from './api.js';
import { PageLoading } from './components/PageLoading.js';
import { type Console, canOpen, homePath } from './roles.js';

interface AuthState {
  /** undefined while the stored token is being checked; null when logged out. */
  me: Me | null | undefined;
  login(body: LoginBody): Promise<Me>;
  logout(): Promise<void>;
  setMe(me: Me): void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [me, setMe] = useState<Me | null | undefined>(() => (getToken() ? undefined : null));

  useEffect(() => {
    setUnauthorizedListener(() => {
      setMe(null);
      navigate('/login', { replace: true });
    });
  }, [navigate]);

  useEffect(() => {
    if (!getToken()) return;
    get<Me>('/me').then(setMe, () => setMe(null));
  }, []);

  const login = useCallback(async (body: LoginBody) => {
    const result = await post<LoginResult>('/auth/login', body);
    setToken(result.token);
    const profile = await get<Me>('/me');
    setMe(profile);
    return profile;
  }, []);

  const logout = useCallback(async () => {
    try {
      await post<void>('/auth/logout');
    } catch {
      // The token is dropped locally whatever the server says; an expired session is already gone.
    }
    setToken(null);
    setMe(null);
    navigate('/login', { replace: true });
  }, [navigate]);

  const value = useMemo(() => ({ me, login, logout, setMe }), [me, login, logout]);
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

/** Gate for a console: log in first, and only the roles that console serves may open it. */
export function RequireConsole({ console, children }: { console: Console; children: ReactNode }) {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <PageLoading />;
  if (me === null) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (!canOpen(console, me.roles)) return <Navigate to={homePath(me.roles)} replace />;
  return <>{children}</>;
}
