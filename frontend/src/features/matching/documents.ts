import { graphql } from '../../gql';

export const MatchProposalFields = graphql(`
  fragment MatchProposalFields on MatchProposal {
    id
    score
    status
    source
    supplyKind
    supplyLabel
    quantity
    minutes
    amountFen
    explanation
    reason
    regionName
    reviewerName
    createdAt
    decidedAt
    components {
      code
      points
      params
    }
    need {
      id
      kind
      urgent
    }
  }
`);

export const MatchProposalsDocument = graphql(`
  query MatchProposals($first: Int!, $after: String, $status: MatchProposalStatus) {
    matchProposals(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...MatchProposalFields
        }
      }
    }
  }
`);

export const MatchProposalAcceptDocument = graphql(`
  mutation MatchProposalAccept($proposalId: ID!) {
    matchProposalAccept(proposalId: $proposalId) {
      proposal {
        ...MatchProposalFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const MatchProposalRejectDocument = graphql(`
  mutation MatchProposalReject($proposalId: ID!, $reason: String!) {
    matchProposalReject(proposalId: $proposalId, reason: $reason) {
      proposal {
        ...MatchProposalFields
      }
      nextProposal {
        ...MatchProposalFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const MatchProposalDispatchDocument = graphql(`
  mutation MatchProposalDispatch($proposalId: ID!) {
    matchProposalDispatch(proposalId: $proposalId) {
      proposal {
        ...MatchProposalFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const MatchProposalDeliverDocument = graphql(`
  mutation MatchProposalDeliver($proposalId: ID!, $note: String) {
    matchProposalDeliver(proposalId: $proposalId, note: $note) {
      proposal {
        ...MatchProposalFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const MatchRoundRunDocument = graphql(`
  mutation MatchRoundRun($regionId: ID!) {
    matchRoundRun(regionId: $regionId) {
      round {
        id
        status
        needs
        supplies
        arcs
        proposed
        totalScore
        greedyScore
        error
        startedAt
        finishedAt
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const MatchProposedLive = graphql(`
  subscription MatchProposedLive($regionId: ID!) {
    matchProposed(regionId: $regionId) {
      kind
      proposalId
      needId
      projectId
      score
      forFoundation
    }
  }
`);

export const MatchDecidedLive = graphql(`
  subscription MatchDecidedLive($regionId: ID!) {
    matchDecided(regionId: $regionId) {
      kind
      proposalId
      projectId
      decision
      forFoundation
    }
  }
`);
