import { graphql } from '../../gql';

export const TimeBankActionsDocument = graphql(`
  query TimeBankActions {
    myTimeBank {
      availableMinutes
      member {
        id
        displayName
        street {
          id
          name
        }
      }
    }
    myTimeBankLinks {
      id
      relation
      status
      createdAt
      fromMember {
        id
        displayName
      }
      toMember {
        id
        displayName
      }
    }
    timeBankRules {
      yearlyGiveCapMinutes
      redemptionAge
      hardshipRedemptionAge
      maxRedemptionMinutes
    }
    regions(level: street) {
      id
      name
    }
  }
`);

export const MyRedemptionsDocument = graphql(`
  query MyRedemptions($first: Int!, $after: String) {
    timeBankRedemptions(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          serviceType
          minutes
          status
          createdAt
          onBehalf
          region {
            id
            name
          }
          member {
            id
            displayName
          }
        }
      }
    }
  }
`);

export const TimeBankGiveDocument = graphql(`
  mutation TimeBankGiveAction($minutes: Int!, $idempotencyKey: String!, $toMemberId: ID, $toPoolStreetId: ID) {
    timeBankGive(minutes: $minutes, idempotencyKey: $idempotencyKey, toMemberId: $toMemberId, toPoolStreetId: $toPoolStreetId) {
      gift {
        id
        minutes
      }
      myTimeBank {
        balanceMinutes
        availableMinutes
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TimeBankRedeemDocument = graphql(`
  mutation TimeBankRedeemAction($minutes: Int!, $idempotencyKey: String!, $regionId: ID!, $serviceType: String!, $notes: String) {
    timeBankRedeem(minutes: $minutes, idempotencyKey: $idempotencyKey, regionId: $regionId, serviceType: $serviceType, notes: $notes) {
      redemption {
        id
        status
      }
      myTimeBank {
        availableMinutes
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TimeBankRedemptionCancelDocument = graphql(`
  mutation TimeBankRedemptionCancelAction($redemptionId: ID!) {
    timeBankRedemptionCancel(redemptionId: $redemptionId) {
      redemption {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TimeBankLinkRequestDocument = graphql(`
  mutation TimeBankLinkRequestAction($email: String, $relation: String) {
    timeBankLinkRequest(email: $email, relation: $relation) {
      link {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TimeBankLinkAcceptDocument = graphql(`
  mutation TimeBankLinkAcceptAction($linkId: ID!) {
    timeBankLinkAccept(linkId: $linkId) {
      link {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);
