import { graphql } from '../../gql';

export const RecordedDonationsDocument = graphql(`
  query RecordedDonations($first: Int!, $after: String) {
    recordedDonations(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          donorName
          anonymous
          amountFen
          channel
          status
          receiptNumber
          message
          createdAt
          earmark {
            kind
            label
          }
        }
      }
    }
  }
`);

export const OfflineDonationRecordDocument = graphql(`
  mutation OfflineDonationRecord(
    $workstationId: ID!
    $channel: DonationChannel!
    $amountFen: Fen!
    $donorName: String
    $donorEmail: String
    $message: String
    $anonymous: Boolean
    $receiptNumber: String
    $externalReference: String
    $idempotencyKey: String!
  ) {
    offlineDonationRecord(
      workstationId: $workstationId
      channel: $channel
      amountFen: $amountFen
      donorName: $donorName
      donorEmail: $donorEmail
      message: $message
      anonymous: $anonymous
      receiptNumber: $receiptNumber
      externalReference: $externalReference
      idempotencyKey: $idempotencyKey
    ) {
      donation {
        id
        amountFen
        receiptNumber
      }
      errors {
        field
        code
        message
      }
    }
  }
`);
