"""Redeeming: from the redemption age, the minutes are held, then posted (delivered) or voided (cancelled),
exactly once; hours earned in one street redeem in any street of the district (通存通兑)."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection

from huzhu.core.errors import ServiceError
from huzhu.timebank.models import Redemption
from huzhu.timebank.services import (
    redemption_cancel,
    redemption_schedule,
    redemption_settle,
    rules_update,
    timebank_redeem,
)

from .helpers import balance, set_birth_year, written

pytestmark = pytest.mark.django_db
THIS_YEAR = date.today().year


@pytest.fixture
def old_bob(earn: Any, bob_volunteer_north: Any) -> Any:
    """bob, 70 years old, with 300 minutes earned in the north street."""
    earn(bob_volunteer_north, 300)
    set_birth_year(bob_volunteer_north, THIS_YEAR - 70)
    return bob_volunteer_north


def redeem(user: Any, minutes: int, region: Any, key: str = "r1", **kw: Any) -> Redemption:
    return timebank_redeem(actor=user, service_type="meal_delivery", minutes=minutes, region=region,
                           idempotency_key=key, **kw)


def test_it_holds_the_minutes_then_posts_them_when_delivered(
        old_bob: Any, regions: dict[str, Any], alice_staff_north: Any) -> None:
    # when bob asks for 120 minutes of service at home
    redemption = redeem(old_bob, 120, regions["north_c1"])
    # then the minutes are held: available drops, the posted balance does not yet
    assert redemption.status == "requested"
    assert (balance(old_bob).posted, balance(old_bob).available) == (300, 180)
    # when it becomes a task and alice confirms it was delivered
    redemption_schedule(redemption_id=redemption.pk, actor=alice_staff_north, task_id=42)
    settled = redemption_settle(redemption_id=redemption.pk, delivered=True, actor=alice_staff_north)
    # then the hold posts
    assert (settled.status, settled.settled_by_id) == ("delivered", alice_staff_north.pk)
    assert (balance(old_bob).posted, balance(old_bob).available) == (180, 180)
    from ledger.models import Transfer
    assert Transfer.objects.get(pk=settled.settle_transfer_id).pending_id == redemption.pending_transfer_id


def test_it_voids_the_hold_when_cancelled(old_bob: Any, regions: dict[str, Any]) -> None:
    # given a held redemption
    redemption = redeem(old_bob, 120, regions["north_c1"])
    # when bob cancels it
    cancelled = redemption_cancel(actor=old_bob, redemption_id=redemption.pk)
    # then the minutes are available again and nothing was spent
    assert cancelled.status == "cancelled"
    assert (balance(old_bob).posted, balance(old_bob).available) == (300, 300)


def test_it_settles_exactly_once(old_bob: Any, regions: dict[str, Any], alice_staff_north: Any) -> None:
    # given a delivered redemption
    redemption = redeem(old_bob, 100, regions["north_c1"])
    redemption_settle(redemption_id=redemption.pk, delivered=True, actor=alice_staff_north)
    before = written()
    # when it is confirmed delivered again: the same redemption, nothing new
    again = redemption_settle(redemption_id=redemption.pk, delivered=True, actor=alice_staff_north)
    assert again.status == "delivered"
    assert written() == before
    # when someone then cancels it: ALREADY_SETTLED, nothing new
    with pytest.raises(ServiceError) as exc:
        redemption_cancel(actor=old_bob, redemption_id=redemption.pk)
    assert exc.value.code == "ALREADY_SETTLED"
    assert written() == before
    assert balance(old_bob).posted == 200


@pytest.mark.django_db(transaction=True)
def test_it_settles_once_when_delivery_and_cancellation_race(
        regions: dict[str, Any], bob_volunteer_north: Any, sam_social_worker_north: Any,
        alice_staff_north: Any) -> None:
    # given a held redemption
    from huzhu.timebank.services import earn_service_minutes
    earn_service_minutes(volunteer=bob_volunteer_north, minutes=300, idempotency_key="e",
                         confirmed_by=sam_social_worker_north, street=regions["north"], organisation_name="org",
                         service_date=date(2026, 1, 5))
    set_birth_year(bob_volunteer_north, THIS_YEAR - 70)
    redemption = redeem(bob_volunteer_north, 100, regions["north_c1"])
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def act(i: int) -> None:
        try:
            barrier.wait()
            if i % 2:
                redemption_settle(redemption_id=redemption.pk, delivered=True, actor=alice_staff_north)
            else:
                redemption_cancel(actor=bob_volunteer_north, redemption_id=redemption.pk)
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then exactly one outcome won, and the ledger resolved the hold once
    final = Redemption.objects.get(pk=redemption.pk)
    from ledger.models import Transfer
    assert Transfer.objects.filter(pending_id=redemption.pending_transfer_id).count() == 1
    assert len(outcomes) == 6 and set(outcomes) <= {"ok", "ALREADY_SETTLED"}
    expected_posted = 200 if final.status == "delivered" else 300
    assert balance(bob_volunteer_north).posted == expected_posted
    assert balance(bob_volunteer_north).available == expected_posted


def test_it_refuses_redemption_below_the_age_and_writes_nothing(
        earn: Any, bob_volunteer_north: Any, regions: dict[str, Any]) -> None:
    # given bob, 64, with minutes
    earn(bob_volunteer_north, 300)
    set_birth_year(bob_volunteer_north, THIS_YEAR - 64)
    before = written()
    # when he redeems
    with pytest.raises(ServiceError) as exc:
        redeem(bob_volunteer_north, 60, regions["north_c1"])
    # then BELOW_REDEMPTION_AGE naming 65, nothing held
    assert exc.value.code == "BELOW_REDEMPTION_AGE"
    assert "65" in exc.value.message
    assert written() == before
    assert balance(bob_volunteer_north).available == 300


def test_it_lets_special_hardship_redeem_from_60_and_follows_the_admins_age(
        register_elder: Any, alice_staff_north: Any, ada_admin: Any, regions: dict[str, Any], earn: Any) -> None:
    # given two 62-year-olds with allotted minutes, one of them in special hardship
    from huzhu.timebank.services import pool_allot, timebank_give
    from tests.conftest import make_user
    hard = register_elder("困难户", age=62, hardship=True, disabled=True)
    plain = register_elder("普通户", age=62, disabled=True)
    vol = make_user("giver@test.huzhu", ("volunteer", regions["north"]))
    earn(vol, 600)
    timebank_give(actor=vol, minutes=600, idempotency_key="p", to_pool_street=regions["north"])
    pool_allot(actor=alice_staff_north, street=regions["north"], batch_key="b", minutes_each=200)
    # then staff may redeem for the hardship case (代办) but not for the other
    r = redeem(alice_staff_north, 60, regions["north_c1"], "h1", on_behalf_of=hard)
    assert (r.member_id, r.requested_by_id, r.on_behalf) == (hard.pk, alice_staff_north.pk, True)
    with pytest.raises(ServiceError) as exc:
        redeem(alice_staff_north, 60, regions["north_c1"], "p1", on_behalf_of=plain)
    assert exc.value.code == "BELOW_REDEMPTION_AGE"
    # when the administrator lowers the redemption age to 60, the other may redeem too
    rules_update(actor=ada_admin, redemption_age=60)
    assert redeem(alice_staff_north, 60, regions["north_c1"], "p1", on_behalf_of=plain).status == "requested"


def test_it_redeems_hours_earned_in_one_street_in_another_street(
        old_bob: Any, regions: dict[str, Any], carol_staff_south: Any, alice_staff_north: Any) -> None:
    # given bob's minutes were earned in the north street
    # when he asks for a service in the south street (where his daughter lives him in, say)
    redemption = redeem(old_bob, 90, regions["south_c2"])
    assert balance(old_bob).available == 210
    # then it is the south street's need: alice (north) may not settle it, carol (south) may
    with pytest.raises(ServiceError) as exc:
        redemption_settle(redemption_id=redemption.pk, delivered=True, actor=alice_staff_north)
    assert exc.value.code == "NOT_FOUND"
    settled = redemption_settle(redemption_id=redemption.pk, delivered=True, actor=carol_staff_south)
    # and the north-earned minutes pay for the south service (通存通兑)
    assert settled.status == "delivered"
    assert balance(old_bob).posted == 210


def test_it_refuses_a_region_outside_the_district(old_bob: Any, regions: dict[str, Any]) -> None:
    from huzhu.regions.services import region_insert
    other = region_insert(name="外区", code="t-other", level="district", parent=None)
    other_street = region_insert(name="外区街道", code="t-other-s", level="street", parent=other)
    before = written()
    with pytest.raises(ServiceError) as exc:
        redeem(old_bob, 60, other_street)
    assert exc.value.code == "OUTSIDE_DISTRICT"
    assert written() == before


def test_it_refuses_redeeming_more_than_is_available(old_bob: Any, regions: dict[str, Any]) -> None:
    # given 200 of bob's 300 minutes are held
    redeem(old_bob, 200, regions["north_c1"], "a")
    before = written()
    # when he asks for another 200
    with pytest.raises(ServiceError) as exc:
        redeem(old_bob, 200, regions["north_c1"], "b")
    # then the hold counts as spent: INSUFFICIENT_BALANCE
    assert exc.value.code == "INSUFFICIENT_BALANCE"
    assert written() == before


@pytest.mark.parametrize("minutes", [0, -5, 8 * 60 + 1, 10**10])
def test_it_refuses_bad_redemption_minutes(old_bob: Any, regions: dict[str, Any], minutes: int) -> None:
    before = written()
    with pytest.raises(ServiceError) as exc:
        redeem(old_bob, minutes, regions["north_c1"])
    assert exc.value.code == "OUT_OF_RANGE"
    assert written() == before


def test_it_replays_a_redemption_and_refuses_a_changed_body(old_bob: Any, regions: dict[str, Any]) -> None:
    first = redeem(old_bob, 60, regions["north_c1"], "same")
    assert redeem(old_bob, 60, regions["north_c1"], "same").pk == first.pk
    assert balance(old_bob).available == 240
    with pytest.raises(ServiceError) as exc:
        redeem(old_bob, 61, regions["north_c1"], "same")
    assert exc.value.code == "IDEMPOTENCY_MISMATCH"


def test_it_refuses_cancelling_someone_elses_redemption(
        old_bob: Any, regions: dict[str, Any], dave_volunteer_south: Any, carol_staff_south: Any) -> None:
    redemption = redeem(old_bob, 60, regions["north_c1"])
    for who in (dave_volunteer_south, carol_staff_south):
        with pytest.raises(ServiceError) as exc:
            redemption_cancel(actor=who, redemption_id=redemption.pk)
        assert exc.value.code == "NOT_FOUND"
    assert Redemption.objects.get(pk=redemption.pk).status == "requested"


def test_it_records_a_hold_that_the_ledger_expired(
        old_bob: Any, regions: dict[str, Any], ada_admin: Any, alice_staff_north: Any) -> None:
    # given holds expire after one day, and bob asked for a service
    from datetime import timedelta

    from django.utils import timezone

    from huzhu.timebank.services import redemptions_sync_expired
    from ledger import api
    rules_update(actor=ada_admin, redemption_hold_days=1)
    redemption = redeem(old_bob, 100, regions["north_c1"])
    assert balance(old_bob).available == 200
    # when two days pass and the ledger's expiry runs, then the time bank's sync
    assert api.expire_pending(now=timezone.now() + timedelta(days=2)) == 1
    assert redemptions_sync_expired() == 1
    # then the minutes are free again and the redemption is cancelled; delivering it now is refused
    assert balance(old_bob).available == 300
    assert Redemption.objects.get(pk=redemption.pk).status == "cancelled"
    with pytest.raises(ServiceError) as exc:
        redemption_settle(redemption_id=redemption.pk, delivered=True, actor=alice_staff_north)
    assert exc.value.code == "ALREADY_SETTLED"
    assert redemptions_sync_expired() == 0
