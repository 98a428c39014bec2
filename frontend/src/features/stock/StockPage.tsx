import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, App, Badge, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { ImportOutlined, MinusCircleOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useSubscription } from 'urql';
import dayjs from 'dayjs';
import type { GivingGoodsCategory, GoodsCondition, StockQuery, StockMovementsQuery, WorkstationGoodsPledgesQuery } from '../../gql/graphql';
import { ConnectionTable } from '../../components/ConnectionTable';
import { EmptyState, ErrorState, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useBurstReload, useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { label, options } from '../../i18n/enums';
import {
  GoodsReceiveDocument,
  GoodsTaxonomyDocument,
  StockChangedLive,
  StockDocument,
  StockMovementsDocument,
  StockWriteOffDocument,
  WorkstationGoodsPledgesDocument,
} from './documents';
import { GIVING_GOODS_CATEGORY, GOODS_CONDITION, MOVEMENT_KIND, PLEDGE_STATUS, newIdempotencyKey } from './labels';
import { useStaffWorkstations } from './useStaffWorkstations';

type Line = StockQuery['stock'][number];
type Movement = NonNullable<NonNullable<StockMovementsQuery['stockMovements']>['edges'][number]>['node'] & object;
type Pledge = NonNullable<NonNullable<WorkstationGoodsPledgesQuery['workstationGoodsPledges']>['edges'][number]>['node'] & object;

/** Workstation staff: goods in stock per item, live; receive goods (walk-in or a pledge), write off, movements. */
export function StockPage() {
  const { t } = useI18n();
  const { workstations, fetching, error, refetch } = useStaffWorkstations();
  const [picked, setPicked] = useState<string | null>(null);
  const workstationId = picked ?? workstations[0]?.id ?? null;

  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching) return <PageLoading />;
  return (
    <Card
      title={<h1 className="card-title">{t('stock.title')}</h1>}
      extra={
        workstations.length > 1 && (
          <Select
            aria-label={t('stock.workstation')}
            value={workstationId}
            onChange={setPicked}
            style={{ minWidth: 200 }}
            options={workstations.map((w) => ({ value: w.id, label: w.name }))}
          />
        )
      }
    >
      {workstationId ? (
        <StockBoard key={workstationId} workstationId={workstationId} name={workstations.find((w) => w.id === workstationId)?.name ?? ''} />
      ) : (
        <EmptyState description={t('stock.noWorkstation')} />
      )}
    </Card>
  );
}

