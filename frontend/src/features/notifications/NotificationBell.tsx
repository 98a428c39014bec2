import { useState } from 'react';
import { Badge, Button, List, Popover, Space, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { useI18n } from '../../i18n/I18nProvider';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { connectionNodes } from '../../hooks/useConnectionQuery';
import { MarkReadDocument, NotificationsDocument } from './documents';
import { NotificationMeta } from './NotificationMeta';
import { useLiveNotifications } from './useLiveNotifications';

/** The bell in the header: unread count (kept live by the myNotifications subscription) and the latest few. */
export function NotificationBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [{ data, error }, refetch] = useQuery({ query: NotificationsDocument, variables: { first: 8 } });
  const [, markRead] = useMutation(MarkReadDocument);
  const live = useLiveNotifications(() => refetch({ requestPolicy: 'network-only' }));
  const unread = live.unreadCount ?? data?.unreadNotificationCount ?? 0;
  const items = connectionNodes(data?.myNotifications);

  const content = (
    <div style={{ width: 320, maxWidth: '80vw' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('notify.unread', { count: unread })}</Typography.Text>
        <Button
          size="small"
          type="link"
          disabled={unread === 0}
          onClick={async () => {
            await markRead({ all: true });
            refetch({ requestPolicy: 'network-only' });
          }}
        >
          {t('notify.markAllRead')}
        </Button>
      </Space>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : items.length === 0 ? (
        <EmptyState description={t('notify.empty')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(n) => (
            <List.Item
              style={{ cursor: n.link ? 'pointer' : undefined, opacity: n.read ? 0.6 : 1 }}
              onClick={() => {
                if (!n.read) void markRead({ ids: [n.id] });
                if (n.link) {
                  setOpen(false);
                  navigate(n.link);
                }
              }}
            >
              <NotificationMeta notification={n} />
            </List.Item>
          )}
        />
      )}
      <div style={{ textAlign: 'center', marginTop: 8 }}>
        <Link to="/notifications" onClick={() => setOpen(false)}>
          {t('notify.title')}
        </Link>
      </div>
    </div>
  );

  return (
    <Popover content={content} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight" title={t('notify.title')}>
      <Button
        type="text"
        aria-label={`${t('shell.notifications')} (${t('notify.unread', { count: unread })})`}
        icon={
          <Badge count={unread} size="small" overflowCount={99}>
            <BellOutlined style={{ fontSize: 18, color: 'inherit' }} />
          </Badge>
        }
      />
    </Popover>
  );
}
