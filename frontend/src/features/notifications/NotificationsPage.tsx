import { Button, Card, List, Segmented, Space } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import { ConnectionList } from '../../components/ConnectionTable';
import { useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { MarkReadDocument, NotificationsDocument } from './documents';
import { NotificationMeta } from './NotificationMeta';

export function NotificationsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const notifications = useConnectionQuery({
    query: NotificationsDocument,
    variables: { unreadOnly },
    select: (data) => data.myNotifications,
  });
  const { pages, data, reload } = notifications;
  const [, markRead] = useMutation(MarkReadDocument);

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
              reload();
            }}
            disabled={!data?.unreadNotificationCount}
          >
            {t('notify.markAllRead')}
          </Button>
        </Space>
      }
    >
      <ConnectionList
        result={notifications}
        empty={t('notify.empty')}
        blankWhileFetching={false}
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
            <NotificationMeta notification={n} />
          </List.Item>
        )}
      />
    </Card>
  );
}
