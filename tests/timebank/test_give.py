"""Giving: to a linked relative or friend (both consented) within the yearly cap, or to a street's pool."""

from __future__ import annotations

from typing import Any

import pytest

from huzhu.core.errors import ServiceError
from huzhu.timebank.models import Gift, PoolDonation, TimeBankLink
from huzhu.timebank.services import link_accept, link_request, timebank_give

from .helpers import balance, member, pool_balance, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> Any:
    """bob has 500 minutes and is linked with ed (bob asked, ed accepted)."""
    earn(bob_volunteer_north, 500)
    earn(ed_volunteer_north, 10)
    link = link_request(actor=bob_volunteer_north, to_member=member(ed_volunteer_north), relation="朋友")
    return link_accept(actor=ed_volunteer_north, link_id=link.pk)


def test_it_gives_minutes_to_a_linked_friend_within_the_yearly_cap(
        small_rules: Any, linked: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> None:
    # given bob linked with ed and a yearly giving cap of 300 minutes
    # when bob gives 200, then 100
    first = timebank_give(actor=bob_volunteer_north, minutes=200, idempotency_key="g1",
                          to_member=member(ed_volunteer_north))
    timebank_give(actor=bob_volunteer_north, minutes=100, idempotency_key="g2", to_member=member(ed_volunteer_north))
    # then the minutes moved and the gift is recorded as bob's own act
    assert balance(bob_volunteer_north).posted == 200
    assert balance(ed_volunteer_north).posted == 310
    assert (first.actor_id, first.on_behalf, first.minutes) == (bob_volunteer_north.pk, False, 200)
    # and a retry of g1 is a replay, not a third gift
    assert timebank_give(actor=bob_volunteer_north, minutes=200, idempotency_key="g1",
                         to_member=member(ed_volunteer_north)).pk == first.pk
    assert balance(bob_volunteer_north).posted == 200


def test_it_refuses_a_gift_over_the_yearly_cap_and_writes_nothing(
        small_rules: Any, linked: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> None:
    # given bob already gave 250 of his 300 minutes this year
    timebank_give(actor=bob_volunteer_north, minutes=250, idempotency_key="g1", to_member=member(ed_volunteer_north))
    before = written()
    # when he gives 60 more
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=bob_volunteer_north, minutes=60, idempotency_key="g2",
                      to_member=member(ed_volunteer_north))
    # then the cap refuses it, tells how much is left, and nothing was written
    assert exc.value.code == "YEARLY_GIVE_CAP"
    assert "50" in exc.value.message
    assert written() == before
    assert balance(bob_volunteer_north).posted == 250


def test_it_refuses_a_gift_to_an_unlinked_or_not_yet_accepted_account(
        earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> None:
    # given bob with minutes and ed, not linked
    earn(bob_volunteer_north, 100)
    earn(ed_volunteer_north, 10)
    before = written()
    # when bob gives to ed
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=bob_volunteer_north, minutes=30, idempotency_key="g", to_member=member(ed_volunteer_north))
    # then NOT_LINKED, nothing written
    assert exc.value.code == "NOT_LINKED"
    assert written() == before
    # and when bob has only asked (ed has not accepted) it is still refused
    link_request(actor=bob_volunteer_north, to_member=member(ed_volunteer_north))
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=bob_volunteer_north, minutes=30, idempotency_key="g", to_member=member(ed_volunteer_north))
    assert exc.value.code == "NOT_LINKED"


def test_it_lets_only_the_other_side_accept_a_link(
        earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any, dave_volunteer_south: Any,
        carol_staff_south: Any) -> None:
    # given bob asked to link with ed
    earn(ed_volunteer_north, 10)
    earn(bob_volunteer_north, 10)
    link = link_request(actor=bob_volunteer_north, to_member=member(ed_volunteer_north))
    # when bob himself, a stranger, or another street's staff accepts: NOT_FOUND, still requested
    for who in (bob_volunteer_north, dave_volunteer_south, carol_staff_south):
        with pytest.raises(ServiceError) as exc:
            link_accept(actor=who, link_id=link.pk)
        assert exc.value.code == "NOT_FOUND"
    assert TimeBankLink.objects.get(pk=link.pk).status == "requested"
    # and a second request between the same two is refused
    with pytest.raises(ServiceError) as exc:
        link_request(actor=ed_volunteer_north, to_member=member(bob_volunteer_north))
    assert exc.value.code == "LINK_EXISTS"


def test_it_gives_to_the_community_pool_outside_the_yearly_cap(
        small_rules: Any, earn: Any, bob_volunteer_north: Any, regions: dict[str, Any]) -> None:
    # given bob with 500 minutes and a yearly cap on gifts to people of 300
    earn(bob_volunteer_north, 500)
    # when he gives 400 to the south street's pool (any street of his district)
    gift = timebank_give(actor=bob_volunteer_north, minutes=400, idempotency_key="p1",
                         to_pool_street=regions["south"])
    # then the pool holds them, recorded as a gift donation
    assert pool_balance(regions["south"]) == 400
    donation = PoolDonation.objects.get()
    assert (donation.kind, donation.gift_id, donation.donor_id) == ("gift", gift.pk, member(bob_volunteer_north).pk)
    assert balance(bob_volunteer_north).posted == 100


def test_it_refuses_giving_more_than_the_available_balance(
        linked: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> None:
    before = written()
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=bob_volunteer_north, minutes=501, idempotency_key="g",
                      to_member=member(ed_volunteer_north))
    assert exc.value.code == "INSUFFICIENT_BALANCE"
    assert written() == before


