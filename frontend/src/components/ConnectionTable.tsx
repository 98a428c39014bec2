import { List, Table, type ListProps, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import type { ConnectionQuery } from '../hooks/useConnectionQuery';
import { CursorPager } from './CursorPager';
import { EmptyState, ErrorState } from './QueryState';

/**
 * How a paged list shows the wait: `first` (default) spins only until the first answer and shows the empty
 * state whenever there are no rows; `every` spins on each fetch and shows the empty state only when idle.
 */
type Spin = 'first' | 'every';

function spinning(result: ConnectionQuery<unknown>, spin: Spin): boolean {
  return spin === 'every' ? result.fetching : result.fetching && !result.data;
}

function emptyText(result: ConnectionQuery<unknown>, empty: ReactNode, blankWhileFetching: boolean): ReactNode {
  return blankWhileFetching && result.fetching ? ' ' : <EmptyState description={empty} />;
}

/** The error state with a retry, or the list and the cursor pager under it. */
function Paged({ result, sizes, children }: { result: ConnectionQuery<unknown>; sizes?: number[]; children: ReactNode }) {
  if (result.error) return <ErrorState error={result.error} onRetry={result.reload} />;
  return (
    <>
      {children}
      <CursorPager pages={result.pages} pageInfo={result.connection?.pageInfo} totalCount={result.connection?.totalCount} sizes={sizes} />
    </>
  );
}

/** A small Ant Design table over one page of a connection (`useConnectionQuery`), its empty and error states, and the pager. */
export function ConnectionTable<Row extends object>({
  result,
  empty,
  spin = 'first',
  rows,
  ...table
}: (
  | { result: ConnectionQuery<Row>; rows?: undefined }
  /** `rows`: the rows when they are not the connection's nodes as they are (e.g. with the edge's cursor) */
  | { result: ConnectionQuery<unknown>; rows: readonly Row[] }
) & {
  /** why the list is empty */
  empty: ReactNode;
  spin?: Spin;
} & Omit<TableProps<Row>, 'dataSource' | 'loading' | 'pagination' | 'locale'>) {
  return (
    <Paged result={result as ConnectionQuery<unknown>}>
      <Table<Row>
        rowKey="id"
        size="small"
        loading={spinning(result as ConnectionQuery<unknown>, spin)}
        dataSource={rows ?? (result.items as Row[])}
        pagination={false}
        locale={{ emptyText: emptyText(result as ConnectionQuery<unknown>, empty, spin === 'every') }}
        {...table}
      />
    </Paged>
  );
}

/** An Ant Design list over one page of a connection: by default blank (not "empty") while fetching. */
export function ConnectionList<Item>({
  result,
  empty,
  spin = 'first',
  blankWhileFetching = true,
  ...list
}: {
  result: ConnectionQuery<Item>;
  empty: ReactNode;
  spin?: Spin;
  blankWhileFetching?: boolean;
} & Omit<ListProps<Item>, 'dataSource' | 'loading' | 'locale'>) {
  return (
    <Paged result={result as ConnectionQuery<unknown>}>
      <List<Item>
        loading={spinning(result as ConnectionQuery<unknown>, spin)}
        dataSource={result.items}
        locale={{ emptyText: emptyText(result as ConnectionQuery<unknown>, empty, blankWhileFetching) }}
        {...list}
      />
    </Paged>
  );
}
