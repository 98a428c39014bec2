"""Funds and earmarks: money given for A is only spent on A; holds, disbursements, refunds of what is held."""

from __future__ import annotations

import pytest

from huzhu.core.errors import ServiceError
from huzhu.giving import selectors, services
from huzhu.giving.models import Disbursement, Donation, DonationRefund, DonationTraceEvent, Fund
from ledger import api
from tests.giving.conftest import fund_balance, make_need, offline_gift


def _codes(exc: pytest.ExceptionInfo) -> str:
    return exc.value.code


def test_it_disburses_project_money_only_to_that_project(projects, alice_staff_north, workstations, ada_admin):
    # given ¥500 given to project A
    gift = offline_gift(alice_staff_north, workstations["north"], 50_000, key="a",
                        earmark=services.Earmark(project_id=projects["a"].id))
    account = gift.fund.ledger_account_id
    # when an administrator tries to pay it to project B
    with pytest.raises(ServiceError) as exc:
        services.fund_disburse(actor=ada_admin, fund_account=account, amount_fen=10_000, project_id=projects["b"].id,
                               idempotency_key="to-b")
    # then it is refused and nothing moved
    assert _codes(exc) == "EARMARK_MISMATCH"
    assert fund_balance(gift.fund) == 50_000
    assert Disbursement.objects.count() == 0
    # when it is paid to project A
    paid = services.fund_disburse(actor=ada_admin, fund_account=account, amount_fen=30_000,
                                  project_id=projects["a"].id, idempotency_key="to-a")
    # then the money moved to project A's account, and the donor's trace says so
    assert paid.status == "disbursed"
    assert fund_balance(gift.fund) == 20_000
    assert api.balance(api.account_get(f"giving:used:project:{projects['a'].id}").pk).posted == 30_000
    stages = list(gift.trace.values_list("stage", "beneficiary", "amount_fen"))
    assert ("matched", "助老午餐项目", 30_000) in stages and ("dispatched", "助老午餐项目", 30_000) in stages


def test_it_refuses_project_money_for_a_household_need(projects, alice_staff_north, workstations, need_north):
    gift = offline_gift(alice_staff_north, workstations["north"], 50_000, key="a",
                        earmark=services.Earmark(project_id=projects["a"].id))
    with pytest.raises(ServiceError) as exc:
        services.fund_hold(actor=alice_staff_north, fund_account=gift.fund.ledger_account_id, amount_fen=100,
                           need_id=need_north.pk, idempotency_key="h")
    assert _codes(exc) == "EARMARK_MISMATCH"
    assert fund_balance(gift.fund) == 50_000


def test_it_keeps_street_money_in_its_street(regions, alice_staff_north, workstations, need_north, need_south):
    # given ¥300 earmarked for the north street
    gift = offline_gift(alice_staff_north, workstations["north"], 30_000, key="n",
                        earmark=services.Earmark(region_id=regions["north"].pk))
    account = gift.fund.ledger_account_id
    # then a south need cannot be paid from it (even by the system), a north need can
    with pytest.raises(ServiceError) as exc:
        services.fund_hold(actor=None, fund_account=account, amount_fen=100, need_id=need_south.pk,
                           idempotency_key="s")
    assert _codes(exc) == "EARMARK_MISMATCH"
    hold = services.fund_hold(actor=alice_staff_north, fund_account=account, amount_fen=20_000,
                              need_id=need_north.pk, idempotency_key="n1")
    assert hold.status == "held"
    assert api.balance(account).available == 10_000
    # and the fund is offered for the north need, not for the south one
    assert [o.fund_account for o in selectors.fund_candidates_for_need(need_id=need_north.pk)] == [account]
    assert selectors.fund_candidates_for_need(need_id=need_south.pk) == []


def test_it_matches_category_money_to_needs_of_that_category(alice_staff_north, workstations, regions, need_north):
    # need_north's household has a serious illness → medical; a plain one is not
    plain = make_need(regions["north_c2"], workstations["north"], tags=[])
    gift = offline_gift(alice_staff_north, workstations["north"], 10_000, key="m",
                        earmark=services.Earmark(category="medical"))
    with pytest.raises(ServiceError) as exc:
        services.fund_hold(actor=None, fund_account=gift.fund.ledger_account_id, amount_fen=100, need_id=plain.pk,
                           idempotency_key="x")
    assert _codes(exc) == "EARMARK_MISMATCH"
    services.fund_hold(actor=None, fund_account=gift.fund.ledger_account_id, amount_fen=100, need_id=need_north.pk,
                       idempotency_key="y")


def test_it_refuses_a_hold_beyond_the_fund(alice_staff_north, workstations, need_north):
    gift = offline_gift(alice_staff_north, workstations["north"], 1_000, key="g")
    with pytest.raises(ServiceError) as exc:
        services.fund_hold(actor=alice_staff_north, fund_account=gift.fund.ledger_account_id, amount_fen=1_001,
                           need_id=need_north.pk, idempotency_key="h")
    assert _codes(exc) == "INSUFFICIENT_FUNDS"
    assert Disbursement.objects.count() == 0


