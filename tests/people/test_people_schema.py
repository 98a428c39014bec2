"""Roles granted and revoked by administrators of a region; volunteers edit their own profile."""

from __future__ import annotations

from typing import Any

import pytest
from graphql_relay import to_global_id

from huzhu.people.models import RoleGrant, VolunteerProfile
from tests.conftest import gid, make_user

GRANT = """mutation($u: ID!, $role: Role!, $r: ID!) {
  roleGrant(userId: $u, role: $role, regionId: $r) { ok errors { field code message } } }"""
REVOKE = """mutation($u: ID!, $role: Role!, $r: ID!) {
  roleRevoke(userId: $u, role: $role, regionId: $r) { ok errors { field code message } } }"""
PROFILE = """mutation($c: ID, $skills: [String!], $langs: [String!], $slots: [AvailabilitySlotInput!]) {
  volunteerProfileUpdate(homeCommunityId: $c, skills: $skills, languages: $langs, availability: $slots) {
    profile { skills languages availability { weekday start end } homeCommunity { code } }
    errors { field code message } } }"""
ME = "{ me { email isSuperuser roles { role region { code } } volunteerProfile { skills } } }"


@pytest.fixture
def newcomer(regions: dict[str, Any]) -> Any:
    return make_user("newcomer@test.huzhu")


@pytest.fixture
def sue_admin_south(regions: dict[str, Any]) -> Any:
    return make_user("sue.admin@test.huzhu", ("administrator", regions["south"]))


def _vars(user: Any, role: str, region: Any) -> dict[str, Any]:
    return {"u": gid(user, "User"), "role": role, "r": gid(region, "Region")}


# --- roleGrant ----------------------------------------------------------------------------------------------

def test_it_lets_a_district_administrator_grant_a_role_in_a_street(gql: Any, regions: Any, ada_admin: Any,
                                                                   newcomer: Any) -> None:
    # when the district administrator makes the newcomer a volunteer of the north street
    data = gql(GRANT, _vars(newcomer, "volunteer", regions["north"]), as_user=ada_admin)
    # then the grant exists, and `me` shows it to the newcomer
    assert data["roleGrant"] == {"ok": True, "errors": []}
    assert RoleGrant.objects.filter(user=newcomer, role="volunteer", region=regions["north"]).exists()
    me = gql(ME, as_user=newcomer)["me"]
    assert me["roles"] == [{"role": "volunteer", "region": {"code": "t-north"}}]
    grant = RoleGrant.objects.get(user=newcomer)
    assert grant.granted_by_id == ada_admin.id


def test_it_grants_the_same_role_twice_as_one(gql: Any, regions: Any, ada_admin: Any, newcomer: Any) -> None:
    for _ in range(2):
        assert gql(GRANT, _vars(newcomer, "donor", regions["district"]), as_user=ada_admin)["roleGrant"]["ok"]
    assert RoleGrant.objects.filter(user=newcomer).count() == 1


