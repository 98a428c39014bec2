import { useMemo, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Cascader,
  Form,
  Input,
  InputNumber,
  Radio,
  Result,
  Select,
  Space,
  Spin,
  Steps,
  Switch,
  Tabs,
  TreeSelect,
} from 'antd';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import type { GiveOptionsQuery, GoodsCondition, PledgerKind, PledgeServiceType } from '../../gql/graphql';
import { EmptyState, ErrorState, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { options } from '../../i18n/enums';
import { formatFen } from '../../i18n/format';
import { buildRegionTree } from '../regions/regionTree';
import {
  DonationCreateDocument,
  DonationPayCardDocument,
  GiveOptionsDocument,
  GiveProjectsDocument,
  GiveRegionsDocument,
  GoodsPledgeCreateDocument,
  RecurringDonationActivateDocument,
  RecurringDonationCreateDocument,
  ServicePledgeCreateDocument,
} from './documents';
import { MONEY_ALIASES, MONEY_FIELDS, amountProblem, moneyVariables, newIdempotencyKey, type MoneyValues } from './giveForm';
import { GIVING_GOODS_CATEGORY, GOODS_CONDITION, NEED_CATEGORY, PLEDGE_SERVICE } from './labels';
import { CardMount, useStripeCard } from './cardElement';
import type { StripeCardElement, StripeLike } from './stripe';

type Config = GiveOptionsQuery['givingConfig'];

/** A resident gives: money (by card when online payment is on), goods to a workstation, or a service. */
export function GivePage() {
  const { t } = useI18n();
  const [{ data, fetching, error }, refetch] = useQuery({ query: GiveOptionsDocument });
  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching || !data) return <PageLoading />;
  return (
    <Card title={<h1 className="card-title">{t('give.title')}</h1>}>
      <Tabs
        defaultActiveKey="money"
        items={[
          { key: 'money', label: t('give.tab.money'), children: <MoneyForm config={data.givingConfig} /> },
          { key: 'goods', label: t('give.tab.goods'), children: <GoodsPledgeForm options={data} /> },
          { key: 'service', label: t('give.tab.service'), children: <ServicePledgeForm /> },
        ]}
      />
    </Card>
  );
}

type Phase = 'idle' | 'create' | 'card' | 'confirm' | 'done';
const PHASES: Phase[] = ['create', 'card', 'confirm'];

interface Pending {
  id: string;
  clientSecret: string;
  signature: string;
}