def test_it_refuses_a_hold_by_staff_of_another_street(carol_staff_south, alice_staff_north, workstations,
                                                      need_north):
    gift = offline_gift(alice_staff_north, workstations["north"], 1_000, key="g")
    with pytest.raises(ServiceError) as exc:
        services.fund_hold(actor=carol_staff_south, fund_account=gift.fund.ledger_account_id, amount_fen=100,
                           need_id=need_north.pk, idempotency_key="h")
    assert _codes(exc) == "PERMISSION_DENIED"
    assert fund_balance(gift.fund) == 1_000 and Disbursement.objects.count() == 0


def test_it_refunds_only_what_a_gift_still_holds(alice_staff_north, workstations, need_north, ada_admin):
    # given a ¥100 gift of which ¥70 was disbursed to a need
    gift = offline_gift(alice_staff_north, workstations["north"], 10_000, key="g",
                        earmark=services.Earmark(need_id=need_north.pk))
    services.fund_disburse(actor=alice_staff_north, fund_account=gift.fund.ledger_account_id, amount_fen=7_000,
                           need_id=need_north.pk, idempotency_key="d")
    assert services.donation_free_fen(Donation.objects.get()) == 3_000
    # when a refund of ¥40 is asked
    with pytest.raises(ServiceError) as exc:
        services.donation_refund(actor=ada_admin, donation_id=gift.pk, amount_fen=4_000, idempotency_key="r")
    # then it is refused: ¥70 is already with the household
    assert _codes(exc) == "REFUND_EXCEEDS_HELD"
    assert DonationRefund.objects.count() == 0
    # and ¥30 can be refunded, posted as a reversal
    refund = services.donation_refund(actor=ada_admin, donation_id=gift.pk, amount_fen=3_000, idempotency_key="r2")
    assert refund.ledger_transfer_id is not None
    assert fund_balance(gift.fund) == 0
    assert api.balance(api.account_get("giving:clearing:cash").pk).posted == -7_000


def test_it_releases_a_hold_back_to_the_fund(alice_staff_north, workstations, need_north):
    gift = offline_gift(alice_staff_north, workstations["north"], 10_000, key="g")
    account = gift.fund.ledger_account_id
    hold = services.fund_hold(actor=alice_staff_north, fund_account=account, amount_fen=4_000,
                              need_id=need_north.pk, idempotency_key="h")
    assert api.balance(account).available == 6_000
    assert services.donation_free_fen(Donation.objects.get()) == 6_000
    services.fund_release(actor=alice_staff_north, disbursement_id=hold.pk, reason="匹配取消")
    assert api.balance(account).available == 10_000
    assert services.donation_free_fen(Donation.objects.get()) == 10_000
    assert gift.trace.filter(stage="released").count() == 1
    # a released hold cannot be disbursed
    with pytest.raises(ServiceError) as exc:
        services.fund_disburse(actor=alice_staff_north, hold_id=hold.pk, idempotency_key="x")
    assert _codes(exc) == "WRONG_STATE"


def test_it_draws_disbursements_on_the_oldest_gifts_first(alice_staff_north, workstations, need_north):
    # given two general gifts of ¥30 and ¥50
    first = offline_gift(alice_staff_north, workstations["north"], 3_000, key="1")
    second = offline_gift(alice_staff_north, workstations["north"], 5_000, key="2")
    # when ¥40 is paid to a need, then marked used
    paid = services.fund_disburse(actor=alice_staff_north, fund_account=first.fund.ledger_account_id,
                                  amount_fen=4_000, need_id=need_north.pk, idempotency_key="d")
    services.disbursement_mark_used(actor=alice_staff_north, disbursement_id=paid.pk, note="已用于住院费用")
    # then the first gift is fully used and the second by ¥10, each donor's trace names the anonymised household
    assert dict(paid.allocations.values_list("donation_id", "amount_fen")) == {first.pk: 3_000, second.pk: 1_000}
    step = DonationTraceEvent.objects.filter(donation=first, stage="delivered").get()
    assert step.community.name == "北街道1社区"
    assert "低保家庭" in step.beneficiary and "70–79" in step.beneficiary
    assert Fund.objects.count() == 1


def test_it_returns_the_first_disbursement_for_a_retry(alice_staff_north, workstations, need_north):
    gift = offline_gift(alice_staff_north, workstations["north"], 3_000, key="1")
    kwargs = dict(actor=alice_staff_north, fund_account=gift.fund.ledger_account_id, amount_fen=1_000,
                  need_id=need_north.pk, idempotency_key="same")
    assert services.fund_disburse(**kwargs).pk == services.fund_disburse(**kwargs).pk
    assert fund_balance(gift.fund) == 2_000
    with pytest.raises(ServiceError) as exc:
        services.fund_disburse(**{**kwargs, "amount_fen": 999})
    assert _codes(exc) == "IDEMPOTENCY_MISMATCH"


def test_it_refuses_an_earmark_for_a_missing_project_or_a_goods_need(alice_staff_north, workstations, regions):
    goods_need = make_need(regions["north_c1"], workstations["north"], kind="goods", goods_category="clothing",
                           goods_item="棉被", quantity=2)
    for earmark in (services.Earmark(project_id=999), services.Earmark(need_id=goods_need.pk),
                    services.Earmark(category="nonsense"), services.Earmark(region_id=regions["north_c1_g1"].pk),
                    services.Earmark(project_id=1, category="medical")):
        with pytest.raises(ServiceError) as exc:
            offline_gift(alice_staff_north, workstations["north"], 100, key=str(earmark), earmark=earmark)
        assert _codes(exc) == "EARMARK_INVALID"
    assert Donation.objects.count() == 0
