import { useEffect, useRef, useState } from 'react';
import { Button, Checkbox, Space, Tag, Typography } from 'antd';
import { FilterOutlined } from '@ant-design/icons';
import { useQuery } from 'urql';
import type { HouseholdVisitsQuery } from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useMe } from '../../auth/MeProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { VisitRangePicker, VisitTable, isRangeSet, visitRangeVariables, type VisitRange } from '../visits/VisitTable';
import { HouseholdVisitsDocument } from './documents';

type Visit = NonNullable<NonNullable<HouseholdVisitsQuery['householdVisits']['edges'][number]>['node']>;

/**
 * A household's whole visit history, newest first, a page at a time (cursor pager), filtered by a day range and
 * by who recorded the visit (click a name; or "only mine"). Each page is an audited read on the server, so it is
 * always fetched from the network; `reloadKey` changes after a visit is recorded, to show it on page one.
 */
export function VisitHistory({ householdId, reloadKey = 0 }: { householdId: string; reloadKey?: number }) {
  const { t } = useI18n();
  const { me } = useMe();
  const pages = useCursorPages(10);
  const { reset } = pages;
  const [range, setRange] = useState<VisitRange>(null);
  const [visitor, setVisitor] = useState<{ id: string; name: string } | null>(null);

  const variables = {
    householdId,
    first: pages.first,
    after: pages.after,
    ...visitRangeVariables(range),
    visitorId: visitor?.id ?? null,
  };
  const [{ data, fetching, error }, refetch] = useQuery({
    query: HouseholdVisitsDocument,
    variables,
    requestPolicy: 'network-only',
  });
  // a visit was recorded: back to page one (a new request), or ask page one again when already there
  const shownKey = useRef(reloadKey);
  useEffect(() => {
    if (shownKey.current === reloadKey) return;
    shownKey.current = reloadKey;
    if (pages.page > 1) reset();
    else refetch({ requestPolicy: 'network-only' });
  }, [reloadKey, pages.page, reset, refetch]);
  const connection = data?.householdVisits;
  const visits = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const filtered = isRangeSet(range) || Boolean(visitor);

  function filterBy(next: { id: string; name: string } | null) {
    setVisitor(next);
    reset();
  }

  return (
    <Space direction="vertical" size="small" style={{ width: '100%' }}>
      <Space wrap>
        <VisitRangePicker
          value={range}
          onChange={(value) => {
            setRange(value);
            reset();
          }}
        />
        {me && (
          <Checkbox
            checked={visitor?.id === me.id}
            onChange={(e) => filterBy(e.target.checked ? { id: me.id, name: t('visits.me') } : null)}
          >
            {t('visits.onlyMine')}
          </Checkbox>
        )}
        {visitor && visitor.id !== me?.id && (
          <Tag closable onClose={() => filterBy(null)} icon={<FilterOutlined />}>
            {t('visits.byVisitor', { name: visitor.name })}
          </Tag>
        )}
      </Space>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <>
          <VisitTable<Visit>
            visits={visits}
            fetching={fetching}
            scrollX={560}
            emptyText={filtered ? t('visits.noneInRange') : t('hh.noVisits')}
            middle={{
              title: t('visits.visitor'),
              key: 'visitor',
              width: 180,
              render: (_: unknown, v: Visit) => (
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0 }}
                  title={t('visits.filterByVisitor', { name: v.visitorName })}
                  onClick={() => filterBy({ id: v.visitorId, name: v.visitorName })}
                >
                  {v.visitorName}
                  {v.recordedByMe ? ` (${t('visits.me')})` : ''}
                </Button>
              ),
            }}
          />
          <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} sizes={[10, 20, 50]} />
        </>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('visits.auditNote')}
      </Typography.Text>
    </Space>
  );
}
