import { graphql } from '../../gql';

export const VisitRateDashboardDocument = graphql(`
  query VisitRateDashboard($regionId: ID!, $month: Date) {
    volunteeringDashboard(regionId: $regionId, month: $month) {
      month
      region {
        id
        name
      }
      total {
        keyHouseholds
        visited
        ratePercent
      }
      communities {
        region {
          id
          name
        }
        keyHouseholds
        visited
        ratePercent
      }
      streets {
        region {
          id
          name
        }
        keyHouseholds
        visited
        ratePercent
      }
      overdueCount
    }
  }
`);