function StockBoard({ workstationId, name }: { workstationId: string; name: string }) {
  const { t, lang } = useI18n();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: StockDocument,
    variables: { workstationId },
    requestPolicy: 'cache-and-network',
  });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => {
    refetch({ requestPolicy: 'network-only' });
    setVersion((v) => v + 1);
  }, [refetch]);
  // a dispatch or a matching round may move many items at once: refetch once per burst
  const reloadSoon = useBurstReload(reload);
  const [liveCount, setLiveCount] = useState(0);
  useSubscription({ query: StockChangedLive, variables: { workstationId } }, (_prev, event) => {
    setLiveCount((c) => c + 1);
    reloadSoon();
    return event;
  });

  const [receiving, setReceiving] = useState<{ pledge?: Pledge } | null>(null);
  const [writingOff, setWritingOff] = useState<{ itemKey?: string } | null>(null);
  const lines = data?.stock ?? [];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap>
          <Typography.Text strong>{name}</Typography.Text>
          <Badge status="processing" text={t('stock.live')} />
          {liveCount > 0 && <Tag color="processing">{t('stock.liveChanged', { count: liveCount })}</Tag>}
        </Space>
        <Space wrap>
          <Button type="primary" icon={<ImportOutlined />} onClick={() => setReceiving({})}>
            {t('stock.receive')}
          </Button>
          <Button icon={<MinusCircleOutlined />} onClick={() => setWritingOff({})} disabled={lines.length === 0}>
            {t('stock.writeOff')}
          </Button>
        </Space>
      </Space>
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        <Table<Line>
          rowKey="itemKey"
          size="small"
          loading={fetching && !data}
          dataSource={lines}
          pagination={lines.length > 20 ? { pageSize: 20, size: 'small' } : false}
          scroll={{ x: 640 }}
          data-testid="stock-table"
          locale={{ emptyText: <EmptyState description={t('stock.empty')} /> }}
          columns={[
            { title: t('stock.item'), dataIndex: 'name', key: 'name' },
            { title: t('stock.category'), key: 'category', render: (_: unknown, l: Line) => label(GIVING_GOODS_CATEGORY, l.category, lang) },
            {
              title: t('stock.onHand'),
              key: 'onHand',
              align: 'right',
              render: (_: unknown, l: Line) => <span data-testid={`on-hand-${l.itemKey}`}>{`${l.onHand} ${l.unit}`}</span>,
            },
            { title: t('stock.reserved'), key: 'reserved', align: 'right', render: (_: unknown, l: Line) => l.reserved },
            { title: t('stock.available'), key: 'available', align: 'right', render: (_: unknown, l: Line) => <strong>{l.available}</strong> },
            {
              title: t('app.actions'),
              key: 'actions',
              render: (_: unknown, l: Line) => (
                <Button size="small" onClick={() => setWritingOff({ itemKey: l.itemKey })} disabled={l.available <= 0}
                  aria-label={`${t('stock.writeOff')} ${l.name}`}>
                  {t('stock.writeOff')}
                </Button>
              ),
            },
          ]}
        />
      )}
      <Tabs
        items={[
          {
            key: 'pledges',
            label: t('stock.pledges'),
            children: <PledgeList workstationId={workstationId} version={version} onReceive={(pledge) => setReceiving({ pledge })} />,
          },
          {
            key: 'movements',
            label: t('stock.movements'),
            children: <MovementList workstationId={workstationId} version={version} names={Object.fromEntries(lines.map((l) => [l.itemKey, l.name]))} />,
          },
        ]}
      />
      <ReceiveModal
        workstationId={workstationId}
        open={receiving !== null}
        pledge={receiving?.pledge}
        onClose={() => setReceiving(null)}
        onDone={reload}
      />
      <WriteOffModal
        workstationId={workstationId}
        open={writingOff !== null}
        itemKey={writingOff?.itemKey}
        lines={lines}
        onClose={() => setWritingOff(null)}
        onDone={reload}
      />
    </Space>
  );
}

function PledgeList({ workstationId, version, onReceive }: { workstationId: string; version: number; onReceive: (p: Pledge) => void }) {
  const { t, lang } = useI18n();
  const result = useConnectionQuery({
    query: WorkstationGoodsPledgesDocument,
    variables: { workstationId },
    select: (data) => data.workstationGoodsPledges,
    requestPolicy: 'cache-and-network',
  });
  useReloadOnVersion(version, result.reload);
  return (
    <ConnectionTable<Pledge>
      result={result}
      empty={t('stock.pledgesEmpty')}
      scroll={{ x: 720 }}
      columns={[
        { title: t('stock.pledgedAt'), key: 'at', render: (_: unknown, p: Pledge) => dayjs(p.createdAt).format('YYYY-MM-DD HH:mm') },
        { title: t('stock.donor'), key: 'donor', render: (_: unknown, p: Pledge) => (p.anonymous ? t('stock.anonymous') : p.donorName || '—') },
        { title: t('stock.item'), dataIndex: 'itemName', key: 'item' },
        {
          title: t('stock.quantity'),
          key: 'quantity',
          align: 'right',
          render: (_: unknown, p: Pledge) =>
            p.status === 'received' ? `${p.receivedQuantity} / ${p.quantity} ${p.unit}` : `${p.quantity} ${p.unit}`,
        },
        { title: t('stock.condition'), key: 'condition', render: (_: unknown, p: Pledge) => label(GOODS_CONDITION, p.condition, lang) },
        {
          title: t('stock.status'),
          key: 'status',
          render: (_: unknown, p: Pledge) => (
            <Tag color={p.status === 'pledged' ? 'gold' : p.status === 'received' ? 'green' : 'default'}>{label(PLEDGE_STATUS, p.status, lang)}</Tag>
          ),
        },
        {
          title: t('app.actions'),
          key: 'actions',
          render: (_: unknown, p: Pledge) =>
            p.status === 'pledged' ? (
              <Button size="small" type="primary" ghost onClick={() => onReceive(p)} aria-label={`${t('stock.receivePledge')} ${p.itemName}`}>
                {t('stock.receivePledge')}
              </Button>
            ) : null,
        },
      ]}
    />
  );
}

