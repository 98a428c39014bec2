import { useState } from 'react';
import { Card, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import type { MyVisitsQuery } from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import { CATEGORY, label } from '../../i18n/enums';
import { MyVisitsDocument } from './documents';
import { VisitRangePicker, VisitTable, isRangeSet, visitRangeVariables, type VisitRange } from './VisitTable';

type Visit = NonNullable<NonNullable<MyVisitsQuery['myVisits']['edges'][number]>['node']>;

/** 我的走访记录: the visits the signed-in social worker (or staff member) recorded, newest first, by date range. */
export function MyVisitsPage() {
  const { t, lang } = useI18n();
  const pages = useCursorPages(20);
  const [range, setRange] = useState<VisitRange>(null);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MyVisitsDocument,
    variables: {
      first: pages.first,
      after: pages.after,
      ...visitRangeVariables(range),
    },
    requestPolicy: 'network-only', // each page is an audited read
  });
  const connection = data?.myVisits;
  const visits = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const filtered = isRangeSet(range);

  return (
    <Card title={<h1 className="card-title">{t('visits.mine')}</h1>}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('visits.mineHint')}</Typography.Text>
        <VisitRangePicker
          value={range}
          onChange={(value) => {
            setRange(value);
            pages.reset();
          }}
        />
        {error ? (
          <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          <>
            <VisitTable<Visit>
              visits={visits}
              fetching={fetching}
              scrollX={640}
              emptyText={filtered ? t('visits.noneInRange') : t('visits.mineEmpty')}
              middle={{
                title: t('visits.household'),
                key: 'household',
                width: 220,
                render: (_: unknown, v: Visit) => (
                  <Space size={4} wrap>
                    <Link to={`/workstation/households/${encodeURIComponent(v.householdId)}`} title={t('visits.openHousehold')}>
                      {v.communityName}
                    </Link>
                    <Tag>{label(CATEGORY, v.householdCategory, lang)}</Tag>
                  </Space>
                ),
              }}
            />
            <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} />
          </>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('visits.auditNote')}
        </Typography.Text>
      </Space>
    </Card>
  );
}
