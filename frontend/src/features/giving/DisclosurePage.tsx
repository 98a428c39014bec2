import { useState } from 'react';
import { Card, Col, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import type { PublicDisclosureQuery } from '../../gql/graphql';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { LanguageSwitch } from '../../i18n/LanguageSwitch';
import { formatFen } from '../../i18n/format';
import { PublicDisclosureDocument } from './documents';

type Disclosure = PublicDisclosureQuery['publicDisclosure'];
type Line = Disclosure['income'][number];
type GoodsLine = Disclosure['goodsReceived'][number];

const FIRST_YEAR = 2024;

/** 慈善信息公开: a year's gifts, payments out and goods received, by month; no personal data; no login needed. */
export function DisclosurePage() {
  const { t } = useI18n();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const [{ data, fetching, error }, refetch] = useQuery({ query: PublicDisclosureDocument, variables: { year } });
  const d = data?.publicDisclosure;
  const years = Array.from({ length: Math.max(1, thisYear - FIRST_YEAR + 1) }, (_v, i) => thisYear - i);
  const money = [
    { title: t('disc.month'), dataIndex: 'month', key: 'month', width: 100 },
    { title: t('disc.target'), dataIndex: 'target', key: 'target' },
    { title: t('disc.count'), dataIndex: 'count', key: 'count', width: 80, align: 'right' as const },
    { title: t('disc.amount'), dataIndex: 'amountFen', key: 'amountFen', width: 160, align: 'right' as const, render: (v: string) => formatFen(v) },
  ];
  const empty = { emptyText: <EmptyState description={t('disc.empty')} /> };
  const page = { pageSize: 12, showSizeChanger: true, pageSizeOptions: [12, 50, 100], hideOnSinglePage: false, showTotal: (n: number) => t('app.total', { count: n }) };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={<h1 className="card-title">{t('disc.title')}</h1>}
        extra={
          <Select
            aria-label={t('disc.year')}
            value={year}
            onChange={setYear}
            options={years.map((y) => ({ value: y, label: String(y) }))}
            style={{ width: 100 }}
          />
        }
      >
        <Typography.Paragraph type="secondary">{t('disc.intro')}</Typography.Paragraph>
        {error ? (
          <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          <Row gutter={16}>
            <Col xs={24} sm={8}>
              <Statistic title={t('disc.income')} value={d ? formatFen(d.totalIncomeFen) : '—'} loading={fetching} />
            </Col>
            <Col xs={24} sm={8}>
              <Statistic title={t('disc.disbursed')} value={d ? formatFen(d.totalDisbursedFen) : '—'} loading={fetching} />
            </Col>
            <Col xs={24} sm={8}>
              <Statistic title={t('disc.refunds')} value={d ? formatFen(d.refundsFen) : '—'} loading={fetching} />
            </Col>
          </Row>
        )}
      </Card>
      {!error && (
        <>
          <Card title={<h2 className="card-title">{t('disc.incomeTable')}</h2>}>
            <Table<Line> size="small" rowKey={(r) => `${r.month}|${r.target}`} loading={fetching} dataSource={d?.income ?? []} columns={money} locale={empty} pagination={page} />
          </Card>
          <Card title={<h2 className="card-title">{t('disc.disburseTable')}</h2>}>
            <Table<Line> size="small" rowKey={(r) => `${r.month}|${r.target}`} loading={fetching} dataSource={d?.disbursements ?? []} columns={money} locale={empty} pagination={page} />
          </Card>
          <Card title={<h2 className="card-title">{t('disc.goods')}</h2>}>
            <Table<GoodsLine>
              size="small"
              rowKey={(r) => `${r.month}|${r.item}`}
              loading={fetching}
              dataSource={d?.goodsReceived ?? []}
              locale={empty}
              pagination={page}
              columns={[
                { title: t('disc.month'), dataIndex: 'month', key: 'month', width: 100 },
                { title: t('disc.item'), dataIndex: 'item', key: 'item' },
                { title: t('disc.quantity'), dataIndex: 'quantity', key: 'quantity', width: 100, align: 'right' as const },
              ]}
            />
          </Card>
        </>
      )}
    </Space>
  );
}

/** The disclosure page for visitors who are not logged in: the same page with the brand and a login link. */
export function PublicDisclosurePage() {
  const { t } = useI18n();
  return (
    <main className="auth-page" style={{ padding: '12px 16px 48px' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Space>
          <span className="auth-logo" aria-hidden="true">
            互
          </span>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
        </Space>
        <Space>
          <LanguageSwitch size="small" />
          <Link to="/login">{t('disc.login')}</Link>
        </Space>
      </Space>
      <div style={{ maxWidth: 1100, margin: '0 auto' }}>
        <DisclosurePage />
      </div>
    </main>
  );
}