@pytest.mark.parametrize("minutes", [0, -1, 10**9, 2.5])
def test_it_refuses_bad_gift_amounts(linked: Any, bob_volunteer_north: Any, ed_volunteer_north: Any,
                                     minutes: Any) -> None:
    before = written()
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=bob_volunteer_north, minutes=minutes, idempotency_key="g",
                      to_member=member(ed_volunteer_north))
    assert exc.value.code in ("OUT_OF_RANGE", "INVALID")
    assert written() == before


def test_it_refuses_a_replayed_key_with_a_different_body(
        linked: Any, bob_volunteer_north: Any, ed_volunteer_north: Any, regions: dict[str, Any]) -> None:
    timebank_give(actor=bob_volunteer_north, minutes=50, idempotency_key="g", to_member=member(ed_volunteer_north))
    before = written()
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=bob_volunteer_north, minutes=50, idempotency_key="g", to_pool_street=regions["north"])
    assert exc.value.code == "IDEMPOTENCY_MISMATCH"
    assert written() == before


def test_it_lets_staff_give_on_behalf_of_an_elder_and_records_who_acted(
        earn: Any, register_elder: Any, alice_staff_north: Any, carol_staff_south: Any,
        regions: dict[str, Any]) -> None:
    # given an elder without a phone who received 120 minutes from the pool
    elder = register_elder("李爷爷", age=85, lives_alone=True)
    from huzhu.timebank.services import pool_allot
    from tests.conftest import make_user
    vol = make_user("v2@test.huzhu", ("volunteer", regions["north"]))
    earn(vol, 200)
    timebank_give(actor=vol, minutes=120, idempotency_key="p", to_pool_street=regions["north"])
    pool_allot(actor=alice_staff_north, street=regions["north"], batch_key="b1", minutes_each=120)
    assert balance(elder).posted == 120
    # when carol (south staff) tries to act for him: NOT_FOUND
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=carol_staff_south, on_behalf_of=elder, minutes=60, idempotency_key="e1",
                      to_pool_street=regions["north"])
    assert exc.value.code == "NOT_FOUND"
    # when alice (north staff) gives 60 of them back to the pool for him (代办)
    gift = timebank_give(actor=alice_staff_north, on_behalf_of=elder, minutes=60, idempotency_key="e2",
                         to_pool_street=regions["north"])
    # then it is his gift, done by alice on his behalf
    assert (gift.from_member_id, gift.actor_id, gift.on_behalf) == (elder.pk, alice_staff_north.pk, True)
    assert balance(elder).posted == 60
    assert Gift.objects.count() == 2


def test_it_refuses_giving_for_someone_without_an_account(dave_volunteer_south: Any, regions: dict[str, Any]) -> None:
    with pytest.raises(ServiceError) as exc:
        timebank_give(actor=dave_volunteer_south, minutes=5, idempotency_key="x", to_pool_street=regions["south"])
    assert exc.value.code == "NOT_A_MEMBER"


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_yearly_cap_under_concurrent_gifts(
        regions: dict[str, Any], bob_volunteer_north: Any, ed_volunteer_north: Any,
        sam_social_worker_north: Any) -> None:
    # given bob with 1,000 minutes, linked with ed, and a yearly cap of 300
    import threading
    from datetime import date

    from django.db import connection

    from huzhu.timebank.models import TimeBankRules
    from huzhu.timebank.rules import rules_get
    from huzhu.timebank.services import earn_service_minutes
    rules_get()
    TimeBankRules.objects.filter(pk=1).update(yearly_give_cap_minutes=300)
    for who, minutes in ((bob_volunteer_north, 1000), (ed_volunteer_north, 10)):
        earn_service_minutes(volunteer=who, minutes=minutes, idempotency_key=f"e-{who.pk}",
                             confirmed_by=sam_social_worker_north, street=regions["north"],
                             organisation_name="org", service_date=date(2026, 1, 1))
    link = link_request(actor=bob_volunteer_north, to_member=member(ed_volunteer_north))
    link_accept(actor=ed_volunteer_north, link_id=link.pk)
    codes: list[str] = []
    barrier = threading.Barrier(8)

    # when eight gifts of 100 are sent at once
    def give(i: int) -> None:
        try:
            barrier.wait()
            timebank_give(actor=bob_volunteer_north, minutes=100, idempotency_key=f"g{i}",
                          to_member=member(ed_volunteer_north))
            codes.append("ok")
        except ServiceError as exc:
            codes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=give, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then exactly three went through
    assert sorted(codes) == ["YEARLY_GIVE_CAP"] * 5 + ["ok"] * 3
    assert balance(ed_volunteer_north).posted == 310
    assert Gift.objects.count() == 3


def test_it_lets_staff_consent_only_for_an_elder_without_a_user(
        earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any, register_elder: Any,
        alice_staff_north: Any) -> None:
    # given bob asked to link with ed (who has his own login) and with an elder without a phone
    earn(bob_volunteer_north, 10)
    earn(ed_volunteer_north, 10)
    elder = register_elder("赵奶奶", age=81, lives_alone=True)
    to_ed = link_request(actor=bob_volunteer_north, to_member=member(ed_volunteer_north))
    to_elder = link_request(actor=bob_volunteer_north, to_member=elder)
    # then alice may not accept for ed, but may for the elder (代办)
    with pytest.raises(ServiceError) as exc:
        link_accept(actor=alice_staff_north, link_id=to_ed.pk)
    assert exc.value.code == "NOT_FOUND"
    accepted = link_accept(actor=alice_staff_north, link_id=to_elder.pk)
    assert (accepted.status, accepted.accepted_by_id) == ("accepted", alice_staff_north.pk)
