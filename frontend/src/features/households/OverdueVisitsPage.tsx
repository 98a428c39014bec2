import { useState } from 'react';
import { Badge, Card, Collapse, DatePicker, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import dayjs, { type Dayjs } from 'dayjs';
import type { OverdueVisitsQuery } from '../../gql/graphql';
import { EmptyState, ErrorState, PageLoading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { AGE_BAND, CATEGORY, TAG, label } from '../../i18n/enums';
import { OverdueVisitsDocument } from './documents';

type Group = OverdueVisitsQuery['overdueVisits'][number];
type Row = Group['households'][number];

/** Key-group households not visited in the month (月探访), per community. */
export function OverdueVisitsPage() {
  const { t, lang } = useI18n();
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const [{ data, fetching, error }, refetch] = useQuery({
    query: OverdueVisitsDocument,
    variables: { month: month.format('YYYY-MM') },
  });
  const groups = data?.overdueVisits ?? [];
  const total = groups.reduce((n, g) => n + g.count, 0);

  return (
    <Card
      title={<h1 className="card-title">{t('hh.overdueTitle')}</h1>}
      extra={
        <DatePicker
          picker="month"
          aria-label={t('hh.month')}
          allowClear={false}
          value={month}
          onChange={(m) => m && setMonth(m)}
          disabledDate={(d) => d.isAfter(dayjs(), 'month')}
        />
      }
    >
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !data ? (
        <PageLoading />
      ) : groups.length === 0 ? (
        <EmptyState description={t('hh.overdueEmpty')} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('hh.overdueCount', { count: total })}</Typography.Text>
          <Collapse
            defaultActiveKey={groups.slice(0, 1).map((g) => g.community.id)}
            items={groups.map((g) => ({
              key: g.community.id,
              label: (
                <Space>
                  {g.community.name}
                  <Badge count={g.count} overflowCount={999} />
                </Space>
              ),
              children: (
                <Table<Row>
                  rowKey="id"
                  size="small"
                  dataSource={g.households}
                  pagination={g.households.length > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
                  scroll={{ x: 560 }}
                  columns={[
                    {
                      title: t('hh.category'),
                      key: 'category',
                      render: (_: unknown, h: Row) => (
                        <Link to={`/workstation/households/${encodeURIComponent(h.id)}`}>{label(CATEGORY, h.category, lang)}</Link>
                      ),
                    },
                    {
                      title: t('hh.tags'),
                      key: 'tags',
                      render: (_: unknown, h: Row) => h.tags.map((tag) => <Tag key={tag}>{label(TAG, tag, lang)}</Tag>),
                    },
                    {
                      title: t('hh.members'),
                      key: 'members',
                      render: (_: unknown, h: Row) =>
                        `${t('hh.memberCount', { count: h.memberCount })}${h.headAgeBand ? ` · ${label(AGE_BAND, h.headAgeBand, lang)}` : ''}`,
                    },
                    {
                      title: t('hh.lastVisited'),
                      key: 'visited',
                      render: (_: unknown, h: Row) => (h.lastVisitedAt ? dayjs(h.lastVisitedAt).format('YYYY-MM-DD') : t('hh.neverVisited')),
                    },
                  ]}
                />
              ),
            }))}
          />
        </Space>
      )}
    </Card>
  );
}
