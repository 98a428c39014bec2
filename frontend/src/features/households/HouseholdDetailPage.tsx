import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, EyeOutlined, LockOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router-dom';
import { useClient, useMutation, useQuery } from 'urql';
import dayjs, { type Dayjs } from 'dayjs';
import type { HouseholdPersonalDataQuery, HouseholdQuery } from '../../gql/graphql';
import { EmptyState, ErrorState, NotFound, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import {
  AGE_BAND,
  CATEGORY,
  ECONOMIC_CHECK,
  GOODS_CATEGORY,
  NEED_KIND,
  NEED_STATUS,
  RELATION,
  SERVICE_TYPE,
  SEX,
  TAG,
  label,
} from '../../i18n/enums';
import { formatFen, formatMinutes } from '../../i18n/format';
import type { Lang } from '../../i18n/language';
import { HouseholdDocument, PersonalDataDocument, VisitRecordDocument } from './documents';
import { NeedCreateModal } from './NeedCreateModal';
import { VisitHistory } from './VisitHistory';

type Household = NonNullable<HouseholdQuery['household']>;
type Need = Household['needs'][number];
type Personal = NonNullable<HouseholdPersonalDataQuery['householdPersonalData']['personalData']>;

export function needSummary(need: Pick<Need, 'kind' | 'amountFen' | 'goodsCategory' | 'goodsItem' | 'quantity' | 'serviceType' | 'minutes'>, lang: Lang): string {
  switch (need.kind) {
    case 'money':
      return formatFen(need.amountFen);
    case 'goods':
      return [label(GOODS_CATEGORY, need.goodsCategory, lang), need.goodsItem, need.quantity != null ? `× ${need.quantity}` : '']
        .filter(Boolean)
        .join(' ');
    case 'service':
      return [label(SERVICE_TYPE, need.serviceType, lang), formatMinutes(need.minutes, lang)].filter(Boolean).join(' · ');
    default:
      return '';
  }
}

/** One household: anonymous facts, members, needs and visits; personal data only on request, audited. */
export function HouseholdDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const [{ data, fetching, error }, refetch] = useQuery({ query: HouseholdDocument, variables: { id } });
  const [needOpen, setNeedOpen] = useState(false);
  const [visitOpen, setVisitOpen] = useState(false);
  const [visitsSaved, setVisitsSaved] = useState(0);

  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <PageLoading />;
  const h = data?.household;
  if (!h) return <NotFound />;
  const reload = () => refetch({ requestPolicy: 'network-only' });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/workstation/households">
        <ArrowLeftOutlined /> {t('hh.listTitle')}
      </Link>
      <Card title={<h1 className="card-title">{`${t('hh.detailTitle')} · ${h.community.name}`}</h1>}>
        {h.duplicateFlags.length > 0 && (
          <Alert
            type="warning"
            showIcon
            icon={<WarningOutlined />}
            style={{ marginBottom: 16 }}
            message={t('hh.duplicate')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {h.duplicateFlags.map((f) => (
                  <li key={`${f.streetName}-${f.registeredOn}`}>
                    {f.message} ({f.streetName}, {f.registeredOn})
                  </li>
                ))}
              </ul>
            }
          />
        )}
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small" bordered>
          <Descriptions.Item label={t('hh.category')}>{label(CATEGORY, h.category, lang)}</Descriptions.Item>
          <Descriptions.Item label={t('hh.community')}>
            {h.region.name === h.community.name ? h.community.name : `${h.community.name} · ${h.region.name}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('hh.registeredBy')}>{h.registeredBy.name}</Descriptions.Item>
          <Descriptions.Item label={t('hh.tags')}>
            <Space size={[4, 4]} wrap>
              {h.tags.map((tag) => (
                <Tag key={tag}>{label(TAG, tag, lang)}</Tag>
              ))}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('hh.economicCheck')}>{label(ECONOMIC_CHECK, h.economicCheckStatus, lang)}</Descriptions.Item>
          <Descriptions.Item label={t('hh.checkedAt')}>{h.checkedAt ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('hh.nextCheckDue')}>{h.nextCheckDue ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('hh.createdAt')}>{dayjs(h.createdAt).format('YYYY-MM-DD')}</Descriptions.Item>
          <Descriptions.Item label={t('hh.lastVisited')}>
            {h.lastVisitedAt ? dayjs(h.lastVisitedAt).format('YYYY-MM-DD') : t('hh.neverVisited')}
          </Descriptions.Item>
        </Descriptions>
      </Card>

      <PersonalDataCard householdId={h.id} memberCount={h.memberCount} />

      <Card title={<h2 className="card-title">{`${t('hh.members')} (${h.memberCount})`}</h2>}>
        <Table
          rowKey="position"
          size="small"
          pagination={false}
          dataSource={h.members}
          scroll={{ x: 480 }}
          columns={[
            { title: t('hh.relation'), key: 'relation', render: (_: unknown, m: Household['members'][number]) => label(RELATION, m.relation, lang) },
            { title: t('hh.ageBand'), key: 'age', render: (_: unknown, m: Household['members'][number]) => label(AGE_BAND, m.ageBand, lang) },
            { title: t('hh.sex'), key: 'sex', render: (_: unknown, m: Household['members'][number]) => label(SEX, m.sex, lang) },
            {
              title: t('hh.tags'),
              key: 'tags',
              render: (_: unknown, m: Household['members'][number]) => m.tags.map((tag) => <Tag key={tag}>{label(TAG, tag, lang)}</Tag>),
            },
          ]}
        />
      </Card>

      <Card
        title={<h2 className="card-title">{t('hh.needs')}</h2>}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setNeedOpen(true)}>
            {t('need.new')}
          </Button>
        }
      >
        <Table<Need>
          rowKey="id"
          size="small"
          dataSource={h.needs}
          pagination={h.needs.length > 10 ? { pageSize: 10, size: 'small' } : false}
          scroll={{ x: 640 }}
          locale={{ emptyText: <EmptyState description={t('hh.noNeeds')} /> }}
          expandable={{
            rowExpandable: (n) => n.history.length > 0,
            expandedRowRender: (n) => (
              <Timeline
                style={{ marginTop: 8 }}
                items={n.history.map((c) => ({
                  children: (
                    <span>
                      {dayjs(c.at).format('YYYY-MM-DD HH:mm')} · {c.fromStatus ? `${label(NEED_STATUS, c.fromStatus, lang)} → ` : ''}
                      {label(NEED_STATUS, c.toStatus, lang)}
                      {c.actorName ? ` · ${c.actorName}` : ''}
                      {c.note ? ` · ${c.note}` : ''}
                    </span>
                  ),
                }))}
              />
            ),
          }}
          columns={[
            {
              title: t('need.kind'),
              key: 'kind',
              render: (_: unknown, n: Need) => (
                <Space size={4}>
                  {label(NEED_KIND, n.kind, lang)}
                  {n.urgent && <Tag color="red">{t('hh.urgent')}</Tag>}
                </Space>
              ),
            },
            { title: t('need.what'), key: 'what', render: (_: unknown, n: Need) => needSummary(n, lang) },
            { title: t('need.description'), dataIndex: 'description', key: 'description', ellipsis: true },
            { title: t('need.status'), key: 'status', render: (_: unknown, n: Need) => <Tag>{label(NEED_STATUS, n.status, lang)}</Tag> },
            { title: t('need.openedAt'), key: 'opened', render: (_: unknown, n: Need) => dayjs(n.openedAt).format('YYYY-MM-DD') },
          ]}
        />
      </Card>

      <Card
        title={<h2 className="card-title">{t('hh.visits')}</h2>}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setVisitOpen(true)}>
            {t('hh.recordVisit')}
          </Button>
        }
      >
        <VisitHistory householdId={h.id} reloadKey={visitsSaved} />
      </Card>

      <NeedCreateModal householdId={h.id} open={needOpen} onClose={() => setNeedOpen(false)} onCreated={reload} />
      <VisitModal householdId={h.id} open={visitOpen} onClose={() => setVisitOpen(false)} onSaved={() => {
          reload();
          setVisitsSaved((n) => n + 1);
        }}
      />
    </Space>
  );
}

/** Personal data stays hidden until the staff member gives a reason; each reveal writes one audit row. */
function PersonalDataCard({ householdId, memberCount }: { householdId: string; memberCount: number }) {
  const { t } = useI18n();
  const client = useClient();
  const [form] = Form.useForm<{ purpose: string }>();
  const errors = useFieldErrors(form, { known: ['purpose'] });
  const [asking, setAsking] = useState(false);
  const [loading, setLoading] = useState(false);
  const [personal, setPersonal] = useState<Personal | null>(null);

  async function reveal(values: { purpose: string }) {
    errors.clear();
    setLoading(true);
    // network-only: every reveal is a fresh, audited read, never a cached copy
    const result = await client
      .query(PersonalDataDocument, { id: householdId, purpose: values.purpose.trim() }, { requestPolicy: 'network-only' })
      .toPromise();
    setLoading(false);
    if (result.error) {
      errors.applyCombined(result.error, t('app.networkError'));
      return;
    }
    const payload = result.data?.householdPersonalData;
    if (errors.apply(payload?.errors)) return;
    setPersonal(payload?.personalData ?? null);
    setAsking(false);
    form.resetFields();
  }

  return (
    <Card
      title={
        <h2 className="card-title">
          <LockOutlined /> {t('hh.personalData')}
        </h2>
      }
      extra={
        !personal && (
          <Button type="primary" icon={<EyeOutlined />} onClick={() => setAsking(true)}>
            {t('hh.showPersonal')}
          </Button>
        )
      }
    >
      {personal ? (
        <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered>
          <Descriptions.Item label={t('hh.headName')}>{personal.headName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('hh.idNumber')}>{personal.idNumber ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('hh.phone')}>{personal.phone || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('hh.address')}>{personal.address ?? '—'}</Descriptions.Item>
          {memberCount > 1 && (
            <Descriptions.Item label={t('hh.memberNames')} span={2}>
              {(personal.memberNames ?? []).filter(Boolean).join('、') || '—'}
            </Descriptions.Item>
          )}
        </Descriptions>
      ) : (
        <Typography.Text type="secondary">{t('hh.personalHidden')}</Typography.Text>
      )}
      <Modal
        title={t('hh.showPersonal')}
        open={asking}
        onCancel={() => setAsking(false)}
        onOk={() => form.submit()}
        okText={t('hh.showPersonal')}
        cancelText={t('app.cancel')}
        confirmLoading={loading}
        destroyOnClose
      >
        {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={reveal} name="personal-data-purpose">
          <Form.Item
            name="purpose"
            label={t('hh.purpose')}
            extra={t('hh.purposeHelp')}
            rules={[{ required: true, whitespace: true, message: t('auth.required') }]}
          >
            <Input.TextArea placeholder={t('hh.purposePlaceholder')} autoSize={{ minRows: 2 }} maxLength={200} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function VisitModal({ householdId, open, onClose, onSaved }: { householdId: string; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ visitedAt: Dayjs; notes?: string }>();
  const errors = useFieldErrors(form, { known: ['visitedAt', 'notes'] });
  const [{ fetching }, record] = useMutation(VisitRecordDocument);

  async function onFinish(values: { visitedAt: Dayjs; notes?: string }) {
    errors.clear();
    const result = await record({ householdId, visitedAt: values.visitedAt.toISOString(), notes: values.notes ?? '' });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.visitRecord?.errors)) return;
    message.success(t('hh.visitSaved'));
    form.resetFields();
    onClose();
    onSaved();
  }

  return (
    <Modal
      title={t('hh.recordVisit')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('app.save')}
      cancelText={t('app.cancel')}
      confirmLoading={fetching}
      destroyOnClose
    >
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ visitedAt: dayjs() }} name="visit-record">
        <Form.Item name="visitedAt" label={t('hh.visitedAt')} rules={[{ required: true, message: t('auth.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="notes" label={t('hh.notes')}>
          <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
