"""Project-level matching: open projects with a funding gap get fund → project proposals for foundation
reviewers; accepting pays through giving into the project; money given to project A only reaches project A."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from huzhu.core.errors import ServiceError
from huzhu.giving import services as giving
from huzhu.giving.models import Disbursement
from huzhu.matching import projects as matching
from huzhu.projects import selectors, services
from huzhu.projects.models import BudgetLine, ProjectEvent, ProjectFundProposal
from huzhu.realtime import events
from ledger import api
from tests.projects.fixtures import *  # noqa: F403
from tests.projects.fixtures import approve


def gift(actor: Any, workstation: Any, amount_fen: int, *, key: str, project: Any = None) -> Any:
    return giving.offline_donation_record(
        actor=actor, workstation_id=workstation.pk, channel="cash", amount_fen=amount_fen, donor_name="张三",
        earmark=giving.Earmark(project_id=project.pk) if project is not None else None, idempotency_key=key,
        announce=False)


@pytest.fixture
def published(monkeypatch: Any) -> list[tuple[str, dict]]:
    sent: list[tuple[str, dict]] = []

    def capture(topic: str, **kwargs: Any) -> None:
        if topic.startswith("match_"):  # notifications of the approval steps are not what these tests check
            sent.append((topic, kwargs))

    monkeypatch.setattr(events, "publish", capture)
    return sent


def test_it_proposes_the_projects_own_fund_for_its_gap(make_project, rita_reviewer, alice_staff_north,
                                                       workstations, published, django_capture_on_commit_callbacks):
    # given an approved project (budget ¥10,000, grant ¥8,000: gap ¥2,000) and ¥1,500 given for it
    project = approve(make_project("north"), rita_reviewer)
    gift(alice_staff_north, workstations["north"], 150_000, key="g1", project=project)
    # when matching runs for it
    with django_capture_on_commit_callbacks(execute=True):
        proposals = matching.propose_funds_for_project(project_id=project.pk)
    # then the project's fund is proposed for all of it, scored as the donors' own earmark, and announced to
    # foundation reviewers of the project's region
    assert [(p.fund_key, p.amount_fen, p.gap_fen) for p in proposals] == [(f"project:{project.pk}", 150_000,
                                                                          200_000)]
    assert proposals[0].score == 60 + 40 * 150_000 // 200_000
    assert published == [("match_proposed", {
        "region_path": project.region.path, "object_key": f"ProjectFundProposal.{proposals[0].pk}",
        "payload": {"kind": "project_fund", "proposal_id": proposals[0].pk, "project_id": project.pk,
                    "score": proposals[0].score, "for_foundation": True}})]
    # and running it again proposes nothing more (the open proposal already covers the fund)
    assert matching.propose_funds_for_project(project_id=project.pk) == []


def test_it_tops_up_from_the_general_fund(make_project, rita_reviewer, alice_staff_north, workstations):
    project = approve(make_project("north"), rita_reviewer)
    gift(alice_staff_north, workstations["north"], 50_000, key="own", project=project)
    gift(alice_staff_north, workstations["north"], 1_000_000, key="general")
    proposals = matching.propose_funds_for_project(project_id=project.pk)
    assert [(p.fund_kind, p.amount_fen) for p in proposals] == [("project", 50_000), ("general", 150_000)]
    assert selectors.funding_of(project).gap_fen == 0


def test_it_proposes_nothing_for_projects_that_are_not_running(make_project, rita_reviewer, alice_staff_north,
                                                               workstations):
    submitted = make_project("north")
    gift(alice_staff_north, workstations["north"], 1_000_000, key="general")
    assert matching.propose_funds_for_project(project_id=submitted.pk) == []
    assert not ProjectFundProposal.objects.exists()


def test_it_keeps_money_given_to_project_a_for_project_a(make_project, rita_reviewer, alice_staff_north,
                                                         carol_staff_south, workstations):
    # given two approved projects, A (north) and B (south); ¥1,500 given for A only, no general money
    a = approve(make_project("north"), rita_reviewer)
    b = approve(make_project("south", name="困境儿童助学项目"), rita_reviewer)
    donation = gift(alice_staff_north, workstations["north"], 150_000, key="for-a", project=a)
    # when matching runs for B
    # then A's fund is not a candidate for B
    assert matching.propose_funds_for_project(project_id=b.pk) == []
    # and a proposal forged to pay A's money to B is refused when accepted, nothing moved
    forged = ProjectFundProposal.objects.create(
        project=b, region=b.region, fund_account=donation.fund.ledger_account_id, fund_key=donation.fund.key,
        fund_kind="project", amount_fen=100_000, available_fen=150_000, gap_fen=200_000, score=1)
    with pytest.raises(ServiceError) as exc:
        matching.fund_proposal_accept(actor=rita_reviewer, proposal_id=forged.pk)
    assert exc.value.code == "EARMARK_MISMATCH"
    assert ProjectFundProposal.objects.get(pk=forged.pk).status == "proposed"
    assert not Disbursement.objects.exists()
    assert api.balance(donation.fund.ledger_account_id).posted == 150_000
    # while for A (once the forged proposal is rejected) it is proposed and, accepted, reaches A's own account
    matching.fund_proposal_reject(actor=rita_reviewer, proposal_id=forged.pk, reason="定向不符")
    proposal = matching.propose_funds_for_project(project_id=a.pk)[0]
    matching.fund_proposal_accept(actor=rita_reviewer, proposal_id=proposal.pk)
    assert api.balance(a.ledger_account_id).posted == 150_000
    assert api.balance(b.ledger_account_id).posted == 0


def test_it_pays_an_accepted_proposal_into_the_project_account(make_project, rita_reviewer, alice_staff_north,
                                                               nina_applicant_north, workstations, published,
                                                               django_capture_on_commit_callbacks):
    # given a proposal of ¥1,500 from the project's fund
    project = approve(make_project("north"), rita_reviewer)
    donation = gift(alice_staff_north, workstations["north"], 150_000, key="g", project=project)
    proposal = matching.propose_funds_for_project(project_id=project.pk)[0]
    published.clear()
    # when rita accepts it
    with django_capture_on_commit_callbacks(execute=True):
        accepted = matching.fund_proposal_accept(actor=rita_reviewer, proposal_id=proposal.pk)
    # then giving disbursed it to the project, and it sits in the project's account, spendable
    assert accepted.status == "accepted" and accepted.reviewer == rita_reviewer
    disbursement = Disbursement.objects.get(pk=accepted.disbursement_id)
    assert (disbursement.project_id, disbursement.amount_fen, disbursement.status) == (project.pk, 150_000,
                                                                                       "disbursed")
    assert api.balance(donation.fund.ledger_account_id).posted == 0
    assert api.balance(project.ledger_account_id).posted == 150_000
    assert api.balance(api.account_get(f"giving:used:project:{project.pk}").pk).posted == 0
    funding = selectors.funding_of(project)
    assert (funding.donations_fen, funding.balance_fen, funding.gap_fen) == (150_000, 150_000, 50_000)
    assert [kind for kind, in ProjectEvent.objects.filter(project=project, kind__in=[
        "fund_proposed", "fund_accepted", "donations_received"]).values_list("kind")] == [
        "fund_proposed", "fund_accepted", "donations_received"]
    assert published[-1] == ("match_decided", {
        "region_path": project.region.path, "object_key": f"ProjectFundProposal.{proposal.pk}",
        "payload": {"kind": "project_fund", "proposal_id": proposal.pk, "project_id": project.pk,
                    "decision": "accepted", "for_foundation": True}})
    # and the donor's trace names the project
    assert donation.trace.filter(stage="dispatched", project_id=project.pk).exists()
    # and the organisation can spend the donated money
    line = BudgetLine.objects.get(project=project, position=0)
    services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                             amount_fen=150_000, spent_on=timezone.localdate(), idempotency_key="food")
    assert api.balance(project.ledger_account_id).posted == 0
    # a second accept is refused (decided already) and pays nothing more
    with pytest.raises(ServiceError) as exc:
        matching.fund_proposal_accept(actor=rita_reviewer, proposal_id=proposal.pk)
    assert exc.value.code == "WRONG_STATE"
    assert Disbursement.objects.count() == 1


def test_it_moves_money_giving_disbursed_directly_when_spending(make_project, rita_reviewer, alice_staff_north,
                                                                nina_applicant_north, workstations, ada_admin):
    # given money disbursed to the project by giving itself (not through a proposal)
    project = approve(make_project("north"), rita_reviewer)
    donation = gift(alice_staff_north, workstations["north"], 80_000, key="g", project=project)
    giving.fund_disburse(actor=ada_admin, fund_account=donation.fund.ledger_account_id, amount_fen=80_000,
                         project_id=project.pk, idempotency_key="direct")
    # when the organisation records spending, the donations are received into the project account first
    line = BudgetLine.objects.get(project=project, position=0)
    services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                             amount_fen=80_000, spent_on=timezone.localdate(), idempotency_key="s")
    assert api.balance(project.ledger_account_id).posted == 0
    assert ProjectEvent.objects.get(project=project, kind="donations_received").data == {"amount_fen": 80_000}


def test_it_refuses_an_accept_when_the_fund_was_emptied_meanwhile(make_project, rita_reviewer, alice_staff_north,
                                                                  workstations, ada_admin):
    project = approve(make_project("north"), rita_reviewer)
    donation = gift(alice_staff_north, workstations["north"], 150_000, key="g", project=project)
    proposal = matching.propose_funds_for_project(project_id=project.pk)[0]
    # the donor takes the gift back before the reviewer gets to the proposal
    giving.donation_refund(actor=ada_admin, donation_id=donation.pk, amount_fen=150_000, reason="捐赠人撤回",
                           idempotency_key="r")
    with pytest.raises(ServiceError) as exc:
        matching.fund_proposal_accept(actor=rita_reviewer, proposal_id=proposal.pk)
    assert exc.value.code == "FUNDS_TAKEN"
    assert ProjectFundProposal.objects.get(pk=proposal.pk).status == "proposed"
    assert api.balance(project.ledger_account_id).posted == 0


def test_it_rejects_with_a_reason_and_proposes_the_next_fund(make_project, rita_reviewer, alice_staff_north,
                                                             workstations):
    project = approve(make_project("north"), rita_reviewer)
    gift(alice_staff_north, workstations["north"], 50_000, key="own", project=project)
    gift(alice_staff_north, workstations["north"], 60_000, key="general")
    own, general = matching.propose_funds_for_project(project_id=project.pk)
    with pytest.raises(ServiceError) as exc:
        matching.fund_proposal_reject(actor=rita_reviewer, proposal_id=general.pk, reason="  ")
    assert exc.value.code == "REASON_REQUIRED"
    rejected, following = matching.fund_proposal_reject(actor=rita_reviewer, proposal_id=general.pk,
                                                        reason="留给更紧急的需求")
    assert rejected.status == "rejected" and rejected.reason == "留给更紧急的需求"
    # the general fund holds no more than when it was rejected: it is not proposed again
    assert following == []
    gift(alice_staff_north, workstations["north"], 10_000, key="general-2")
    again = matching.propose_funds_for_project(project_id=project.pk)
    assert [(p.fund_kind, p.amount_fen) for p in again] == [("general", 70_000)]


def test_it_hides_proposals_from_other_streets_and_conflicted_reviewers(make_project, rita_reviewer, regions,
                                                                       alice_staff_north, workstations,
                                                                       ivy_reviewer_north_member,
                                                                       nina_applicant_north):
    from tests.conftest import make_user

    project = approve(make_project("north"), rita_reviewer)
    gift(alice_staff_north, workstations["north"], 50_000, key="own", project=project)
    proposal = matching.propose_funds_for_project(project_id=project.pk)[0]
    south_reviewer = make_user("sid.reviewer@test.huzhu", ("foundation_reviewer", regions["south"]))
    cases = ((south_reviewer, "NOT_FOUND"), (alice_staff_north, "NOT_FOUND"), (nina_applicant_north, "NOT_FOUND"),
             (ivy_reviewer_north_member, "CONFLICT_OF_INTEREST"))
    for actor, code in cases:
        with pytest.raises(ServiceError) as exc:
            matching.fund_proposal_accept(actor=actor, proposal_id=proposal.pk)
        assert exc.value.code == code, actor
    assert list(selectors.fund_proposal_list(actor=south_reviewer)) == []
    assert list(selectors.fund_proposal_list(actor=rita_reviewer)) == [proposal]
    assert ProjectFundProposal.objects.get(pk=proposal.pk).status == "proposed"
    assert not Disbursement.objects.exists()


def test_it_runs_over_every_open_project(make_project, rita_reviewer, alice_staff_north, workstations):
    a = approve(make_project("north"), rita_reviewer)
    b = approve(make_project("south", name="困境儿童助学项目"), rita_reviewer)
    gift(alice_staff_north, workstations["north"], 300_000, key="general")
    assert matching.propose_funds_for_open_projects() == 2
    by_project = {p.project_id: p.amount_fen for p in ProjectFundProposal.objects.all()}
    # the general fund's ¥3,000 is not offered twice: ¥2,000 to the first, the rest to the second
    assert by_project == {a.pk: 200_000, b.pk: 100_000}


@pytest.mark.django_db(transaction=True)
def test_it_pays_a_proposal_once_when_two_reviewers_accept_at_once(make_project, rita_reviewer, ray_reviewer,
                                                                     alice_staff_north, workstations):
    import threading

    from django.db import connection

    # given one open proposal of ¥1,500 (made online as the gift committed: this test commits for real)
    project = approve(make_project("north"), rita_reviewer)
    gift(alice_staff_north, workstations["north"], 150_000, key="g", project=project)
    proposal = ProjectFundProposal.objects.get(project=project, status="proposed")
    assert matching.propose_funds_for_project(project_id=project.pk) == []
    results: list[str] = []
    barrier = threading.Barrier(2)

    def accept(user: Any) -> None:
        try:
            barrier.wait(timeout=30)
            matching.fund_proposal_accept(actor=user, proposal_id=proposal.pk)
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    # when rita and ray accept it at the same moment
    threads = [threading.Thread(target=accept, args=(u,)) for u in (rita_reviewer, ray_reviewer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then one wins, the other is told it was decided, and the money moved once
    assert sorted(results) == ["WRONG_STATE", "ok"]
    assert Disbursement.objects.count() == 1
    assert api.balance(project.ledger_account_id).posted == 150_000


def test_a_gift_earmarked_to_a_project_proposes_its_fund_at_once(make_project, rita_reviewer, alice_staff_north,
                                                                 workstations, published,
                                                                 django_capture_on_commit_callbacks):
    from huzhu.core.bulk import bulk_load

    # given an approved project with a gap of ¥2,000
    project = approve(make_project("north"), rita_reviewer)
    published.clear()
    # when ¥1,500 is given for it (and committed)
    with django_capture_on_commit_callbacks(execute=True):
        gift(alice_staff_north, workstations["north"], 150_000, key="online", project=project)
    # then its own fund is proposed at once, for all of it, and foundation reviewers hear of it
    proposals = list(ProjectFundProposal.objects.filter(project=project))
    assert [(p.fund_key, p.amount_fen, p.gap_fen, p.status) for p in proposals] == [
        (f"project:{project.pk}", 150_000, 200_000, "proposed")]
    assert [(topic, kw["payload"]["proposal_id"]) for topic, kw in published] == [
        ("match_proposed", proposals[0].pk)]
    # and a general gift, or a project gift during the demo's bulk load, proposes nothing by itself
    with django_capture_on_commit_callbacks(execute=True):
        gift(alice_staff_north, workstations["north"], 1_000_000, key="general")
    other = approve(make_project("north", name="助老送餐项目"), rita_reviewer)
    with bulk_load(), django_capture_on_commit_callbacks(execute=True):
        gift(alice_staff_north, workstations["north"], 50_000, key="bulk", project=other)
    assert ProjectFundProposal.objects.count() == 1
