"""Optimal rounds are deterministic: the same data give the same proposals, whatever order the database
happens to return its rows in (a round used to read needs and supplies without ORDER BY, and spread needs over
equal supplies by a counter keyed on a temporary list's id(): 111 or 113 demo proposals between runs)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from huzhu.giving.models import ServicePledge
from huzhu.matching.models import MatchProposal
from huzhu.matching.rounds import match_round
from huzhu.people.models import Workstation
from tests.matching.conftest import make_need, receive

QUILT = "clothes_bedding/quilt"


@pytest.fixture
def crowded(regions: Any, workstations: Any, alice_staff_north: Any, dora_donor: Any) -> dict[str, Any]:
    """More equally good supplies than a round needs, so which need gets which supply is a real choice."""
    north = regions["north"]
    stations = [workstations["north"], *(Workstation.objects.create(name=f"北街道第{i}站", region=north)
                                         for i in range(2, 5))]
    for ws in stations:
        receive(alice_staff_north, ws, QUILT, 2)
        receive(alice_staff_north, ws, "clothes_bedding/sweater", 1)
    for i in range(4):
        ServicePledge.objects.create(pledger=dora_donor, service_type="cleaning", minutes_per_month=120,
                                     region=north, idempotency_key=f"p{i}")
    needs = []
    for i in range(18):
        community = regions["north_c1" if i % 2 else "north_c2"]
        if i % 3 == 2:
            needs.append(make_need(community, stations[0], kind="service", service_type="cleaning", minutes=60))
        else:
            needs.append(make_need(community, stations[0], goods_category="clothing", goods_item="物资",
                                   days_waiting=7 * (i % 2)))
    return {"stations": stations, "needs": needs, "region": regions["district"]}


def _round(region: Any, now: Any) -> tuple[int, list[tuple[int, str]]]:
    """One round, its proposals read, then everything it wrote rolled back: the next round sees the same data."""
    with transaction.atomic():
        record = match_round(actor=None, region=region, now=now)
        pairs = sorted(MatchProposal.objects.filter(round=record).values_list("need_id", "supply_key"))
        transaction.set_rollback(True)
    return record.proposed, pairs


def _heap_order(table: str) -> list[int]:
    with connection.cursor() as cursor:
        # the physical order a sequential scan returns: by ctid (a bare SELECT may be answered by an index-only
        # scan in id order once the visibility map is set, and then shows no change)
        cursor.execute(f"SELECT id FROM {table} ORDER BY ctid")  # noqa: S608 — a fixed table name
        return [row[0] for row in cursor.fetchall()]


def _reshuffle_rows() -> None:
    """Rewrite every other row: PostgreSQL puts the new versions at the end of the heap, so a scan without
    ORDER BY now returns the odd ids first and the even ones after."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE households_need SET updated_at = updated_at WHERE id % 2 = 0")
        cursor.execute("UPDATE households_household SET updated_at = updated_at WHERE id % 3 = 0")
        cursor.execute("UPDATE giving_stockitem SET unit = unit WHERE id % 2 = 0")
        cursor.execute("UPDATE giving_servicepledge SET description = description WHERE id % 2 = 1")
        cursor.execute("UPDATE people_workstation SET name = name WHERE id % 2 = 0")


def test_two_rounds_over_the_same_data_propose_the_same_pairs(crowded):
    now = timezone.now()
    # given a round over the district
    proposed, pairs = _round(crowded["region"], now)
    assert proposed == len(pairs) > 10
    # when the same data come back from the database in another order
    before = _heap_order("households_need")
    _reshuffle_rows()
    assert _heap_order("households_need") != before  # the scan order really changed
    # then a second and a third round propose exactly the same pairs
    assert _round(crowded["region"], now) == (proposed, pairs)
    _reshuffle_rows()
    assert _round(crowded["region"], now) == (proposed, pairs)


def test_a_round_meets_every_need_here_without_asking_a_supply_for_more_than_it_has(crowded):
    # 12 goods needs for 12 units (two quilts and a sweater at each of four stations); 6 service needs of an
    # hour for four pledges of two hours a month
    proposed, pairs = _round(crowded["region"], timezone.now())
    assert proposed == 18
    keys = [key for _need, key in pairs]
    for key in set(keys):
        assert keys.count(key) <= (2 if key.endswith(QUILT) or key.startswith("service:") else 1), key
