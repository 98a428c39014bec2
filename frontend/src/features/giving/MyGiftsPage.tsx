import { useState } from 'react';
import { Alert, App, Button, Card, List, Space, Steps, Tabs, Tag, Typography } from 'antd';
import { CloseCircleOutlined, CreditCardOutlined, FilePdfOutlined, HeartOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import dayjs from 'dayjs';
import { graphql } from '../../gql';
import type { DonationStatus, GivingConfigQuery, MyDonationsQuery } from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { combinedErrorMessage } from '../../hooks/fieldErrors';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { formatFen, formatMinutes } from '../../i18n/format';
import { label } from '../../i18n/enums';
import { DonationCancelDocument, MyPledgesDocument } from './documents';
import { ResumePayment } from './ResumePayment';
import { GOODS_CONDITION, GOODS_PLEDGE_STATUS, PLEDGE_SERVICE, RECURRING_STATUS } from './labels';

const GivingConfigDocument = graphql(`
  query GivingConfig {
    givingConfig {
      onlinePaymentEnabled
      paymentMethodTypes
      maxOnlineAmountFen
      publishableKey
      stripeJsUrl
    }
  }
`);

const MyDonationsDocument = graphql(`
  query MyDonations($first: Int!, $after: String) {
    myDonations(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          amountFen
          refundedFen
          status
          channel
          createdAt
          receiptUrl
          earmark {
            label
          }
          trace {
            at
            stage
            stageLabel
            detail
            beneficiary
            communityName
            quantity
            amountFen
          }
        }
      }
    }
  }
`);

const TraceSubscription = graphql(`
  subscription DonationTraceLive {
    donationTrace {
      donationId
      stage
    }
  }
`);

type Config = GivingConfigQuery['givingConfig'];
type Gift = NonNullable<NonNullable<NonNullable<MyDonationsQuery['myDonations']>['edges'][number]>['node']>;

const STATUS_COLOR: Record<DonationStatus, string> = { pending: 'gold', succeeded: 'green', failed: 'red', canceled: 'default' };

/** A donor's gifts with where each went (received → earmarked → matched → dispatched → delivered), and receipts. */
export function MyGiftsPage() {
  const { t } = useI18n();
  const pages = useCursorPages(10);
  const [config] = useQuery({ query: GivingConfigDocument, requestPolicy: 'cache-first' });
  const [{ data, fetching, error }, refetch] = useQuery({ query: MyDonationsDocument, variables: { first: pages.first, after: pages.after } });
  // a step of any of my gifts: fetch the page again (the event says which gift and stage, the query says the rest)
  const [{ data: live }] = useSubscription({ query: TraceSubscription }, (_prev, event) => {
    refetch({ requestPolicy: 'network-only' });
    return event;
  });
  const connection = data?.myDonations;
  const gifts = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const cfg = config.data?.givingConfig;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {cfg &&
        (cfg.onlinePaymentEnabled ? (
          <Alert
            type="success"
            showIcon
            message={t('give.onlineOn')}
            description={t('give.onlineOnBody', { methods: cfg.paymentMethodTypes.join(', '), max: formatFen(cfg.maxOnlineAmountFen) })}
          />
        ) : (
          <Alert type="info" showIcon message={t('give.onlineOff')} description={t('give.onlineOffBody')} />
        ))}
      <Card
        title={<h1 className="card-title">{t('give.myGifts')}</h1>}
        extra={
          <Space>
            {live ? (
              <Tag color="green" icon={<ThunderboltOutlined />}>
                {t('give.live')}
              </Tag>
            ) : null}
            <Link to="/giving/give">
              <Button type="primary" icon={<HeartOutlined />}>
                {t('give.title')}
              </Button>
            </Link>
          </Space>
        }
      >
        {error ? (
          <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          <>
            <List<Gift>
              loading={fetching}
              dataSource={gifts}
              locale={{ emptyText: fetching ? ' ' : <EmptyState description={t('give.empty')} /> }}
              renderItem={(g) => <GiftItem gift={g} config={cfg} onChanged={() => refetch({ requestPolicy: 'network-only' })} />}
            />
            <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} sizes={[10, 20, 50]} />
          </>
        )}
      </Card>
      <MyPledges />
    </Space>
  );
}

