import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter, type MemoryRouterProps } from 'react-router-dom';
import { Client, makeErrorResult, makeResult, Provider, type Exchange } from 'urql';
import { filter, map, mergeMap, never, pipe } from 'wonka';
import { getOperationName } from '@urql/core';
import { I18nProvider } from '../i18n/I18nProvider';

/**
 * A real urql client whose exchange answers every query and mutation with `result` (data, or a CombinedError),
 * or never answers (a loading state) when there is no result; `calls` records the operations' variables.
 */
export function mockClient(
  result?:
    | { data?: unknown; error?: Error }
    | ((variables: Record<string, unknown>, operationName: string) => { data?: unknown; error?: Error }),
): Client & { calls: Record<string, unknown>[] } {
  const calls: Record<string, unknown>[] = [];
  const exchange: Exchange = () => (ops$) =>
    result === undefined
      ? pipe(ops$, mergeMap(() => never))
      : pipe(
          ops$,
          filter((op) => op.kind !== 'teardown' && op.kind !== 'subscription'),
          map((op) => {
            calls.push(op.variables as Record<string, unknown>);
            const name = getOperationName(op.query) ?? '';
            const r = typeof result === 'function' ? result(op.variables as Record<string, unknown>, name) : result;
            return r.error ? makeErrorResult(op, r.error) : makeResult(op, { data: r.data as Record<string, unknown> });
          }),
        );
  const client = new Client({ url: '/graphql', exchanges: [exchange] }) as Client & { calls: Record<string, unknown>[] };
  client.calls = calls;
  return client;
}

export function renderWithProviders(
  ui: ReactElement,
  // route: a path, or a location with state (what a screen receives from the one that navigated to it)
  { client = mockClient(), route = '/' }: { client?: Client; route?: NonNullable<MemoryRouterProps['initialEntries']>[number] } = {},
) {
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <I18nProvider>
      <AntApp>
        <Provider value={client}>
          <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
        </Provider>
      </AntApp>
    </I18nProvider>
  );
  return render(ui, { wrapper: Wrapper });
}

type Answer = { data?: unknown; error?: Error };

/**
 * A mock client that answers each operation by its name: `data[name]` as its data, `overrides[name]` (data or an
 * error) in its place; an operation named in neither gets empty data.
 */
export function mockByOperation(data: Record<string, unknown>, overrides: Record<string, Answer> = {}) {
  return mockClient((_vars, name) => overrides[name] ?? (name in data ? { data: data[name] } : { data: {} }));
}

/** One page of a relay connection holding `nodes`, the last page unless told otherwise. */
export function connectionOf(nodes: readonly object[], pageInfo: { hasNextPage: boolean; endCursor: string | null } = { hasNextPage: false, endCursor: null }) {
  return { totalCount: nodes.length, pageInfo, edges: nodes.map((node) => ({ node })) };
}
