"""`me.memberOrganisationIds`: the web app shows the applicant's screens (我的项目) to organisation members only."""

from __future__ import annotations

from tests.conftest import gid

ME = "{ me { memberOrganisationIds } }"


def test_it_lists_the_organisations_a_member_belongs_to(gql, org_north, nina_applicant_north,
                                                       ivy_reviewer_north_member):
    # given nina, the manager of the north organisation, and ivy, a reviewer added as a plain member
    # when each asks who they are
    # then both see the organisation's id
    assert gql(ME, as_user=nina_applicant_north)["me"]["memberOrganisationIds"] == [gid(org_north,
                                                                                        "ProjectOrganisation")]
    assert gql(ME, as_user=ivy_reviewer_north_member)["me"]["memberOrganisationIds"] == [
        gid(org_north, "ProjectOrganisation")]


def test_it_lists_none_for_staff_of_the_region_and_other_applicants(gql, org_north, org_south, alice_staff_north,
                                                                    oscar_applicant_south, bob_volunteer_north):
    # given alice, staff of the north street who registered the north organisation but is not its member
    # then she belongs to none; oscar sees only his own south organisation; a volunteer none
    assert gql(ME, as_user=alice_staff_north)["me"]["memberOrganisationIds"] == []
    assert gql(ME, as_user=oscar_applicant_south)["me"]["memberOrganisationIds"] == [
        gid(org_south, "ProjectOrganisation")]
    assert gql(ME, as_user=bob_volunteer_north)["me"]["memberOrganisationIds"] == []
