import { graphql } from '../../gql';

export const OpenNeedsDocument = graphql(`
  query OpenNeeds($first: Int!, $after: String, $kind: [NeedKind!], $urgent: Boolean, $category: [HouseholdCategory!], $orderBy: [NeedOrderBy!]) {
    openNeeds(first: $first, after: $after, kind: $kind, urgent: $urgent, category: $category, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          kind
          urgent
          amountFen
          goodsCategory
          goodsItem
          quantity
          serviceType
          minutes
          openedAt
          household {
            id
            category
            tags
            headAgeBand
            memberCount
            communityName
          }
        }
      }
    }
  }
`);
