import { useState } from 'react';
import { Card, Checkbox, Input, Select, Space, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import type { CharityProjectStatus, ProjectListFieldsFragment } from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import { formatFen } from '../../i18n/format';
import { ProjectsDocument } from './documents';
import { PROJECT_CATEGORY, PROJECT_STATUS, lbl, opts } from './text';
import { projectListColumns } from './listColumns';

/** Foundation reviewers: the projects of their area, by status, searchable, in cursor pages. */
export function ProjectsPage() {
  const { t, lang } = useI18n();
  const pages = useCursorPages(20);
  const [status, setStatus] = useState<CharityProjectStatus | null>(null);
  const [search, setSearch] = useState('');
  const [toReview, setToReview] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ProjectsDocument,
    variables: { first: pages.first, after: pages.after, status, search: search || null, toReview: toReview || null },
    requestPolicy: 'cache-and-network',
  });
  const connection = data?.projects;
  const rows = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];

  const cols = projectListColumns<ProjectListFieldsFragment>(t);

  return (
    <Card title={<h1 className="card-title">{t('proj.list.title')}</h1>}>
      <Typography.Paragraph type="secondary">{t('proj.list.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<CharityProjectStatus | 'all'>
          aria-label={t('proj.list.status')}
          style={{ width: 160 }}
          value={status ?? 'all'}
          onChange={(v) => {
            setStatus(v === 'all' ? null : v);
            pages.reset();
          }}
          options={[{ value: 'all', label: t('app.all') }, ...opts(PROJECT_STATUS, t).filter((o) => o.value !== 'draft')]}
        />
        <Input.Search
          aria-label={t('proj.list.search')}
          placeholder={t('proj.list.search')}
          allowClear
          onSearch={(v) => {
            setSearch(v.trim());
            pages.reset();
          }}
          style={{ width: 240 }}
        />
        <Checkbox
          checked={toReview}
          onChange={(e) => {
            setToReview(e.target.checked);
            pages.reset();
          }}
        >
          {t('proj.list.toReview')}
        </Checkbox>
      </Space>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <>
          <Table<ProjectListFieldsFragment>
            rowKey="id"
            size="middle"
            loading={fetching && !data}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 900 }}
            locale={{ emptyText: fetching ? ' ' : <EmptyState description={t('proj.list.empty')} /> }}
            columns={[
              {
                title: t('proj.list.name'),
                key: 'name',
                render: (_v, r) => (
                  <Space direction="vertical" size={0}>
                    <Link to={`/foundation/projects/${r.id}`} data-testid="project-link">
                      {r.name}
                    </Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {lbl(PROJECT_CATEGORY, r.category, t)}
                    </Typography.Text>
                  </Space>
                ),
              },
              cols.status,
              { title: t('proj.list.org'), key: 'org', render: (_v, r) => r.organisation.name },
              cols.region,
              cols.requested,
              cols.grant,
              {
                title: t('proj.list.released'),
                key: 'released',
                align: 'right',
                render: (_v, r) => (r.funding.releasedFen !== '0' ? formatFen(r.funding.releasedFen) : '—'),
              },
              {
                title: t('proj.list.submittedAt'),
                key: 'submitted',
                render: (_v, r) => (r.submittedAt ? new Date(r.submittedAt).toLocaleDateString(lang === 'en' ? 'en' : 'zh-CN') : '—'),
              },
            ]}
          />
          <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} />
        </>
      )}
    </Card>
  );
}
