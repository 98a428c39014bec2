import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, List, Radio, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import dayjs from 'dayjs';
import type { MyRedemptionsQuery, TimeBankRedemptionStatus, VolunteeringServiceType } from '../../gql/graphql';
import { ConnectionTable } from '../../components/ConnectionTable';
import { EmptyState, ErrorState, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { TASK_SERVICE_TYPE, label as enumLabel, options } from '../../i18n/enums';
import { formatMinutes } from '../../i18n/format';
import {
  MyRedemptionsDocument,
  TimeBankActionsDocument,
  TimeBankGiveDocument,
  TimeBankLinkAcceptDocument,
  TimeBankLinkRequestDocument,
  TimeBankRedeemDocument,
  TimeBankRedemptionCancelDocument,
} from './documents';

/** The colour of a redemption's status tag (its label is `tba.status.<status>`). */
const STATUS_COLOR: Record<TimeBankRedemptionStatus, string> = {
  requested: 'blue',
  scheduled: 'gold',
  delivered: 'green',
  cancelled: 'default',
};

/** A fresh idempotency key per intended action: kept across retries of the same submit, renewed after success. */
function useIdempotencyKey(prefix: string): [string, () => void] {
  const make = () => `${prefix}-${globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`}`;
  const [key, setKey] = useState(make);
  return [key, () => setKey(make())];
}

const TABS = ['give', 'redeem', 'links', 'redemptions'] as const;
type TabKey = (typeof TABS)[number];

type Redemption = NonNullable<NonNullable<NonNullable<MyRedemptionsQuery['timeBankRedemptions']>['edges'][number]>['node']>;

interface GiveValues {
  to: 'pool' | 'member';
  toMemberId?: string;
  toPoolStreetId?: string;
  minutes?: number;
}

interface RedeemValues {
  serviceType?: VolunteeringServiceType;
  regionId?: string;
  minutes?: number;
  notes?: string;
}

interface LinkValues {
  email?: string;
  relation?: string;
}

/** A volunteer gives hours (to a linked relative or the community pool), redeems hours for a service, manages links. */
export function TimeBankActionsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  // one tab at a time (phone-sized first); ?tab= makes each one linkable
  const [params, setParams] = useSearchParams();
  const tab = TABS.includes(params.get('tab') as TabKey) ? (params.get('tab') as TabKey) : 'give';
  const [{ data, fetching, error }, refetch] = useQuery({ query: TimeBankActionsDocument });
  const redemptions = useConnectionQuery({
    query: MyRedemptionsDocument,
    select: (d) => d.timeBankRedemptions,
    pause: tab !== 'redemptions',
  });

  const [giveForm] = Form.useForm<GiveValues>();
  const giveErrors = useFieldErrors(giveForm, { known: ['toMemberId', 'toPoolStreetId', 'minutes'] });
  const [giveKey, renewGiveKey] = useIdempotencyKey('web-give');
  const [{ fetching: giving }, give] = useMutation(TimeBankGiveDocument);
  const giveTo = Form.useWatch('to', giveForm) ?? 'pool';

  const [redeemForm] = Form.useForm<RedeemValues>();
  const redeemErrors = useFieldErrors(redeemForm, { known: ['serviceType', 'regionId', 'minutes', 'notes'] });
  const [redeemKey, renewRedeemKey] = useIdempotencyKey('web-redeem');
  const [{ fetching: redeeming }, redeem] = useMutation(TimeBankRedeemDocument);

  const [linkForm] = Form.useForm<LinkValues>();
  const linkErrors = useFieldErrors(linkForm, { known: ['email', 'relation'] });
  const [{ fetching: linking }, requestLink] = useMutation(TimeBankLinkRequestDocument);
  const [, acceptLink] = useMutation(TimeBankLinkAcceptDocument);
  const [{ fetching: cancelling }, cancelRedemption] = useMutation(TimeBankRedemptionCancelDocument);

  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <PageLoading />;
  const bank = data?.myTimeBank;
  const me = bank?.member;
  const rules = data?.timeBankRules;
  const streets = data?.regions ?? [];
  const links = data?.myTimeBankLinks ?? [];
  const linked = links
    .filter((l) => l.status === 'accepted')
    .map((l) => (l.fromMember.id === me?.id ? l.toMember : l.fromMember));
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    redemptions.reload();
  };

  async function onGive(v: GiveValues) {
    giveErrors.clear();
    const result = await give({
      minutes: v.minutes ?? 0,
      idempotencyKey: giveKey,
      ...(v.to === 'member' ? { toMemberId: v.toMemberId ?? null } : { toPoolStreetId: v.toPoolStreetId ?? me?.street.id ?? null }),
    });
    if (result.error) return giveErrors.applyCombined(result.error, t('app.networkError'));
    if (giveErrors.apply(result.data?.timeBankGive?.errors)) return;
    message.success(t('tba.given', { time: formatMinutes(v.minutes ?? 0, lang) }));
    renewGiveKey();
    reload();
  }

  async function onRedeem(v: RedeemValues) {
    redeemErrors.clear();
    const result = await redeem({
      minutes: v.minutes ?? 0,
      idempotencyKey: redeemKey,
      regionId: v.regionId ?? '',
      serviceType: v.serviceType ?? '',
      notes: v.notes ?? '',
    });
    if (result.error) return redeemErrors.applyCombined(result.error, t('app.networkError'));
    if (redeemErrors.apply(result.data?.timeBankRedeem?.errors)) return;
    message.success(t('tba.redeemed', { time: formatMinutes(v.minutes ?? 0, lang) }));
    renewRedeemKey();
    reload();
  }

  async function onRequestLink(v: LinkValues) {
    linkErrors.clear();
    const result = await requestLink({ email: v.email ?? '', relation: v.relation ?? '' });
    if (result.error) return linkErrors.applyCombined(result.error, t('app.networkError'));
    if (linkErrors.apply(result.data?.timeBankLinkRequest?.errors)) return;
    message.success(t('tba.requested'));
    linkForm.resetFields();
    reload();
  }

  async function onAccept(linkId: string) {
    const result = await acceptLink({ linkId });
    const problem = result.error?.message ?? result.data?.timeBankLinkAccept?.errors[0]?.message;
    if (problem) message.error(problem);
    else {
      message.success(t('tba.accepted'));
      reload();
    }
  }

  async function onCancel(redemptionId: string) {
    const result = await cancelRedemption({ redemptionId });
    const problem = result.error?.message ?? result.data?.timeBankRedemptionCancel?.errors[0]?.message;
    if (problem) message.error(problem);
    else {
      message.success(t('tba.cancelled'));
      reload();
    }
  }

  const minutesRule = { required: true, message: t('auth.required') };

  const needsAccount = (body: JSX.Element) => (bank ? body : <Alert type="info" showIcon message={t('tba.noAccount')} />);
  const giveSection = needsAccount(
<Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary">
              {t('tba.giveHelp', { cap: formatMinutes(rules?.yearlyGiveCapMinutes ?? 0, lang) })}
            </Typography.Paragraph>
            {giveErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={giveErrors.formErrors.join(' ')} />}
            <Form<GiveValues>
              form={giveForm}
              name="timebank-give"
              layout="vertical"
              onFinish={onGive}
              initialValues={{ to: 'pool', toPoolStreetId: me?.street.id }}
            >
              <Form.Item name="to" label={t('tba.to')}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'pool', label: t('tba.toPool') },
                    { value: 'member', label: t('tba.toMember') },
                  ]}
                />
              </Form.Item>
              {giveTo === 'member' ? (
                linked.length ? (
                  <Form.Item name="toMemberId" label={t('tba.member')} rules={[minutesRule]}>
                    <Select options={linked.map((m) => ({ value: m.id, label: m.displayName }))} />
                  </Form.Item>
                ) : (
                  <Alert type="info" showIcon message={t('tba.noLinks')} style={{ marginBottom: 16 }} />
                )
              ) : (
                <Form.Item name="toPoolStreetId" label={t('tba.street')} rules={[minutesRule]}>
                  <Select showSearch optionFilterProp="label" options={streets.map((s) => ({ value: s.id, label: s.name }))} />
                </Form.Item>
              )}
              <Form.Item name="minutes" label={t('tba.minutes')} rules={[minutesRule]}>
                <InputNumber min={1} precision={0} step={30} style={{ width: '100%' }} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={giving} disabled={giveTo === 'member' && !linked.length}>
                {t('tba.giveSubmit')}
              </Button>
            </Form>
</Space>
  );
  const redeemSection = needsAccount(
<Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary">
              {t('tba.redeemHelp', { age: rules?.redemptionAge ?? '—', hardship: rules?.hardshipRedemptionAge ?? '—' })}
            </Typography.Paragraph>
            {redeemErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={redeemErrors.formErrors.join(' ')} />}
            <Form<RedeemValues> form={redeemForm} name="timebank-redeem" layout="vertical" onFinish={onRedeem} initialValues={{ regionId: me?.street.id }}>
              <Form.Item name="serviceType" label={t('tba.serviceType')} rules={[minutesRule]}>
                <Select options={options(TASK_SERVICE_TYPE, lang)} />
              </Form.Item>
              <Form.Item name="regionId" label={t('tba.where')} rules={[minutesRule]}>
                <Select showSearch optionFilterProp="label" options={streets.map((s) => ({ value: s.id, label: s.name }))} />
              </Form.Item>
              <Form.Item
                name="minutes"
                label={t('tba.minutes')}
                rules={[minutesRule]}
                extra={rules ? `≤ ${formatMinutes(rules.maxRedemptionMinutes, lang)}` : undefined}
              >
                <InputNumber min={1} precision={0} step={30} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="notes" label={t('tba.notes')}>
                <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={redeeming}>
                {t('tba.redeemSubmit')}
              </Button>
            </Form>
</Space>
  );
  const linksSection = (
    <>
        <List
          dataSource={links}
          locale={{ emptyText: <EmptyState description={t('tba.linksEmpty')} /> }}
          renderItem={(l) => {
            const incoming = l.toMember.id === me?.id;
            const other = incoming ? l.fromMember : l.toMember;
            return (
              <List.Item
                data-testid="timebank-link"
                actions={
                  incoming && l.status === 'requested'
                    ? [
                        <Button key="accept" size="small" type="primary" onClick={() => onAccept(l.id)}>
                          {t('tba.accept')}
                        </Button>,
                      ]
                    : []
                }
              >
                <Space>
                  <span>{other.displayName}</span>
                  {l.relation && <Typography.Text type="secondary">{l.relation}</Typography.Text>}
                  <Tag color={l.status === 'accepted' ? 'green' : 'blue'}>
                    {l.status === 'accepted' ? t('tba.linkAccepted') : t('tba.linkRequested')}
                  </Tag>
                </Space>
              </List.Item>
            );
          }}
        />
        {linkErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={linkErrors.formErrors.join(' ')} style={{ marginTop: 12 }} />}
        <Form<LinkValues> form={linkForm} name="timebank-link" layout="inline" onFinish={onRequestLink} style={{ marginTop: 12, rowGap: 8 }}>
          <Form.Item name="email" label={t('tba.email')} rules={[{ required: true, message: t('auth.required') }, { type: 'email', message: t('tba.emailInvalid') }]}>
            <Input type="email" autoComplete="off" />
          </Form.Item>
          <Form.Item name="relation" label={t('tba.relation')}>
            <Input maxLength={20} />
          </Form.Item>
          <Button htmlType="submit" loading={linking}>
            {t('tba.requestLink')}
          </Button>
        </Form>
    </>
  );
  const redemptionsSection = (
    <ConnectionTable<Redemption>
      result={redemptions}
      spin="every"
      empty={t('tba.redemptionsEmpty')}
      scroll={{ x: 560 }}
      columns={[
        { title: t('tba.at'), key: 'at', render: (_: unknown, r: Redemption) => dayjs(r.createdAt).format('YYYY-MM-DD HH:mm') },
        {
          title: t('tba.serviceType'),
          key: 'type',
          render: (_: unknown, r: Redemption) =>
            r.serviceType in TASK_SERVICE_TYPE ? enumLabel(TASK_SERVICE_TYPE, r.serviceType as VolunteeringServiceType, lang) : r.serviceType,
        },
        { title: t('tba.where'), key: 'where', render: (_: unknown, r: Redemption) => r.region.name },
        { title: t('tba.minutes'), key: 'minutes', align: 'right' as const, render: (_: unknown, r: Redemption) => formatMinutes(r.minutes, lang) },
        {
          title: t('tba.status'),
          key: 'status',
          render: (_: unknown, r: Redemption) => <Tag color={STATUS_COLOR[r.status]}>{t(`tba.status.${r.status}`)}</Tag>,
        },
        {
          title: '',
          key: 'actions',
          render: (_: unknown, r: Redemption) =>
            r.status === 'requested' || r.status === 'scheduled' ? (
              <Button size="small" danger loading={cancelling} onClick={() => onCancel(r.id)} aria-label={`${t('tba.cancel')} ${r.id}`}>
                {t('tba.cancel')}
              </Button>
            ) : null,
        },
      ]}
    />
  );

  return (
    <Card
      title={<h1 className="card-title">{t('tba.title')}</h1>}
      extra={bank ? <Tag color="green">{t('tba.available', { time: formatMinutes(bank.availableMinutes, lang) })}</Tag> : null}
    >
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        items={[
          { key: 'give', label: t('tba.give'), children: giveSection },
          { key: 'redeem', label: t('tba.redeem'), children: redeemSection },
          { key: 'links', label: t('tba.links'), children: linksSection },
          { key: 'redemptions', label: t('tba.redemptions'), children: redemptionsSection },
        ]}
      />
    </Card>
  );
}
