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
import type { Lang } from '../../i18n/language';
import {
  MyRedemptionsDocument,
  TimeBankActionsDocument,
  TimeBankGiveDocument,
  TimeBankLinkAcceptDocument,
  TimeBankLinkRequestDocument,
  TimeBankRedeemDocument,
  TimeBankRedemptionCancelDocument,
} from './documents';

/** [zh-Hans, English] labels of this screen, kept beside it (as RulesPage does) so tsc checks both exist. */
const L = {
  title: ['赠与与兑换', 'Give and redeem'],
  available: ['可用时长 {time}', 'Available: {time}'],
  give: ['赠与时长', 'Give hours'],
  giveHelp: ['赠给已关联的亲友，或捐入社区时间池（优先分配给重点老人）。每年赠与亲友上限 {cap}。', 'To a linked relative or friend, or to the community pool (allotted first to key elders). Yearly cap on gifts to relatives: {cap}.'],
  to: ['赠与对象', 'Give to'],
  toPool: ['社区时间池', 'Community pool'],
  toMember: ['关联的亲友', 'A linked relative or friend'],
  member: ['亲友', 'Relative or friend'],
  street: ['街道', 'Street'],
  minutes: ['时长（分钟）', 'Time (minutes)'],
  giveSubmit: ['赠与', 'Give'],
  given: ['已赠与 {time}', 'Gave {time}'],
  noLinks: ['还没有已确认的亲友关联：先在下方发起关联，对方确认后即可赠与。', 'No confirmed links yet: request one below; once they accept, you can give to them.'],
  redeem: ['兑换服务', 'Redeem for a service'],
  redeemHelp: ['{age} 岁起（特殊困难 {hardship} 岁起）可用时长兑换服务；时长先冻结，服务确认后扣除，取消则退回。任一街道均可兑换（通存通兑）。', 'From age {age} ({hardship} in special hardship) you can pay for a service in minutes: they are held, taken when the service is confirmed, and released if cancelled. Redeem in any street of the district.'],
  serviceType: ['服务类型', 'Service'],
  where: ['服务地点（街道）', 'Where (street)'],
  notes: ['备注', 'Notes'],
  redeemSubmit: ['申请兑换', 'Ask for the service'],
  redeemed: ['兑换申请已提交，{time} 已冻结', 'Request sent; {time} on hold'],
  links: ['亲友关联', 'Linked relatives and friends'],
  linksEmpty: ['还没有关联。', 'No links yet.'],
  email: ['对方注册邮箱', "Their account's e-mail"],
  emailInvalid: ['邮箱格式不正确', 'Not an e-mail address'],
  relation: ['关系', 'Relation'],
  requestLink: ['发起关联', 'Request a link'],
  requested: ['已发起关联，等待对方确认', 'Link requested: waiting for them to accept'],
  accept: ['确认关联', 'Accept'],
  accepted: ['已确认关联', 'Link accepted'],
  linkRequested: ['待确认', 'Waiting'],
  linkAccepted: ['已关联', 'Linked'],
  redemptions: ['我的兑换申请', 'My redemption requests'],
  redemptionsEmpty: ['还没有兑换申请。', 'No redemption requests yet.'],
  at: ['时间', 'When'],
  status: ['状态', 'State'],
  cancel: ['取消', 'Cancel'],
  cancelled: ['已取消，冻结时长已退回', 'Cancelled; the held minutes are back'],
  noAccount: ['您还没有时间银行账户：第一次服务时长确认后自动开户。', 'You have no time-bank account yet: it opens when your first service hours are confirmed.'],
} as const satisfies Record<string, readonly [string, string]>;

const STATUS: Record<TimeBankRedemptionStatus, readonly [string, string, string]> = {
  requested: ['已申请', 'Requested', 'blue'],
  scheduled: ['已安排', 'Scheduled', 'gold'],
  delivered: ['已服务', 'Delivered', 'green'],
  cancelled: ['已取消', 'Cancelled', 'default'],
};

