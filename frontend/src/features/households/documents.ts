import { graphql } from '../../gql';

export const HouseholdsDocument = graphql(`
  query Households(
    $first: Int!
    $after: String
    $category: [HouseholdCategory!]
    $tag: [HouseholdTag!]
    $regionId: ID
    $urgentNeeds: Boolean
    $possibleDuplicate: Boolean
    $economicCheckStatus: EconomicCheckStatus
    $idNumber: String
    $orderBy: [HouseholdOrderBy!]
  ) {
    households(
      first: $first
      after: $after
      category: $category
      tag: $tag
      regionId: $regionId
      urgentNeeds: $urgentNeeds
      possibleDuplicate: $possibleDuplicate
      economicCheckStatus: $economicCheckStatus
      idNumber: $idNumber
      orderBy: $orderBy
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          category
          tags
          memberCount
          headAgeBand
          economicCheckStatus
          possibleDuplicate
          lastVisitedAt
          createdAt
          community {
            id
            name
          }
          needs(status: [open, proposed, matched]) {
            id
            urgent
          }
        }
      }
    }
  }
`);

export const HouseholdDocument = graphql(`
  query Household($id: ID!) {
    household(id: $id) {
      id
      category
      tags
      economicCheckStatus
      checkedAt
      nextCheckDue
      possibleDuplicate
      createdAt
      lastVisitedAt
      memberCount
      headAgeBand
      community {
        id
        name
      }
      region {
        id
        name
        level
      }
      registeredBy {
        id
        name
      }
      members {
        position
        relation
        ageBand
        sex
        tags
      }
      duplicateFlags {
        streetName
        registeredOn
        message
      }
      needs {
        id
        kind
        status
        urgent
        amountFen
        goodsCategory
        goodsItem
        quantity
        serviceType
        minutes
        description
        openedAt
        history {
          fromStatus
          toStatus
          at
          actorName
          note
        }
      }
    }
  }
`);

export const PersonalDataDocument = graphql(`
  query HouseholdPersonalData($id: ID!, $purpose: String!) {
    householdPersonalData(id: $id, purpose: $purpose) {
      personalData {
        headName
        idNumber
        phone
        address
        memberNames
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const HouseholdRegisterDocument = graphql(`
  mutation HouseholdRegister(
    $regionId: ID!
    $category: HouseholdCategory!
    $tags: [HouseholdTag!]
    $economicCheckStatus: EconomicCheckStatus
    $checkedAt: Date
    $nextCheckDue: Date
    $headName: String!
    $idNumber: String!
    $phone: String
    $address: String!
    $members: [HouseholdMemberInput!]!
  ) {
    householdRegister(
      regionId: $regionId
      category: $category
      tags: $tags
      economicCheckStatus: $economicCheckStatus
      checkedAt: $checkedAt
      nextCheckDue: $nextCheckDue
      headName: $headName
      idNumber: $idNumber
      phone: $phone
      address: $address
      members: $members
    ) {
      household {
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

export const NeedCreateDocument = graphql(`
  mutation NeedCreate(
    $householdId: ID!
    $kind: NeedKind!
    $urgent: Boolean
    $amountFen: Fen
    $goodsCategory: NeedGoodsCategory
    $goodsItem: String
    $quantity: Int
    $serviceType: NeedServiceType
    $minutes: Int
    $description: String
  ) {
    needCreate(
      householdId: $householdId
      kind: $kind
      urgent: $urgent
      amountFen: $amountFen
      goodsCategory: $goodsCategory
      goodsItem: $goodsItem
      quantity: $quantity
      serviceType: $serviceType
      minutes: $minutes
      description: $description
    ) {
      need {
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

export const VisitRecordDocument = graphql(`
  mutation VisitRecord($householdId: ID!, $visitedAt: DateTime!, $notes: String) {
    visitRecord(householdId: $householdId, visitedAt: $visitedAt, notes: $notes) {
      errors {
        field
        code
        message
      }
    }
  }
`);

export const OverdueVisitsDocument = graphql(`
  query OverdueVisits($month: String) {
    overdueVisits(month: $month) {
      count
      community {
        id
        name
      }
      households {
        id
        category
        tags
        headAgeBand
        memberCount
        lastVisitedAt
      }
    }
  }
`);

// A page of the household's visit records; every request is an audited read (never served from the cache).
export const HouseholdVisitsDocument = graphql(`
  query HouseholdVisits($householdId: ID!, $first: Int!, $after: String, $visitedFrom: Date, $visitedTo: Date, $visitorId: ID) {
    householdVisits(
      householdId: $householdId
      first: $first
      after: $after
      visitedFrom: $visitedFrom
      visitedTo: $visitedTo
      visitorId: $visitorId
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          visitedAt
          visitorId
          visitorName
          recordedByMe
          notes
        }
      }
    }
  }
`);
