/**
 * The GraphQL client: queries and mutations over HTTP POST /graphql, subscriptions over a websocket on the
 * same path speaking graphql-transport-ws (the `graphql-ws` client). Both are authenticated by the session
 * cookie; both ask for the chosen language (Accept-Language on HTTP; the django_language cookie on the socket).
 */
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { acceptLanguage } from '../i18n/language';

export type SocketState = 'idle' | 'connecting' | 'connected' | 'closed';

export function graphqlWsUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/graphql`;
}

export interface HuzhuClient {
  client: Client;
  ws: WsClient;
  dispose: () => void;
}

export function isUnauthenticated(error: CombinedError | undefined): boolean {
  return !!error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

export function createHuzhuClient(options: {
  onSocketState?: (state: SocketState) => void;
  onUnauthenticated?: () => void;
}): HuzhuClient {
  const ws = createWsClient({
    url: graphqlWsUrl(),
    lazy: true,
    // a subscription-less page keeps no socket open; a dropped socket comes back with backoff
    lazyCloseTimeout: 3000,
    retryAttempts: 30,
    shouldRetry: () => true,
    keepAlive: 20_000,
    on: {
      connecting: () => options.onSocketState?.('connecting'),
      connected: () => options.onSocketState?.('connected'),
      closed: () => options.onSocketState?.('closed'),
    },
  });

  const client = new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({
      credentials: 'same-origin',
      headers: { 'Accept-Language': acceptLanguage() },
    }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) options.onUnauthenticated?.();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    ws,
    dispose: () => {
      void ws.dispose();
    },
  };
}
