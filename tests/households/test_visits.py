"""Visit records (走访记录): a household's whole history page by page (householdVisits) and a social worker's own
records (myVisits) — newest first, cursors, filters, scope by street, one audit row per read, and a fixed number
of SQL queries whatever the page size."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from huzhu.households.models import Household, PersonalDataAccess, Visit
from huzhu.people.models import RoleGrant
from tests.conftest import gid, make_user, post_graphql, signed_in_client

HOUSEHOLD_VISITS = """
query($h: ID!, $first: Int, $after: String, $from: Date, $to: Date, $visitor: ID) {
  householdVisits(householdId: $h, first: $first, after: $after, visitedFrom: $from, visitedTo: $to,
                  visitorId: $visitor) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id visitedAt visitorName visitorId recordedByMe notes householdId communityName
                          householdCategory } }
  }
}"""

MY_VISITS = """
query($first: Int, $after: String, $from: Date, $to: Date) {
  myVisits(first: $first, after: $after, visitedFrom: $from, visitedTo: $to) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id visitedAt notes householdId communityName householdCategory recordedByMe visitorName } }
  }
}"""

# A fixed "now" at local noon, so that day boundaries in the date filters are unambiguous.
NOON = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


def _visits(household: Any, visitor: Any, days: range, notes: str = "v") -> list[Visit]:
    """One visit per day offset (0 = today at noon, 1 = yesterday ...), notes "<notes><day>"."""
    return Visit.objects.bulk_create([
        Visit(household=household, visitor=visitor, visited_at=NOON - dt.timedelta(days=d), notes=f"{notes}{d}")
        for d in days
    ])


def _audit_rows(**filters: Any) -> list[PersonalDataAccess]:
    return list(PersonalDataAccess.objects.filter(fields=["visit_notes"], **filters).order_by("id"))


# --- paging ----------------------------------------------------------------------------------------------------


def test_it_pages_a_households_whole_history_newest_first_with_cursors(
    gql: Any, north_household: Any, sam_social_worker_north: Any
) -> None:
    # given 25 visits, one a day, and two more at the same moment (the id decides between them)
    _visits(north_household, sam_social_worker_north, range(25))
    twins = _visits(north_household, sam_social_worker_north, range(30, 31), notes="a") + _visits(
        north_household, sam_social_worker_north, range(30, 31), notes="b")
    h = gid(north_household, "Household")
    # when the social worker reads them ten at a time
    seen: list[str] = []
    after = None
    pages = []
    while True:
        conn = gql(HOUSEHOLD_VISITS, {"h": h, "first": 10, "after": after},
                   as_user=sam_social_worker_north)["householdVisits"]
        pages.append(conn)
        seen += [e["node"]["notes"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    # then every visit comes once, newest first, the later-written twin first, over three pages
    assert [len(p["edges"]) for p in pages] == [10, 10, 7]
    assert all(p["totalCount"] == 27 for p in pages)
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True]
    assert seen == [f"v{d}" for d in range(25)] + ["b30", "a30"]
    assert pages[2]["edges"][-1]["node"]["id"] == gid(twins[0], "Visit")
    times = [e["node"]["visitedAt"] for p in pages for e in p["edges"]]
    assert times == sorted(times, reverse=True)
    node = pages[0]["edges"][0]["node"]
    assert node["visitorName"] == "sam.sw@test.huzhu" and node["recordedByMe"] is True
    assert node["visitorId"] == gid(sam_social_worker_north, "User")
    assert node["householdId"] == h and node["communityName"] == "北街道1社区"
    assert node["householdCategory"] == "minimum_living"


def test_it_answers_an_empty_history_with_an_empty_page(
    gql: Any, north_household: Any, alice_staff_north: Any
) -> None:
    conn = gql(HOUSEHOLD_VISITS, {"h": gid(north_household, "Household")}, as_user=alice_staff_north)
    assert conn["householdVisits"] == {"totalCount": 0, "edges": [],
                                       "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None}}


def test_it_answers_a_cursor_past_the_end_with_an_empty_page(
    gql: Any, north_household: Any, sam_social_worker_north: Any
) -> None:
    _visits(north_household, sam_social_worker_north, range(3))
    first = gql(HOUSEHOLD_VISITS, {"h": gid(north_household, "Household"), "first": 3},
                as_user=sam_social_worker_north)["householdVisits"]
    conn = gql(HOUSEHOLD_VISITS, {"h": gid(north_household, "Household"), "after": first["pageInfo"]["endCursor"]},
               as_user=sam_social_worker_north)["householdVisits"]
    assert conn["edges"] == [] and conn["totalCount"] == 3 and conn["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(("variables", "field", "code"), [
    ({"first": 0}, "first", "OUT_OF_RANGE"),
    ({"first": 101}, "first", "OUT_OF_RANGE"),
    ({"after": "not-a-cursor"}, "after", "INVALID"),
    ({"from": "2026-03-10", "to": "2026-03-09"}, "visitedTo", "INVALID"),
    ({"visitor": "SG91c2Vob2xkOjE="}, "visitorId", "NOT_FOUND"),  # a Household id, not a User's
])
def test_it_answers_bad_paging_or_filters_with_a_typed_error_and_audits_nothing(
    gql: Any, north_household: Any, sam_social_worker_north: Any, variables: dict[str, Any], field: str, code: str
) -> None:
    _visits(north_household, sam_social_worker_north, range(2))
    body = gql(HOUSEHOLD_VISITS, {"h": gid(north_household, "Household"), **variables},
               as_user=sam_social_worker_north, expect_errors=True)
    assert body["errors"][0]["extensions"] == {"code": code, "field": field}
    assert _audit_rows() == []


# --- filters ---------------------------------------------------------------------------------------------------


def test_it_filters_by_day_range_inclusive_and_by_visitor(
    gql: Any, north_household: Any, sam_social_worker_north: Any, alice_staff_north: Any
) -> None:
    # given sam's visits today .. 9 days ago and alice's 2 and 5 days ago
    _visits(north_household, sam_social_worker_north, range(10), notes="s")
    _visits(north_household, alice_staff_north, range(2, 6, 3), notes="a")
    h = gid(north_household, "Household")
    day = lambda d: (NOON - dt.timedelta(days=d)).date().isoformat()  # noqa: E731

    def notes(**variables: Any) -> list[str]:
        conn = gql(HOUSEHOLD_VISITS, {"h": h, **variables}, as_user=alice_staff_north)["householdVisits"]
        assert conn["totalCount"] == len(conn["edges"])
        return [e["node"]["notes"] for e in conn["edges"]]

    # then both ends of the range count (at the same moment the later-written visit comes first), the visitor
    # filter narrows to one person, and they combine
    assert notes(**{"from": day(5), "to": day(2)}) == ["a2", "s2", "s3", "s4", "a5", "s5"]
    assert notes(**{"from": day(1)}) == ["s0", "s1"]
    assert notes(**{"to": day(8)}) == ["s8", "s9"]
    assert notes(visitor=gid(alice_staff_north, "User")) == ["a2", "a5"]
    assert notes(visitor=gid(sam_social_worker_north, "User"), **{"from": day(3), "to": day(2)}) == ["s2", "s3"]
    # and a visit's recordedByMe is the reader's, not the writer's
    conn = gql(HOUSEHOLD_VISITS, {"h": h, "first": 2}, as_user=alice_staff_north)["householdVisits"]
    assert [e["node"]["recordedByMe"] for e in conn["edges"]] == [False, False]


# --- scope -----------------------------------------------------------------------------------------------------


def test_it_refuses_a_household_of_another_street_like_one_that_does_not_exist(
    gql: Any, north_household: Any, sam_social_worker_north: Any, carol_staff_south: Any
) -> None:
    # given a north household with visits, read by the south street's staff
    _visits(north_household, sam_social_worker_north, range(3))
    body = gql(HOUSEHOLD_VISITS, {"h": gid(north_household, "Household")}, as_user=carol_staff_south,
               expect_errors=True)
    missing = gql(HOUSEHOLD_VISITS, {"h": gid(Household(pk=10**9), "Household")}, as_user=carol_staff_south,
                  expect_errors=True)
    # then it is NOT_FOUND, worded exactly as for an id that does not exist, no notes leak and nothing is audited
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "householdId"}
    assert body["errors"][0]["message"] == missing["errors"][0]["message"]
    assert body["data"] is None and "v0" not in json.dumps(body)
    assert _audit_rows() == []


def test_it_refuses_volunteers_donors_and_anonymous_callers(
    gql: Any, north_household: Any, sam_social_worker_north: Any, bob_volunteer_north: Any, dora_donor: Any
) -> None:
    _visits(north_household, sam_social_worker_north, range(2))
    h = gid(north_household, "Household")
    for user in (bob_volunteer_north, dora_donor):
        body = gql(HOUSEHOLD_VISITS, {"h": h}, as_user=user, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        # and their own records list is empty: they wrote none they may see
        assert gql(MY_VISITS, {}, as_user=user)["myVisits"]["totalCount"] == 0
    anonymous = gql(HOUSEHOLD_VISITS, {"h": h}, expect_errors=True)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql(MY_VISITS, {}, expect_errors=True)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _audit_rows() == []


# --- audit -----------------------------------------------------------------------------------------------------


def test_every_read_of_a_households_visits_writes_one_audit_row(
    gql: Any, north_household: Any, sam_social_worker_north: Any, alice_staff_north: Any
) -> None:
    _visits(north_household, sam_social_worker_north, range(15))
    h = gid(north_household, "Household")
    first = gql(HOUSEHOLD_VISITS, {"h": h, "first": 10}, as_user=alice_staff_north)["householdVisits"]
    gql(HOUSEHOLD_VISITS, {"h": h, "first": 10, "after": first["pageInfo"]["endCursor"]}, as_user=alice_staff_north)
    gql(HOUSEHOLD_VISITS, {"h": h, "first": 5}, as_user=sam_social_worker_north)
    rows = _audit_rows()
    assert [(r.actor_id, r.household_id, r.purpose, r.operation) for r in rows] == [
        (alice_staff_north.id, north_household.id, "visit_history", "read"),
        (alice_staff_north.id, north_household.id, "visit_history", "read"),
        (sam_social_worker_north.id, north_household.id, "visit_history", "read"),
    ]


def test_my_visits_writes_one_audit_row_per_household_on_the_page(
    gql: Any, regions: dict[str, Any], north_household: Any, sam_social_worker_north: Any,
    alice_staff_north: Any,
) -> None:
    from .conftest import register

    other = register(alice_staff_north, regions["north_c2"], head_name="第二户")
    _visits(north_household, sam_social_worker_north, range(0, 6, 2), notes="n")
    _visits(other, sam_social_worker_north, range(1, 6, 2), notes="o")
    conn = gql(MY_VISITS, {"first": 3}, as_user=sam_social_worker_north)["myVisits"]
    # the page (n0, o1, n2) touches two households: two rows, one each
    assert [e["node"]["notes"] for e in conn["edges"]] == ["n0", "o1", "n2"]
    rows = _audit_rows(purpose="my_visits")
    assert sorted(r.household_id for r in rows) == sorted([north_household.id, other.id])
    assert all(r.actor_id == sam_social_worker_north.id for r in rows)
    # an empty page reads nothing, so writes nothing
    gql(MY_VISITS, {"from": "2001-01-01", "to": "2001-01-31"}, as_user=sam_social_worker_north)
    assert len(_audit_rows(purpose="my_visits")) == 2


# --- my visits -------------------------------------------------------------------------------------------------


def test_my_visits_lists_only_the_callers_records_in_households_they_still_see(
    gql: Any, regions: dict[str, Any], north_household: Any, south_household: Any, sam_social_worker_north: Any,
    alice_staff_north: Any,
) -> None:
    # given sam's visits in the north, alice's in the north, and a south visit sam made while he also served there
    _visits(north_household, sam_social_worker_north, range(12), notes="s")
    _visits(north_household, alice_staff_north, range(3), notes="a")
    grant = RoleGrant.objects.create(user=sam_social_worker_north, role="social_worker", region=regions["south"])
    _visits(south_household, sam_social_worker_north, range(1), notes="south")
    both = gql(MY_VISITS, {"first": 100}, as_user=sam_social_worker_north)["myVisits"]
    assert both["totalCount"] == 13
    # when sam no longer serves the south street
    grant.delete()
    sam = type(sam_social_worker_north).objects.get(pk=sam_social_worker_north.pk)
    conn = gql(MY_VISITS, {"first": 5}, as_user=sam)["myVisits"]
    # then he sees his 12 north visits, newest first, paged, and none of alice's or the south's
    assert conn["totalCount"] == 12 and conn["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["notes"] for e in conn["edges"]] == ["s0", "s1", "s2", "s3", "s4"]
    assert all(e["node"]["recordedByMe"] and e["node"]["communityName"] == "北街道1社区" for e in conn["edges"])
    rest = gql(MY_VISITS, {"first": 100, "after": conn["pageInfo"]["endCursor"]}, as_user=sam)["myVisits"]
    assert [e["node"]["notes"] for e in rest["edges"]] == [f"s{d}" for d in range(5, 12)]
    # and the date filter narrows it
    day = (NOON - dt.timedelta(days=4)).date().isoformat()
    ranged = gql(MY_VISITS, {"from": day, "to": day}, as_user=sam)["myVisits"]
    assert [e["node"]["notes"] for e in ranged["edges"]] == ["s4"]
    assert ranged["totalCount"] == 1 and ranged["pageInfo"]["hasNextPage"] is False


# --- query counts ----------------------------------------------------------------------------------------------

# session, user, role grants + household in scope + count + page (with visitor, household, region, its parent)
# + one audit INSERT
HOUSEHOLD_VISITS_QUERIES = 7
# session, user, role grants + count + page (with visitor, household, region, its parent) + one audit INSERT
MY_VISITS_QUERIES = 6


@pytest.fixture
def many_visits(regions: dict[str, Any], workstations: dict[str, Any], north_household: Any,
                sam_social_worker_north: Any) -> Household:
    """120 visits to the north household by 12 different people, and 120 of sam's to 120 other households."""
    visitors = [make_user(f"visitor{i}@test.huzhu", ("social_worker", regions["north"])) for i in range(12)]
    Visit.objects.bulk_create([
        Visit(household=north_household, visitor=visitors[i % 12], visited_at=NOON - dt.timedelta(hours=i),
              notes=f"n{i}") for i in range(120)
    ])
    households = Household.objects.bulk_create([
        Household(region=regions["north_c1_g1" if i % 2 else "north_c2"], category="minimum_living",
                  tags=["elderly_alone"], registered_by=workstations["north"]) for i in range(120)
    ])
    Visit.objects.bulk_create([
        Visit(household=h, visitor=sam_social_worker_north, visited_at=NOON - dt.timedelta(hours=i), notes="m")
        for i, h in enumerate(households)
    ])
    return north_household


