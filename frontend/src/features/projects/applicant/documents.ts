import { graphql } from '../../../gql';

/** The applying organisation's side (申报方): its projects, the application, reports and spending. */

export const MyProjectsDocument = graphql(`
  query MyProjects($first: Int!, $after: String, $status: CharityProjectStatus) {
    projects(first: $first, after: $after, status: $status, mine: true) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          status
          category
          createdAt
          submittedAt
          requestedFen
          budgetTotalFen
          ...ProjectParties
          funding {
            grantFen
            releasedFen
            spentFen
          }
        }
      }
    }
  }
`);

export const ApplicationChoicesDocument = graphql(`
  query ApplicationChoices {
    projectOrganisations {
      id
      name
      kind
      region {
        id
        name
      }
    }
    foundations {
      id
      name
      region {
        id
        name
      }
      criteria {
        id
        name
        criteria {
          code
          name
          description
          weight
          maxScore
        }
      }
    }
    regions {
      id
      name
      level
      parentId
    }
  }
`);

export const ApplicantProjectFields = graphql(`
  fragment ApplicantProjectFields on CharityProject {
    id
    name
    summary
    goals
    status
    category
    beneficiaryGroups
    beneficiaryCount
    startsOn
    endsOn
    reviewRound
    createdAt
    submittedAt
    decidedAt
    requestedFen
    budgetTotalFen
    approvedFen
    viewerIsMember
    disclosureUrl
    ...ProjectParties
    funding {
      grantFen
      releasedFen
      committedFen
      donationsFen
      balanceFen
      spentFen
      gapFen
    }
    budgetLines {
      ...ProjectBudgetLineFields
    }
    milestones {
      ...ProjectMilestoneFields
    }
    decisions {
      ...ProjectDecisionFields
    }
    reports {
      ...ProjectReportFields
    }
    spendings {
      ...ProjectSpendingFields
    }
  }
`);

export const ApplicantProjectDocument = graphql(`
  query ApplicantProject($id: ID!) {
    project(id: $id) {
      ...ApplicantProjectFields
    }
  }
`);

export const ApplicationSaveDocument = graphql(`
  mutation ApplicationSave($projectId: ID, $input: ProjectApplicationInput!) {
    applicationSave(projectId: $projectId, input: $input) {
      project {
        ...ApplicantProjectFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ApplicationSubmitDocument = graphql(`
  mutation ApplicationSubmit($projectId: ID!) {
    applicationSubmit(projectId: $projectId) {
      project {
        id
        status
        reviewRound
        submittedAt
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ApplicationWithdrawDocument = graphql(`
  mutation ApplicationWithdraw($projectId: ID!, $reason: String) {
    applicationWithdraw(projectId: $projectId, reason: $reason) {
      project {
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

export const MilestoneReportSubmitDocument = graphql(`
  mutation MilestoneReportSubmit(
    $milestoneId: ID!
    $narrative: String!
    $householdsServed: Int
    $serviceMinutes: Int
    $goodsItems: Int
    $goodsDescription: String
  ) {
    milestoneReportSubmit(
      milestoneId: $milestoneId
      narrative: $narrative
      householdsServed: $householdsServed
      serviceMinutes: $serviceMinutes
      goodsItems: $goodsItems
      goodsDescription: $goodsDescription
    ) {
      report {
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

export const SpendingRecordDocument = graphql(`
  mutation SpendingRecord(
    $projectId: ID!
    $budgetLineId: ID!
    $amountFen: Fen!
    $spentOn: Date!
    $memo: String
    $idempotencyKey: String!
  ) {
    spendingRecord(
      projectId: $projectId
      budgetLineId: $budgetLineId
      amountFen: $amountFen
      spentOn: $spentOn
      memo: $memo
      idempotencyKey: $idempotencyKey
    ) {
      spending {
        id
        amountFen
      }
      errors {
        field
        code
        message
      }
    }
  }
`);
