import { Alert, Card, List, Space, Steps, Tag, Typography } from 'antd';
import { FilePdfOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useQuery, useSubscription } from 'urql';
import dayjs from 'dayjs';
import { graphql } from '../../gql';
import type { DonationStatus, MyDonationsQuery } from '../../gql/graphql';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { formatFen } from '../../i18n/format';

const GivingConfigDocument = graphql(`
  query GivingConfig {
    givingConfig {
      onlinePaymentEnabled
      paymentMethodTypes
      maxOnlineAmountFen
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
          live ? (
            <Tag color="green" icon={<ThunderboltOutlined />}>
              {t('give.live')}
            </Tag>
          ) : null
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
              renderItem={(g) => <GiftItem gift={g} />}
            />
            <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} sizes={[10, 20, 50]} />
          </>
        )}
      </Card>
    </Space>
  );
}

function GiftItem({ gift }: { gift: Gift }) {
  const { t } = useI18n();
  return (
    <List.Item>
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
            <a href={gift.receiptUrl} target="_blank" rel="noreferrer">
              <FilePdfOutlined /> {t('give.receipt')}
            </a>
          )}
        </Space>
        {gift.trace.length > 0 && (
          <Steps
            size="small"
            direction="vertical"
            aria-label={t('give.trace')}
            current={gift.trace.length - 1}
            items={gift.trace.map((step) => ({
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
