import { useState } from 'react';
import { Card, DatePicker, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import dayjs, { type Dayjs } from 'dayjs';
import type { MyVisitsQuery } from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import { CATEGORY, label } from '../../i18n/enums';
import { MyVisitsDocument } from './documents';

type Visit = NonNullable<NonNullable<MyVisitsQuery['myVisits']['edges'][number]>['node']>;
type Range = [Dayjs | null, Dayjs | null] | null;

/** 我的走访记录: the visits the signed-in social worker (or staff member) recorded, newest first, by date range. */
export function MyVisitsPage() {
  const { t, lang } = useI18n();
  const pages = useCursorPages(20);
  const [range, setRange] = useState<Range>(null);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MyVisitsDocument,
    variables: {
      first: pages.first,
      after: pages.after,
      visitedFrom: range?.[0]?.format('YYYY-MM-DD') ?? null,
      visitedTo: range?.[1]?.format('YYYY-MM-DD') ?? null,
    },
    requestPolicy: 'network-only', // each page is an audited read
  });
  const connection = data?.myVisits;
  const visits = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const filtered = Boolean(range?.[0] || range?.[1]);

  return (
    <Card title={<h1 className="card-title">{t('visits.mine')}</h1>}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('visits.mineHint')}</Typography.Text>
        <DatePicker.RangePicker
          aria-label={t('visits.dateRange')}
          placeholder={[t('visits.from'), t('visits.to')]}
          allowEmpty={[true, true]}
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
            <Table<Visit>
              rowKey="id"
              size="small"
              loading={fetching}
              dataSource={visits}
              pagination={false}
              scroll={{ x: 640 }}
              locale={{
                emptyText: fetching ? ' ' : <EmptyState description={filtered ? t('visits.noneInRange') : t('visits.mineEmpty')} />,
              }}
              columns={[
                {
                  title: t('hh.visitedAt'),
                  key: 'at',
                  width: 150,
                  render: (_: unknown, v: Visit) => dayjs(v.visitedAt).format('YYYY-MM-DD HH:mm'),
                },
                {
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
                },
                {
                  title: t('hh.notes'),
                  key: 'notes',
                  render: (_: unknown, v: Visit) => <span style={{ whiteSpace: 'pre-wrap' }}>{v.notes || '—'}</span>,
                },
              ]}
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