/** After a receipt or a write-off (`version` goes up), ask for the list again. */
function useReloadOnVersion(version: number, reload: () => void) {
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function MovementList({ workstationId, version, names }: { workstationId: string; version: number; names: Record<string, string> }) {
  const { t, lang } = useI18n();
  const result = useConnectionQuery({
    query: StockMovementsDocument,
    variables: { workstationId },
    select: (data) => data.stockMovements,
    requestPolicy: 'cache-and-network',
  });
  useReloadOnVersion(version, result.reload);
  return (
    <ConnectionTable<Movement>
      result={result}
      empty={t('stock.movementsEmpty')}
      scroll={{ x: 640 }}
      columns={[
        { title: t('stock.movedAt'), key: 'at', render: (_: unknown, m: Movement) => dayjs(m.createdAt).format('YYYY-MM-DD HH:mm') },
        { title: t('stock.kind'), key: 'kind', render: (_: unknown, m: Movement) => <Tag>{label(MOVEMENT_KIND, m.kind, lang)}</Tag> },
        { title: t('stock.item'), key: 'item', render: (_: unknown, m: Movement) => names[m.itemKey] ?? m.itemKey },
        { title: t('stock.onHand'), key: 'onHand', align: 'right', render: (_: unknown, m: Movement) => signed(m.onHandDelta) },
        { title: t('stock.reserved'), key: 'reserved', align: 'right', render: (_: unknown, m: Movement) => signed(m.reservedDelta) },
        { title: t('stock.reason'), dataIndex: 'reason', key: 'reason', ellipsis: true },
      ]}
    />
  );
}

interface ReceiveValues {
  itemKey?: string;
  condition?: GoodsCondition;
  quantity: number;
  donorName?: string;
}

/** Take goods into stock: a walk-in gift (item, condition) or a pledge dropped off (its quantity, or fewer). */
function ReceiveModal({
  workstationId,
  open,
  pledge,
  onClose,
  onDone,
}: {
  workstationId: string;
  open: boolean;
  pledge?: Pledge;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReceiveValues>();
  const errors = useFieldErrors(form, { known: ['itemKey', 'condition', 'quantity', 'donorName'] });
  const [{ data: taxonomy, fetching: loadingItems, error: taxonomyError }, refetchTaxonomy] = useQuery({ query: GoodsTaxonomyDocument });
  const [{ fetching }, receive] = useMutation(GoodsReceiveDocument);
  const key = useRef(newIdempotencyKey());

  // the form is mounted afresh on each opening (destroyOnHidden): a new key, no errors of the last time
  const { setFormErrors } = errors;
  useEffect(() => {
    if (!open) return;
    key.current = newIdempotencyKey();
    setFormErrors([]);
  }, [open, pledge, setFormErrors]);

  async function onFinish(values: ReceiveValues) {
    errors.clear();
    const result = await receive(
      pledge
        ? { workstationId, pledgeId: pledge.id, quantity: values.quantity, idempotencyKey: key.current }
        : {
            workstationId,
            itemKey: values.itemKey,
            condition: values.condition,
            quantity: values.quantity,
            donorName: values.donorName?.trim() ?? '',
            idempotencyKey: key.current,
          },
    );
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.goodsReceive?.errors)) return;
    message.success(t('stock.received'));
    onClose();
    onDone();
  }

  const itemOptions = (taxonomy?.goodsTaxonomy ?? []).map((g) => ({
    value: g.key,
    // the key is "<category>/<item>"
    label: `${g.name}（${g.unit}）· ${label(GIVING_GOODS_CATEGORY, g.key.split('/')[0] as GivingGoodsCategory, lang)}`,
  }));

  return (
    <Modal
      title={pledge ? `${t('stock.receivePledge')} · ${pledge.itemName}` : t('stock.receive')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('stock.receive')}
      cancelText={t('app.cancel')}
      confirmLoading={fetching}
      destroyOnHidden
    >
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      {!pledge && taxonomyError && (
        <div style={{ marginBottom: 12 }}>
          <ErrorState error={taxonomyError} onRetry={() => refetchTaxonomy({ requestPolicy: 'network-only' })} />
        </div>
      )}
      {pledge && (
        <Typography.Paragraph type="secondary">
          {t('stock.pledgeLine', {
            donor: pledge.anonymous ? t('stock.anonymous') : pledge.donorName || '—',
            quantity: pledge.quantity,
            unit: pledge.unit,
          })}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" onFinish={onFinish} name="goods-receive" initialValues={{ condition: 'new', quantity: pledge?.quantity ?? 1 }}>
        {!pledge && (
          <>
            <Form.Item name="itemKey" label={t('stock.item')} rules={[{ required: true, message: t('auth.required') }]}>
              <Select
                showSearch
                loading={loadingItems}
                optionFilterProp="label"
                options={itemOptions}
                placeholder={t('stock.itemPlaceholder')}
                aria-label={t('stock.item')}
              />
            </Form.Item>
            <Form.Item name="condition" label={t('stock.condition')} rules={[{ required: true, message: t('auth.required') }]}>
              <Select options={options(GOODS_CONDITION, lang)} aria-label={t('stock.condition')} />
            </Form.Item>
          </>
        )}
        <Form.Item name="quantity" label={t('stock.quantity')} rules={[{ required: true, message: t('auth.required') }]}>
          <InputNumber min={1} precision={0} style={{ width: '100%' }} aria-label={t('stock.quantity')} />
        </Form.Item>
        {!pledge && (
          <Form.Item name="donorName" label={t('stock.donorName')} extra={t('stock.donorNameHelp')}>
            <Input maxLength={100} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

interface WriteOffValues {
  itemKey: string;
  quantity: number;
  reason: string;
}

function WriteOffModal({
  workstationId,
  open,
  itemKey,
  lines,
  onClose,
  onDone,
}: {
  workstationId: string;
  open: boolean;
  itemKey?: string;
  lines: readonly Line[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<WriteOffValues>();
  const errors = useFieldErrors(form, { known: ['itemKey', 'quantity', 'reason'] });
  const [{ fetching }, writeOff] = useMutation(StockWriteOffDocument);

  const { setFormErrors } = errors;
  useEffect(() => {
    if (open) setFormErrors([]);
  }, [open, setFormErrors]);

  async function onFinish(values: WriteOffValues) {
    errors.clear();
    const result = await writeOff({ workstationId, itemKey: values.itemKey, quantity: values.quantity, reason: values.reason.trim() });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.stockWriteOff?.errors)) return;
    message.success(t('stock.writtenOff'));
    onClose();
    onDone();
  }

  return (
    <Modal
      title={t('stock.writeOff')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('stock.writeOff')}
      okButtonProps={{ danger: true }}
      cancelText={t('app.cancel')}
      confirmLoading={fetching}
      destroyOnHidden
    >
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={onFinish} name="stock-write-off" initialValues={{ quantity: 1, itemKey }}>
        <Form.Item name="itemKey" label={t('stock.item')} rules={[{ required: true, message: t('auth.required') }]}>
          <Select
            aria-label={t('stock.item')}
            options={lines.map((l) => ({ value: l.itemKey, label: `${l.name}（${t('stock.available')} ${l.available} ${l.unit}）` }))}
          />
        </Form.Item>
        <Form.Item name="quantity" label={t('stock.quantity')} rules={[{ required: true, message: t('auth.required') }]}>
          <InputNumber min={1} precision={0} style={{ width: '100%' }} aria-label={t('stock.quantity')} />
        </Form.Item>
        <Form.Item name="reason" label={t('stock.reason')} rules={[{ required: true, whitespace: true, message: t('auth.required') }]}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={200} placeholder={t('stock.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
