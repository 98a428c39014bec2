import { graphql } from '../../gql';

// A page of the visits the signed-in user recorded; every request is an audited read (never served from the cache).
export const MyVisitsDocument = graphql(`
  query MyVisits($first: Int!, $after: String, $visitedFrom: Date, $visitedTo: Date) {
    myVisits(first: $first, after: $after, visitedFrom: $visitedFrom, visitedTo: $visitedTo) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          visitedAt
          notes
          householdId
          householdCategory
          communityName
        }
      }
    }
  }
`);
