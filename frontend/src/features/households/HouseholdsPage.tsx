import { useMemo, useState } from 'react';
import { Button, Card, Checkbox, Col, Input, Row, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery } from 'urql';
import dayjs from 'dayjs';
import type {
  EconomicCheckStatus,
  HouseholdCategory,
  HouseholdOrderBy,
  HouseholdTag,
  HouseholdsQuery,
  Role,
} from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import { AGE_BAND, CATEGORY, ECONOMIC_CHECK, TAG, label, options } from '../../i18n/enums';
import type { MessageKey } from '../../i18n/messages';
import { useRegionTree } from '../regions/useRegionTree';
import { HouseholdsDocument } from './documents';

type Row = NonNullable<NonNullable<HouseholdsQuery['households']['edges'][number]>['node']>;

export interface HouseholdFilters {
  category: HouseholdCategory[];
  tag: HouseholdTag[];
  regionId?: string;
  urgentNeeds?: boolean;
  possibleDuplicate?: boolean;
  economicCheckStatus?: EconomicCheckStatus;
  idNumber?: string;
  orderBy: HouseholdOrderBy;
}

const ORDERS: HouseholdOrderBy[] = [
  'URGENT_FIRST',
  'CREATED_AT_DESC',
  'CREATED_AT_ASC',
  'UPDATED_AT_DESC',
  'NEXT_CHECK_DUE_ASC',
  'LAST_VISITED_ASC',
];
export const HOUSEHOLD_ROLES: readonly Role[] = ['workstation_staff', 'social_worker', 'administrator'];
const EMPTY: HouseholdFilters = { category: [], tag: [], orderBy: 'URGENT_FIRST' };

