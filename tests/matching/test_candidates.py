"""need → supplies: the best `limit` candidates read through the database's nearest-first order are exactly the
head of the full, fully scored list, whatever the weights, exclusions or the single supply asked for."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from huzhu.matching.candidates import rules_get, supplies_for_need
from huzhu.people.models import Workstation
from tests.matching.conftest import make_need, receive


def _view(candidates: list[Any]) -> list[tuple[str, int, list[dict[str, object]]]]:
    return [(c.supply_key, c.score, c.components) for c in candidates]


@pytest.fixture
def street(regions: Any, workstations: Any, alice_staff_north: Any, carol_staff_south: Any) -> dict[str, Any]:
    """Stock lines at the street's workstation, at two community workstations and one in another community."""
    stations = [workstations["north"]]
    for name, region in (("一社区站", regions["north_c1"]), ("一社区网格站", regions["north_c1_g1"]),
                         ("二社区站", regions["north_c2"])):
        stations.append(Workstation.objects.create(name=name, region=region))
    for n, ws in enumerate(stations):
        receive(alice_staff_north, ws, "clothes_bedding/quilt", 2 + n)
        receive(alice_staff_north, ws, "clothes_bedding/sweater", 1)
        receive(alice_staff_north, ws, "clothes_bedding/winter_coat", 3)
    receive(carol_staff_south, workstations["south"], "clothes_bedding/quilt", 9)  # another street: out of reach
    return {"stations": stations}


@pytest.mark.parametrize("weights", [{}, {"same_community": 5, "same_street": 10}, {"same_street": 0}])
def test_the_best_few_are_the_head_of_the_full_list(street, regions, workstations, weights):
    rules = rules_get()
    rules.weights = weights
    now = timezone.now()
    needs = [make_need(regions["north_c1_g1"], workstations["north"], goods_item="物资", quantity=1),
             make_need(regions["north_c2"], workstations["north"], goods_item="物资", quantity=2, urgent=True),
             make_need(regions["north_c1"], workstations["north"], goods_item="棉被", quantity=3)]
    for need in needs:
        full = supplies_for_need(need, rules=rules, now=now)
        assert full and all(c.supply_key.startswith("goods:") for c in full)
        assert all(c.score == sum(int(p["points"]) for p in c.components) for c in full)  # type: ignore[call-overload]
        for k in (1, 2, 5, len(full) + 3):
            assert _view(supplies_for_need(need, rules=rules, now=now, limit=k)) == _view(full[:k]), (need.pk, k)
        excluded = {full[0].supply_key, full[2].supply_key} if len(full) > 2 else {full[0].supply_key}
        rest = [c for c in full if c.supply_key not in excluded]
        assert _view(supplies_for_need(need, rules=rules, now=now, exclude_keys=excluded, limit=2)) == _view(rest[:2])
        for candidate in (full[0], full[-1]):
            one = supplies_for_need(need, rules=rules, now=now, supply_key=candidate.supply_key, limit=1)
            assert _view(one) == _view([candidate])


def test_the_nearest_come_first_and_quantity_and_reach_are_hard(street, regions, workstations):
    rules, now = rules_get(), timezone.now()
    stations = street["stations"]
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被", quantity=3)
    best = supplies_for_need(need, rules=rules, now=now, limit=3)
    # quilts: 2, 3, 4, 5 at the street, c1, c1 grid, c2 stations; 3 wanted → not the street's 2; the c1 and c1
    # grid stations (same community, by id), then the c2 one (same street); never the south street's 9
    assert [c.supply_key for c in best] == [f"goods:{stations[1].pk}:clothes_bedding/quilt",
                                            f"goods:{stations[2].pk}:clothes_bedding/quilt",
                                            f"goods:{stations[3].pk}:clothes_bedding/quilt"]
    assert [c.components[-1]["code"] for c in best] == ["same_community", "same_community", "same_street"]
    assert supplies_for_need(need, rules=rules, now=now,
                             supply_key=f"goods:{workstations['south'].pk}:clothes_bedding/quilt") == []
    assert supplies_for_need(need, rules=rules, now=now,
                             supply_key=f"goods:{stations[0].pk}:clothes_bedding/quilt") == []
