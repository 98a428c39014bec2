"""Matching services: constraints, fairness, explanations, review workflow, scoping."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from huzhu.core.errors import ServiceError
from huzhu.giving.models import StockReservation
from huzhu.households.models import Need
from huzhu.matching.models import MatchingRules, MatchProposal
from huzhu.matching.selectors import proposal_list
from huzhu.matching.services import (
    proposal_accept,
    proposal_deliver,
    proposal_dispatch,
    proposal_reject,
    propose_for_goods_supply,
    propose_for_need,
    rules_update,
)
from tests.matching.conftest import make_need, receive


def test_it_proposes_stock_of_the_needs_street_with_an_explanation_that_sums(
        regions: Any, workstations: Any, north_stock: Any) -> None:
    # given an urgent clothing need in the north street, waiting three weeks, and quilts in north stock
    need = make_need(regions["north_c1"], workstations["north"], urgent=True, days_waiting=21,
                     goods_item="棉被", category="extreme_poverty")
    # when online matching runs for it
    proposal = propose_for_need(need_id=need.pk)
    # then the quilts are proposed, the need is "proposed", and the explanation sums to the score
    assert proposal is not None
    assert proposal.item_key == "clothes_bedding/quilt"
    assert proposal.score == sum(c["points"] for c in proposal.components)
    assert {c["code"] for c in proposal.components} >= {"urgent", "category", "waited", "same_street"}
    assert Need.objects.get(pk=need.pk).status == "proposed"


def test_it_never_proposes_another_streets_stock(regions: Any, workstations: Any, carol_staff_south: Any) -> None:
    receive(carol_staff_south, workstations["south"], "clothes_bedding/quilt", 5)
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被")
    assert propose_for_need(need_id=need.pk) is None
    assert MatchProposal.objects.count() == 0


def test_it_never_proposes_more_than_is_in_stock(regions: Any, workstations: Any, north_stock: Any) -> None:
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被", quantity=4)  # only 3 quilts
    assert propose_for_need(need_id=need.pk) is None


def test_it_honours_the_monthly_fairness_cap(regions: Any, workstations: Any, north_stock: Any,
                                            alice_staff_north: Any, ada_admin: Any) -> None:
    # given a cap of one assistance per household per month, and one accepted this month
    rules_update(actor=ada_admin, monthly_cap_per_household=1)
    first = make_need(regions["north_c1"], workstations["north"], goods_item="棉被")
    proposal_accept(actor=alice_staff_north, proposal_id=propose_for_need(need_id=first.pk).pk)
    # when the same household needs something else
    second = make_need(regions["north_c1"], workstations["north"], goods_item="毛衣", household=first.household)
    # then nothing is proposed for it
    assert propose_for_need(need_id=second.pk) is None


def test_it_lowers_a_household_helped_recently(regions: Any, workstations: Any, north_stock: Any,
                                              alice_staff_north: Any) -> None:
    helped = make_need(regions["north_c1"], workstations["north"], goods_item="棉被")
    proposal_accept(actor=alice_staff_north, proposal_id=propose_for_need(need_id=helped.pk).pk)
    again = make_need(regions["north_c1"], workstations["north"], goods_item="毛衣", household=helped.household)
    fresh = make_need(regions["north_c1"], workstations["north"], goods_item="毛衣")
    score_again = propose_for_need(need_id=again.pk).score
    MatchProposal.objects.filter(need=again).update(status="superseded")
    score_fresh = propose_for_need(need_id=fresh.pk).score
    assert score_fresh - score_again == 15


def test_accepting_reserves_the_stock_and_matches_the_need(regions: Any, workstations: Any, north_stock: Any,
                                                          alice_staff_north: Any) -> None:
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被", quantity=2)
    proposal = proposal_accept(actor=alice_staff_north, proposal_id=propose_for_need(need_id=need.pk).pk)
    assert proposal.status == "accepted"
    reservation = StockReservation.objects.get(pk=proposal.reservation_id)
    assert (reservation.quantity, reservation.need_id) == (2, need.pk)
    assert Need.objects.get(pk=need.pk).status == "matched"
    # a double click is refused and changes nothing
    with pytest.raises(ServiceError) as exc:
        proposal_accept(actor=alice_staff_north, proposal_id=proposal.pk)
    assert exc.value.code == "NOT_PROPOSED"
    assert StockReservation.objects.count() == 1


def test_rejecting_proposes_the_next_candidate(regions: Any, workstations: Any, north_stock: Any,
                                              alice_staff_north: Any) -> None:
    # given a clothing need that both quilts and sweaters can meet
    need = make_need(regions["north_c1"], workstations["north"], goods_item="冬衣")
    first = propose_for_need(need_id=need.pk)
    # when the reviewer rejects the first with a reason
    rejected, following = proposal_reject(actor=alice_staff_north, proposal_id=first.pk, reason="尺寸不合适")
    # then the other item is proposed at once, and the rejected supply is not proposed again
    assert rejected.status == "rejected" and rejected.reason == "尺寸不合适"
    assert following is not None and following.supply_key != first.supply_key
    assert Need.objects.get(pk=need.pk).status == "proposed"


def test_it_requires_a_reason_to_reject(regions: Any, workstations: Any, north_stock: Any,
                                       alice_staff_north: Any) -> None:
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被")
    proposal = propose_for_need(need_id=need.pk)
    with pytest.raises(ServiceError) as exc:
        proposal_reject(actor=alice_staff_north, proposal_id=proposal.pk, reason="  ")
    assert exc.value.code == "REASON_REQUIRED"
    assert MatchProposal.objects.get(pk=proposal.pk).status == "proposed"


def test_another_streets_staff_cannot_see_or_decide(regions: Any, workstations: Any, north_stock: Any,
                                                   carol_staff_south: Any) -> None:
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被")
    proposal = propose_for_need(need_id=need.pk)
    assert list(proposal_list(actor=carol_staff_south)) == []
    for decide in (lambda: proposal_accept(actor=carol_staff_south, proposal_id=proposal.pk),
                   lambda: proposal_reject(actor=carol_staff_south, proposal_id=proposal.pk, reason="x")):
        with pytest.raises(ServiceError) as exc:
            decide()
        assert exc.value.code == "NOT_FOUND"
    assert MatchProposal.objects.get(pk=proposal.pk).status == "proposed"


def test_dispatch_and_delivery_fulfil_the_need(regions: Any, workstations: Any, north_stock: Any,
                                              alice_staff_north: Any) -> None:
    from huzhu.giving.selectors import stock_rows

    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被")
    proposal = proposal_accept(actor=alice_staff_north, proposal_id=propose_for_need(need_id=need.pk).pk)
    proposal_dispatch(actor=alice_staff_north, proposal_id=proposal.pk)
    proposal_deliver(actor=alice_staff_north, proposal_id=proposal.pk, note="已送到家")
    assert MatchProposal.objects.get(pk=proposal.pk).status == "delivered"
    assert Need.objects.get(pk=need.pk).status == "fulfilled"
    quilts = next(r for r in stock_rows(workstation=workstations["north"]) if r.item_key == "clothes_bedding/quilt")
    assert (quilts.on_hand, quilts.reserved) == (2, 0)


def test_a_new_supply_is_proposed_to_its_best_needs_first(regions: Any, workstations: Any,
                                                         alice_staff_north: Any) -> None:
    # given five open quilt needs, one of them urgent and one in the south street
    plain = [make_need(regions["north_c1"], workstations["north"], goods_item="棉被") for _ in range(3)]
    urgent = make_need(regions["north_c2"], workstations["north"], goods_item="棉被", urgent=True)
    south = make_need(regions["south_c1"], workstations["south"], goods_item="棉被", urgent=True)
    # when two quilts arrive in north stock and the supply is proposed to its top 2
    receive(alice_staff_north, workstations["north"], "clothes_bedding/quilt", 2)
    proposals = propose_for_goods_supply(workstation_id=workstations["north"].pk, item_key="clothes_bedding/quilt",
                                         k=2)
    # then the urgent north need is among them, and the south need is never reached
    need_ids = {p.need_id for p in proposals}
    assert urgent.pk in need_ids and south.pk not in need_ids and len(need_ids) == 2
    assert need_ids - {urgent.pk} <= {n.pk for n in plain}


def test_money_follows_the_earmark(regions: Any, workstations: Any, alice_staff_north: Any,
                                   carol_staff_south: Any) -> None:
    from huzhu.giving.services import Earmark, offline_donation_record

    # given money earmarked for the south street only
    offline_donation_record(actor=carol_staff_south, workstation_id=workstations["south"].pk, channel="cash",
                            amount_fen=100_000, earmark=Earmark(region_id=regions["south"].pk), idempotency_key="g1")
    north_need = make_need(regions["north_c1"], workstations["north"], kind="money", amount_fen=50_000)
    south_need = make_need(regions["south_c1"], workstations["south"], kind="money", amount_fen=50_000)
    # then the north need gets nothing, the south need gets the south fund
    assert propose_for_need(need_id=north_need.pk) is None
    proposal = propose_for_need(need_id=south_need.pk)
    assert proposal is not None and proposal.supply_kind == "money"
    accepted = proposal_accept(actor=carol_staff_south, proposal_id=proposal.pk)
    assert accepted.disbursement_id is not None


def test_a_service_match_creates_a_task_led_by_a_social_worker(regions: Any, workstations: Any,
                                                             alice_staff_north: Any, sam_social_worker_north: Any,
                                                             dora_donor: Any) -> None:
    from huzhu.giving.services import service_pledge_create
    from huzhu.volunteering.models import ServiceTask

    service_pledge_create(actor=dora_donor, service_type="haircut", minutes_per_month=480,
                          region_id=regions["north"].pk, idempotency_key="p1")
    need = make_need(regions["north_c1"], workstations["north"], kind="service", service_type="haircut", minutes=60)
    proposal = proposal_accept(actor=alice_staff_north, proposal_id=propose_for_need(need_id=need.pk).pk)
    task = ServiceTask.objects.get(pk=proposal.task_id)
    assert task.lead_id == sam_social_worker_north.pk
    assert task.need_id == need.pk


def test_rules_are_for_administrators_and_validated(alice_staff_north: Any, ada_admin: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        rules_update(actor=alice_staff_north, monthly_cap_per_household=9)
    assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(ServiceError) as exc:
        rules_update(actor=ada_admin, weights={"urgent": 1000})
    assert exc.value.field == "weights"
    with pytest.raises(ServiceError):
        rules_update(actor=ada_admin, weights={"no_such_weight": 1})
    assert MatchingRules.objects.filter(weights__has_key="urgent").count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_accepting_the_last_units_one_wins(regions: Any, workstations: Any,
                                                         alice_staff_north: Any, ada_admin: Any) -> None:
    # given one quilt in stock and two needs each proposed that quilt
    receive(alice_staff_north, workstations["north"], "clothes_bedding/quilt", 1)
    needs = [make_need(regions["north_c1"], workstations["north"], goods_item="棉被") for _ in range(2)]
    proposals = [propose_for_need(need_id=n.pk) for n in needs]
    assert all(p is not None and p.item_key == "clothes_bedding/quilt" for p in proposals)
    # when two reviewers accept at the same moment
    results: list[str] = []
    barrier = threading.Barrier(2)

    def accept(actor: Any, proposal_id: int) -> None:
        try:
            barrier.wait()
            proposal_accept(actor=actor, proposal_id=proposal_id)
            results.append("accepted")
        except ServiceError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(a, p.pk))
               for a, p in zip((alice_staff_north, ada_admin), proposals, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one wins, the other is told the supply is taken, and one unit is reserved
    assert sorted(results) == ["SUPPLY_TAKEN", "accepted"]
    assert StockReservation.objects.count() == 1
    assert MatchProposal.objects.filter(status="accepted").count() == 1


def test_waiting_longer_scores_higher(regions: Any, workstations: Any, north_stock: Any) -> None:
    old = make_need(regions["north_c1"], workstations["north"], goods_item="棉被", days_waiting=28)
    new = make_need(regions["north_c1"], workstations["north"], goods_item="棉被")
    assert propose_for_need(need_id=old.pk).score > propose_for_need(need_id=new.pk).score
    assert timezone.now() - timedelta(days=27) > Need.objects.get(pk=old.pk).opened_at


@pytest.mark.django_db(transaction=True)
def test_online_matching_runs_when_a_need_opens_and_when_goods_arrive(regions: Any, workstations: Any,
                                                                     alice_staff_north: Any) -> None:
    from huzhu.households.services import need_create
    from tests.households.conftest import register

    # given a registered household whose new quilt need finds no stock yet
    household = register(alice_staff_north, regions["north_c1"])
    need = need_create(actor=alice_staff_north, household=household, kind="goods", goods_category="clothing",
                       goods_item="棉被", quantity=1)
    assert not MatchProposal.objects.filter(need=need).exists()
    # when quilts are received into the north workstation's stock (the committed transaction sends the signal)
    receive(alice_staff_north, workstations["north"], "clothes_bedding/quilt", 2)
    # then the need has been proposed the quilts, with no other call
    proposal = MatchProposal.objects.get(need=need)
    assert proposal.item_key == "clothes_bedding/quilt" and proposal.status == "proposed"
    # and a second need opened now is proposed at once when it is created
    second = need_create(actor=alice_staff_north, household=household, kind="goods", goods_category="clothing",
                         goods_item="棉被", quantity=1)
    assert MatchProposal.objects.filter(need=second, status="proposed").exists()