@pytest.mark.parametrize("first", [5, 100])
def test_a_page_of_household_visits_runs_a_fixed_number_of_queries(
    many_visits: Household, alice_staff_north: Any, django_assert_num_queries: Any, first: int
) -> None:
    client = signed_in_client(alice_staff_north)
    with django_assert_num_queries(HOUSEHOLD_VISITS_QUERIES):
        data = post_graphql(client, HOUSEHOLD_VISITS, {"h": gid(many_visits, "Household"), "first": first})
    edges = data["householdVisits"]["edges"]
    assert len(edges) == first and data["householdVisits"]["totalCount"] == 120
    assert len({e["node"]["visitorName"] for e in edges}) == min(first, 12)
    assert len(_audit_rows()) == 1


@pytest.mark.parametrize("first", [5, 100])
def test_a_page_of_my_visits_runs_a_fixed_number_of_queries(
    many_visits: Household, sam_social_worker_north: Any, django_assert_num_queries: Any, first: int
) -> None:
    client = signed_in_client(sam_social_worker_north)
    with django_assert_num_queries(MY_VISITS_QUERIES):
        data = post_graphql(client, MY_VISITS, {"first": first})
    edges = data["myVisits"]["edges"]
    assert len(edges) == first and data["myVisits"]["totalCount"] == 120
    assert {e["node"]["communityName"] for e in edges} == {"北街道1社区", "北街道2社区"}
    assert len(_audit_rows(purpose="my_visits")) == first
