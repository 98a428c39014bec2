"""Batch loading: a page of 10 and a page of 100 households (with members, needs and their history, visits,
duplicate flags, region and workstation) run the same, fixed number of SQL queries. Likewise for needs and
the anonymised open needs."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from huzhu.households.models import (
    Household,
    HouseholdMember,
    HouseholdPersonal,
    Need,
    NeedStatusChange,
    Visit,
)
from tests.conftest import post_graphql, signed_in_client

HOUSEHOLDS = """query($first: Int!) { households(first: $first) { totalCount edges { node {
  id category tags economicCheckStatus possibleDuplicate lastVisitedAt headAgeBand memberCount
  region { name } community { name } registeredBy { name region { name } }
  members { relation ageBand sex tags }
  needs { id kind amountFen urgent status history { fromStatus toStatus actorName } household { id } }
  duplicateFlags { streetName message }
} } } }"""

NEEDS = """query($first: Int!) { needs(first: $first) { totalCount edges { node {
  id kind urgent status description history { toStatus actorName }
  household { id category community { name } members { ageBand } registeredBy { name } }
} } } }"""

OPEN_NEEDS = """query($first: Int!) { openNeeds(first: $first) { totalCount edges { node {
  id kind amountFen goodsItem urgent household { category tags headAgeBand memberCount communityName }
} } } }"""

# session, user, role grants (3) + count + page + 4 prefetches (members, needs, needs' history, duplicate flags):
# region, its parent and the workstation come with the page through select_related. (Visits are read through
# householdVisits, paged and audited: the list carries none.)
HOUSEHOLD_LIST_QUERIES = 9
# session, user, grants (3) + count + page (with household, region, parent, workstation) + history + members
NEED_LIST_QUERIES = 7
# session, user, grants (3) + count + page (with household, region, parent) + members
OPEN_NEED_LIST_QUERIES = 6


@pytest.fixture
def many(regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any,
         sam_social_worker_north: Any) -> None:
    """120 north households, each with 3 members, 2 needs with history, 2 visits, and personal data."""
    households = Household.objects.bulk_create([
        Household(region=regions["north_c1_g1" if i % 2 else "north_c2"], category="minimum_living",
                  tags=["elderly_alone"], registered_by=workstations["north"], possible_duplicate=i % 7 == 0)
        for i in range(120)
    ])
    HouseholdMember.objects.bulk_create([
        HouseholdMember(household=h, position=p, relation="head" if p == 0 else "child", age_band="age_70_79")
        for h in households for p in range(3)
    ])
    HouseholdPersonal.objects.bulk_create([
        HouseholdPersonal(household=h, head_name_enc="x", id_number_enc="x", phone_enc="x", address_enc="x",
                          member_names_enc="x", id_number_hmac=f"{h.id:064d}") for h in households
    ])
    now = timezone.now()
    needs = Need.objects.bulk_create([
        Need(household=h, kind="money", amount_fen=1000 * (k + 1), urgent=k == 0, opened_at=now)
        for h in households for k in range(2)
    ])
    NeedStatusChange.objects.bulk_create([NeedStatusChange(need=n, actor=alice_staff_north, to_status="open")
                                          for n in needs])
    Visit.objects.bulk_create([Visit(household=h, visitor=sam_social_worker_north, visited_at=now, notes="ok")
                               for h in households for _ in range(2)])


@pytest.mark.parametrize("first", [10, 100])
def test_the_household_list_runs_a_fixed_number_of_queries(
    many: None, alice_staff_north: Any, django_assert_num_queries: Any, first: int
) -> None:
    client = signed_in_client(alice_staff_north)
    with django_assert_num_queries(HOUSEHOLD_LIST_QUERIES):
        data = post_graphql(client, HOUSEHOLDS, {"first": first})
    edges = data["households"]["edges"]
    assert len(edges) == first and data["households"]["totalCount"] == 120
    assert all(len(e["node"]["members"]) == 3 and len(e["node"]["needs"]) == 2 for e in edges)


@pytest.mark.parametrize("first", [10, 100])
def test_the_need_list_runs_a_fixed_number_of_queries(
    many: None, alice_staff_north: Any, django_assert_num_queries: Any, first: int
) -> None:
    client = signed_in_client(alice_staff_north)
    with django_assert_num_queries(NEED_LIST_QUERIES):
        data = post_graphql(client, NEEDS, {"first": first})
    assert len(data["needs"]["edges"]) == first


@pytest.mark.parametrize("first", [10, 100])
def test_the_open_need_list_runs_a_fixed_number_of_queries(
    many: None, dora_donor: Any, django_assert_num_queries: Any, first: int
) -> None:
    client = signed_in_client(dora_donor)
    with django_assert_num_queries(OPEN_NEED_LIST_QUERIES):
        data = post_graphql(client, OPEN_NEEDS, {"first": first})
    assert len(data["openNeeds"]["edges"]) == first
    assert data["openNeeds"]["edges"][0]["node"]["household"]["headAgeBand"] == "age_70_79"