/** Workstation staff: the households of their area, filtered, cursor-paginated; a row opens the household. */
export function HouseholdsPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const pages = useCursorPages(20);
  const [filters, setFilters] = useState<HouseholdFilters>(EMPTY);
  const [idNumberDraft, setIdNumberDraft] = useState('');
  const regions = useRegionTree(HOUSEHOLD_ROLES);

  const change = (patch: Partial<HouseholdFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    pages.reset();
  };
  const resetFilters = () => {
    setIdNumberDraft('');
    setFilters(EMPTY); // not change(EMPTY): a spread would keep the filters EMPTY has no key for
    pages.reset();
  };

  const [{ data, fetching, error }, refetch] = useQuery({
    query: HouseholdsDocument,
    variables: {
      first: pages.first,
      after: pages.after,
      category: filters.category.length ? filters.category : null,
      tag: filters.tag.length ? filters.tag : null,
      regionId: filters.regionId ?? null,
      urgentNeeds: filters.urgentNeeds ?? null,
      possibleDuplicate: filters.possibleDuplicate ?? null,
      economicCheckStatus: filters.economicCheckStatus ?? null,
      idNumber: filters.idNumber || null,
      orderBy: [filters.orderBy],
    },
  });
  const connection = data?.households;
  const rows = useMemo(() => connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [], [connection]);
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY);

  const columns = [
    {
      title: t('hh.community'),
      key: 'community',
      render: (_: unknown, h: Row) => (
        <Space size={4} wrap>
          <Link to={`/workstation/households/${encodeURIComponent(h.id)}`}>{h.community.name}</Link>
          {h.needs.some((n) => n.urgent) && <Tag color="red">{t('hh.urgent')}</Tag>}
          {h.possibleDuplicate && (
            <Tag color="orange" icon={<WarningOutlined />}>
              {t('hh.duplicate')}
            </Tag>
          )}
        </Space>
      ),
    },
    { title: t('hh.category'), key: 'category', render: (_: unknown, h: Row) => label(CATEGORY, h.category, lang) },
    {
      title: t('hh.tags'),
      key: 'tags',
      render: (_: unknown, h: Row) => (
        <Space size={[4, 4]} wrap>
          {h.tags.map((tag) => (
            <Tag key={tag}>{label(TAG, tag, lang)}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('hh.members'),
      key: 'members',
      render: (_: unknown, h: Row) => (
        <span>
          {t('hh.memberCount', { count: h.memberCount })}
          {h.headAgeBand && (
            <Typography.Text type="secondary"> · {label(AGE_BAND, h.headAgeBand, lang)}</Typography.Text>
          )}
        </span>
      ),
    },
    {
      title: t('hh.economicCheck'),
      key: 'check',
      render: (_: unknown, h: Row) => label(ECONOMIC_CHECK, h.economicCheckStatus, lang),
    },
    { title: t('hh.openNeeds'), key: 'needs', render: (_: unknown, h: Row) => h.needs.length },
    {
      title: t('hh.lastVisited'),
      key: 'visited',
      render: (_: unknown, h: Row) =>
        h.lastVisitedAt ? dayjs(h.lastVisitedAt).format('YYYY-MM-DD') : <Typography.Text type="warning">{t('hh.neverVisited')}</Typography.Text>,
    },
  ];

  return (
    <Card
      title={<h1 className="card-title">{t('hh.listTitle')}</h1>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/workstation/households/new')}>
          {t('hh.register')}
        </Button>
      }
    >
      <form role="search" aria-label={t('app.search')} onSubmit={(e) => e.preventDefault()}>
        <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
          <Col xs={24} md={12} xl={6}>
            <TreeSelect
              aria-label={t('hh.filterRegion')}
              placeholder={t('hh.filterRegion')}
              allowClear
              showSearch
              treeNodeFilterProp="title"
              treeDefaultExpandAll
              style={{ width: '100%' }}
              treeData={regions.tree}
              value={filters.regionId}
              onChange={(value?: string) => change({ regionId: value || undefined })}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <Select<HouseholdCategory[]>
              aria-label={t('hh.category')}
              mode="multiple"
              allowClear
              placeholder={t('hh.category')}
              style={{ width: '100%' }}
              options={options(CATEGORY, lang)}
              value={filters.category}
              onChange={(category) => change({ category })}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <Select<HouseholdTag[]>
              aria-label={t('hh.tags')}
              mode="multiple"
              allowClear
              placeholder={t('hh.tags')}
              style={{ width: '100%' }}
              options={options(TAG, lang)}
              value={filters.tag}
              onChange={(tag) => change({ tag })}
              maxTagCount="responsive"
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <Select<EconomicCheckStatus>
              aria-label={t('hh.economicCheck')}
              allowClear
              placeholder={t('hh.economicCheck')}
              style={{ width: '100%' }}
              options={options(ECONOMIC_CHECK, lang)}
              value={filters.economicCheckStatus}
              onChange={(economicCheckStatus) => change({ economicCheckStatus })}
            />
          </Col>
          <Col xs={24} md={12} xl={8}>
            <Input.Search
              aria-label={t('hh.idNumberSearch')}
              placeholder={t('hh.idNumberSearch')}
              allowClear
              value={idNumberDraft}
              onChange={(e) => {
                setIdNumberDraft(e.target.value);
                if (!e.target.value && filters.idNumber) change({ idNumber: undefined });
              }}
              onSearch={(value) => change({ idNumber: value.trim() || undefined })}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <Select<HouseholdOrderBy>
              aria-label={t('hh.orderBy')}
              style={{ width: '100%' }}
              value={filters.orderBy}
              onChange={(orderBy) => change({ orderBy })}
              options={ORDERS.map((o) => ({ value: o, label: t(`hh.order.${o}` as MessageKey) }))}
            />
          </Col>
          <Col xs={24} xl={10}>
            <Space wrap style={{ minHeight: 32 }}>
              <Checkbox checked={filters.urgentNeeds === true} onChange={(e) => change({ urgentNeeds: e.target.checked || undefined })}>
                {t('hh.filterUrgent')}
              </Checkbox>
              <Checkbox
                checked={filters.possibleDuplicate === true}
                onChange={(e) => change({ possibleDuplicate: e.target.checked || undefined })}
              >
                {t('hh.filterDuplicate')}
              </Checkbox>
              {filtered && (
                <Button type="link" onClick={resetFilters}>
                  {t('app.reset')}
                </Button>
              )}
            </Space>
          </Col>
        </Row>
      </form>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <>
          <Table<Row>
            rowKey="id"
            size="middle"
            loading={fetching}
            columns={columns}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 900 }}
            onRow={(h) => ({
              onClick: (e) => {
                if ((e.target as HTMLElement).closest('a,button')) return;
                navigate(`/workstation/households/${encodeURIComponent(h.id)}`);
              },
              style: { cursor: 'pointer' },
            })}
            locale={{
              emptyText: fetching ? ' ' : (
                <EmptyState description={t('hh.empty')}>
                  <Typography.Text type="secondary">{t('hh.emptyHint')}</Typography.Text>
                </EmptyState>
              ),
            }}
          />
          <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} />
        </>
      )}
    </Card>
  );
}
