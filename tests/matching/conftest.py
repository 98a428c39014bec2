"""Matching fixtures: needs made directly (these tests are about matching), stock received through giving."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone


def make_need(region: Any, workstation: Any, *, kind: str = "goods", category: str = "minimum_living",
              urgent: bool = False, days_waiting: int = 0, goods_category: str = "clothing", goods_item: str = "",
              quantity: int = 1, amount_fen: int | None = None, service_type: str = "", minutes: int | None = None,
              tags: list[str] | None = None, household: Any = None) -> Any:
    from huzhu.households.models import Household, HouseholdMember, Need

    if household is None:
        household = Household.objects.create(region=region, category=category, tags=tags or [],
                                             registered_by=workstation)
        HouseholdMember.objects.create(household=household, position=0, relation="head", age_band="age_70_79")
    return Need.objects.create(
        household=household, kind=kind, urgent=urgent,
        goods_category=goods_category if kind == "goods" else "", goods_item=goods_item if kind == "goods" else "",
        quantity=quantity if kind == "goods" else None, amount_fen=amount_fen if kind == "money" else None,
        service_type=service_type if kind == "service" else "", minutes=minutes if kind == "service" else None,
        opened_at=timezone.now() - timedelta(days=days_waiting),
    )


def receive(actor: Any, workstation: Any, item_key: str, quantity: int) -> Any:
    from huzhu.giving.services import goods_receive

    return goods_receive(actor=actor, workstation_id=workstation.pk, quantity=quantity, item_key=item_key,
                         condition="new", idempotency_key=f"recv-{workstation.pk}-{item_key}-{quantity}")


@pytest.fixture
def north_stock(alice_staff_north: Any, workstations: dict[str, Any]) -> dict[str, Any]:
    receive(alice_staff_north, workstations["north"], "clothes_bedding/quilt", 3)
    receive(alice_staff_north, workstations["north"], "clothes_bedding/sweater", 2)
    return {"workstation": workstations["north"]}