function say(key: keyof typeof L, lang: Lang, params: Record<string, string | number> = {}): string {
  const text: string = L[key][lang === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? `{${name}}`));
}

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
    message.success(say('given', lang, { time: formatMinutes(v.minutes ?? 0, lang) }));
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
    message.success(say('redeemed', lang, { time: formatMinutes(v.minutes ?? 0, lang) }));
    renewRedeemKey();
    reload();
  }

  async function onRequestLink(v: LinkValues) {
    linkErrors.clear();
    const result = await requestLink({ email: v.email ?? '', relation: v.relation ?? '' });
    if (result.error) return linkErrors.applyCombined(result.error, t('app.networkError'));
    if (linkErrors.apply(result.data?.timeBankLinkRequest?.errors)) return;
    message.success(say('requested', lang));
    linkForm.resetFields();
    reload();
  }

  async function onAccept(linkId: string) {
    const result = await acceptLink({ linkId });
    const problem = result.error?.message ?? result.data?.timeBankLinkAccept?.errors[0]?.message;
    if (problem) message.error(problem);
    else {
      message.success(say('accepted', lang));
      reload();
    }
  }

  async function onCancel(redemptionId: string) {
    const result = await cancelRedemption({ redemptionId });
    const problem = result.error?.message ?? result.data?.timeBankRedemptionCancel?.errors[0]?.message;
    if (problem) message.error(problem);
    else {
      message.success(say('cancelled', lang));
      reload();
    }
  }

  const minutesRule = { required: true, message: t('auth.required') };

  const needsAccount = (body: JSX.Element) => (bank ? body : <Alert type="info" showIcon message={say('noAccount', lang)} />);
  const giveSection = needsAccount(
<Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary">
              {say('giveHelp', lang, { cap: formatMinutes(rules?.yearlyGiveCapMinutes ?? 0, lang) })}
            </Typography.Paragraph>
            {giveErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={giveErrors.formErrors.join(' ')} />}
            <Form<GiveValues>
              form={giveForm}
              name="timebank-give"
              layout="vertical"
              onFinish={onGive}
              initialValues={{ to: 'pool', toPoolStreetId: me?.street.id }}
            >
              <Form.Item name="to" label={say('to', lang)}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'pool', label: say('toPool', lang) },
                    { value: 'member', label: say('toMember', lang) },
                  ]}
                />
              </Form.Item>
              {giveTo === 'member' ? (
                linked.length ? (
                  <Form.Item name="toMemberId" label={say('member', lang)} rules={[minutesRule]}>
                    <Select options={linked.map((m) => ({ value: m.id, label: m.displayName }))} />
                  </Form.Item>
                ) : (
                  <Alert type="info" showIcon message={say('noLinks', lang)} style={{ marginBottom: 16 }} />
                )
              ) : (
                <Form.Item name="toPoolStreetId" label={say('street', lang)} rules={[minutesRule]}>
                  <Select showSearch optionFilterProp="label" options={streets.map((s) => ({ value: s.id, label: s.name }))} />
                </Form.Item>
              )}
              <Form.Item name="minutes" label={say('minutes', lang)} rules={[minutesRule]}>
                <InputNumber min={1} precision={0} step={30} style={{ width: '100%' }} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={giving} disabled={giveTo === 'member' && !linked.length}>
                {say('giveSubmit', lang)}
              </Button>
            </Form>
