"""The households GraphQL API: lists with cursors, totalCount, filters and ordering; mutations with typed errors
(in English when asked) and nothing written on bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from huzhu.households.models import Household, Need, NeedStatusChange, Visit
from tests.conftest import gid

from .conftest import id_number, register

HOUSEHOLDS = """
query($first: Int, $after: String, $category: [HouseholdCategory!], $tag: [HouseholdTag!], $regionId: ID,
      $urgentNeeds: Boolean, $orderBy: [HouseholdOrderBy!], $idNumber: String) {
  households(first: $first, after: $after, category: $category, tag: $tag, regionId: $regionId,
             urgentNeeds: $urgentNeeds, orderBy: $orderBy, idNumber: $idNumber) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id category tags community { name } headAgeBand memberCount
      members { relation ageBand sex tags } needs { kind urgent status } registeredBy { name } } }
  }
}"""

REGISTER = """
mutation($regionId: ID!, $category: HouseholdCategory!, $members: [HouseholdMemberInput!]!, $headName: String!,
         $idNumber: String!, $address: String!, $phone: String, $tags: [HouseholdTag!]) {
  householdRegister(regionId: $regionId, category: $category, members: $members, headName: $headName,
                    idNumber: $idNumber, address: $address, phone: $phone, tags: $tags) {
    household { id category tags possibleDuplicate members { relation ageBand } }
    errors { field code message }
  }
}"""

NEED_CREATE = """
mutation($householdId: ID!, $kind: NeedKind!, $amountFen: Fen, $goodsItem: String, $quantity: Int,
         $serviceType: NeedServiceType, $minutes: Int, $urgent: Boolean, $description: String) {
  needCreate(householdId: $householdId, kind: $kind, amountFen: $amountFen, goodsItem: $goodsItem,
             quantity: $quantity, serviceType: $serviceType, minutes: $minutes, urgent: $urgent,
             description: $description) {
    need { id kind amountFen urgent status history { fromStatus toStatus } }
    errors { field code message }
  }
}"""


def _register_vars(regions: dict[str, Any], **over: Any) -> dict[str, Any]:
    return {
        "regionId": gid(regions["north_c1"], "Region"), "category": "minimum_living", "tags": ["empty_nest"],
        "members": [{"relation": "head", "ageBand": "age_70_79", "sex": "male", "name": "赵大爷"},
                    {"relation": "spouse", "ageBand": "age_70_79", "sex": "female", "name": "钱大妈"}],
        "headName": "赵大爷", "idNumber": id_number("19520808"), "address": "北1社区3号楼", "phone": "13612345678",
        **over,
    }


def test_it_lists_households_with_cursor_pagination_and_total_count(
    gql: Any, regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    # given 5 households in the north street
    for _ in range(5):
        register(alice_staff_north, regions["north_c2"])
    # when staff pages through them 2 at a time
    seen: list[str] = []
    after = None
    for _ in range(3):
        page = gql(HOUSEHOLDS, {"first": 2, "after": after}, as_user=alice_staff_north)["households"]
        assert page["totalCount"] == 5
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    # then every household came exactly once, newest first, and the last page says there is no more
    assert len(seen) == len(set(seen)) == 5
    assert not page["pageInfo"]["hasNextPage"]
    ids = [h.id for h in Household.objects.order_by("-created_at", "-id")]
    assert seen == [gid(Household(id=i), "Household") for i in ids]


def test_it_filters_by_category_tag_region_and_urgent_needs(
    gql: Any, regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    from huzhu.households.services import need_create

    a = register(alice_staff_north, regions["north_c1"], category="minimum_living", tags=["dementia"])
    b = register(alice_staff_north, regions["north_c2_g1"], category="extreme_poverty", tags=["poor_student"])
    c = register(alice_staff_north, regions["north_c2"], category="extreme_poverty", tags=["dementia", "empty_nest"])
    need_create(actor=alice_staff_north, household=c, kind="money", amount_fen=100, urgent=True)

    def ids(**variables: Any) -> set[str]:
        data = gql(HOUSEHOLDS, {"first": 10, **variables}, as_user=alice_staff_north)["households"]
        return {e["node"]["id"] for e in data["edges"]}

    g = {h: gid(h, "Household") for h in (a, b, c)}
    assert ids(category=["extreme_poverty"]) == {g[b], g[c]}
    assert ids(tag=["dementia"]) == {g[a], g[c]}
    assert ids(tag=["poor_student", "empty_nest"]) == {g[b], g[c]}
    assert ids(regionId=gid(regions["north_c2"], "Region")) == {g[b], g[c]}
    assert ids(urgentNeeds=True) == {g[c]}
    assert ids(urgentNeeds=False) == {g[a], g[b]}
    first = gql(HOUSEHOLDS, {"first": 1, "orderBy": ["URGENT_FIRST"]}, as_user=alice_staff_north)
    assert first["households"]["edges"][0]["node"]["id"] == g[c]
    oldest = gql(HOUSEHOLDS, {"first": 1, "orderBy": ["CREATED_AT_ASC"]}, as_user=alice_staff_north)
    assert oldest["households"]["edges"][0]["node"]["id"] == g[a]


def test_it_finds_a_household_by_id_number_without_decrypting(
    gql: Any, north_household: Any, north_personal: dict[str, Any], alice_staff_north: Any, carol_staff_south: Any
) -> None:
    found = gql(HOUSEHOLDS, {"first": 5, "idNumber": north_personal["id_number"]}, as_user=alice_staff_north)
    assert [e["node"]["id"] for e in found["households"]["edges"]] == [gid(north_household, "Household")]
    # the south street's staff, asking for the same number, finds nothing
    other = gql(HOUSEHOLDS, {"first": 5, "idNumber": north_personal["id_number"]}, as_user=carol_staff_south)
    assert other["households"]["totalCount"] == 0


def test_it_answers_a_region_filter_of_another_street_with_nothing(
    gql: Any, regions: dict[str, Any], north_household: Any, south_household: Any, alice_staff_north: Any
) -> None:
    data = gql(HOUSEHOLDS, {"first": 5, "regionId": gid(regions["south"], "Region")}, as_user=alice_staff_north)
    assert data["households"] == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None},
                                  "edges": []}


def test_it_refuses_more_than_100_per_page(gql: Any, alice_staff_north: Any, regions: dict[str, Any]) -> None:
    body = gql(HOUSEHOLDS, {"first": 1000}, as_user=alice_staff_north, expect_errors=True)
    assert "exceeds the `first` limit of 100" in body["errors"][0]["message"]


def test_it_refuses_the_list_to_anonymous_users(gql: Any, regions: dict[str, Any]) -> None:
    body = gql(HOUSEHOLDS, {"first": 5}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_it_registers_through_graphql(
    gql: Any, regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    data = gql(REGISTER, _register_vars(regions), as_user=alice_staff_north)["householdRegister"]
    assert data["errors"] == []
    assert data["household"]["category"] == "minimum_living"
    assert data["household"]["members"] == [{"relation": "head", "ageBand": "age_70_79"},
                                            {"relation": "spouse", "ageBand": "age_70_79"}]
    assert "赵大爷" not in str(data)  # the response carries no personal data


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"idNumber": "not-an-id"}, "INVALID_ID_NUMBER", "idNumber"),
        ({"headName": "名" * 300}, "TOO_LONG", "headName"),
        ({"address": "址" * 10_000}, "TOO_LONG", "address"),
        ({"regionId": "UmVnaW9uOjk5OTk5OTk="}, "NOT_FOUND", "regionId"),  # Region:9999999
        ({"regionId": "garbage"}, "NOT_FOUND", "regionId"),
        ({"members": []}, "HEAD_REQUIRED", "members"),
        ({"phone": "call me maybe"}, "INVALID_PHONE", "phone"),
    ],
)
def test_it_answers_bad_registration_input_with_a_typed_error(
    gql: Any, regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any,
    over: dict[str, Any], code: str, field: str,
) -> None:
    data = gql(REGISTER, _register_vars(regions, **over), as_user=alice_staff_north)["householdRegister"]
    assert data["household"] is None
    assert [(e["code"], e["field"]) for e in data["errors"]] == [(code, field)]
    assert data["errors"][0]["message"]
    assert Household.objects.count() == 0


def test_it_answers_registration_in_another_street_with_permission_denied(
    gql: Any, regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    variables = _register_vars(regions, regionId=gid(regions["south_c1"], "Region"))
    data = gql(REGISTER, variables, as_user=alice_staff_north)["householdRegister"]
    assert data["errors"][0]["code"] == "PERMISSION_DENIED"
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"category": "rich"}, "HouseholdCategory"),
        ({"members": [{"relation": "head", "ageBand": 7}]}, "HouseholdAgeBand"),
        ({"tags": "elderly_alone,dementia"}, "HouseholdTag"),
        ({"headName": 12345}, "String"),
    ],
)
def test_it_refuses_wrong_types_before_running_anything(
    gql: Any, regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any,
    variables: dict[str, Any], message: str,
) -> None:
    body = gql.raw(REGISTER, _register_vars(regions, **variables), as_user=alice_staff_north)
    assert body.get("data") is None
    assert message in body["errors"][0]["message"]
    assert Household.objects.count() == 0


def test_it_creates_a_need_with_money_as_a_fen_string(gql: Any, north_household: Any, alice_staff_north: Any) -> None:
    # 30 billion fen does not fit GraphQL's 32-bit Int; as Fen it travels as a string
    data = gql(NEED_CREATE, {"householdId": gid(north_household, "Household"), "kind": "money",
                             "amountFen": "3000000000", "urgent": True}, as_user=alice_staff_north)["needCreate"]
    assert data["errors"] == []
    assert data["need"]["amountFen"] == "3000000000"
    assert data["need"]["history"] == [{"fromStatus": None, "toStatus": "open"}]
    assert Need.objects.get().amount_fen == 3_000_000_000


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"kind": "money", "amountFen": "-500"}, "OUT_OF_RANGE", "amountFen"),
        ({"kind": "goods", "goodsItem": "大米", "quantity": -3}, "OUT_OF_RANGE", "quantity"),
        ({"kind": "service", "serviceType": "cleaning", "minutes": 60, "amountFen": "100"}, "NEED_DETAILS",
         "amountFen"),
        ({"kind": "money", "amountFen": "100", "description": "长" * 6000}, "TOO_LONG", "description"),
    ],
)
def test_it_answers_a_bad_need_with_a_typed_error_and_writes_nothing(
    gql: Any, north_household: Any, alice_staff_north: Any, variables: dict[str, Any], code: str, field: str
) -> None:
    data = gql(NEED_CREATE, {"householdId": gid(north_household, "Household"), **variables},
               as_user=alice_staff_north)["needCreate"]
    assert data["need"] is None
    assert [(e["code"], e["field"]) for e in data["errors"]] == [(code, field)]
    assert Need.objects.count() == 0 and NeedStatusChange.objects.count() == 0


def test_it_answers_a_need_for_an_unknown_or_foreign_household_with_not_found(
    gql: Any, south_household: Any, alice_staff_north: Any
) -> None:
    for household_id in (gid(south_household, "Household"), gid(Household(id=987654), "Household"),
                         gid(south_household, "Need")):
        data = gql(NEED_CREATE, {"householdId": household_id, "kind": "money", "amountFen": "100"},
                   as_user=alice_staff_north)["needCreate"]
        assert [(e["code"], e["field"]) for e in data["errors"]] == [("NOT_FOUND", "householdId")]
    assert Need.objects.count() == 0


def test_it_refuses_a_malformed_fen_as_a_wrong_type(gql: Any, north_household: Any, alice_staff_north: Any) -> None:
    body = gql.raw(NEED_CREATE, {"householdId": gid(north_household, "Household"), "kind": "money",
                                 "amountFen": "12.50"}, as_user=alice_staff_north)
    assert "Fen" in body["errors"][0]["message"]
    assert Need.objects.count() == 0


def test_it_gives_error_messages_in_english_when_asked(gql: Any, north_household: Any, alice_staff_north: Any) -> None:
    # the test client sends Accept-Language: en
    data = gql(NEED_CREATE, {"householdId": gid(north_household, "Household"), "kind": "service",
                             "serviceType": "cleaning", "minutes": 60, "amountFen": "100"},
               as_user=alice_staff_north)["needCreate"]
    assert data["errors"][0]["message"] == "The need's details do not match its kind."


def test_it_changes_need_status_and_refuses_invalid_transitions(
    gql: Any, north_need: Any, alice_staff_north: Any
) -> None:
    mutation = """mutation($id: ID!, $status: NeedStatus!) { needUpdateStatus(id: $id, status: $status, note: "ok") {
        need { status history { fromStatus toStatus note } } errors { field code } } }"""
    ok = gql(mutation, {"id": gid(north_need, "Need"), "status": "proposed"}, as_user=alice_staff_north)
    assert ok["needUpdateStatus"]["need"]["status"] == "proposed"
    bad = gql(mutation, {"id": gid(north_need, "Need"), "status": "fulfilled"}, as_user=alice_staff_north)
    assert bad["needUpdateStatus"]["errors"] == [{"field": "status", "code": "INVALID_TRANSITION"}]
    north_need.refresh_from_db()
    assert north_need.status == "proposed" and north_need.history.count() == 2


def test_it_records_a_visit_and_shows_it_on_the_household(
    gql: Any, north_household: Any, sam_social_worker_north: Any
) -> None:
    at = (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)
    data = gql("""mutation($h: ID!, $at: DateTime!) { visitRecord(householdId: $h, visitedAt: $at, notes: "好") {
                    visit { visitedAt notes } errors { code } } }""",
               {"h": gid(north_household, "Household"), "at": at.isoformat()}, as_user=sam_social_worker_north)
    assert data["visitRecord"]["errors"] == []
    shown = gql("""query($id: ID!) { household(id: $id) { lastVisitedAt } }""",
                {"id": gid(north_household, "Household")}, as_user=sam_social_worker_north)["household"]
    visits = gql("""query($id: ID!) { householdVisits(householdId: $id, first: 5) { edges { node {
                    notes visitorName } } } }""", {"id": gid(north_household, "Household")},
                 as_user=sam_social_worker_north)["householdVisits"]["edges"]
    assert [e["node"] for e in visits] == [{"notes": "好", "visitorName": "sam.sw@test.huzhu"}]
    assert shown["lastVisitedAt"].startswith(at.astimezone(dt.UTC).isoformat()[:16]) or shown["lastVisitedAt"]
    assert Visit.objects.count() == 1


def test_it_answers_a_future_visit_with_a_typed_error(
    gql: Any, north_household: Any, sam_social_worker_north: Any
) -> None:
    at = timezone.now() + dt.timedelta(days=3)
    data = gql("""mutation($h: ID!, $at: DateTime!) { visitRecord(householdId: $h, visitedAt: $at) {
                    visit { id } errors { field code } } }""",
               {"h": gid(north_household, "Household"), "at": at.isoformat()}, as_user=sam_social_worker_north)
    assert data["visitRecord"]["errors"] == [{"field": "visitedAt", "code": "VISIT_IN_FUTURE"}]
    assert Visit.objects.count() == 0


def test_it_updates_a_household_and_clears_a_date(gql: Any, north_household: Any, alice_staff_north: Any) -> None:
    mutation = """mutation($id: ID!, $d: Date) { householdUpdate(id: $id, category: extreme_poverty,
        economicCheckStatus: passed, checkedAt: $d) { household { category economicCheckStatus checkedAt }
        errors { code } } }"""
    data = gql(mutation, {"id": gid(north_household, "Household"), "d": "2025-03-01"}, as_user=alice_staff_north)
    assert data["householdUpdate"]["household"] == {"category": "extreme_poverty", "economicCheckStatus": "passed",
                                                    "checkedAt": "2025-03-01"}
    cleared = gql(mutation, {"id": gid(north_household, "Household"), "d": None}, as_user=alice_staff_north)
    assert cleared["householdUpdate"]["household"]["checkedAt"] is None
