import { useState } from 'react';
import { Alert, App, Button, Card, Col, Progress, Rate, Row, Space, Statistic, Tag, Typography } from 'antd';
import { DownloadOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useClient, useQuery, useSubscription } from 'urql';
import dayjs from 'dayjs';
import { graphql } from '../../gql';
import type { MyTimeBankHistoryQuery } from '../../gql/graphql';
import { ConnectionTable } from '../../components/ConnectionTable';
import { ErrorState, PageLoading } from '../../components/QueryState';
import { combinedErrorMessage } from '../../hooks/fieldErrors';
import { useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { formatMinutes } from '../../i18n/format';
import { translateOr } from '../../i18n/translate';

const MyTimeBankDocument = graphql(`
  query MyTimeBank {
    myTimeBank {
      balanceMinutes
      availableMinutes
      earnedMinutes
      stars
      nextStarAt
      member {
        id
        displayName
        street {
          id
          name
        }
      }
    }
  }
`);

const HistoryDocument = graphql(`
  query MyTimeBankHistory($first: Int!, $after: String) {
    myTimeBankHistory(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          minutes
          heldMinutes
          kind
          phase
          createdAt
          organisationName
          serviceDate
        }
      }
    }
  }
`);

const BalanceSubscription = graphql(`
  subscription LedgerBalance {
    ledgerBalance {
      balanceMinutes
      availableMinutes
      earnedMinutes
      stars
    }
  }
`);

const CertificateDocument = graphql(`
  query MyCertificateUrl {
    myCertificateUrl
  }
`);

type Edge = NonNullable<NonNullable<MyTimeBankHistoryQuery['myTimeBankHistory']>['edges'][number]>;
// keyed by the edge's cursor: the entry's own id is not needed on this screen
type Entry = NonNullable<Edge['node']> & { cursor: string };

// hours and minutes of a long-serving volunteer ("1498 小时9 分钟") must fit half a phone's width
const FIGURE_STYLE = { fontSize: 20 } as const;

/** A volunteer's time bank: balance, stars (from hours earned, never the balance), statement, certificate. */
export function TimeBankPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const client = useClient();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MyTimeBankDocument });
  const history = useConnectionQuery({ query: HistoryDocument, select: (d) => d.myTimeBankHistory });
  // the live balance: each event replaces the figures the query brought
  const [{ data: live }] = useSubscription({ query: BalanceSubscription }, (_prev, event) => {
    history.reload();
    return event;
  });
  const [downloading, setDownloading] = useState(false);

  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <PageLoading />;
  const bank = data?.myTimeBank;
  const figures = { ...bank, ...(live?.ledgerBalance ?? {}) };

  async function downloadCertificate() {
    setDownloading(true);
    const result = await client.query(CertificateDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    setDownloading(false);
    if (result.error) message.error(combinedErrorMessage(result.error, t('app.networkError')));
    else if (result.data?.myCertificateUrl) window.open(result.data.myCertificateUrl, '_blank', 'noopener');
  }

  const entries: Entry[] = history.data?.myTimeBankHistory?.edges.flatMap((e) => (e?.node ? [{ ...e.node, cursor: e.cursor }] : [])) ?? [];
  const earned = figures.earnedMinutes ?? 0;
  const toNext = bank?.nextStarAt != null ? Math.max(0, bank.nextStarAt - earned) : null;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={<h1 className="card-title">{t('tb.title')}</h1>}
        extra={
          live ? (
            <Tag color="green" icon={<ThunderboltOutlined />}>
              {t('tb.live')}
            </Tag>
          ) : null
        }
      >
        {!bank ? (
          <Alert type="info" showIcon message={t('tb.none')} />
        ) : (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic valueStyle={FIGURE_STYLE} title={t('tb.balance')} value={formatMinutes(figures.balanceMinutes ?? 0, lang)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic valueStyle={FIGURE_STYLE} title={t('tb.available')} value={formatMinutes(figures.availableMinutes ?? 0, lang)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic valueStyle={FIGURE_STYLE} title={t('tb.earned')} value={formatMinutes(earned, lang)} />
            </Col>
            <Col xs={12} md={6}>
              <div className="ant-statistic-title" style={{ color: 'rgba(0,0,0,0.45)', marginBottom: 4 }}>
                {t('tb.stars')}
              </div>
              <Rate disabled count={5} value={figures.stars ?? 0} aria-label={`${t('tb.stars')} ${figures.stars ?? 0}/5`} />
            </Col>
            <Col xs={24}>
              {toNext != null && bank.nextStarAt ? (
                <>
                  <Progress percent={Math.min(100, Math.floor((earned * 100) / bank.nextStarAt))} showInfo={false} />
                  <Typography.Text type="secondary">{t('tb.nextStar', { time: formatMinutes(toNext, lang) })}</Typography.Text>
                </>
              ) : (
                <Typography.Text type="secondary">{t('tb.maxStar')}</Typography.Text>
              )}
            </Col>
            <Col xs={24}>
              <Button icon={<DownloadOutlined />} loading={downloading} onClick={downloadCertificate} disabled={earned === 0}>
                {t('tb.certificate')}
              </Button>
            </Col>
          </Row>
        )}
      </Card>
      <Card title={<h2 className="card-title">{t('tb.history')}</h2>}>
        <ConnectionTable<Entry>
          result={history}
          rows={entries}
          rowKey="cursor"
          spin="every"
          empty={t('tb.historyEmpty')}
          scroll={{ x: 560 }}
          columns={[
            { title: t('tb.at'), key: 'at', render: (_: unknown, e: Entry) => dayjs(e.createdAt).format('YYYY-MM-DD HH:mm') },
            { title: t('tb.kind'), key: 'kind', render: (_: unknown, e: Entry) => translateOr(t, `tb.kind.${e.kind}`, e.kind) },
            {
              title: t('tb.minutes'),
              key: 'minutes',
              align: 'right' as const,
              render: (_: unknown, e: Entry) => (
                <Typography.Text type={e.minutes < 0 ? 'danger' : e.minutes > 0 ? 'success' : undefined}>
                  {e.minutes > 0 ? '+' : ''}
                  {formatMinutes(e.minutes, lang)}
                  {e.heldMinutes !== 0 && (
                    <Typography.Text type="secondary">
                      {' '}
                      ({t('tb.held')} {formatMinutes(e.heldMinutes, lang)})
                    </Typography.Text>
                  )}
                </Typography.Text>
              ),
            },
            { title: t('tb.phase'), key: 'phase', render: (_: unknown, e: Entry) => translateOr(t, `tb.phase.${e.phase}`, e.phase) },
            {
              title: t('tb.organisation'),
              key: 'org',
              render: (_: unknown, e: Entry) => [e.organisationName, e.serviceDate].filter(Boolean).join(' · ') || '—',
            },
          ]}
        />
      </Card>
    </Space>
  );
}
