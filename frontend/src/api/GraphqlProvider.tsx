import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { useI18n } from '../i18n/I18nProvider';
import { useSession } from '../auth/SessionProvider';
import { createHuzhuClient, type SocketState } from './client';

const SocketStateContext = createContext<SocketState>('idle');

/**
 * One urql client per (language, session): switching language refetches what is on screen with the server's
 * messages in the new language; logging in or out drops the cache and the websocket of the previous user.
 */
export function GraphqlProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const { epoch, refresh } = useSession();
  const [socketState, setSocketState] = useState<SocketState>('idle');
  const huzhu = useMemo(
    () => createHuzhuClient({ onSocketState: setSocketState, onUnauthenticated: () => void refresh() }),
    [lang, epoch, refresh],
  );
  useEffect(() => () => huzhu.dispose(), [huzhu]);
  return (
    <SocketStateContext.Provider value={socketState}>
      <Provider value={huzhu.client}>{children}</Provider>
    </SocketStateContext.Provider>
  );
}

export function useSocketState(): SocketState {
  return useContext(SocketStateContext);
}
