import { graphql } from '../../gql';

export const ServiceTaskFields = graphql(`
  fragment ServiceTaskFields on ServiceTask {
    id
    title
    place
    startsAt
    endsAt
    slots
    slotsLeft
    urgent
    status
    serviceType
    plannedMinutes
    requiredSkills
    proximity
    myClaimStatus
    isLead
    canManage
    claimedCount
    waitlistCount
    region {
      id
      name
    }
    lead {
      id
      displayName
    }
  }
`);

export const ServiceTasksDocument = graphql(`
  query ServiceTasks($first: Int!, $after: String, $filters: ServiceTaskFilter) {
    serviceTasks(first: $first, after: $after, filters: $filters) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...ServiceTaskFields
        }
      }
    }
  }
`);

export const MyTasksDocument = graphql(`
  query MyTasks($past: Boolean) {
    myTasks(past: $past) {
      ...ServiceTaskFields
    }
  }
`);

export const TaskDetailDocument = graphql(`
  query TaskDetail($id: ID!) {
    serviceTask(id: $id) {
      ...ServiceTaskFields
      description
      claims {
        id
        status
        noShow
        volunteer {
          id
          displayName
        }
        attendance {
          id
          checkedInAt
          checkedOutAt
          minutes
          confirmedAt
          creditedMinutes
          flagged
        }
      }
    }
  }
`);

export const TaskClaimDocument = graphql(`
  mutation TaskClaim($taskId: ID!, $idempotencyKey: String!, $waitlist: Boolean) {
    taskClaim(taskId: $taskId, idempotencyKey: $idempotencyKey, waitlist: $waitlist) {
      claim {
        id
        status
      }
      task {
        ...ServiceTaskFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TaskWithdrawDocument = graphql(`
  mutation TaskWithdraw($taskId: ID!) {
    taskWithdraw(taskId: $taskId) {
      task {
        ...ServiceTaskFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TaskCheckInDocument = graphql(`
  mutation TaskCheckIn($token: String!) {
    taskCheckIn(token: $token) {
      attendance {
        id
        checkedInAt
        task {
          id
          title
        }
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TaskCheckOutDocument = graphql(`
  mutation TaskCheckOut($token: String!) {
    taskCheckOut(token: $token) {
      attendance {
        id
        checkedOutAt
        minutes
        task {
          id
          title
        }
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TaskCheckinQrDocument = graphql(`
  query TaskCheckinQr($taskId: ID!) {
    taskCheckinQr(taskId: $taskId) {
      qr {
        token
        url
        svgDataUri
        expiresAt
        refreshInSeconds
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const HoursConfirmDocument = graphql(`
  mutation HoursConfirm($taskId: ID!, $visitNotes: String) {
    hoursConfirm(taskId: $taskId, visitNotes: $visitNotes) {
      attendances {
        id
        confirmedAt
        creditedMinutes
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const TaskChangedLive = graphql(`
  subscription TaskChangedLive($regionId: ID!) {
    taskChanged(regionId: $regionId) {
      taskId
      status
      slotsLeft
      kind
    }
  }
`);
