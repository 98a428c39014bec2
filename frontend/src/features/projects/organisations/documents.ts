import { graphql } from '../../../gql';

/** Applying organisations (申报机构): the ones I see, their members; registering one and adding members. */

export const OrganisationsDocument = graphql(`
  query Organisations {
    projectOrganisations {
      id
      name
      kind
      creditCode
      createdAt
      region {
        id
        name
      }
    }
  }
`);

export const OrganisationMembersDocument = graphql(`
  query OrganisationMembers($organisationId: ID!) {
    projectOrganisationMembers(organisationId: $organisationId) {
      userId
      displayName
      email
      role
      addedAt
    }
  }
`);

export const OrganisationWorkstationsDocument = graphql(`
  query OrganisationWorkstations {
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

export const OrganisationCreateDocument = graphql(`
  mutation OrganisationCreate($name: String!, $kind: ProjectOrganisationKind!, $regionId: ID, $workstationId: ID, $creditCode: String) {
    organisationCreate(name: $name, kind: $kind, regionId: $regionId, workstationId: $workstationId, creditCode: $creditCode) {
      organisation {
        id
        name
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const OrganisationMemberAddDocument = graphql(`
  mutation OrganisationMemberAdd($organisationId: ID!, $email: String!, $manager: Boolean) {
    organisationMemberAdd(organisationId: $organisationId, email: $email, manager: $manager) {
      organisation {
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
