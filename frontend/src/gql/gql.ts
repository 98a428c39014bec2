/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      id\n      email\n      displayName\n      language\n      isSuperuser\n      roles {\n        role\n        region {\n          id\n          name\n          level\n        }\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  fragment NotificationFields on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    read\n  }\n": typeof types.NotificationFieldsFragmentDoc,
    "\n  query MyNotifications($first: Int!, $after: String, $unreadOnly: Boolean) {\n    unreadNotificationCount\n    myNotifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n": typeof types.MyNotificationsDocument,
    "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n": typeof types.UnreadNotificationCountDocument,
    "\n  mutation NotificationsMarkRead($ids: [ID!], $all: Boolean) {\n    notificationsMarkRead(ids: $ids, all: $all) {\n      count\n      unreadCount\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n": typeof types.NotificationsMarkReadDocument,
    "\n  query MyVolunteerProfile {\n    me {\n      id\n      volunteerProfile {\n        homeCommunity {\n          id\n          name\n        }\n        skills\n        languages\n        availability {\n          weekday\n          start\n          end\n        }\n      }\n    }\n    regions(level: community) {\n      id\n      name\n    }\n  }\n": typeof types.MyVolunteerProfileDocument,
    "\n  mutation VolunteerProfileUpdate(\n    $homeCommunityId: ID\n    $skills: [String!]\n    $languages: [String!]\n    $availability: [AvailabilitySlotInput!]\n  ) {\n    volunteerProfileUpdate(\n      homeCommunityId: $homeCommunityId\n      skills: $skills\n      languages: $languages\n      availability: $availability\n    ) {\n      profile {\n        skills\n        languages\n      }\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n": typeof types.VolunteerProfileUpdateDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      email\n      displayName\n      language\n      isSuperuser\n      roles {\n        role\n        region {\n          id\n          name\n          level\n        }\n      }\n    }\n  }\n": types.MeDocument,
    "\n  fragment NotificationFields on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    read\n  }\n": types.NotificationFieldsFragmentDoc,
    "\n  query MyNotifications($first: Int!, $after: String, $unreadOnly: Boolean) {\n    unreadNotificationCount\n    myNotifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n": types.MyNotificationsDocument,
    "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n": types.UnreadNotificationCountDocument,
    "\n  mutation NotificationsMarkRead($ids: [ID!], $all: Boolean) {\n    notificationsMarkRead(ids: $ids, all: $all) {\n      count\n      unreadCount\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n": types.NotificationsMarkReadDocument,
    "\n  query MyVolunteerProfile {\n    me {\n      id\n      volunteerProfile {\n        homeCommunity {\n          id\n          name\n        }\n        skills\n        languages\n        availability {\n          weekday\n          start\n          end\n        }\n      }\n    }\n    regions(level: community) {\n      id\n      name\n    }\n  }\n": types.MyVolunteerProfileDocument,
    "\n  mutation VolunteerProfileUpdate(\n    $homeCommunityId: ID\n    $skills: [String!]\n    $languages: [String!]\n    $availability: [AvailabilitySlotInput!]\n  ) {\n    volunteerProfileUpdate(\n      homeCommunityId: $homeCommunityId\n      skills: $skills\n      languages: $languages\n      availability: $availability\n    ) {\n      profile {\n        skills\n        languages\n      }\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n": types.VolunteerProfileUpdateDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n      displayName\n      language\n      isSuperuser\n      roles {\n        role\n        region {\n          id\n          name\n          level\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n      displayName\n      language\n      isSuperuser\n      roles {\n        role\n        region {\n          id\n          name\n          level\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NotificationFields on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    read\n  }\n"): (typeof documents)["\n  fragment NotificationFields on Notification {\n    id\n    kind\n    title\n    body\n    link\n    createdAt\n    read\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyNotifications($first: Int!, $after: String, $unreadOnly: Boolean) {\n    unreadNotificationCount\n    myNotifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyNotifications($first: Int!, $after: String, $unreadOnly: Boolean) {\n    unreadNotificationCount\n    myNotifications(first: $first, after: $after, unreadOnly: $unreadOnly) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotificationsMarkRead($ids: [ID!], $all: Boolean) {\n    notificationsMarkRead(ids: $ids, all: $all) {\n      count\n      unreadCount\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation NotificationsMarkRead($ids: [ID!], $all: Boolean) {\n    notificationsMarkRead(ids: $ids, all: $all) {\n      count\n      unreadCount\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyVolunteerProfile {\n    me {\n      id\n      volunteerProfile {\n        homeCommunity {\n          id\n          name\n        }\n        skills\n        languages\n        availability {\n          weekday\n          start\n          end\n        }\n      }\n    }\n    regions(level: community) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query MyVolunteerProfile {\n    me {\n      id\n      volunteerProfile {\n        homeCommunity {\n          id\n          name\n        }\n        skills\n        languages\n        availability {\n          weekday\n          start\n          end\n        }\n      }\n    }\n    regions(level: community) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VolunteerProfileUpdate(\n    $homeCommunityId: ID\n    $skills: [String!]\n    $languages: [String!]\n    $availability: [AvailabilitySlotInput!]\n  ) {\n    volunteerProfileUpdate(\n      homeCommunityId: $homeCommunityId\n      skills: $skills\n      languages: $languages\n      availability: $availability\n    ) {\n      profile {\n        skills\n        languages\n      }\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VolunteerProfileUpdate(\n    $homeCommunityId: ID\n    $skills: [String!]\n    $languages: [String!]\n    $availability: [AvailabilitySlotInput!]\n  ) {\n    volunteerProfileUpdate(\n      homeCommunityId: $homeCommunityId\n      skills: $skills\n      languages: $languages\n      availability: $availability\n    ) {\n      profile {\n        skills\n        languages\n      }\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;