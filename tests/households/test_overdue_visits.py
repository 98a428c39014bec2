"""Monthly visits (月探访): key-group households not visited this month, per community, scoped by street."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from huzhu.households.models import Household, Visit
from huzhu.households.selectors import month_bounds, overdue_visits
from tests.conftest import gid

from .conftest import register

OVERDUE = """query($month: String) { overdueVisits(month: $month) { community { name } count households { id } } }"""


@pytest.fixture
def street(regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any,
           sam_social_worker_north: Any) -> dict[str, Any]:
    """North: c1 has a visited and an unvisited key household and a non-key one; c2 (via its grid) an unvisited one."""
    h = {
        "visited": register(alice_staff_north, regions["north_c1"], tags=["elderly_alone"]),
        "unvisited": register(alice_staff_north, regions["north_c1"], tags=["dementia"]),
        "not_key": register(alice_staff_north, regions["north_c1"], tags=["poor_student"]),
        "grid": register(alice_staff_north, regions["north_c1_g1"], tags=["child_in_difficulty"]),
        "c2": register(alice_staff_north, regions["north_c2_g1"], tags=["severe_disability"]),
    }
    start, _end = month_bounds(timezone.localdate())
    Visit.objects.create(household=h["visited"], visitor=sam_social_worker_north,
                         visited_at=start + dt.timedelta(hours=1))
    # a visit last month does not count for this month
    Visit.objects.create(household=h["unvisited"], visitor=sam_social_worker_north,
                         visited_at=start - dt.timedelta(days=3))
    return h


def test_it_lists_unvisited_key_households_per_community(
    street: dict[str, Any], regions: dict[str, Any], alice_staff_north: Any
) -> None:
    groups = overdue_visits(actor=alice_staff_north, month=timezone.localdate())
    got = {g.community.name: sorted(x.id for x in g.households) for g in groups}
    assert got == {
        regions["north_c1"].name: sorted([street["unvisited"].id, street["grid"].id]),
        regions["north_c2"].name: [street["c2"].id],
    }


def test_households_registered_after_the_month_are_not_overdue_for_it(
    street: dict[str, Any], alice_staff_north: Any
) -> None:
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    Household.objects.filter(id=street["c2"].id).update(created_at=timezone.now())
    Household.objects.exclude(id=street["c2"].id).update(created_at=timezone.now() - dt.timedelta(days=70))
    groups = overdue_visits(actor=alice_staff_north, month=last_month)
    ids = {h.id for g in groups for h in g.households}
    assert street["c2"].id not in ids
    assert street["visited"].id in ids  # not visited last month


def test_it_shows_another_street_nothing_and_refuses_donors(
    gql: Any, street: dict[str, Any], carol_staff_south: Any, dora_donor: Any, bob_volunteer_north: Any,
    alice_staff_north: Any, sam_social_worker_north: Any,
) -> None:
    assert gql(OVERDUE, {}, as_user=carol_staff_south)["overdueVisits"] == []
    assert gql(OVERDUE, {}, as_user=dora_donor)["overdueVisits"] == []
    assert gql(OVERDUE, {}, as_user=bob_volunteer_north)["overdueVisits"] == []
    for user in (alice_staff_north, sam_social_worker_north):
        data = gql(OVERDUE, {}, as_user=user)["overdueVisits"]
        assert sum(g["count"] for g in data) == 3
        assert gid(street["unvisited"], "Household") in {h["id"] for g in data for h in g["households"]}


@pytest.mark.parametrize("month", ["2025-13", "25-01", "yesterday", "1999-12"])
def test_it_answers_a_bad_month_with_a_clear_error(gql: Any, alice_staff_north: Any, month: str) -> None:
    body = gql(OVERDUE, {"month": month}, as_user=alice_staff_north, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_MONTH"
    assert "YYYY-MM" in body["errors"][0]["message"]
