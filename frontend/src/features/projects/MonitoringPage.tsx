import { Card, Col, Empty, Row, Select, Space, Statistic, Typography } from 'antd';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, AriaComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import type { ProjectDashboardQuery } from '../../gql/graphql';
import { ErrorState, PageLoading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { formatFen, formatMinutes } from '../../i18n/format';
import { MonitoredProjectsDocument, ProjectDashboardDocument } from './documents';
import { PROJECT_STATUS, lbl } from './text';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer]);

type Dashboard = ProjectDashboardQuery['projectDashboard'];
const MONITORED = ['approved', 'completed', 'closed'];
/** Fen (a digit string) → yuan as a number, for chart geometry only; labels use formatFen. */
const yuan = (fen: string) => Number(fen) / 100;

export function budgetOption(d: Dashboard, labels: { budget: string; spent: string }): EChartsOption {
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `¥${Number(v).toLocaleString()}` },
    legend: { data: [labels.budget, labels.spent], top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: d.lines.map((l) => l.budgetLine.name), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v.toLocaleString()}` } },
    series: [
      { name: labels.budget, type: 'bar', itemStyle: { color: '#91caff' }, data: d.lines.map((l) => yuan(l.budgetFen)) },
      { name: labels.spent, type: 'bar', itemStyle: { color: '#d4380d' }, data: d.lines.map((l) => yuan(l.spentFen)) },
    ],
  };
}

export function fundingOption(d: Dashboard, names: { released: string; committed: string; donations: string; gap: string }): EChartsOption {
  const f = d.funding;
  const parts = [
    { name: names.released, value: yuan(f.releasedFen), itemStyle: { color: '#52c41a' } },
    { name: names.committed, value: yuan(f.committedFen), itemStyle: { color: '#faad14' } },
    { name: names.donations, value: yuan(f.donationsFen), itemStyle: { color: '#1677ff' } },
    { name: names.gap, value: yuan(f.gapFen), itemStyle: { color: '#d9d9d9' } },
  ].filter((x) => x.value > 0);
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'item', valueFormatter: (v) => `¥${Number(v).toLocaleString()}` },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['40%', '68%'], center: ['50%', '45%'], label: { formatter: '{b}\n{d}%' }, data: parts }],
  };
}

export function reportsOption(d: Dashboard, label: string): EChartsOption {
  const approved = d.reports.filter((r) => r.status === 'approved');
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: approved.map((r) => r.milestoneTitle) },
    yAxis: { type: 'value', minInterval: 1, name: label },
    series: [{ name: label, type: 'bar', itemStyle: { color: '#13c2c2' }, label: { show: true, position: 'top' }, data: approved.map((r) => r.householdsServed) }],
  };
}

function Chart({ option, title, testId }: { option: EChartsOption; title: string; testId: string }) {
  return (
    <div role="img" aria-label={title} data-testid={testId}>
      <ReactEChartsCore echarts={echarts} option={option} style={{ height: 300, width: '100%' }} opts={{ renderer: 'svg' }} notMerge />
    </div>
  );
}

/** Foundation reviewers: one approved project's budget execution, funding and results, in ECharts. */
export function MonitoringPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const [{ data: list, fetching: listFetching, error: listError }, reloadList] = useQuery({ query: MonitoredProjectsDocument, variables: {} });
  // running projects first, then completed and closed ones
  const projects = (list?.projects.edges ?? [])
    .flatMap((e) => (e?.node && MONITORED.includes(e.node.status) ? [e.node] : []))
    .sort((a, b) => MONITORED.indexOf(a.status) - MONITORED.indexOf(b.status));
  const projectId = params.get('project') ?? projects[0]?.id ?? null;
  const [{ data, fetching, error }, reload] = useQuery({
    query: ProjectDashboardDocument,
    variables: { projectId: projectId ?? '' },
    pause: !projectId,
    requestPolicy: 'cache-and-network',
  });
  const d = data?.projectDashboard;
  const chartTitle = (key: MessageKey) => t('proj.mon.chartLabel', { title: t(key) });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={<h1 className="card-title">{t('proj.mon.title')}</h1>}
        extra={projectId && <Link to={`/foundation/projects/${projectId}`}>{t('proj.mon.open')}</Link>}
      >
        {listError ? (
          <ErrorState error={listError} onRetry={() => reloadList({ requestPolicy: 'network-only' })} />
        ) : (
          <Select
            aria-label={t('proj.mon.project')}
            placeholder={t('proj.mon.pick')}
            loading={listFetching}
            style={{ width: '100%', maxWidth: 420 }}
            value={projectId ?? undefined}
            onChange={(v: string) => setParams({ project: v })}
            options={projects.map((pr) => ({ value: pr.id, label: `${pr.name}（${lbl(PROJECT_STATUS, pr.status, t)}）` }))}
            notFoundContent={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('proj.mon.noProjects')} />}
          />
        )}
        {!listFetching && !listError && projects.length === 0 && !params.get('project') && (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('proj.mon.noProjects')} />
        )}
      </Card>
      {error && <ErrorState error={error} onRetry={() => reload({ requestPolicy: 'network-only' })} />}
      {projectId && !d && fetching && <PageLoading />}
      {d && (
        <>
          <Card size="small">
            <Row gutter={[16, 16]}>
              <Col xs={12} md={6}>
                <Statistic title={t('proj.mon.households')} value={d.householdsServed} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('proj.mon.minutes')} value={formatMinutes(d.serviceMinutes, lang)} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('proj.mon.goods')} value={d.goodsItems} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic
                  title={t('proj.mon.rating')}
                  value={d.ratingAverageTenths != null ? (d.ratingAverageTenths / 10).toFixed(1) : t('proj.mon.noRating')}
                  suffix={d.ratingAverageTenths != null ? `/ 5 (${d.ratingCount})` : undefined}
                />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('proj.grant.grant')} value={formatFen(d.funding.grantFen)} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('proj.grant.released')} value={formatFen(d.funding.releasedFen)} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('proj.grant.spent')} value={formatFen(d.funding.spentFen)} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t('proj.grant.gap')} value={formatFen(d.funding.gapFen)} />
              </Col>
            </Row>
          </Card>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('proj.mon.budgetChart')}>
                <Chart testId="budget-chart" title={chartTitle('proj.mon.budgetChart')} option={budgetOption(d, { budget: t('proj.mon.budget'), spent: t('proj.mon.spent') })} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card size="small" title={t('proj.mon.fundingChart')}>
                <Chart
                  testId="funding-chart"
                  title={chartTitle('proj.mon.fundingChart')}
                  option={fundingOption(d, {
                    released: t('proj.grant.released'),
                    committed: t('proj.grant.committed'),
                    donations: t('proj.grant.donations'),
                    gap: t('proj.grant.gap'),
                  })}
                />
              </Card>
            </Col>
            <Col xs={24}>
              <Card size="small" title={t('proj.mon.reportsChart')}>
                {d.reports.some((r) => r.status === 'approved') ? (
                  <Chart testId="reports-chart" title={chartTitle('proj.mon.reportsChart')} option={reportsOption(d, t('proj.mon.households'))} />
                ) : (
                  <Typography.Text type="secondary">{t('proj.report.none')}</Typography.Text>
                )}
              </Card>
            </Col>
          </Row>
        </>
      )}
    </Space>
  );
}
