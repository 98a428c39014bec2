import { graphql } from '../../gql';

export const NotificationFields = graphql(`
  fragment NotificationFields on Notification {
    id
    kind
    title
    body
    link
    createdAt
    read
  }
`);

export const NotificationsDocument = graphql(`
  query MyNotifications($first: Int!, $after: String, $unreadOnly: Boolean) {
    unreadNotificationCount
    myNotifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...NotificationFields
        }
      }
    }
  }
`);

export const UnreadCountDocument = graphql(`
  query UnreadNotificationCount {
    unreadNotificationCount
  }
`);

export const MarkReadDocument = graphql(`
  mutation NotificationsMarkRead($ids: [ID!], $all: Boolean) {
    notificationsMarkRead(ids: $ids, all: $all) {
      count
      unreadCount
      errors {
        field
        code
        message
      }
    }
  }
`);