/** Goods and service pledges and monthly giving (each list paged on the client: the query returns them whole). */
function MyPledges() {
  const { t, lang } = useI18n();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MyPledgesDocument });
  const p = data?.myPledges;
  const empty = { emptyText: fetching ? ' ' : <EmptyState description={t('give.pledges.empty')} /> };
  const paging = { pageSize: 5, hideOnSinglePage: true, size: 'small' as const };
  return (
    <Card title={<h2 className="card-title">{t('give.pledges')}</h2>}>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <Tabs
          items={[
            {
              key: 'goods',
              label: `${t('give.pledges.goods')} (${p?.goods.length ?? 0})`,
              children: (
                <List
                  loading={fetching}
                  dataSource={p?.goods ?? []}
                  locale={empty}
                  pagination={paging}
                  renderItem={(g) => (
                    <List.Item>
                      <Space wrap>
                        <Typography.Text strong>
                          {g.itemName} × {g.quantity} {g.unit}
                        </Typography.Text>
                        <Tag color={g.status === 'received' ? 'green' : g.status === 'canceled' ? 'default' : 'gold'}>{label(GOODS_PLEDGE_STATUS, g.status, lang)}</Tag>
                        <Tag>{label(GOODS_CONDITION, g.condition, lang)}</Tag>
                        <Typography.Text type="secondary">{g.workstation.name}</Typography.Text>
                        {g.receivedQuantity > 0 && <Typography.Text type="secondary">{t('give.pledges.received', { count: g.receivedQuantity })}</Typography.Text>}
                        <Typography.Text type="secondary">{dayjs(g.createdAt).format('YYYY-MM-DD')}</Typography.Text>
                      </Space>
                    </List.Item>
                  )}
                />
              ),
            },
            {
              key: 'services',
              label: `${t('give.pledges.services')} (${p?.services.length ?? 0})`,
              children: (
                <List
                  loading={fetching}
                  dataSource={p?.services ?? []}
                  locale={empty}
                  pagination={paging}
                  renderItem={(s) => (
                    <List.Item>
                      <Space wrap>
                        <Typography.Text strong>{label(PLEDGE_SERVICE, s.serviceType, lang)}</Typography.Text>
                        <Typography.Text>{t('give.pledges.perMonth', { minutes: formatMinutes(s.minutesPerMonth, lang) })}</Typography.Text>
                        <Typography.Text type="secondary">{s.region.name}</Typography.Text>
                        {!s.active && <Tag>{t('give.status.canceled')}</Tag>}
                      </Space>
                    </List.Item>
                  )}
                />
              ),
            },
            {
              key: 'recurring',
              label: `${t('give.pledges.recurring')} (${p?.recurring.length ?? 0})`,
              children: (
                <List
                  loading={fetching}
                  dataSource={p?.recurring ?? []}
                  locale={empty}
                  pagination={paging}
                  renderItem={(r) => (
                    <List.Item>
                      <Space wrap>
                        <Typography.Text strong>{formatFen(r.amountFen)}</Typography.Text>
                        <Tag color={r.status === 'active' ? 'green' : 'default'}>{label(RECURRING_STATUS, r.status, lang)}</Tag>
                        <Typography.Text type="secondary">
                          {t('give.earmark')}: {r.earmark.label}
                        </Typography.Text>
                        {r.nextChargeOn && <Typography.Text type="secondary">{t('give.pledges.nextCharge', { date: r.nextChargeOn })}</Typography.Text>}
                      </Space>
                    </List.Item>
                  )}
                />
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}

/** An online gift not paid yet (pending, or failed after a declined card) can be paid again or canceled. */
const unpaid = (g: Gift) => g.channel === 'online' && (g.status === 'pending' || g.status === 'failed');

function GiftItem({ gift, config, onChanged }: { gift: Gift; config?: Config; onChanged: () => void }) {
  const { t } = useI18n();
  return (
    <List.Item data-testid="gift" data-donation-id={gift.id} data-status={gift.status}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {formatFen(gift.amountFen)}
          </Typography.Text>
          <Tag color={STATUS_COLOR[gift.status]}>{t(`give.status.${gift.status}` as MessageKey)}</Tag>
          <Tag>{t(`give.channel.${gift.channel}` as MessageKey)}</Tag>
          <Typography.Text type="secondary">
            {t('give.earmark')}: {gift.earmark.label}
          </Typography.Text>
          <Typography.Text type="secondary">{dayjs(gift.createdAt).format('YYYY-MM-DD')}</Typography.Text>
          {gift.refundedFen !== '0' && <Tag color="orange">{t('give.refunded', { amount: formatFen(gift.refundedFen) })}</Tag>}
          {gift.receiptUrl && (
            <a href={gift.receiptUrl} target="_blank" rel="noreferrer" download aria-label={t('give.receiptDownload')}>
              <FilePdfOutlined /> {t('give.receipt')}
            </a>
          )}
        </Space>
        {unpaid(gift) && config?.onlinePaymentEnabled && <UnpaidActions gift={gift} config={config} onChanged={onChanged} />}
        {gift.trace.length > 0 && (
          <Steps
            size="small"
            direction="vertical"
            aria-label={t('give.trace')}
            current={gift.trace.length - 1}
            status="finish"
            items={gift.trace.map((step) => ({
              // a cancelled gift's step is not a step forward: grey, with a cross
              ...(step.stage === 'canceled' ? { status: 'wait' as const, icon: <CloseCircleOutlined /> } : {}),
              title: step.stageLabel,
              description: [
                dayjs(step.at).format('YYYY-MM-DD HH:mm'),
                step.communityName,
                step.beneficiary,
                step.amountFen ? formatFen(step.amountFen) : step.quantity != null ? `× ${step.quantity}` : '',
                step.detail,
              ]
                .filter(Boolean)
                .join(' · '),
            }))}
          />
        )}
      </Space>
    </List.Item>
  );
}

/** 继续支付 (the card form for this same gift) and 取消 (after a confirmation), with the typed errors shown. */
function UnpaidActions({ gift, config, onChanged }: { gift: Gift; config: Config; onChanged: () => void }) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const [{ fetching }, cancel] = useMutation(DonationCancelDocument);
  const [error, setError] = useState<string | null>(null);
  const [resuming, setResuming] = useState(false);

  async function onCancel() {
    setError(null);
    const result = await cancel({ donationId: gift.id });
    if (result.error) return setError(combinedErrorMessage(result.error, t('app.networkError')));
    const errors = result.data?.donationCancel?.errors ?? [];
    if (errors.length) return setError(errors.map((e) => e.message).join(' '));
    onChanged();
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="unpaid-actions">
      <Space wrap>
        <Typography.Text type="secondary">{t('give.unpaid.hint')}</Typography.Text>
        <Button type="primary" size="small" icon={<CreditCardOutlined />} onClick={() => setResuming(true)}>
          {t('give.unpaid.resume')}
        </Button>
        <Button
          size="small"
          danger
          loading={fetching}
          onClick={() =>
            // a centred confirmation (not a Popconfirm: its popup is anchored to a row the live list may re-render)
            modal.confirm({
              title: t('give.unpaid.cancelConfirm'),
              content: t('give.unpaid.cancelConfirmBody', { amount: formatFen(gift.amountFen) }),
              okText: t('give.unpaid.cancelOk'),
              okButtonProps: { danger: true },
              cancelText: t('give.unpaid.cancelKeep'),
              onOk: onCancel,
            })
          }
        >
          {t('give.unpaid.cancel')}
        </Button>
      </Space>
      {error && <Alert type="error" role="alert" showIcon message={error} closable onClose={() => setError(null)} />}
      {resuming && (
        <ResumePayment
          gift={gift}
          config={config}
          onClose={() => setResuming(false)}
          onPaid={onChanged}
        />
      )}
    </Space>
  );
}
