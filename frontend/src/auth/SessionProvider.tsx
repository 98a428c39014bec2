import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { allauth, AllauthNetworkError, type AllauthUser } from '../api/allauth';

export type SessionStatus = 'loading' | 'anonymous' | 'authenticated' | 'offline';

interface Session {
  status: SessionStatus;
  user: AllauthUser | null;
  /** Bumped on every login/logout so that the GraphQL client (cache, websocket) starts afresh. */
  epoch: number;
  refresh: () => Promise<void>;
  setAuthenticated: (user: AllauthUser | null) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('loading');
  const [user, setUser] = useState<AllauthUser | null>(null);
  const [epoch, setEpoch] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const res = await allauth.session();
      if (res.status === 200 && res.meta?.is_authenticated !== false) {
        setUser(res.data?.user ?? null);
        setStatus('authenticated');
      } else {
        setUser(null);
        setStatus('anonymous');
      }
    } catch (err) {
      if (err instanceof AllauthNetworkError) setStatus('offline');
      else throw err;
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const setAuthenticated = useCallback((u: AllauthUser | null) => {
    setUser(u);
    setStatus(u ? 'authenticated' : 'anonymous');
    setEpoch((e) => e + 1);
  }, []);

  const logout = useCallback(async () => {
    try {
      await allauth.logout();
    } finally {
      setUser(null);
      setStatus('anonymous');
      setEpoch((e) => e + 1);
    }
  }, []);

  const value = useMemo(
    () => ({ status, user, epoch, refresh, setAuthenticated, logout }),
    [status, user, epoch, refresh, setAuthenticated, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
