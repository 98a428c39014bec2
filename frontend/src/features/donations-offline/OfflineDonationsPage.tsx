import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Radio, Row, Select, Space, Tag } from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { useMutation } from 'urql';
import dayjs from 'dayjs';
import type { DonationChannel, RecordedDonationsQuery } from '../../gql/graphql';
import { ConnectionTable } from '../../components/ConnectionTable';
import { EmptyState, ErrorState, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { label } from '../../i18n/enums';
import { formatFen, yuanToFen } from '../../i18n/format';
import { DONATION_CHANNEL, DONATION_STATUS, newIdempotencyKey } from '../stock/labels';
import { useStaffWorkstations } from '../stock/useStaffWorkstations';
import { OfflineDonationRecordDocument, RecordedDonationsDocument } from './documents';

type Row = NonNullable<NonNullable<RecordedDonationsQuery['recordedDonations']>['edges'][number]>['node'] & object;

interface Values {
  workstationId: string;
  channel: Exclude<DonationChannel, 'online'>;
  amount: string;
  donorName?: string;
  donorEmail?: string;
  anonymous?: boolean;
  receiptNumber?: string;
  externalReference?: string;
  message?: string;
}

const KNOWN = ['workstationId', 'channel', 'amount', 'donorName', 'donorEmail', 'anonymous', 'receiptNumber', 'externalReference', 'message'];

/** Workstation staff record cash or a bank transfer brought to the workstation, and see those recorded. */
export function OfflineDonationsPage() {
  const { t } = useI18n();
  const { workstations, fetching, error, refetch } = useStaffWorkstations();
  const [version, setVersion] = useState(0);
  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching) return <PageLoading />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={<h1 className="card-title">{t('offline.title')}</h1>}>
        {workstations.length === 0 ? (
          <EmptyState description={t('stock.noWorkstation')} />
        ) : (
          <RecordForm workstations={workstations} onRecorded={() => setVersion((v) => v + 1)} />
        )}
      </Card>
      <Card title={<h2 className="card-title">{t('offline.listTitle')}</h2>}>
        <RecordedList version={version} />
      </Card>
    </Space>
  );
}

function RecordForm({ workstations, onRecorded }: { workstations: readonly { id: string; name: string }[]; onRecorded: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const errors = useFieldErrors(form, { aliases: { amountFen: 'amount' }, known: KNOWN });
  const [{ fetching }, record] = useMutation(OfflineDonationRecordDocument);
  // one key per gift: a retry after a lost answer does not record it twice; a new gift gets a new key
  const key = useRef(newIdempotencyKey());
  const channel = Form.useWatch('channel', form);

  async function onFinish(values: Values) {
    errors.clear();
    const amountFen = yuanToFen(values.amount);
    if (amountFen === null) return; // the field's own rule already says so
    const result = await record({
      workstationId: values.workstationId,
      channel: values.channel,
      amountFen,
      donorName: values.donorName?.trim() ?? '',
      donorEmail: values.donorEmail?.trim() ?? '',
      anonymous: values.anonymous ?? false,
      receiptNumber: values.receiptNumber?.trim() ?? '',
      externalReference: values.externalReference?.trim() ?? '',
      message: values.message?.trim() ?? '',
      idempotencyKey: key.current,
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    const payload = result.data?.offlineDonationRecord;
    if (errors.apply(payload?.errors)) return;
    message.success(
      t('offline.recorded', { amount: formatFen(payload?.donation?.amountFen), receipt: payload?.donation?.receiptNumber ?? '—' }),
    );
    key.current = newIdempotencyKey();
    form.resetFields();
    onRecorded();
  }

  return (
    <>
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        name="offline-donation"
        onFinish={onFinish}
        onValuesChange={(changed) => {
          // a changed amount or donor is another gift, not a retry of the last submit
          if ('amount' in changed || 'donorName' in changed || 'channel' in changed) key.current = newIdempotencyKey();
        }}
        initialValues={{ workstationId: workstations[0]?.id, channel: 'cash', anonymous: false }}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="workstationId" label={t('stock.workstation')} rules={[{ required: true, message: t('auth.required') }]}>
              <Select options={workstations.map((w) => ({ value: w.id, label: w.name }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="channel" label={t('offline.channel')} rules={[{ required: true, message: t('auth.required') }]}>
              <Radio.Group
                optionType="button"
                options={(['cash', 'bank_transfer'] as const).map((c) => ({ value: c, label: label(DONATION_CHANNEL, c, lang) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="amount"
              label={t('offline.amount')}
              extra={t('offline.amountHelp')}
              rules={[
                { required: true, whitespace: true, message: t('auth.required') },
                {
                  validator: (_rule, value: string | undefined) =>
                    !value || yuanToFen(value) !== null ? Promise.resolve() : Promise.reject(new Error(t('offline.amountFormat'))),
                },
              ]}
            >
              <Input prefix="¥" suffix={t('offline.yuan')} inputMode="decimal" autoComplete="off" placeholder="100.00" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="receiptNumber" label={t('offline.receiptNumber')} extra={t('offline.receiptHelp')}>
              <Input maxLength={40} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="donorName" label={t('offline.donorName')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="donorEmail" label={t('offline.donorEmail')} extra={t('offline.donorEmailHelp')}>
              <Input type="email" maxLength={200} />
            </Form.Item>
          </Col>
          {channel === 'bank_transfer' && (
            <Col xs={24} md={12}>
              <Form.Item name="externalReference" label={t('offline.externalReference')}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
          )}
          <Col xs={24} md={12}>
            <Form.Item name="message" label={t('offline.message')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="anonymous" valuePropName="checked">
          <Checkbox>{t('offline.anonymous')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={fetching}>
          {t('offline.submit')}
        </Button>
      </Form>
    </>
  );
}

function RecordedList({ version }: { version: number }) {
  const { t, lang } = useI18n();
  const result = useConnectionQuery({
    query: RecordedDonationsDocument,
    select: (data) => data.recordedDonations,
    requestPolicy: 'cache-and-network',
  });
  const { reset } = result.pages;
  const { reload } = result;
  useEffect(() => {
    if (version === 0) return;
    reset(); // the new gift is the newest: show the first page again
    reload();
  }, [version, reset, reload]);
  return (
    <ConnectionTable<Row>
      result={result}
      empty={t('offline.empty')}
      scroll={{ x: 720 }}
      data-testid="recorded-donations"
      columns={[
        { title: t('offline.recordedAt'), key: 'at', render: (_: unknown, d: Row) => dayjs(d.createdAt).format('YYYY-MM-DD HH:mm') },
        { title: t('offline.donorName'), key: 'donor', render: (_: unknown, d: Row) => (d.anonymous ? t('stock.anonymous') : d.donorName || '—') },
        { title: t('offline.amount'), key: 'amount', align: 'right', render: (_: unknown, d: Row) => formatFen(d.amountFen) },
        { title: t('offline.channel'), key: 'channel', render: (_: unknown, d: Row) => label(DONATION_CHANNEL, d.channel, lang) },
        { title: t('offline.receiptNumber'), key: 'receipt', render: (_: unknown, d: Row) => d.receiptNumber ?? '—' },
        { title: t('offline.earmark'), key: 'earmark', render: (_: unknown, d: Row) => d.earmark.label },
        {
          title: t('stock.status'),
          key: 'status',
          render: (_: unknown, d: Row) => <Tag color={d.status === 'succeeded' ? 'green' : 'default'}>{label(DONATION_STATUS, d.status, lang)}</Tag>,
        },
      ]}
    />
  );
}
