import { useMemo, useState } from 'react';
import { Card, Col, DatePicker, Progress, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import dayjs, { type Dayjs } from 'dayjs';
import type { VisitRateDashboardQuery } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { EmptyState, ErrorState, PageLoading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { VisitRateDashboardDocument } from './documents';
import { VisitRateChart, type RateBar } from './VisitRateChart';

type Board = VisitRateDashboardQuery['volunteeringDashboard'];
type RateRow = Board['communities'][number];

const ROLES = ['workstation_staff', 'social_worker', 'administrator'];

/** The regions the viewer may see the dashboard of: each region of a staff, social-worker or admin grant, once. */
export function dashboardRegions(roles: readonly { role: string; region: { id: string; name: string } | null }[]) {
  const seen = new Map<string, string>();
  for (const g of roles) if (ROLES.includes(g.role) && g.region && !seen.has(g.region.id)) seen.set(g.region.id, g.region.name);
  return [...seen].map(([id, name]) => ({ id, name }));
}

function rateColor(percent: number): string {
  return percent >= 90 ? '#52c41a' : percent >= 60 ? '#faad14' : '#ff4d4f';
}

/** 月探访率: share of key-group households visited this month, per community of the viewer's region; overdue. */
export function VisitRateDashboardPage() {
  const { t } = useI18n();
  const { me } = useMe();
  const regions = useMemo(() => dashboardRegions(me?.roles ?? []), [me]);
  const [picked, setPicked] = useState<string | null>(null);
  const regionId = picked ?? regions[0]?.id ?? null;
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const [{ data, fetching, error }, refetch] = useQuery({
    query: VisitRateDashboardDocument,
    variables: { regionId: regionId ?? '', month: month.startOf('month').format('YYYY-MM-DD') },
    pause: !regionId,
    requestPolicy: 'cache-and-network',
  });
  const board = data?.volunteeringDashboard;

  return (
    <Card
      title={<h1 className="card-title">{t('dash.title')}</h1>}
      extra={
        <Space wrap>
          {regions.length > 1 && (
            <Select
              aria-label={t('hh.filterRegion')}
              value={regionId}
              onChange={setPicked}
              style={{ minWidth: 160 }}
              options={regions.map((r) => ({ value: r.id, label: r.name }))}
            />
          )}
          <DatePicker
            picker="month"
            aria-label={t('hh.month')}
            allowClear={false}
            value={month}
            onChange={(m) => m && setMonth(m)}
            disabledDate={(d) => d.isAfter(dayjs(), 'month')}
          />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('dash.hint')}</Typography.Paragraph>
      {!regionId ? (
        <EmptyState description={t('dash.noRegion')} />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !board ? (
        <PageLoading />
      ) : !board ? (
        <EmptyState />
      ) : (
        <BoardView board={board} />
      )}
    </Card>
  );
}

function BoardView({ board }: { board: Board }) {
  const { t } = useI18n();
  const rows = board.communities;
  const bars: RateBar[] = rows.map((r) => ({
    name: r.region.name,
    visited: r.visited,
    overdue: r.keyHouseholds - r.visited,
    ratePercent: r.ratePercent,
  }));
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title={t('dash.rate')} value={board.total.ratePercent} suffix="%" valueStyle={{ color: rateColor(board.total.ratePercent) }} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('dash.keyHouseholds')} value={board.total.keyHouseholds} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('dash.visited')} value={board.total.visited} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={<Link to="/workstation/visits/overdue">{t('dash.overdue')}</Link>}
            value={board.overdueCount}
            valueStyle={{ color: board.overdueCount > 0 ? '#ff4d4f' : undefined }}
          />
        </Col>
      </Row>
      {rows.length === 0 ? (
        <EmptyState description={t('dash.empty')} />
      ) : (
        <>
          <VisitRateChart
            rows={bars}
            title={t('dash.chartTitle', { region: board.region.name })}
            labels={{ visited: t('dash.visited'), overdue: t('dash.notVisited') }}
          />
          <Table<RateRow>
            rowKey={(r) => r.region.id}
            size="small"
            dataSource={rows}
            pagination={rows.length > 10 ? { pageSize: 10, size: 'small' } : false}
            scroll={{ x: 560 }}
            columns={[
              { title: t('hh.community'), key: 'community', render: (_: unknown, r: RateRow) => r.region.name },
              { title: t('dash.keyHouseholds'), dataIndex: 'keyHouseholds', key: 'key', align: 'right' },
              { title: t('dash.visited'), dataIndex: 'visited', key: 'visited', align: 'right' },
              { title: t('dash.notVisited'), key: 'overdue', align: 'right', render: (_: unknown, r: RateRow) => r.keyHouseholds - r.visited },
              {
                title: t('dash.rate'),
                key: 'rate',
                width: 200,
                render: (_: unknown, r: RateRow) => (
                  <Progress percent={r.ratePercent} size="small" strokeColor={rateColor(r.ratePercent)} aria-label={`${r.region.name} ${r.ratePercent}%`} />
                ),
              },
            ]}
          />
        </>
      )}
    </Space>
  );
}
