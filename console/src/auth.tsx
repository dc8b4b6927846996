import { createContext, use, useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler } from './api';
import type { Ability, Me, Membership, Role } from './types';

type Status = 'loading' | 'anonymous' | 'authenticated';

export interface AuthContextValue {
  status: Status;
  me: Me | null;
  /** True once a request came back 401 while signed in (session expired / revoked). */
  expired: boolean;
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('loading');
  const [me, setMe] = useState<Me | null>(null);
  const [expired, setExpired] = useState(false);

  const accept = useCallback((next: Me | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setMe(next);
    setStatus(next ? 'authenticated' : 'anonymous');
  }, []);

  const refresh = useCallback(async () => {
    try {
      accept(await api.get<Me>('/auth/me', { skipAuthRedirect: true }));
    } catch {
      accept(null);
    }
  }, [accept]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setExpired(true);
      accept(null);
    });
    return () => {
      setUnauthenticatedHandler(null);
    };
  }, [accept]);

  const login = useCallback(
    async (username: string, password: string) => {
      const next = await api.post<Me>(
        '/auth/login',
        { username, password },
        { skipAuthRedirect: true },
      );
      setExpired(false);
      accept(next);
      return next;
    },
    [accept],
  );

  const logout = useCallback(async () => {
    try {
      await api.post<{ ok: boolean }>('/auth/logout', {}, { skipAuthRedirect: true });
    } catch {
      // Even if the server call fails the local session state is dropped.
    }
    setExpired(false);
    accept(null);
  }, [accept]);

  const value = useMemo<AuthContextValue>(
    () => ({ status, me, expired, login, logout, refresh }),
    [status, me, expired, login, logout, refresh],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthContextValue {
  const ctx = use(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The signed-in user; only for components rendered behind <RequireAuth>. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe called without a session');
  return me;
}

export function hasAbility(me: Me | null, ...abilities: Ability[]): boolean {
  if (!me) return false;
  return abilities.some((a) => me.abilities.includes(a));
}

export function primaryMembership(me: Me): Membership | undefined {
  return me.memberships[0];
}

export function hasRole(me: Me, role: Role): boolean {
  return me.memberships.some((m) => m.role === role);
}
