"""Time-bank fixtures: an `earn` helper (confirmed by sam, social worker of the north street), elders
registered by staff, small rules for fast cap tests, and counters of what was written."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

_keys = itertools.count(1)


@pytest.fixture
def earn(sam_social_worker_north: Any, regions: dict[str, Any]) -> Any:
    """earn(user, minutes, key=None, street=None, confirmed_by=None, org=...) → EarnResult."""
    from huzhu.timebank.services import earn_service_minutes

    def _earn(volunteer: Any, minutes: int, key: str | None = None, *, street: Any = None,
              confirmed_by: Any = None, org: str = "北街道为老服务中心",
              service_date: date = date(2026, 3, 1)) -> Any:
        return earn_service_minutes(
            volunteer=volunteer, minutes=minutes, idempotency_key=key or f"earn-{next(_keys)}",
            confirmed_by=confirmed_by or sam_social_worker_north, street=street or regions["north"],
            organisation_name=org, service_date=service_date,
        )

    return _earn


@pytest.fixture
def sw_south(regions: dict[str, Any], workstations: dict[str, Any]) -> Any:
    from huzhu.people.models import SocialWorkerProfile
    from tests.conftest import make_user

    user = make_user("sue.sw.south@test.huzhu", ("social_worker", regions["south"]))
    SocialWorkerProfile.objects.create(user=user, workstation=workstations["south"])
    return user


@pytest.fixture
def ed_volunteer_north(regions: dict[str, Any]) -> Any:
    """A second north volunteer: a friend or relative bob may link with."""
    from huzhu.people.models import VolunteerProfile
    from tests.conftest import make_user

    user = make_user("ed.vol@test.huzhu", ("volunteer", regions["north"]))
    VolunteerProfile.objects.create(user=user, home_community=regions["north_c2"], birth_year=1950)
    return user


@pytest.fixture
def register_elder(alice_staff_north: Any, regions: dict[str, Any]) -> Any:
    from huzhu.timebank.services import member_register

    def _register(name: str = "王奶奶", *, age: int = 82, region: Any = None, actor: Any = None,
                  **flags: Any) -> Any:
        return member_register(
            actor=actor or alice_staff_north, display_name=name, region=region or regions["north_c1"],
            birth_year=date.today().year - age, **flags,
        )

    return _register


@pytest.fixture
def small_rules(db: Any) -> Any:
    """Rules with a low storage cap and giving cap, so the cap tests need only a few minutes."""
    from huzhu.timebank.models import TimeBankRules
    from huzhu.timebank.rules import rules_get

    rules_get()
    TimeBankRules.objects.filter(pk=1).update(storage_cap_minutes=600, yearly_give_cap_minutes=300)
    return TimeBankRules.objects.get(pk=1)
