import { graphql } from '../../gql';

/** Who a project is for and from: its region, applying organisation and foundation (names only). */
export const ProjectParties = graphql(`
  fragment ProjectParties on CharityProject {
    region {
      id
      name
    }
    organisation {
      id
      name
    }
    foundation {
      id
      name
    }
  }
`);

export const ProjectBudgetLineFields = graphql(`
  fragment ProjectBudgetLineFields on ProjectBudgetLine {
    id
    position
    name
    note
    category
    amountFen
  }
`);

export const ProjectMilestoneFields = graphql(`
  fragment ProjectMilestoneFields on ProjectMilestone {
    id
    position
    title
    dueOn
    deliverables
    plannedTrancheFen
    tranche {
      id
      status
      amountFen
      releasedAt
    }
  }
`);

export const ProjectDecisionFields = graphql(`
  fragment ProjectDecisionFields on ProjectDecision {
    id
    round
    reasons
    decidedAt
    outcome
    amountFen
  }
`);

export const ProjectReportFields = graphql(`
  fragment ProjectReportFields on ProjectMilestoneReport {
    id
    narrative
    householdsServed
    serviceMinutes
    goodsItems
    goodsDescription
    reviewedAt
    reviewNote
    submittedAt
    status
    milestoneId
    milestoneTitle
  }
`);

export const ProjectSpendingFields = graphql(`
  fragment ProjectSpendingFields on ProjectSpending {
    id
    spentOn
    memo
    amountFen
    budgetLineId
  }
`);

export const ProjectListFields = graphql(`
  fragment ProjectListFields on CharityProject {
    id
    name
    status
    category
    submittedAt
    decidedAt
    requestedFen
    approvedFen
    reviewRound
    ...ProjectParties
    funding {
      grantFen
      releasedFen
      spentFen
      gapFen
    }
  }
`);

export const ProjectsDocument = graphql(`
  query Projects($first: Int!, $after: String, $status: CharityProjectStatus, $search: String, $toReview: Boolean) {
    projects(first: $first, after: $after, status: $status, search: $search, toReview: $toReview) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...ProjectListFields
        }
      }
    }
  }
`);

export const ProjectFundingFields = graphql(`
  fragment ProjectFundingFields on ProjectFunding {
    budgetTotalFen
    requestedFen
    grantFen
    releasedFen
    committedFen
    donationsFen
    balanceFen
    spentFen
    proposedFen
    gapFen
  }
`);

export const ProjectDetailFields = graphql(`
  fragment ProjectDetailFields on CharityProject {
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
    closedAt
    requestedFen
    budgetTotalFen
    approvedFen
    disclosureUrl
    viewerIsMember
    viewerActsForFoundation
    region {
      id
      name
    }
    organisation {
      id
      name
      kind
    }
    foundation {
      id
      name
      availableFen
      reviewers {
        id
        displayName
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
          position
        }
      }
    }
    funding {
      ...ProjectFundingFields
    }
    budgetLines {
      ...ProjectBudgetLineFields
    }
    milestones {
      ...ProjectMilestoneFields
    }
    tranches {
      id
      createdAt
      releasedAt
      canceledAt
      amountFen
      status
      milestoneTitle
    }
    decisions {
      ...ProjectDecisionFields
    }
    reports {
      ...ProjectReportFields
      submittedBy {
        id
        displayName
      }
    }
    spendings {
      ...ProjectSpendingFields
      createdAt
    }
    evaluations {
      id
      rating
      summary
      submittedAt
      evaluator {
        id
        displayName
      }
    }
    attachments {
      id
      name
      size
      url
    }
    reviews {
      id
      round
      totalScore
      comment
      submittedAt
      recommendation
      reviewer {
        id
        displayName
      }
      scores {
        code
        name
        score
        maxScore
      }
    }
    assignments {
      id
      assignedAt
      status
      reviewer {
        id
        displayName
      }
    }
    events {
      id
      at
      kind
      kindLabel
      actor {
        id
        displayName
      }
    }
  }
`);

export const ProjectDocument = graphql(`
  query Project($id: ID!) {
    project(id: $id) {
      ...ProjectDetailFields
    }
  }
`);


