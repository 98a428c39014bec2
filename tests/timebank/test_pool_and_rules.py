"""The community pool goes to key elders first; the rules are the administrator's."""

from __future__ import annotations

from typing import Any

import pytest

from huzhu.core.errors import ServiceError
from huzhu.timebank.models import PoolAllotment, TimeBankRules
from huzhu.timebank.rules import rules_get
from huzhu.timebank.services import allotment_candidates, member_register, pool_allot, rules_update, timebank_give

from .helpers import balance, pool_balance, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool_of(earn: Any, regions: dict[str, Any]) -> Any:
    """Fill a street's pool with `minutes` given by a fresh volunteer."""
    from tests.conftest import make_user

    def _fill(minutes: int, street: Any = None) -> None:
        street = street or regions["north"]
        vol = make_user(f"donor-{street.code}-{minutes}@test.huzhu", ("volunteer", street))
        earn(vol, minutes, street=street)
        timebank_give(actor=vol, minutes=minutes, idempotency_key=f"fill-{street.code}-{minutes}",
                      to_pool_street=street)

    return _fill


def test_it_allots_the_pool_to_key_elders_by_priority(
        pool_of: Any, register_elder: Any, alice_staff_north: Any, regions: dict[str, Any]) -> None:
    # given elders of the north street in every priority group, and some who are not key elders
    alone_85 = register_elder("独居85", age=85, lives_alone=True)
    alone_91 = register_elder("独居91", age=91, lives_alone=True)
    dibao_70 = register_elder("低保70", age=70, minimum_living=True)
    disabled_65 = register_elder("失能65", age=65, disabled=True)
    alone_75 = register_elder("独居75", age=75, lives_alone=True)
    register_elder("同住82", age=82)                      # 80+ but not alone, no other flag: not a key elder
    register_elder("年轻独居", age=55, lives_alone=True)  # below 60
    register_elder("南街独居", age=88, lives_alone=True, region=regions["south_c1"],
                   actor=_south_staff(regions))
    # and a pool of 4 × 120 + 50 minutes
    pool_of(530)
    # when alice allots 120 each
    allotments = pool_allot(actor=alice_staff_north, street=regions["north"], batch_key="2026-03", minutes_each=120)
    # then the oldest living alone come first, then minimum-living, disabled, alone 60–79, until the pool is empty
    got = [(a.member_id, a.minutes, a.priority) for a in allotments]
    assert got == [(alone_91.pk, 120, 1), (alone_85.pk, 120, 1), (dibao_70.pk, 120, 2), (disabled_65.pk, 120, 3),
                   (alone_75.pk, 50, 4)]
    assert pool_balance(regions["north"]) == 0
    assert balance(alone_91).posted == 120
    # and repeating the batch changes nothing
    before = written()
    assert [a.pk for a in pool_allot(actor=alice_staff_north, street=regions["north"], batch_key="2026-03")] == [
        a.pk for a in allotments]
    assert written() == before


def _south_staff(regions: dict[str, Any]) -> Any:
    from tests.conftest import make_user

    return make_user("south.staff2@test.huzhu", ("workstation_staff", regions["south"]))


def test_it_reads_minimum_living_from_the_registered_household(
        register_elder: Any, regions: dict[str, Any]) -> None:
    # given a 66-year-old whose household (households app) is in the minimum_living category
    from django.apps import apps
    try:
        household_model = apps.get_model("households", "Household")
    except LookupError:
        pytest.skip("households app not installed in this run")
    from huzhu.people.models import Workstation
    ws = Workstation.objects.create(name="ws", region=regions["north"])
    household = household_model.objects.create(region=regions["north_c1"], category="minimum_living",
                                               registered_by=ws)
    elder = register_elder("低保户", age=66, household_id=household.pk)
    # then the pool ranks them in the minimum-living group
    assert allotment_candidates(street=regions["north"]) == [(elder, PoolAllotment.Priority.MINIMUM_LIVING)]


def test_it_refuses_allotment_by_another_streets_staff_and_from_an_empty_pool(
        pool_of: Any, register_elder: Any, alice_staff_north: Any, carol_staff_south: Any,
        regions: dict[str, Any]) -> None:
    register_elder("独居85", age=85, lives_alone=True)
    with pytest.raises(ServiceError) as exc:
        pool_allot(actor=alice_staff_north, street=regions["north"], batch_key="b")
    assert exc.value.code == "POOL_EMPTY"
    pool_of(100)
    before = written()
    with pytest.raises(ServiceError) as exc:
        pool_allot(actor=carol_staff_south, street=regions["north"], batch_key="b")
    assert exc.value.code == "PERMISSION_DENIED"
    assert written() == before


def test_it_lets_only_staff_of_the_region_register_an_elder(
        regions: dict[str, Any], carol_staff_south: Any, bob_volunteer_north: Any) -> None:
    for who in (carol_staff_south, bob_volunteer_north):
        with pytest.raises(ServiceError) as exc:
            member_register(actor=who, display_name="某人", region=regions["north_c1"], birth_year=1940)
        assert exc.value.code == "PERMISSION_DENIED"


def test_it_starts_with_the_real_schemes_defaults(db: Any) -> None:
    rules = rules_get()
    assert rules.storage_cap_minutes == 1500 * 60                    # Nanjing: 1,500 hours
    assert rules.star_thresholds() == [h * 60 for h in (100, 300, 600, 1000, 1500)]
    assert (rules.redemption_age, rules.hardship_redemption_age) == (65, 60)  # Shanghai


def test_it_lets_only_an_administrator_change_the_rules(
        ada_admin: Any, alice_staff_north: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        rules_update(actor=alice_staff_north, storage_cap_minutes=600)
    assert exc.value.code == "PERMISSION_DENIED"
    rules = rules_update(actor=ada_admin, storage_cap_minutes=600, star1_minutes=60)
    assert (rules.storage_cap_minutes, rules.star1_minutes, rules.updated_by_id) == (600, 60, ada_admin.pk)


@pytest.mark.parametrize("changes,field", [
    ({"storage_cap_minutes": -1}, "storageCapMinutes"),
    ({"redemption_age": 500}, "redemptionAge"),
    ({"star2_minutes": 1}, "star1Minutes"),                     # stars must rise
    ({"hardship_redemption_age": 70}, "hardshipRedemptionAge"),  # above the general age
    ({"yearly_give_cap_minutes": True}, "yearlyGiveCapMinutes"),
])
def test_it_refuses_inconsistent_rules_and_changes_nothing(ada_admin: Any, changes: dict[str, Any],
                                                           field: str) -> None:
    rules_get()
    before = TimeBankRules.objects.values().get(pk=1)
    with pytest.raises(ServiceError) as exc:
        rules_update(actor=ada_admin, **changes)
    assert exc.value.field == field
    assert TimeBankRules.objects.values().get(pk=1) == before
