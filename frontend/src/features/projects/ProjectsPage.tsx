import { useState } from 'react';
import { Card, Checkbox, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import type { CharityProjectStatus, ProjectListFieldsFragment } from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { formatFen } from '../../i18n/format';
import { ProjectsDocument } from './documents';
import { PROJECT_CATEGORY, PROJECT_STATUS, STATUS_COLOR, lbl, opts, useProjectText } from './text';

/** Foundation reviewers: the projects of their area, by status, searchable, in cursor pages. */
export function ProjectsPage() {
  const { t, p, lang } = useProjectText();
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

  return (
    <Card title={<h1 className="card-title">{p('list.title')}</h1>}>
      <Typography.Paragraph type="secondary">{p('list.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<CharityProjectStatus | 'all'>
          aria-label={p('list.status')}
          style={{ width: 160 }}
          value={status ?? 'all'}
          onChange={(v) => {
            setStatus(v === 'all' ? null : v);
            pages.reset();
          }}
          options={[{ value: 'all', label: t('app.all') }, ...opts(PROJECT_STATUS, lang).filter((o) => o.value !== 'draft')]}
        />
        <Input.Search
          aria-label={p('list.search')}
          placeholder={p('list.search')}
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
          {p('list.toReview')}
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
            locale={{ emptyText: fetching ? ' ' : <EmptyState description={p('list.empty')} /> }}
            columns={[
              {
                title: p('list.name'),
                key: 'name',
                render: (_v, r) => (
                  <Space direction="vertical" size={0}>
                    <Link to={`/foundation/projects/${r.id}`} data-testid="project-link">
                      {r.name}
                    </Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {lbl(PROJECT_CATEGORY, r.category, lang)}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                title: p('list.status'),
                key: 'status',
                render: (_v, r) => <Tag color={STATUS_COLOR[r.status]}>{lbl(PROJECT_STATUS, r.status, lang)}</Tag>,
              },
              { title: p('list.org'), key: 'org', render: (_v, r) => r.organisation.name },
              { title: p('list.region'), key: 'region', render: (_v, r) => r.region.name },
              { title: p('list.requested'), key: 'req', align: 'right', render: (_v, r) => formatFen(r.requestedFen) },
              {
                title: p('list.grant'),
                key: 'grant',
                align: 'right',
                render: (_v, r) => (r.funding.grantFen !== '0' ? formatFen(r.funding.grantFen) : '—'),
              },
              {
                title: p('list.released'),
                key: 'released',
                align: 'right',
                render: (_v, r) => (r.funding.releasedFen !== '0' ? formatFen(r.funding.releasedFen) : '—'),
              },
              {
                title: p('list.submittedAt'),
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
