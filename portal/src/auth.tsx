/**
 * The public account of the portal (R1.3): who is signed in, from `GET /open/me` on load and from
 * the login answer; both also give the CSRF token of state-changing requests.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler } from './api';
import type { Account, MeAnswer } from './types';

export type AuthStatus = 'loading' | 'anonymous' | 'authenticated';

interface AuthContextValue {
  status: AuthStatus;
  account: Account | null;
  login: (username: string, password: string) => Promise<Account>;
  logout: () => Promise<void>;
  /** Reads `/open/me` again (e.g. after the account changed). */
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [account, setAccount] = useState<Account | null>(null);

  const apply = useCallback((answer: MeAnswer) => {
    setCsrfToken(answer.csrfToken);
    setAccount(answer.account);
    setStatus(answer.account ? 'authenticated' : 'anonymous');
  }, []);

  const refresh = useCallback(async () => {
    try {
      apply(await api.get<MeAnswer>('/open/me', { skipAuthRedirect: true }));
    } catch {
      // No session (or the API is unreachable): browse anonymously.
      apply({ account: null, csrfToken: null });
    }
  }, [apply]);

  useEffect(() => {
    void refresh();
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setAccount(null);
      setStatus('anonymous');
    });
    return () => {
      setUnauthenticatedHandler(null);
    };
  }, [refresh]);

  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await api.post<{ account: Account; csrfToken: string }>(
        '/open/session',
        { username, password },
        { skipAuthRedirect: true },
      );
      apply(answer);
      return answer.account;
    },
    [apply],
  );

  const logout = useCallback(async () => {
    try {
      await api.del('/open/session', { skipAuthRedirect: true });
    } finally {
      apply({ account: null, csrfToken: null });
    }
  }, [apply]);

  const value = useMemo(
    () => ({ status, account, login, logout, refresh }),
    [status, account, login, logout, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** A same-site path to come back to after login, or null when `value` is not one. */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return null;
  }
  if (value.startsWith('/login') || value.startsWith('/register')) return null;
  return value;
}

/** The login page's URL that comes back to `returnTo` afterwards. */
export function loginPath(returnTo: string): string {
  return `/login?next=${encodeURIComponent(returnTo)}`;
}
