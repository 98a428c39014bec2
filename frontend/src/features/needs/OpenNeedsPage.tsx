import { useState } from 'react';
import { Button, Card, Checkbox, Col, List, Row, Segmented, Select, Space, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import dayjs from 'dayjs';
import type { HouseholdCategory, NeedKind, NeedOrderBy, OpenNeedsQuery } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { ConnectionList } from '../../components/ConnectionTable';
import { useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { AGE_BAND, CATEGORY, NEED_KIND, TAG, label, options } from '../../i18n/enums';
import { needSummary } from '../households/HouseholdDetailPage';
import { OpenNeedsDocument } from './documents';

type PublicNeed = NonNullable<NonNullable<OpenNeedsQuery['openNeeds']['edges'][number]>['node']>;

/** What the task form shows of the need it is published for (passed in the route's state). */
export interface NeedForTask {
  id: string;
  summary: string;
  communityName: string;
  urgent: boolean;
}

type Order = 'oldest' | 'newest';
// urgent (救急难) first either way; then the longest-waiting need, or the newest one (a social worker looking
// for the need just registered)
const ORDER_BY: Record<Order, NeedOrderBy[]> = {
  oldest: ['URGENT_FIRST', 'OPENED_AT_ASC'],
  newest: ['URGENT_FIRST', 'OPENED_AT_DESC'],
};

/** Donors, volunteers and social workers: open needs of their area, households anonymised; urgent (救急难)
 * first. A social worker publishes a service need as a task they lead. */
export function OpenNeedsPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { me } = useMe();
  const leadsTasks = me?.isSuperuser || (me?.roles ?? []).some((g) => g.role === 'social_worker');
  const [order, setOrder] = useState<Order>('oldest');
  const [kind, setKind] = useState<NeedKind | 'all'>('all');
  const [urgent, setUrgent] = useState(false);
  const [category, setCategory] = useState<HouseholdCategory[]>([]);
  const needs = useConnectionQuery({
    query: OpenNeedsDocument,
    variables: {
      kind: kind === 'all' ? null : [kind],
      urgent: urgent ? true : null,
      category: category.length ? category : null,
      orderBy: ORDER_BY[order],
    },
    select: (data) => data.openNeeds,
  });
  const { pages } = needs;

  return (
    <Card title={<h1 className="card-title">{t('needs.openTitle')}</h1>}>
      <Typography.Paragraph type="secondary">{t('needs.openHint')}</Typography.Paragraph>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={24} md={8}>
          <Segmented<NeedKind | 'all'>
            aria-label={t('needs.filterKind')}
            block
            value={kind}
            onChange={(v) => {
              setKind(v);
              pages.reset();
            }}
            options={[{ value: 'all', label: t('app.all') }, ...options(NEED_KIND, lang)]}
          />
        </Col>
        <Col xs={24} md={7}>
          <Select<HouseholdCategory[]>
            aria-label={t('hh.category')}
            mode="multiple"
            allowClear
            placeholder={t('hh.category')}
            style={{ width: '100%' }}
            options={options(CATEGORY, lang)}
            value={category}
            onChange={(v) => {
              setCategory(v);
              pages.reset();
            }}
          />
        </Col>
        <Col xs={12} md={5}>
          <Segmented<Order>
            aria-label={t('needs.order')}
            value={order}
            onChange={(v) => {
              setOrder(v);
              pages.reset();
            }}
            options={[
              { value: 'oldest', label: t('needs.oldestFirst') },
              { value: 'newest', label: t('needs.newestFirst') },
            ]}
          />
        </Col>
        <Col xs={12} md={4}>
          <Checkbox
            checked={urgent}
            onChange={(e) => {
              setUrgent(e.target.checked);
              pages.reset();
            }}
          >
            {t('needs.onlyUrgent')}
          </Checkbox>
        </Col>
      </Row>
      <ConnectionList<PublicNeed>
        result={needs}
        spin="every"
        empty={t('needs.empty')}
        grid={{ gutter: 12, xs: 1, sm: 1, md: 2, xl: 3 }}
        renderItem={(n) => (
          <List.Item>
            <Card size="small" className={n.urgent ? 'need-card need-card-urgent' : 'need-card'} data-testid="need-card" data-need-id={n.id}>
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <Space size={4} wrap>
                  <Tag color={n.kind === 'money' ? 'gold' : n.kind === 'goods' ? 'blue' : 'green'}>{label(NEED_KIND, n.kind, lang)}</Tag>
                  {n.urgent && <Tag color="red">{t('hh.urgent')}</Tag>}
                  <Typography.Text strong>{needSummary(n, lang)}</Typography.Text>
                </Space>
                <Typography.Text>
                  {n.household.communityName} · {label(CATEGORY, n.household.category, lang)} ·{' '}
                  {t('hh.memberCount', { count: n.household.memberCount })}
                  {n.household.headAgeBand ? ` · ${label(AGE_BAND, n.household.headAgeBand, lang)}` : ''}
                </Typography.Text>
                {n.household.tags.length > 0 && (
                  <Space size={[4, 4]} wrap>
                    {n.household.tags.map((tag) => (
                      <Tag key={tag} bordered={false}>
                        {label(TAG, tag, lang)}
                      </Tag>
                    ))}
                  </Space>
                )}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('need.openedAt')} {dayjs(n.openedAt).format('YYYY-MM-DD')}
                </Typography.Text>
                {leadsTasks && n.kind === 'service' && (
                  <Button
                    size="small"
                    type="primary"
                    ghost
                    onClick={() => {
                      const need: NeedForTask = {
                        id: n.id,
                        summary: needSummary(n, lang),
                        communityName: n.household.communityName,
                        urgent: n.urgent,
                      };
                      navigate(`/tasks/new?needId=${encodeURIComponent(n.id)}`, { state: { need } });
                    }}
                  >
                    {t('needs.makeTask')}
                  </Button>
                )}
              </Space>
            </Card>
          </List.Item>
        )}
      />
    </Card>
  );
}
