import { graphql } from '../../gql';

export const WorkstationsDocument = graphql(`
  query Workstations {
    workstations {
      id
      name
      region {
        id
        name
        parentId
      }
    }
  }
`);

export const GoodsTaxonomyDocument = graphql(`
  query GoodsTaxonomy {
    goodsTaxonomy {
      key
      name
      unit
    }
  }
`);

export const StockDocument = graphql(`
  query Stock($workstationId: ID!) {
    stock(workstationId: $workstationId) {
      itemKey
      name
      category
      unit
      onHand
      reserved
      available
    }
  }
`);

export const StockMovementsDocument = graphql(`
  query StockMovements($workstationId: ID!, $itemKey: String, $first: Int!, $after: String) {
    stockMovements(workstationId: $workstationId, itemKey: $itemKey, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          kind
          itemKey
          quantity
          onHandDelta
          reservedDelta
          reason
          createdAt
        }
      }
    }
  }
`);

export const WorkstationGoodsPledgesDocument = graphql(`
  query WorkstationGoodsPledges($workstationId: ID!, $first: Int!, $after: String) {
    workstationGoodsPledges(workstationId: $workstationId, first: $first, after: $after) {
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
          itemKey
          itemName
          unit
          quantity
          receivedQuantity
          condition
          status
          message
          createdAt
          receivedAt
        }
      }
    }
  }
`);

export const GoodsReceiveDocument = graphql(`
  mutation GoodsReceive(
    $workstationId: ID!
    $quantity: Int!
    $pledgeId: ID
    $itemKey: String
    $condition: GoodsCondition
    $donorName: String
    $idempotencyKey: String
  ) {
    goodsReceive(
      workstationId: $workstationId
      quantity: $quantity
      pledgeId: $pledgeId
      itemKey: $itemKey
      condition: $condition
      donorName: $donorName
      idempotencyKey: $idempotencyKey
    ) {
      pledge {
        id
        status
        receivedQuantity
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const StockWriteOffDocument = graphql(`
  mutation StockWriteOff($workstationId: ID!, $itemKey: String!, $quantity: Int!, $reason: String!) {
    stockWriteOff(workstationId: $workstationId, itemKey: $itemKey, quantity: $quantity, reason: $reason) {
      ok
      errors {
        field
        code
        message
      }
    }
  }
`);

export const StockChangedLive = graphql(`
  subscription StockChanged($workstationId: ID!) {
    stockChanged(workstationId: $workstationId) {
      workstationId
      item
      onHand
    }
  }
`);
