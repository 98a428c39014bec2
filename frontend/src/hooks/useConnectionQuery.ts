import { useCallback, useEffect, useRef } from 'react';
import { useQuery, type AnyVariables, type RequestPolicy, type TypedDocumentNode } from 'urql';
import type { PageInfoLike } from '../components/CursorPager';
import { useCursorPages } from './useCursorPages';

/** The parts of a relay connection a paged list reads. */
export interface ConnectionLike<Node> {
  totalCount?: number | null;
  pageInfo: PageInfoLike;
  edges: readonly ({ node?: Node | null } | null)[];
}

/** The nodes of a connection's edges, without the missing ones. */
export function connectionNodes<Node>(connection: ConnectionLike<Node> | null | undefined): Node[] {
  return connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
}

/**
 * One page of a relay connection: `useCursorPages` and `useQuery` together. `variables` are the query's own
 * (filters); `first` and `after` come from the pager. `reload()` asks the server again (network-only).
 */
export function useConnectionQuery<Data, Variables extends AnyVariables, Node>({
  query,
  variables,
  select,
  pageSize = 20,
  requestPolicy,
  pause,
}: {
  query: TypedDocumentNode<Data, Variables>;
  variables?: Omit<Variables, 'first' | 'after'>;
  select: (data: Data) => ConnectionLike<Node> | null | undefined;
  pageSize?: number;
  requestPolicy?: RequestPolicy;
  pause?: boolean;
}) {
  const pages = useCursorPages(pageSize);
  const [{ data, fetching, error }, refetch] = useQuery<Data, Variables>({
    query,
    // the generated Variables type always holds first and after for a paged query
    variables: { ...variables, first: pages.first, after: pages.after } as unknown as Variables,
    requestPolicy,
    pause,
  });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const connection = data ? select(data) : undefined;
  return { pages, data, fetching, error, reload, connection, items: connectionNodes(connection) };
}

export type ConnectionQuery<Node> = ReturnType<typeof useConnectionQuery<unknown, AnyVariables, Node>>;

/**
 * `reload` at most once per burst of live events (a matching round or a dispatch publishes one event per
 * proposal or item): the first event starts a timer of `delayMs`, the rest of the burst joins it.
 */
export function useBurstReload(reload: () => void, delayMs = 300): () => void {
  const burst = useRef<number | null>(null);
  const reloadSoon = useCallback(() => {
    if (burst.current !== null) return;
    burst.current = window.setTimeout(() => {
      burst.current = null;
      reload();
    }, delayMs);
  }, [reload, delayMs]);
  useEffect(
    () => () => {
      if (burst.current !== null) window.clearTimeout(burst.current);
    },
    [],
  );
  return reloadSoon;
}