export const ReviewerAssignDocument = graphql(`
  mutation ReviewerAssign($projectId: ID!, $reviewerId: ID!) {
    reviewerAssign(projectId: $projectId, reviewerId: $reviewerId) {
      assignment {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ConflictDeclareDocument = graphql(`
  mutation ConflictDeclare($projectId: ID!, $reason: String!) {
    conflictDeclare(projectId: $projectId, reason: $reason) {
      ok
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ReviewSubmitDocument = graphql(`
  mutation ReviewSubmit(
    $projectId: ID!
    $recommendation: ProjectReviewRecommendation!
    $scores: [ProjectScoreInput!]!
    $comment: String
  ) {
    reviewSubmit(projectId: $projectId, recommendation: $recommendation, scores: $scores, comment: $comment) {
      review {
        id
        totalScore
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const DecisionMakeDocument = graphql(`
  mutation DecisionMake($projectId: ID!, $outcome: ProjectDecisionOutcome!, $reasons: String!, $amountFen: Fen) {
    decisionMake(projectId: $projectId, outcome: $outcome, reasons: $reasons, amountFen: $amountFen) {
      decision {
        id
        outcome
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TrancheReleaseDocument = graphql(`
  mutation TrancheRelease($trancheId: ID!) {
    trancheRelease(trancheId: $trancheId) {
      tranche {
        id
        status
        releasedAt
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ReportApproveDocument = graphql(`
  mutation MilestoneReportApprove($reportId: ID!, $note: String) {
    milestoneReportApprove(reportId: $reportId, note: $note) {
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

export const ReportReturnDocument = graphql(`
  mutation MilestoneReportReturn($reportId: ID!, $note: String) {
    milestoneReportReturn(reportId: $reportId, note: $note) {
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

export const EvaluationSubmitDocument = graphql(`
  mutation EvaluationSubmit($projectId: ID!, $rating: Int!, $summary: String!) {
    evaluationSubmit(projectId: $projectId, rating: $rating, summary: $summary) {
      evaluation {
        id
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ProjectCloseDocument = graphql(`
  mutation ProjectClose($projectId: ID!, $completed: Boolean!, $reason: String!) {
    projectClose(projectId: $projectId, completed: $completed, reason: $reason) {
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

export const FundProposalFields = graphql(`
  fragment FundProposalFields on ProjectFundProposal {
    id
    fundKey
    fundLabel
    score
    reason
    status
    amountFen
    availableFen
    gapFen
    components
    createdAt
    decidedAt
    reviewer {
      id
      displayName
    }
    project {
      id
      name
      status
      region {
        id
        name
      }
      organisation {
        id
        name
      }
    }
  }
`);

export const FundProposalsDocument = graphql(`
  query ProjectFundProposals($first: Int!, $after: String, $status: ProjectFundProposalStatus) {
    projectFundProposals(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...FundProposalFields
        }
      }
    }
  }
`);

export const FundProposalAcceptDocument = graphql(`
  mutation ProjectFundProposalAccept($proposalId: ID!) {
    projectFundProposalAccept(proposalId: $proposalId) {
      proposal {
        ...FundProposalFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const FundProposalRejectDocument = graphql(`
  mutation ProjectFundProposalReject($proposalId: ID!, $reason: String!) {
    projectFundProposalReject(proposalId: $proposalId, reason: $reason) {
      proposal {
        ...FundProposalFields
      }
      nextProposals {
        id
        fundLabel
        score
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

/** Only the fields both shapes of the foundation event carry (the event's other fields are being renamed). */
export const FundMatchProposedLive = graphql(`
  subscription FundMatchProposedLive($regionId: ID!) {
    matchProposed(regionId: $regionId) {
      proposalId
      forFoundation
    }
  }
`);

export const FundMatchDecidedLive = graphql(`
  subscription FundMatchDecidedLive($regionId: ID!) {
    matchDecided(regionId: $regionId) {
      proposalId
      forFoundation
    }
  }
`);

export const MonitoredProjectsDocument = graphql(`
  query MonitoredProjects($status: CharityProjectStatus) {
    projects(first: 100, status: $status) {
      edges {
        node {
          id
          name
          status
        }
      }
    }
  }
`);

export const ProjectDashboardDocument = graphql(`
  query ProjectDashboard($projectId: ID!) {
    projectDashboard(projectId: $projectId) {
      project {
        id
        name
        status
        startsOn
        endsOn
      }
      funding {
        ...ProjectFundingFields
      }
      lines {
        budgetLine {
          id
          name
          category
        }
        budgetFen
        spentFen
        remainingFen
      }
      tranches {
        id
        amountFen
        status
        milestoneTitle
        releasedAt
      }
      reports {
        id
        status
        milestoneTitle
        householdsServed
        serviceMinutes
        goodsItems
        submittedAt
      }
      householdsServed
      serviceMinutes
      goodsItems
      ratingCount
      ratingAverageTenths
    }
  }
`);
