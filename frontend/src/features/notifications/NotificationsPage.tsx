import { Badge, Button, Card, List, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import dayjs from 'dayjs';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import { MarkReadDocument, NotificationsDocument } from './documents';

export function NotificationsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const pages = useCursorPages(20);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: NotificationsDocument,
    variables: { first: pages.first, after: pages.after, unreadOnly },
  });
  const [, markRead] = useMutation(MarkReadDocument);
  const connection = data?.myNotifications;
  const items = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];

  return (
    <Card
      title={t('notify.title')}
      extra={
        <Space wrap>
          <Segmented<string>
            aria-label={t('notify.title')}
            value={unreadOnly ? 'unread' : 'all'}
            onChange={(v) => {
              setUnreadOnly(v === 'unread');
              pages.reset();
            }}
            options={[
              { value: 'all', label: t('app.all') },
              { value: 'unread', label: t('notify.unread', { count: data?.unreadNotificationCount ?? 0 }) },
            ]}
          />
          <Button
            onClick={async () => {
              await markRead({ all: true });
              refetch({ requestPolicy: 'network-only' });
            }}
            disabled={!data?.unreadNotificationCount}
          >
            {t('notify.markAllRead')}
          </Button>
        </Space>
      }
    >
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <>
          <List
            loading={fetching && !data}
            dataSource={items}
            locale={{ emptyText: <EmptyState description={t('notify.empty')} /> }}
            renderItem={(n) => (
              <List.Item
                actions={
                  n.link
                    ? [
                        <Button key="open" type="link" onClick={() => navigate(n.link)}>
                          {t('app.details')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <span>
                      {!n.read && <Badge status="processing" style={{ marginRight: 6 }} />}
                      {n.title}
                    </span>
                  }
                  description={
                    <>
                      <div>{n.body}</div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}
                      </Typography.Text>
                    </>
                  }
                />
              </List.Item>
            )}
          />
          <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} />
        </>
      )}
    </Card>
  );
}
