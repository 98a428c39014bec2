"""Applying organisations over GraphQL: who may add members (by email or user id), typed errors that change
nothing, and the members list — scoped to the organisation's members and its region's staff, fixed queries."""

from __future__ import annotations

from typing import Any

from huzhu.projects import selectors
from huzhu.projects.models import OrganisationMember
from tests.conftest import gid, make_user

MEMBERS = """query($o: ID!) { projectOrganisationMembers(organisationId: $o) {
  userId displayName email role addedAt } }"""
ADD = """mutation($o: ID!, $u: ID, $e: String, $m: Boolean) {
  organisationMemberAdd(organisationId: $o, userId: $u, email: $e, manager: $m) {
    organisation { id name } errors { field code message } } }"""
CREATE = """mutation($name: String!, $kind: ProjectOrganisationKind!, $r: ID, $c: String) {
  organisationCreate(name: $name, kind: $kind, regionId: $r, creditCode: $c) {
    organisation { id name kind creditCode region { name } } errors { field code message } } }"""


def members(org: Any) -> list[tuple[str, str]]:
    return sorted((m.user.email, m.role) for m in OrganisationMember.objects.filter(organisation=org)
                  .select_related("user"))


def test_a_manager_adds_a_member_by_email_and_both_see_the_list(gql, org_north, nina_applicant_north):
    pia = make_user("Pia.Member@test.huzhu")
    body = gql(ADD, {"o": gid(org_north, "ProjectOrganisation"), "e": " pia.member@TEST.huzhu "},
               as_user=nina_applicant_north)["organisationMemberAdd"]
    assert body["errors"] == [] and body["organisation"]["name"] == "北街道阳光社工服务社"
    assert members(org_north) == [("Pia.Member@test.huzhu", "member"), ("nina.applicant@test.huzhu", "manager")]
    for viewer in (nina_applicant_north, pia):
        rows = gql(MEMBERS, {"o": gid(org_north, "ProjectOrganisation")}, as_user=viewer)["projectOrganisationMembers"]
        assert [(r["email"], r["role"]) for r in rows] == [
            ("nina.applicant@test.huzhu", "manager"), ("Pia.Member@test.huzhu", "member")]
        assert rows[1]["userId"] == gid(pia, "User")


def test_region_staff_add_a_manager_by_user_id(gql, org_north, alice_staff_north):
    pia = make_user("pia.member@test.huzhu")
    body = gql(ADD, {"o": gid(org_north, "ProjectOrganisation"), "u": gid(pia, "User"), "m": True},
               as_user=alice_staff_north)["organisationMemberAdd"]
    assert body["errors"] == []
    assert ("pia.member@test.huzhu", "manager") in members(org_north)


def test_member_add_refuses_with_typed_errors_and_changes_nothing(gql, org_north, nina_applicant_north,
                                                                  carol_staff_south, oscar_applicant_south):
    make_user("pia.member@test.huzhu")
    before = members(org_north)
    org = gid(org_north, "ProjectOrganisation")
    cases = [
        (nina_applicant_north, {"e": "nobody@test.huzhu"}, ("email", "NOT_FOUND")),
        (nina_applicant_north, {"e": "  "}, ("email", "REQUIRED")),
        (nina_applicant_north, {}, ("email", "REQUIRED")),
        (carol_staff_south, {"e": "pia.member@test.huzhu"}, (None, "PERMISSION_DENIED")),  # another street
        (oscar_applicant_south, {"e": "pia.member@test.huzhu"}, (None, "PERMISSION_DENIED")),  # another org
    ]
    for actor, variables, (field, code) in cases:
        errors = gql(ADD, {"o": org, **variables}, as_user=actor)["organisationMemberAdd"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [(field, code)], (variables, errors)
        assert errors[0]["message"]
    assert members(org_north) == before


def test_a_plain_member_may_not_add_members(gql, org_north, alice_staff_north):
    pia = make_user("pia.member@test.huzhu")
    gql(ADD, {"o": gid(org_north, "ProjectOrganisation"), "u": gid(pia, "User")}, as_user=alice_staff_north)
    make_user("quinn@test.huzhu")
    errors = gql(ADD, {"o": gid(org_north, "ProjectOrganisation"), "e": "quinn@test.huzhu"},
                 as_user=pia)["organisationMemberAdd"]["errors"]
    assert [e["code"] for e in errors] == ["PERMISSION_DENIED"]
    assert "quinn@test.huzhu" not in [email for email, _ in members(org_north)]


def test_outsiders_see_no_members(gql, org_north, carol_staff_south, oscar_applicant_south, rita_reviewer):
    for viewer in (carol_staff_south, oscar_applicant_south, rita_reviewer):
        assert gql(MEMBERS, {"o": gid(org_north, "ProjectOrganisation")},
                   as_user=viewer)["projectOrganisationMembers"] == []
    body = gql(MEMBERS, {"o": "bogus"}, as_user=carol_staff_south, expect_errors=True)
    assert body["errors"][0]["extensions"]["field"] == "organisationId"


def test_the_members_list_takes_a_fixed_number_of_queries(org_north, alice_staff_north, django_assert_num_queries):
    from huzhu.projects import services

    for i in range(5):
        user = make_user(f"m{i}@test.huzhu")
        services.organisation_member_add(actor=alice_staff_north, organisation_id=org_north.pk, user_id=user.pk)
    staff = type(alice_staff_north).objects.get(pk=alice_staff_north.pk)  # nothing cached
    with django_assert_num_queries(4):  # grants, memberships, the visibility check, the members with users
        rows = list(selectors.organisation_member_list(actor=staff, organisation_id=org_north.pk))
        assert [m.user.email for m in rows][:1] == ["nina.applicant@test.huzhu"] and len(rows) == 6


def test_staff_create_an_organisation_and_a_taken_name_is_refused_at_its_field(gql, regions, alice_staff_north):
    variables = {"name": "北街道新社工站", "kind": "social_organisation", "r": gid(regions["north"], "Region"),
                 "c": "52310000MJ0000000X"}
    body = gql(CREATE, variables, as_user=alice_staff_north)["organisationCreate"]
    assert body["errors"] == [] and body["organisation"]["creditCode"] == "52310000MJ0000000X"
    again = gql(CREATE, variables, as_user=alice_staff_north)["organisationCreate"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("name", "CONFLICT")]
    assert again["organisation"] is None
    listed = gql("{ projectOrganisations { name } }", as_user=alice_staff_north)["projectOrganisations"]
    assert [o["name"] for o in listed] == ["北街道新社工站"]
