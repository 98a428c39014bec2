import { Client, makeErrorResult, makeResult, type Exchange, type Operation } from 'urql';
import { filter, makeSubject, map, merge, mergeMap, pipe, share, type Source } from 'wonka';
import { getOperationName } from '@urql/core';

type Answer = { data?: unknown; error?: Error };

/**
 * A real urql client for component tests that answers queries and mutations with `answer(name, variables)` and
 * keeps subscriptions open: `push(name, data)` delivers one event to every open subscription of that name,
 * as the server's websocket would. `calls` lists the operations sent (name and variables), in order.
 */
export function liveClient(answer: (name: string, variables: Record<string, unknown>) => Answer) {
  const calls: { name: string; variables: Record<string, unknown> }[] = [];
  const events = makeSubject<{ name: string; data: unknown }>();
  const open = new Map<number, Operation>();
  const exchange: Exchange = () => (ops$) => {
    const shared = share(ops$);
    const teardowns = pipe(
      shared,
      filter((op) => op.kind === 'teardown'),
      map((op) => {
        open.delete(op.key);
        return null;
      }),
      filter((x): x is never => x !== null),
    );
    const subscriptions = pipe(
      shared,
      filter((op) => op.kind === 'subscription'),
      mergeMap((op): Source<ReturnType<typeof makeResult>> => {
        open.set(op.key, op);
        const name = getOperationName(op.query) ?? '';
        return pipe(
          events.source,
          filter((e) => e.name === name && open.has(op.key)),
          map((e) => makeResult(op, { data: e.data as Record<string, unknown> })),
        );
      }),
    );
    const requests = pipe(
      shared,
      filter((op) => op.kind === 'query' || op.kind === 'mutation'),
      map((op) => {
        const name = getOperationName(op.query) ?? '';
        calls.push({ name, variables: op.variables as Record<string, unknown> });
        const r = answer(name, op.variables as Record<string, unknown>);
        return r.error ? makeErrorResult(op, r.error) : makeResult(op, { data: r.data as Record<string, unknown> });
      }),
    );
    return merge([requests, subscriptions, teardowns]);
  };
  const client = new Client({ url: '/graphql', exchanges: [exchange] });
  const push = (name: string, data: unknown) => events.next({ name, data });
  const count = (name: string) => calls.filter((c) => c.name === name).length;
  return { client, calls, push, count };
}
