import { graphql } from '../../gql';

/** What the give page offers: whether online payment is on (and how to load Stripe.js), earmarks, goods, places. */
export const GiveOptionsDocument = graphql(`
  query GiveOptions {
    givingConfig {
      onlinePaymentEnabled
      publishableKey
      stripeJsUrl
      paymentMethodTypes
      maxOnlineAmountFen
    }
    goodsTaxonomy {
      key
      category
      item
      name
      unit
    }
    workstations {
      id
      name
      region {
        id
        name
      }
    }
  }
`);

export const GiveProjectsDocument = graphql(`
  query GiveProjects($first: Int!, $after: String) {
    publicProjects(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          category
          earmarkProjectId
          gapFen
          region {
            name
          }
        }
      }
    }
  }
`);

export const GiveRegionsDocument = graphql(`
  query GiveRegions {
    regions {
      id
      name
      level
      parentId
    }
  }
`);

export const DonationCreateDocument = graphql(`
  mutation DonationCreate(
    $amountFen: Fen!
    $earmarkCategory: GivingNeedCategory
    $earmarkProjectId: ID
    $message: String
    $anonymous: Boolean
    $idempotencyKey: String!
  ) {
    donationCreate(
      amountFen: $amountFen
      earmarkCategory: $earmarkCategory
      earmarkProjectId: $earmarkProjectId
      message: $message
      anonymous: $anonymous
      idempotencyKey: $idempotencyKey
    ) {
      donation {
        id
        status
      }
      clientSecret
      errors {
        field
        code
        message
      }
    }
  }
`);

export const DonationPayCardDocument = graphql(`
  mutation DonationPayCard($donationId: ID!, $cardToken: String!) {
    donationPayCard(donationId: $donationId, cardToken: $cardToken) {
      paymentStatus
      clientSecret
      errors {
        field
        code
        message
      }
    }
  }
`);

export const DonationCancelDocument = graphql(`
  mutation DonationCancel($donationId: ID!) {
    donationCancel(donationId: $donationId) {
      donation {
        id
        status
        clientSecret
        trace {
          at
          stage
          stageLabel
          detail
          beneficiary
          communityName
          quantity
          amountFen
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

export const RecurringDonationCreateDocument = graphql(`
  mutation RecurringDonationCreate(
    $amountFen: Fen!
    $earmarkCategory: GivingNeedCategory
    $earmarkProjectId: ID
    $message: String
    $anonymous: Boolean
    $idempotencyKey: String!
  ) {
    recurringDonationCreate(
      amountFen: $amountFen
      earmarkCategory: $earmarkCategory
      earmarkProjectId: $earmarkProjectId
      message: $message
      anonymous: $anonymous
      idempotencyKey: $idempotencyKey
    ) {
      recurringDonation {
        id
        status
      }
      setupClientSecret
      errors {
        field
        code
        message
      }
    }
  }
`);

export const RecurringDonationActivateDocument = graphql(`
  mutation RecurringDonationActivate($id: ID!) {
    recurringDonationActivate(id: $id) {
      recurringDonation {
        id
        status
        nextChargeOn
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const GoodsPledgeCreateDocument = graphql(`
  mutation GoodsPledgeCreate(
    $workstationId: ID!
    $itemKey: String!
    $quantity: Int!
    $condition: GoodsCondition!
    $message: String
    $anonymous: Boolean
    $idempotencyKey: String!
  ) {
    goodsPledgeCreate(
      workstationId: $workstationId
      itemKey: $itemKey
      quantity: $quantity
      condition: $condition
      message: $message
      anonymous: $anonymous
      idempotencyKey: $idempotencyKey
    ) {
      pledge {
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

export const ServicePledgeCreateDocument = graphql(`
  mutation ServicePledgeCreate(
    $serviceType: PledgeServiceType!
    $minutesPerMonth: Int!
    $regionId: ID!
    $description: String
    $pledgerKind: PledgerKind
    $organisationName: String
    $idempotencyKey: String!
  ) {
    servicePledgeCreate(
      serviceType: $serviceType
      minutesPerMonth: $minutesPerMonth
      regionId: $regionId
      description: $description
      pledgerKind: $pledgerKind
      organisationName: $organisationName
      idempotencyKey: $idempotencyKey
    ) {
      pledge {
        id
        active
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const MyPledgesDocument = graphql(`
  query MyPledges {
    myPledges {
      goods {
        id
        itemName
        unit
        quantity
        receivedQuantity
        condition
        status
        createdAt
        workstation {
          name
        }
      }
      services {
        id
        serviceType
        minutesPerMonth
        active
        createdAt
        region {
          name
        }
      }
      recurring {
        id
        amountFen
        status
        dayOfMonth
        nextChargeOn
        earmark {
          label
        }
      }
    }
  }
`);

export const PublicDisclosureDocument = graphql(`
  query PublicDisclosure($year: Int) {
    publicDisclosure(year: $year) {
      year
      totalIncomeFen
      totalDisbursedFen
      refundsFen
      income {
        month
        target
        amountFen
        count
      }
      disbursements {
        month
        target
        amountFen
        count
      }
      goodsReceived {
        month
        item
        quantity
      }
    }
  }
`);
