/**
 * Live notifications through the `myNotifications` subscription (graphql-ws). Each event carries the new
 * unread count; `onEvent` lets the caller refresh its list when a notification arrives.
 */
import { useRef } from 'react';
import { useSubscription } from 'urql';
import { graphql } from '../../gql';

const MyNotificationsSubscription = graphql(`
  subscription MyNotificationsLive {
    myNotifications {
      kind
      unreadCount
      notification {
        id
        title
      }
    }
  }
`);

export function useLiveNotifications(onEvent: () => void): { unreadCount: number | null } {
  const callback = useRef(onEvent);
  callback.current = onEvent;
  const [{ data }] = useSubscription({ query: MyNotificationsSubscription }, (_prev, event) => {
    callback.current();
    return event;
  });
  return { unreadCount: data?.myNotifications.unreadCount ?? null };
}