def test_it_refuses_a_grant_by_the_administrator_of_another_street(gql: Any, regions: Any, sue_admin_south: Any,
                                                                   newcomer: Any) -> None:
    # given the south street's administrator
    # when she grants a role in the north street
    data = gql(GRANT, _vars(newcomer, "workstation_staff", regions["north"]), as_user=sue_admin_south)
    # then she is refused, and nothing was written
    assert data["roleGrant"]["ok"] is None
    assert data["roleGrant"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_it_lets_a_street_administrator_grant_in_a_community_of_her_street(gql: Any, regions: Any,
                                                                           sue_admin_south: Any,
                                                                           newcomer: Any) -> None:
    data = gql(GRANT, _vars(newcomer, "social_worker", regions["south_c2"]), as_user=sue_admin_south)
    assert data["roleGrant"] == {"ok": True, "errors": []}
    assert RoleGrant.objects.filter(user=newcomer, region=regions["south_c2"]).exists()


def test_it_refuses_a_grant_by_staff(gql: Any, regions: Any, alice_staff_north: Any, newcomer: Any) -> None:
    data = gql(GRANT, _vars(newcomer, "volunteer", regions["north"]), as_user=alice_staff_north)
    assert data["roleGrant"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_it_refuses_a_grant_to_an_unknown_user(gql: Any, regions: Any, ada_admin: Any) -> None:
    variables = {"u": "VXNlcjo5OTk5OTk5", "role": "volunteer", "r": gid(regions["north"], "Region")}  # User:9999999
    data = gql(GRANT, variables, as_user=ada_admin)
    assert data["roleGrant"]["errors"] == [
        {"field": "userId", "code": "NOT_FOUND", "message": data["roleGrant"]["errors"][0]["message"]}
    ]
    assert RoleGrant.objects.count() == 1  # ada's own


@pytest.mark.parametrize("region_id", ["", "not-base64!", to_global_id("Household", "1")])
def test_it_refuses_a_grant_in_a_malformed_region(gql: Any, regions: Any, ada_admin: Any, newcomer: Any,
                                                  region_id: str) -> None:
    data = gql(GRANT, {"u": gid(newcomer, "User"), "role": "volunteer", "r": region_id}, as_user=ada_admin)
    error = data["roleGrant"]["errors"][0]
    assert error["field"] == "regionId"
    assert error["code"] in ("INVALID", "NOT_FOUND")
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_it_refuses_an_unknown_role_before_executing(gql: Any, regions: Any, ada_admin: Any, newcomer: Any) -> None:
    body = gql.raw(GRANT, _vars(newcomer, "king", regions["north"]), as_user=ada_admin)
    assert body["errors"]
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def test_it_asks_an_anonymous_caller_to_log_in(gql: Any, regions: Any, newcomer: Any) -> None:
    body = gql.raw(GRANT, _vars(newcomer, "volunteer", regions["north"]))
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not RoleGrant.objects.filter(user=newcomer).exists()


# --- roleRevoke ---------------------------------------------------------------------------------------------

def test_it_revokes_a_role_and_the_next_request_no_longer_has_it(gql: Any, regions: Any, ada_admin: Any,
                                                                 bob_volunteer_north: Any) -> None:
    data = gql(REVOKE, _vars(bob_volunteer_north, "volunteer", regions["north"]), as_user=ada_admin)
    assert data["roleRevoke"] == {"ok": True, "errors": []}
    assert gql(ME, as_user=bob_volunteer_north)["me"]["roles"] == []


def test_it_refuses_a_revoke_by_the_administrator_of_another_street(gql: Any, regions: Any, sue_admin_south: Any,
                                                                    bob_volunteer_north: Any) -> None:
    data = gql(REVOKE, _vars(bob_volunteer_north, "volunteer", regions["north"]), as_user=sue_admin_south)
    assert data["roleRevoke"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert RoleGrant.objects.filter(user=bob_volunteer_north, role="volunteer").exists()


def test_it_answers_a_revoke_of_a_role_not_held_with_not_found(gql: Any, regions: Any, ada_admin: Any,
                                                                bob_volunteer_north: Any) -> None:
    data = gql(REVOKE, _vars(bob_volunteer_north, "donor", regions["north"]), as_user=ada_admin)
    assert data["roleRevoke"]["errors"][0]["code"] == "NOT_FOUND"
    assert RoleGrant.objects.filter(user=bob_volunteer_north).count() == 1


# --- volunteerProfileUpdate ---------------------------------------------------------------------------------

def test_it_lets_a_volunteer_update_his_profile(gql: Any, regions: Any, bob_volunteer_north: Any) -> None:
    data = gql(PROFILE, {
        "c": gid(regions["north_c2"], "Region"), "skills": ["cleaning", " home_visit ", "cleaning"],
        "langs": ["zh", "shanghainese"],
        "slots": [{"weekday": 5, "start": 540, "end": 720}, {"weekday": 1, "start": 840, "end": 1020}],
    }, as_user=bob_volunteer_north)
    assert data["volunteerProfileUpdate"]["errors"] == []
    assert data["volunteerProfileUpdate"]["profile"] == {
        "skills": ["cleaning", "home_visit"],
        "languages": ["shanghainese", "zh"],
        "availability": [{"weekday": 1, "start": 840, "end": 1020}, {"weekday": 5, "start": 540, "end": 720}],
        "homeCommunity": {"code": "t-north-c2"},
    }
    profile = VolunteerProfile.objects.get(user=bob_volunteer_north)
    assert profile.home_community_id == regions["north_c2"].id


@pytest.mark.parametrize(
    ("slots", "code"),
    [
        ([{"weekday": 7, "start": 540, "end": 600}], "OUT_OF_RANGE"),
        ([{"weekday": -1, "start": 540, "end": 600}], "OUT_OF_RANGE"),
        ([{"weekday": 1, "start": 600, "end": 540}], "OUT_OF_RANGE"),
        ([{"weekday": 1, "start": 600, "end": 600}], "OUT_OF_RANGE"),
        ([{"weekday": 1, "start": 1380, "end": 1441}], "OUT_OF_RANGE"),
        ([{"weekday": 1, "start": 540, "end": 720}, {"weekday": 1, "start": 700, "end": 800}], "INVALID"),
        ([{"weekday": 1, "start": 0, "end": 10}] * 51, "INVALID"),
    ],
)
def test_it_refuses_bad_availability_slots_and_writes_nothing(gql: Any, regions: Any, bob_volunteer_north: Any,
                                                              slots: list[dict[str, int]], code: str) -> None:
    # given bob's profile as it is
    before = VolunteerProfile.objects.get(user=bob_volunteer_north)
    # when he sends a bad slot together with a good change of skills
    data = gql(PROFILE, {"skills": ["haircut"], "slots": slots}, as_user=bob_volunteer_north)
    # then a typed error names the availability, and neither the skills nor the slots changed
    assert data["volunteerProfileUpdate"]["profile"] is None
    error = data["volunteerProfileUpdate"]["errors"][0]
    assert (error["field"], error["code"]) == ("availability", code)
    assert error["message"]
    after = VolunteerProfile.objects.get(user=bob_volunteer_north)
    assert (after.skills, after.availability) == (before.skills, before.availability)


def test_it_refuses_a_home_community_in_another_street(gql: Any, regions: Any, bob_volunteer_north: Any) -> None:
    data = gql(PROFILE, {"c": gid(regions["south_c1"], "Region")}, as_user=bob_volunteer_north)
    error = data["volunteerProfileUpdate"]["errors"][0]
    assert (error["field"], error["code"]) == ("homeCommunityId", "PERMISSION_DENIED")
    assert VolunteerProfile.objects.get(user=bob_volunteer_north).home_community_id == regions["north_c1"].id


def test_it_refuses_a_home_community_that_is_not_a_community(gql: Any, regions: Any,
                                                              bob_volunteer_north: Any) -> None:
    data = gql(PROFILE, {"c": gid(regions["north_c1_g1"], "Region")}, as_user=bob_volunteer_north)
    assert data["volunteerProfileUpdate"]["errors"][0]["code"] == "INVALID"
    assert VolunteerProfile.objects.get(user=bob_volunteer_north).home_community_id == regions["north_c1"].id


def test_it_refuses_oversized_skills(gql: Any, regions: Any, bob_volunteer_north: Any) -> None:
    data = gql(PROFILE, {"skills": ["x" * 41]}, as_user=bob_volunteer_north)
    assert data["volunteerProfileUpdate"]["errors"][0]["field"] == "skills"
    assert VolunteerProfile.objects.get(user=bob_volunteer_north).skills == ["home_visit"]


def test_it_refuses_a_profile_to_someone_who_is_not_a_volunteer(gql: Any, regions: Any,
                                                                 alice_staff_north: Any) -> None:
    data = gql(PROFILE, {"c": gid(regions["north_c1"], "Region"), "skills": ["x"]}, as_user=alice_staff_north)
    assert data["volunteerProfileUpdate"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert not VolunteerProfile.objects.filter(user=alice_staff_north).exists()


def test_it_creates_a_first_profile_only_with_a_home_community(gql: Any, regions: Any, newcomer: Any,
                                                               ada_admin: Any) -> None:
    gql(GRANT, _vars(newcomer, "volunteer", regions["south"]), as_user=ada_admin)
    data = gql(PROFILE, {"skills": ["repair"]}, as_user=newcomer)
    assert data["volunteerProfileUpdate"]["errors"][0]["code"] == "REQUIRED"
    assert not VolunteerProfile.objects.filter(user=newcomer).exists()
    data = gql(PROFILE, {"c": gid(regions["south_c1"], "Region"), "skills": ["repair"]}, as_user=newcomer)
    assert data["volunteerProfileUpdate"]["errors"] == []
    assert gql(ME, as_user=newcomer)["me"]["volunteerProfile"] == {"skills": ["repair"]}