</Space>
  );
  const redeemSection = needsAccount(
<Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary">
              {say('redeemHelp', lang, { age: rules?.redemptionAge ?? '—', hardship: rules?.hardshipRedemptionAge ?? '—' })}
            </Typography.Paragraph>
            {redeemErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={redeemErrors.formErrors.join(' ')} />}
            <Form<RedeemValues> form={redeemForm} name="timebank-redeem" layout="vertical" onFinish={onRedeem} initialValues={{ regionId: me?.street.id }}>
              <Form.Item name="serviceType" label={say('serviceType', lang)} rules={[minutesRule]}>
                <Select options={options(TASK_SERVICE_TYPE, lang)} />
              </Form.Item>
              <Form.Item name="regionId" label={say('where', lang)} rules={[minutesRule]}>
                <Select showSearch optionFilterProp="label" options={streets.map((s) => ({ value: s.id, label: s.name }))} />
              </Form.Item>
              <Form.Item
                name="minutes"
                label={say('minutes', lang)}
                rules={[minutesRule]}
                extra={rules ? `≤ ${formatMinutes(rules.maxRedemptionMinutes, lang)}` : undefined}
              >
                <InputNumber min={1} precision={0} step={30} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="notes" label={say('notes', lang)}>
                <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={redeeming}>
                {say('redeemSubmit', lang)}
              </Button>
            </Form>
</Space>
  );
  const linksSection = (
    <>
        <List
          dataSource={links}
          locale={{ emptyText: <EmptyState description={say('linksEmpty', lang)} /> }}
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
                          {say('accept', lang)}
                        </Button>,
                      ]
                    : []
                }
              >
                <Space>
                  <span>{other.displayName}</span>
                  {l.relation && <Typography.Text type="secondary">{l.relation}</Typography.Text>}
                  <Tag color={l.status === 'accepted' ? 'green' : 'blue'}>
                    {say(l.status === 'accepted' ? 'linkAccepted' : 'linkRequested', lang)}
                  </Tag>
                </Space>
              </List.Item>
            );
          }}
        />
        {linkErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={linkErrors.formErrors.join(' ')} style={{ marginTop: 12 }} />}
        <Form<LinkValues> form={linkForm} name="timebank-link" layout="inline" onFinish={onRequestLink} style={{ marginTop: 12, rowGap: 8 }}>
          <Form.Item name="email" label={say('email', lang)} rules={[{ required: true, message: t('auth.required') }, { type: 'email', message: say('emailInvalid', lang) }]}>
            <Input type="email" autoComplete="off" />
          </Form.Item>
          <Form.Item name="relation" label={say('relation', lang)}>
            <Input maxLength={20} />
          </Form.Item>
          <Button htmlType="submit" loading={linking}>
            {say('requestLink', lang)}
          </Button>
        </Form>
    </>
  );
  const redemptionsSection = (
    <ConnectionTable<Redemption>
      result={redemptions}
      spin="every"
      empty={say('redemptionsEmpty', lang)}
      scroll={{ x: 560 }}
      columns={[
        { title: say('at', lang), key: 'at', render: (_: unknown, r: Redemption) => dayjs(r.createdAt).format('YYYY-MM-DD HH:mm') },
        {
          title: say('serviceType', lang),
          key: 'type',
          render: (_: unknown, r: Redemption) =>
            r.serviceType in TASK_SERVICE_TYPE ? enumLabel(TASK_SERVICE_TYPE, r.serviceType as VolunteeringServiceType, lang) : r.serviceType,
        },
        { title: say('where', lang), key: 'where', render: (_: unknown, r: Redemption) => r.region.name },
        { title: say('minutes', lang), key: 'minutes', align: 'right' as const, render: (_: unknown, r: Redemption) => formatMinutes(r.minutes, lang) },
        {
          title: say('status', lang),
          key: 'status',
          render: (_: unknown, r: Redemption) => <Tag color={STATUS[r.status][2]}>{STATUS[r.status][lang === 'en' ? 1 : 0]}</Tag>,
        },
        {
          title: '',
          key: 'actions',
          render: (_: unknown, r: Redemption) =>
            r.status === 'requested' || r.status === 'scheduled' ? (
              <Button size="small" danger loading={cancelling} onClick={() => onCancel(r.id)} aria-label={`${say('cancel', lang)} ${r.id}`}>
                {say('cancel', lang)}
              </Button>
            ) : null,
        },
      ]}
    />
  );

  return (
    <Card
      title={<h1 className="card-title">{say('title', lang)}</h1>}
      extra={bank ? <Tag color="green">{say('available', lang, { time: formatMinutes(bank.availableMinutes, lang) })}</Tag> : null}
    >
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        items={[
          { key: 'give', label: say('give', lang), children: giveSection },
          { key: 'redeem', label: say('redeem', lang), children: redeemSection },
          { key: 'links', label: say('links', lang), children: linksSection },
          { key: 'redemptions', label: say('redemptions', lang), children: redemptionsSection },
        ]}
      />
    </Card>
  );
}
