"""Earning: confirmed service mints minutes, once per key; above the storage cap they go to the pool."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection

from huzhu.core.errors import ServiceError
from huzhu.timebank.models import EarnedTotal, EarnRecord, PoolDonation
from huzhu.timebank.services import earn_service_minutes, reverse_earning, timebank_give

from .helpers import balance, member, pool_balance, written

pytestmark = pytest.mark.django_db


def test_it_credits_confirmed_minutes_to_the_volunteer(earn: Any, bob_volunteer_north: Any) -> None:
    # given bob, a north volunteer without an account yet
    # when sam confirms 90 minutes of service
    result = earn(bob_volunteer_north, 90)
    # then bob's account holds 90 minutes, earned 90, and the issuing account minted them
    assert (result.credited_minutes, result.donated_minutes, result.replayed) == (90, 0, False)
    assert balance(bob_volunteer_north).posted == 90
    assert EarnedTotal.objects.get(member=member(bob_volunteer_north)).minutes == 90
    from ledger import api
    issuer = api.account_get("tb:issuer")
    assert api.balance(issuer.pk).posted == -90
    # and the account is in the street's volunteers group
    assert api.group_balance(f"tb:street:{member(bob_volunteer_north).street_id}:volunteers").posted == 90


def test_it_replays_a_retry_with_the_same_key_and_credits_once(earn: Any, bob_volunteer_north: Any) -> None:
    # given an earning under key k1
    earn(bob_volunteer_north, 60, "k1")
    # when the confirmation is retried with the same body
    again = earn(bob_volunteer_north, 60, "k1")
    # then it is a replay and the minutes are credited once
    assert again.replayed is True
    assert balance(bob_volunteer_north).posted == 60
    assert EarnRecord.objects.count() == 1
    assert EarnedTotal.objects.get(member=member(bob_volunteer_north)).minutes == 60


def test_it_refuses_the_same_key_with_a_different_body(earn: Any, bob_volunteer_north: Any) -> None:
    # given an earning under key k1
    earn(bob_volunteer_north, 60, "k1")
    before = written()
    # when the key is reused for a different number of minutes
    with pytest.raises(ServiceError) as exc:
        earn(bob_volunteer_north, 120, "k1")
    # then it is IDEMPOTENCY_MISMATCH and nothing was written
    assert exc.value.code == "IDEMPOTENCY_MISMATCH"
    assert written() == before
    assert balance(bob_volunteer_north).posted == 60


@pytest.mark.django_db(transaction=True)
def test_it_credits_once_under_concurrent_retries(regions: dict[str, Any], bob_volunteer_north: Any,
                                                  sam_social_worker_north: Any) -> None:
    # given eight threads retrying the same confirmation at once
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def confirm() -> None:
        try:
            barrier.wait()
            results.append(earn_service_minutes(
                volunteer=bob_volunteer_north, minutes=45, idempotency_key="task-7:bob",
                confirmed_by=sam_social_worker_north, street=regions["north"],
                organisation_name="北街道为老服务中心", service_date=date(2026, 3, 1),
            ))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then every attempt succeeded, exactly one of them credited, and the balance is 45
    assert errors == []
    assert len(results) == 8
    assert sum(1 for r in results if not r.replayed) == 1
    assert EarnRecord.objects.count() == 1
    assert balance(bob_volunteer_north).posted == 45
    assert EarnedTotal.objects.get(member=member(bob_volunteer_north)).minutes == 45


def test_it_sends_minutes_above_the_storage_cap_to_the_street_pool(
        small_rules: Any, earn: Any, bob_volunteer_north: Any, regions: dict[str, Any]) -> None:
    # given a storage cap of 600 minutes and bob at 500
    earn(bob_volunteer_north, 500)
    # when 300 more minutes are confirmed
    result = earn(bob_volunteer_north, 300)
    # then 100 fill bob's account to the cap and 200 go to the north pool as an overflow donation
    assert (result.credited_minutes, result.donated_minutes) == (100, 200)
    assert balance(bob_volunteer_north).posted == 600
    assert pool_balance(regions["north"]) == 200
    donation = PoolDonation.objects.get()
    assert (donation.kind, donation.minutes, donation.street_id) == ("overflow", 200, regions["north"].pk)
    assert donation.earn_record.idempotency_key == EarnRecord.objects.latest("id").idempotency_key
    # and the transfer says why
    from ledger.models import Transfer
    assert Transfer.objects.get(pk=donation.transfer_id).memo["kind"] == "overflow_donation"
    # and all 800 minutes count as earned (stars come from service, not from the balance)
    assert result.earned_minutes == 800


def test_it_sends_everything_to_the_pool_when_the_account_is_full(
        small_rules: Any, earn: Any, bob_volunteer_north: Any, regions: dict[str, Any]) -> None:
    # given bob at the cap
    earn(bob_volunteer_north, 600)
    # when 60 more are confirmed
    result = earn(bob_volunteer_north, 60)
    # then all 60 go to the pool
    assert (result.credited_minutes, result.donated_minutes) == (0, 60)
    assert balance(bob_volunteer_north).posted == 600
    assert pool_balance(regions["north"]) == 60


@pytest.mark.parametrize("minutes", [0, -30, 24 * 60 + 1, 10**12, True, "60"])
def test_it_refuses_bad_minutes_and_writes_nothing(earn: Any, bob_volunteer_north: Any, minutes: Any) -> None:
    # given nothing yet
    before = written()
    # when the minutes are zero, negative, above one day, huge, or not an integer
    with pytest.raises(ServiceError) as exc:
        earn(bob_volunteer_north, minutes)
    # then a typed error, and nothing was written
    assert exc.value.code in ("OUT_OF_RANGE", "INVALID")
    assert exc.value.field == "minutes"
    assert written() == before


def test_it_refuses_a_confirmation_by_another_streets_social_worker(
        earn: Any, bob_volunteer_north: Any, sw_south: Any, regions: dict[str, Any]) -> None:
    # given sue, social worker of the south street
    before = written()
    # when she confirms service in the north street
    with pytest.raises(ServiceError) as exc:
        earn(bob_volunteer_north, 60, confirmed_by=sw_south, street=regions["north"])
    # then permission is denied and nothing was written
    assert exc.value.code == "PERMISSION_DENIED"
    assert written() == before


def test_it_refuses_confirming_ones_own_service(earn: Any, sam_social_worker_north: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        earn(sam_social_worker_north, 60, confirmed_by=sam_social_worker_north)
    assert exc.value.code == "SELF"


def test_it_refuses_a_service_date_in_the_future_and_a_missing_organisation(
        earn: Any, bob_volunteer_north: Any) -> None:
    before = written()
    with pytest.raises(ServiceError) as exc:
        earn(bob_volunteer_north, 60, service_date=date(2999, 1, 1))
    assert exc.value.code == "INVALID"
    with pytest.raises(ServiceError) as exc:
        earn(bob_volunteer_north, 60, org="  ")
    assert (exc.value.code, exc.value.field) == ("REQUIRED", "organisationName")
    assert written() == before


def test_it_counts_stars_from_earned_minutes_not_from_the_balance(
        earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> None:
    # given bob earned 100 hours (1★) and ed is linked with him
    from huzhu.timebank.services import link_accept, link_request

    earn(bob_volunteer_north, 24 * 60, "a")
    earn(bob_volunteer_north, 24 * 60, "b")
    earn(bob_volunteer_north, 24 * 60, "c")
    earn(bob_volunteer_north, 24 * 60, "d")
    result = earn(bob_volunteer_north, 4 * 60, "e")
    assert (result.earned_minutes, result.stars) == (100 * 60, 1)
    earn(ed_volunteer_north, 30)
    link = link_request(actor=bob_volunteer_north, to_member=member(ed_volunteer_north))
    link_accept(actor=ed_volunteer_north, link_id=link.pk)
    # when he gives 50 hours away
    timebank_give(actor=bob_volunteer_north, minutes=50 * 60,
                  idempotency_key="g1", to_member=member(ed_volunteer_north))
    # then his balance halves but he keeps his star
    from huzhu.timebank.selectors import my_time_bank
    mine = my_time_bank(actor=bob_volunteer_north)
    assert mine.balance_minutes == 50 * 60
    assert (mine.earned_minutes, mine.stars, mine.next_star_at) == (100 * 60, 1, 300 * 60)
    # and ed's star level did not rise from the gift
    assert my_time_bank(actor=ed_volunteer_north).stars == 0


def test_it_reverses_an_earning_with_reversing_transfers(
        small_rules: Any, earn: Any, bob_volunteer_north: Any, alice_staff_north: Any,
        regions: dict[str, Any]) -> None:
    # given an earning of 700 minutes (600 credited, 100 to the pool)
    earn(bob_volunteer_north, 700, "wrong-one")
    from ledger.models import Transfer
    transfers_before = Transfer.objects.count()
    # when alice reverses it
    reversal = reverse_earning(idempotency_key="wrong-one", actor=alice_staff_north, reason="录入错误")
    # then two reversing transfers point at the originals and the balances are back to zero
    record = EarnRecord.objects.get(idempotency_key="wrong-one")
    assert Transfer.objects.count() == transfers_before + 2
    assert Transfer.objects.get(pk=reversal.transfer_id).reverses_id == record.transfer_id
    assert Transfer.objects.get(pk=reversal.donation_transfer_id).reverses_id == record.donation_transfer_id
    assert balance(bob_volunteer_north).posted == 0
    assert pool_balance(regions["north"]) == 0
    # and the earned total drops; the record itself is unchanged
    assert EarnedTotal.objects.get(member=member(bob_volunteer_north)).minutes == 0
    assert record.minutes == 700
    # and reversing again returns the same reversal, with no new transfer
    assert reverse_earning(idempotency_key="wrong-one", actor=alice_staff_north, reason="again").pk == reversal.pk
    assert Transfer.objects.count() == transfers_before + 2


def test_it_refuses_a_reversal_from_another_street_and_of_spent_minutes(
        earn: Any, bob_volunteer_north: Any, carol_staff_south: Any, alice_staff_north: Any,
        regions: dict[str, Any]) -> None:
    # given bob earned 120 minutes and gave 100 to the pool
    earn(bob_volunteer_north, 120, "e1")
    timebank_give(actor=bob_volunteer_north, minutes=100, idempotency_key="g", to_pool_street=regions["north"])
    before = written()
    # when carol (south) tries to reverse it: NOT_FOUND
    with pytest.raises(ServiceError) as exc:
        reverse_earning(idempotency_key="e1", actor=carol_staff_south, reason="x")
    assert exc.value.code == "NOT_FOUND"
    # when alice (north) tries: the minutes are gone, the ledger refuses, typed error
    with pytest.raises(ServiceError) as exc:
        reverse_earning(idempotency_key="e1", actor=alice_staff_north, reason="录入错误")
    assert exc.value.code == "INSUFFICIENT_BALANCE"
    # and nothing was written
    assert written() == before
    assert EarnedTotal.objects.get(member=member(bob_volunteer_north)).minutes == 120


def test_it_publishes_the_new_balance_on_commit_only(
        earn: Any, bob_volunteer_north: Any, django_capture_on_commit_callbacks: Any) -> None:
    # given an observer of the realtime events sent in this process
    from huzhu.realtime import events
    seen: list[dict[str, Any]] = []

    def hook(_groups: Any, message: dict[str, Any]) -> None:
        if message["topic"] == events.LEDGER_BALANCE:
            seen.append({"user_id": message["user_id"], **message["payload"]})

    events.add_hook(hook)
    try:
        # when an earning commits
        with django_capture_on_commit_callbacks(execute=True):
            earn(bob_volunteer_north, 75)
            # then nothing is sent before the commit
            assert seen == []
        # and bob is told his new balance after it
        assert seen == [{"user_id": bob_volunteer_north.pk, "balance_minutes": 75, "available_minutes": 75,
                         "earned_minutes": 75, "stars": 0}]
        # when a refused earning rolls back, nothing is sent
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError):
            earn(bob_volunteer_north, 0)
        assert len(seen) == 1
    finally:
        events.remove_hook(hook)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_storage_cap_when_different_services_are_confirmed_at_once(
        regions: dict[str, Any], bob_volunteer_north: Any, sam_social_worker_north: Any) -> None:
    # given a storage cap of 600 minutes
    from huzhu.timebank.models import TimeBankRules
    from huzhu.timebank.rules import rules_get
    rules_get()
    TimeBankRules.objects.filter(pk=1).update(storage_cap_minutes=600)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    # when eight different services of 100 minutes are confirmed for bob at the same moment
    def confirm(i: int) -> None:
        try:
            barrier.wait()
            earn_service_minutes(
                volunteer=bob_volunteer_north, minutes=100, idempotency_key=f"task-{i}:bob",
                confirmed_by=sam_social_worker_north, street=regions["north"],
                organisation_name="北街道为老服务中心", service_date=date(2026, 3, 1),
            )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then all are recorded: bob's account stops at the cap and exactly the rest is in the pool
    assert errors == []
    assert balance(bob_volunteer_north).posted == 600
    assert pool_balance(regions["north"]) == 200
    assert sum(r.donated_minutes for r in EarnRecord.objects.all()) == 200
    assert EarnedTotal.objects.get(member=member(bob_volunteer_north)).minutes == 800