/** Money: amount in yuan (sent as integer fen), earmark, once or monthly, paid with Stripe's Card Element. */
export function MoneyForm({ config }: { config: Config }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<MoneyValues>();
  const errors = useFieldErrors(form, { aliases: MONEY_ALIASES, known: MONEY_FIELDS });
  const [, createDonation] = useMutation(DonationCreateDocument);
  const [, payCard] = useMutation(DonationPayCardDocument);
  const [, createRecurring] = useMutation(RecurringDonationCreateDocument);
  const [, activateRecurring] = useMutation(RecurringDonationActivateDocument);
  const earmarkKind = Form.useWatch('earmarkKind', form) ?? 'general';
  const frequency = Form.useWatch('frequency', form) ?? 'once';
  const amountYuan = Form.useWatch('amountYuan', form);
  const [phase, setPhase] = useState<Phase>('idle');
  const [done, setDone] = useState<{ monthly: boolean; day?: number } | null>(null);
  const pending = useRef<Pending | null>(null);
  const stripe = useStripeCard(config);

  if (!config.onlinePaymentEnabled) {
    return <Alert type="info" showIcon message={t('give.onlineOff')} description={t('give.onlineOffBody')} />;
  }
  const doneResult = done && (
      <Result
        status="success"
        title={done.monthly ? t('give.monthlyActive') : t('give.paid')}
        subTitle={done.monthly ? t('give.monthlyActiveBody', { day: done.day ?? 1 }) : t('give.paidBody')}
        extra={[
          <Link key="mine" to="/giving/mine">
            <Button type="primary">{t('give.toMyGifts')}</Button>
          </Link>,
          <Button
            key="again"
            onClick={() => {
              setDone(null);
              setPhase('idle');
              form.resetFields();
            }}
          >
            {t('give.again')}
          </Button>,
        ]}
      />
  );

  const cardError = (message: string) => form.setFields([{ name: 'card', errors: [message] }]);

  async function payOnce(v: MoneyValues, s: StripeLike, card: StripeCardElement) {
    const variables = moneyVariables(v);
    const signature = JSON.stringify(variables);
    // a card declined earlier: pay the same pending gift with the next card, do not start another one
    if (!pending.current || pending.current.signature !== signature) {
      setPhase('create');
      const created = await createDonation({ ...variables, idempotencyKey: newIdempotencyKey('give') });
      if (created.error) return errors.applyCombined(created.error, t('app.networkError'));
      const payload = created.data?.donationCreate;
      if (errors.apply(payload?.errors)) return;
      if (!payload?.donation || !payload.clientSecret) return errors.setFormErrors([t('app.error')]);
      pending.current = { id: payload.donation.id, clientSecret: payload.clientSecret, signature };
    }
    const { id, clientSecret } = pending.current;
    setPhase('card');
    const tokenized = await s.createToken(card);
    if (tokenized.error || !tokenized.token) return cardError(tokenized.error?.message || t('give.cardIncomplete'));
    setPhase('confirm');
    const paid = await payCard({ donationId: id, cardToken: tokenized.token.id });
    if (paid.error) return errors.applyCombined(paid.error, t('app.networkError'));
    const result = paid.data?.donationPayCard;
    if (errors.apply(result?.errors)) return;
    if (result?.paymentStatus === 'requires_action') {
      // 3-D Secure: Stripe.js performs the bank's check on the intent the server confirmed
      const confirmed = await s.confirmCardPayment(result.clientSecret ?? clientSecret);
      if (confirmed.error) return cardError(confirmed.error.message || t('app.error'));
    } else if (result?.paymentStatus !== 'succeeded' && result?.paymentStatus !== 'processing') {
      return cardError(t('app.error'));
    }
    pending.current = null;
    setDone({ monthly: false });
  }

  async function payMonthly(v: MoneyValues, s: StripeLike, card: StripeCardElement) {
    setPhase('create');
    const created = await createRecurring({ ...moneyVariables(v), idempotencyKey: newIdempotencyKey('monthly') });
    if (created.error) return errors.applyCombined(created.error, t('app.networkError'));
    const payload = created.data?.recurringDonationCreate;
    if (errors.apply(payload?.errors)) return;
    if (!payload?.recurringDonation || !payload.setupClientSecret) return errors.setFormErrors([t('app.error')]);
    setPhase('card');
    const setup = await s.confirmCardSetup(payload.setupClientSecret, { payment_method: { card } });
    if (setup.error) return cardError(setup.error.message || t('app.error'));
    setPhase('confirm');
    const activated = await activateRecurring({ id: payload.recurringDonation.id });
    if (activated.error) return errors.applyCombined(activated.error, t('app.networkError'));
    if (errors.apply(activated.data?.recurringDonationActivate?.errors)) return;
    setDone({ monthly: true, day: new Date().getDate() > 28 ? 28 : new Date().getDate() });
  }

  async function onFinish(v: MoneyValues) {
    errors.clear();
    if (!stripe.stripe || !stripe.card) return cardError(stripe.error ?? t('give.cardLoading'));
    try {
      if ((v.frequency ?? 'once') === 'monthly') await payMonthly(v, stripe.stripe, stripe.card);
      else await payOnce(v, stripe.stripe, stripe.card);
    } finally {
      setPhase((p) => (p === 'done' ? p : 'idle'));
    }
  }

  const busy = phase !== 'idle' && phase !== 'done';
  const projectLabel = t('give.project');
  const amountText = amountProblem(amountYuan, config.maxOnlineAmountFen) === null ? moneyVariables({ amountYuan }).amountFen : null;

  // the form stays mounted under the result (hidden), so that the Card Element stays mounted for "give again"
  return (
    <>
    {doneResult}
    <div style={done ? { display: 'none' } : undefined}>
    <Spin spinning={busy} tip={t('give.paying')}>
      {errors.formErrors.length > 0 && (
        <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />
      )}
      <Alert
        type="success"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('give.onlineOn')}
        description={t('give.onlineOnBody', { methods: config.paymentMethodTypes.join(', '), max: formatFen(config.maxOnlineAmountFen) })}
      />
      <Form<MoneyValues>
        form={form}
        name="give-money"
        layout="vertical"
        style={{ maxWidth: 560 }}
        initialValues={{ earmarkKind: 'general', frequency: 'once', anonymous: false }}
        onFinish={onFinish}
        disabled={busy}
      >
        <Form.Item
          name="amountYuan"
          label={t('give.amountYuan')}
          rules={[
            { required: true, message: t('auth.required') },
            {
              validator: (_r, value?: string) => {
                if (!value) return Promise.resolve();
                const problem = amountProblem(value, config.maxOnlineAmountFen);
                if (problem === 'invalid') return Promise.reject(new Error(t('give.amountInvalid')));
                if (problem === 'zero') return Promise.reject(new Error(t('give.amountZero')));
                if (problem === 'tooLarge') return Promise.reject(new Error(t('give.amountTooLarge', { max: formatFen(config.maxOnlineAmountFen) })));
                return Promise.resolve();
              },
            },
          ]}
        >
          <Input inputMode="decimal" prefix="¥" autoComplete="off" />
        </Form.Item>
        <Form.Item name="frequency" label={t('give.frequency')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'once', label: t('give.once') },
              { value: 'monthly', label: t('give.monthly') },
            ]}
          />
        </Form.Item>
        <Form.Item name="earmarkKind" label={t('give.earmarkKind')}>
          <Radio.Group
            options={[
              { value: 'general', label: t('give.earmark.general') },
              { value: 'category', label: t('give.earmark.category') },
              { value: 'project', label: t('give.earmark.project') },
            ]}
          />
        </Form.Item>
        {earmarkKind === 'category' && (
          <Form.Item name="earmarkCategory" label={t('give.category')} rules={[{ required: true, message: t('auth.required') }]}>
            <Select options={options(NEED_CATEGORY, lang)} />
          </Form.Item>
        )}
        {earmarkKind === 'project' && (
          <Form.Item name="earmarkProjectId" label={projectLabel} rules={[{ required: true, message: t('auth.required') }]}>
            <ProjectSelect ariaLabel={projectLabel} />
          </Form.Item>
        )}
        <Form.Item name="message" label={t('give.message')}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
        </Form.Item>
        <Form.Item name="anonymous" label={t('give.anonymous')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="card" label={<span id="give-card-label">{t('give.card')}</span>} extra={t('give.cardHelp')}>
          <CardMount mountRef={stripe.mountRef} status={stripe.status} error={stripe.error} />
        </Form.Item>
        {busy && (
          <Steps
            size="small"
            style={{ marginBottom: 16 }}
            current={PHASES.indexOf(phase)}
            items={PHASES.map((p) => ({ title: t(`give.step.${p}` as 'give.step.create') }))}
          />
        )}
        <Button type="primary" htmlType="submit" size="large" loading={busy} disabled={stripe.status !== 'ready'}>
          {frequency === 'monthly'
            ? t('give.payMonthly', { amount: amountText ? formatFen(amountText) : '' })
            : t('give.pay', { amount: amountText ? formatFen(amountText) : '' })}
        </Button>
      </Form>
    </Spin>
    </div>
    </>
  );
}

