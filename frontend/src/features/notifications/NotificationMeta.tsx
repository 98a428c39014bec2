import { Badge, List, Typography } from 'antd';
import dayjs from 'dayjs';
import type { NotificationFieldsFragment } from '../../gql/graphql';

/** One notification in a list (the bell's and the notifications page's): a dot while unread, title, body, time. */
export function NotificationMeta({ notification: n }: { notification: NotificationFieldsFragment }) {
  return (
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
  );
}
