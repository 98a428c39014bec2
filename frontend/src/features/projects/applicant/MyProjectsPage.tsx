import { useState } from 'react';
import { Alert, Button, Card, Select, Space, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery } from 'urql';
import type { CharityProjectStatus, MyProjectsQuery } from '../../../gql/graphql';
import { useMe } from '../../../auth/MeProvider';
import { CursorPager } from '../../../components/CursorPager';
import { EmptyState, ErrorState } from '../../../components/QueryState';
import { useCursorPages } from '../../../hooks/useCursorPages';
import { useI18n } from '../../../i18n/I18nProvider';
import { PROJECT_CATEGORY, PROJECT_STATUS, lbl, opts } from '../text';
import { MyProjectsDocument } from './documents';
import { projectListColumns } from '../listColumns';

type Row = NonNullable<NonNullable<MyProjectsQuery['projects']['edges'][number]>['node']>;

/** 我的项目: an organisation member's projects (drafts too), newest first, in cursor pages. */
export function MyProjectsPage() {
  const { t, lang } = useI18n();
  const { me } = useMe();
  const navigate = useNavigate();
  const pages = useCursorPages(20);
  const [status, setStatus] = useState<CharityProjectStatus | null>(null);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MyProjectsDocument,
    variables: { first: pages.first, after: pages.after, status },
    requestPolicy: 'cache-and-network',
  });
  const connection = data?.projects;
  const rows = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const member = (me?.memberOrganisationIds ?? []).length > 0;
  const day = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString(lang === 'en' ? 'en' : 'zh-CN') : '—');

  const cols = projectListColumns<Row>(t);

  return (
    <Card
      title={<h1 className="card-title">{t('org.title')}</h1>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} disabled={!member} onClick={() => navigate('/org/projects/new')}>
          {t('org.new')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('org.hint')}</Typography.Paragraph>
      {me && !member && <Alert type="info" showIcon message={t('org.notMember')} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<CharityProjectStatus | 'all'>
          aria-label={t('proj.list.status')}
          style={{ width: 160 }}
          value={status ?? 'all'}
          onChange={(v) => {
            setStatus(v === 'all' ? null : v);
            pages.reset();
          }}
          options={[{ value: 'all', label: t('app.all') }, ...opts(PROJECT_STATUS, t)]}
        />
      </Space>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <>
          <Table<Row>
            rowKey="id"
            size="middle"
            loading={fetching && !data}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 760 }}
            locale={{
              emptyText: fetching ? (
                ' '
              ) : (
                <EmptyState description={status ? t('proj.list.empty') : t('org.empty')}>
                  {member && !status && <Link to="/org/projects/new">{t('org.newFirst')}</Link>}
                </EmptyState>
              ),
            }}
            columns={[
              {
                title: t('proj.list.name'),
                key: 'name',
                render: (_v, r) => (
                  <Space direction="vertical" size={0}>
                    <Link to={`/org/projects/${r.id}`} data-testid="my-project-link">
                      {r.name}
                    </Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {lbl(PROJECT_CATEGORY, r.category, t)} · {r.organisation.name}
                    </Typography.Text>
                  </Space>
                ),
              },
              cols.status,
              { title: t('proj.detail.foundation'), key: 'foundation', render: (_v, r) => r.foundation.name },
              cols.region,
              cols.requested,
              cols.grant,
              { title: t('proj.list.submittedAt'), key: 'submitted', render: (_v, r) => day(r.submittedAt) },
            ]}
          />
          <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} />
        </>
      )}
    </Card>
  );
}