/** The approved charity projects that take gifts, one page at a time (searchable by name). */
function ProjectSelect({ value, onChange, ariaLabel }: { value?: string; onChange?: (v: string) => void; ariaLabel: string }) {
  const { t, lang } = useI18n();
  const [{ data, fetching, error }] = useQuery({ query: GiveProjectsDocument, variables: { first: 100 } });
  const projects = data?.publicProjects.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  if (error) return <ErrorState error={error} />;
  return (
    <Select
      aria-label={ariaLabel}
      value={value}
      onChange={onChange}
      loading={fetching}
      showSearch
      optionFilterProp="label"
      notFoundContent={fetching ? <Spin size="small" /> : <EmptyState description={t('give.projectNone')} />}
      options={projects.map((p) => ({
        value: p.earmarkProjectId,
        label: `${p.name} · ${p.region.name} · ${NEED_CATEGORY[p.category][lang === 'en' ? 1 : 0]} · ${t('give.projectGap', { gap: formatFen(p.gapFen) })}`,
      }))}
    />
  );
}

interface GoodsValues {
  item?: string[];
  quantity?: number;
  condition?: GoodsCondition;
  workstationId?: string;
  message?: string;
  anonymous?: boolean;
}

/** Goods: what (the taxonomy, category → item), how many, in what condition, to which workstation. */
function GoodsPledgeForm({ options: opts }: { options: GiveOptionsQuery }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<GoodsValues>();
  const errors = useFieldErrors(form, { aliases: { itemKey: 'item' }, known: ['item', 'quantity', 'condition', 'workstationId', 'message', 'anonymous'] });
  const [{ fetching }, create] = useMutation(GoodsPledgeCreateDocument);
  const [done, setDone] = useState<string | null>(null);
  const tree = useMemo(() => {
    const byCategory = new Map<string, { value: string; label: string }[]>();
    for (const item of opts.goodsTaxonomy) {
      const list = byCategory.get(item.category) ?? [];
      list.push({ value: item.key, label: `${item.name}（${item.unit}）` });
      byCategory.set(item.category, list);
    }
    return [...byCategory.entries()].map(([category, children]) => ({
      value: category,
      label: GIVING_GOODS_CATEGORY[category as keyof typeof GIVING_GOODS_CATEGORY]?.[lang === 'en' ? 1 : 0] ?? category,
      children,
    }));
  }, [opts.goodsTaxonomy, lang]);

  async function onFinish(v: GoodsValues) {
    errors.clear();
    const result = await create({
      workstationId: v.workstationId ?? '',
      itemKey: v.item?.[1] ?? '',
      quantity: v.quantity ?? 0,
      condition: v.condition ?? 'new',
      message: v.message?.trim() ?? '',
      anonymous: v.anonymous ?? false,
      idempotencyKey: newIdempotencyKey('goods'),
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.goodsPledgeCreate?.errors)) return;
    setDone(opts.workstations.find((w) => w.id === v.workstationId)?.name ?? '');
    form.resetFields();
  }

  if (done !== null)
    return (
      <Result
        status="success"
        title={t('give.goods.done')}
        subTitle={t('give.goods.doneBody', { workstation: done })}
        extra={[
          <Link key="mine" to="/giving/mine">
            <Button type="primary">{t('give.toMyGifts')}</Button>
          </Link>,
          <Button key="again" onClick={() => setDone(null)}>
            {t('give.again')}
          </Button>,
        ]}
      />
    );

  return (
    <>
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Form<GoodsValues> form={form} name="give-goods" layout="vertical" style={{ maxWidth: 560 }} initialValues={{ condition: 'new', quantity: 1, anonymous: false }} onFinish={onFinish}>
        <Form.Item name="item" label={t('give.goods.item')} rules={[{ required: true, message: t('auth.required') }]}>
          <Cascader options={tree} aria-label={t('give.goods.item')} showSearch />
        </Form.Item>
        <Form.Item name="quantity" label={t('give.goods.quantity')} rules={[{ required: true, message: t('auth.required') }]}>
          <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="condition" label={t('give.goods.condition')}>
          <Radio.Group options={options(GOODS_CONDITION, lang)} />
        </Form.Item>
        <Form.Item name="workstationId" label={t('give.goods.workstation')} rules={[{ required: true, message: t('auth.required') }]}>
          <Select
            aria-label={t('give.goods.workstation')}
            showSearch
            optionFilterProp="label"
            notFoundContent={<EmptyState />}
            options={opts.workstations.map((w) => ({ value: w.id, label: `${w.name} · ${w.region.name}` }))}
          />
        </Form.Item>
        <Form.Item name="message" label={t('give.message')}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
        </Form.Item>
        <Form.Item name="anonymous" label={t('give.anonymous')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={fetching}>
          {t('give.goods.submit')}
        </Button>
      </Form>
    </>
  );
}

interface ServiceValues {
  serviceType?: PledgeServiceType;
  minutesPerMonth?: number;
  regionId?: string;
  description?: string;
  pledgerKind?: PledgerKind;
  organisationName?: string;
}

/** A service: what, how many minutes a month, how far (a community or street), as a resident or organisation. */
function ServicePledgeForm() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<ServiceValues>();
  const errors = useFieldErrors(form, { known: ['serviceType', 'minutesPerMonth', 'regionId', 'description', 'pledgerKind', 'organisationName'] });
  const [{ fetching }, create] = useMutation(ServicePledgeCreateDocument);
  const [regions] = useQuery({ query: GiveRegionsDocument, requestPolicy: 'cache-first' });
  const tree = useMemo(() => (regions.data ? buildRegionTree(regions.data.regions, null) : []), [regions.data]);
  const kind = Form.useWatch('pledgerKind', form) ?? 'resident';
  const [done, setDone] = useState(false);

  async function onFinish(v: ServiceValues) {
    errors.clear();
    const result = await create({
      serviceType: v.serviceType ?? 'home_visit',
      minutesPerMonth: v.minutesPerMonth ?? 0,
      regionId: v.regionId ?? '',
      description: v.description?.trim() ?? '',
      pledgerKind: v.pledgerKind ?? 'resident',
      organisationName: v.pledgerKind === 'company' ? (v.organisationName?.trim() ?? '') : '',
      idempotencyKey: newIdempotencyKey('service'),
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.servicePledgeCreate?.errors)) return;
    setDone(true);
    form.resetFields();
  }

  if (done)
    return (
      <Result
        status="success"
        title={t('give.service.done')}
        subTitle={t('give.service.doneBody')}
        extra={[
          <Link key="mine" to="/giving/mine">
            <Button type="primary">{t('give.toMyGifts')}</Button>
          </Link>,
          <Button key="again" onClick={() => setDone(false)}>
            {t('give.again')}
          </Button>,
        ]}
      />
    );

  return (
    <>
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      {regions.error && <ErrorState error={regions.error} />}
      <Form<ServiceValues> form={form} name="give-service" layout="vertical" style={{ maxWidth: 560 }} initialValues={{ pledgerKind: 'resident', minutesPerMonth: 120 }} onFinish={onFinish}>
        <Form.Item name="serviceType" label={t('give.service.type')} rules={[{ required: true, message: t('auth.required') }]}>
          <Select aria-label={t('give.service.type')} options={options(PLEDGE_SERVICE, lang)} />
        </Form.Item>
        <Form.Item name="minutesPerMonth" label={t('give.service.minutes')} rules={[{ required: true, message: t('auth.required') }]}>
          <InputNumber min={1} max={44640} precision={0} step={30} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="regionId" label={t('give.service.region')} rules={[{ required: true, message: t('auth.required') }]}>
          <TreeSelect aria-label={t('give.service.region')} treeData={tree} loading={regions.fetching} showSearch treeNodeFilterProp="title" treeDefaultExpandAll={false} />
        </Form.Item>
        <Form.Item name="pledgerKind" label={t('give.service.kind')}>
          <Radio.Group
            options={[
              { value: 'resident', label: t('give.service.resident') },
              { value: 'company', label: t('give.service.company') },
            ]}
          />
        </Form.Item>
        {kind === 'company' && (
          <Form.Item name="organisationName" label={t('give.service.org')} rules={[{ required: true, message: t('auth.required') }]}>
            <Input maxLength={200} />
          </Form.Item>
        )}
        <Form.Item name="description" label={t('give.service.description')}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={fetching}>
            {t('give.service.submit')}
          </Button>
        </Space>
      </Form>
    </>
  );
}
