"""Grants in tranches gated by milestone approval, spending against budget lines (never beyond one), closing."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from huzhu.core.errors import ServiceError
from huzhu.projects import selectors, services
from huzhu.projects.models import BudgetLine, Milestone, ProjectEvent, Spending, Tranche
from ledger import api
from tests.projects.fixtures import FOUNDATION_BUDGET, approve, report_and_release


def _first_tranche(project):
    return Milestone.objects.get(project=project, position=0).tranche


def test_it_releases_a_tranche_only_after_its_milestone_report_is_approved(make_project, foundation, rita_reviewer,
                                                                           nina_applicant_north):
    # given an approved project (¥4,000 + ¥4,000 committed)
    project = approve(make_project("north"), rita_reviewer)
    tranche = _first_tranche(project)
    # when the first tranche is released before any report
    with pytest.raises(ServiceError) as exc:
        services.tranche_release(actor=rita_reviewer, tranche_id=tranche.pk)
    # then it is refused and no money moved
    assert exc.value.code == "MILESTONE_NOT_APPROVED"
    assert api.balance(project.ledger_account_id).posted == 0
    # and a report that is only submitted (not approved) does not open the gate either
    report = services.milestone_report_submit(actor=nina_applicant_north, milestone_id=tranche.milestone_id,
                                              narrative="完成需求调研,走访 40 户", households_served=40)
    with pytest.raises(ServiceError) as exc2:
        services.tranche_release(actor=rita_reviewer, tranche_id=tranche.pk)
    assert exc2.value.code == "MILESTONE_NOT_APPROVED"
    # when the foundation approves the report, the tranche can be released: the held money posts
    services.milestone_report_review(actor=rita_reviewer, report_id=report.pk, approve=True)
    released = services.tranche_release(actor=rita_reviewer, tranche_id=tranche.pk)
    assert released.status == "released"
    assert api.balance(project.ledger_account_id).posted == 400_000
    fund = api.balance(foundation.ledger_account_id)
    assert fund.posted == FOUNDATION_BUDGET - 400_000 and fund.available == FOUNDATION_BUDGET - 800_000
    # and a second release (double click) pays nothing more
    services.tranche_release(actor=rita_reviewer, tranche_id=tranche.pk)
    assert api.balance(project.ledger_account_id).posted == 400_000
    assert ProjectEvent.objects.filter(project=project, kind="tranche_released").count() == 1


def test_it_does_not_release_the_next_tranche_on_the_first_milestone(make_project, rita_reviewer,
                                                                    nina_applicant_north):
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer, position=0)
    second = Milestone.objects.get(project=project, position=1).tranche
    with pytest.raises(ServiceError) as exc:
        services.tranche_release(actor=rita_reviewer, tranche_id=second.pk)
    assert exc.value.code == "MILESTONE_NOT_APPROVED"
    assert Tranche.objects.get(pk=second.pk).status == "committed"


def test_it_refuses_a_tranche_release_by_the_applicant_or_another_street(make_project, rita_reviewer,
                                                                         nina_applicant_north, carol_staff_south,
                                                                         alice_staff_north):
    project = approve(make_project("north"), rita_reviewer)
    tranche = _first_tranche(project)
    # the applicant and the north staff see the project but do not act for the foundation; the south staff
    # does not even see it
    for actor, code in ((nina_applicant_north, "PERMISSION_DENIED"), (alice_staff_north, "PERMISSION_DENIED"),
                        (carol_staff_south, "NOT_FOUND")):
        with pytest.raises(ServiceError) as exc:
            services.tranche_release(actor=actor, tranche_id=tranche.pk)
        assert exc.value.code == code, actor
    assert Tranche.objects.get(pk=tranche.pk).status == "committed"


def test_it_records_spending_against_a_budget_line(make_project, rita_reviewer, nina_applicant_north):
    # given ¥4,000 released to the project
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    line = BudgetLine.objects.get(project=project, position=0)  # 食材采购 ¥6,000
    # when ¥1,200 is spent on it
    spending = services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                                        amount_fen=120_000, spent_on=timezone.localdate(), idempotency_key="s1",
                                        memo="十月食材")
    # then the ledger moved it to the line's spent account, and the dashboard shows budget vs spent
    assert spending.ledger_transfer_id is not None
    assert api.balance(project.ledger_account_id).posted == 280_000
    dashboard = selectors.project_dashboard(actor=nina_applicant_north, project_id=project.pk)
    row = dashboard.lines[0]
    assert (row.budget_fen, row.spent_fen, row.remaining_fen) == (600_000, 120_000, 480_000)
    assert dashboard.funding.spent_fen == 120_000 and dashboard.funding.released_fen == 400_000
    # and the same request again (a retry) records nothing new
    again = services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                                     amount_fen=120_000, spent_on=timezone.localdate(), idempotency_key="s1",
                                     memo="十月食材")
    assert again.pk == spending.pk and Spending.objects.count() == 1


def test_it_refuses_spending_beyond_a_budget_line(make_project, rita_reviewer, nina_applicant_north):
    # given the management line of ¥1,000 and ¥4,000 in the project account
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    line = BudgetLine.objects.get(project=project, position=2)
    services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                             amount_fen=70_000, spent_on=timezone.localdate(), idempotency_key="a")
    # when ¥300.01 more is spent on it
    with pytest.raises(ServiceError) as exc:
        services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                                 amount_fen=30_001, spent_on=timezone.localdate(), idempotency_key="b")
    # then it is refused with what is left, and nothing was written
    assert exc.value.code == "OVERSPEND" and exc.value.params == {"remaining": 30_000}
    assert "30000" in exc.value.message
    assert Spending.objects.count() == 1
    assert api.balance(line.spent_account_id if line.spent_account_id else
                       BudgetLine.objects.get(pk=line.pk).spent_account_id).posted == 70_000
    assert ProjectEvent.objects.filter(project=project, kind="spending_recorded").count() == 1


def test_it_refuses_spending_more_than_the_project_holds(make_project, rita_reviewer, nina_applicant_north):
    # given a released ¥4,000 and a line of ¥6,000
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    line = BudgetLine.objects.get(project=project, position=0)
    with pytest.raises(ServiceError) as exc:
        services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                                 amount_fen=400_001, spent_on=timezone.localdate(), idempotency_key="x")
    assert exc.value.code == "INSUFFICIENT_PROJECT_FUNDS"
    assert Spending.objects.count() == 0
    assert api.balance(project.ledger_account_id).posted == 400_000


@pytest.mark.parametrize("field,value,code", [
    ("amount_fen", 0, "OUT_OF_RANGE"), ("amount_fen", -1, "OUT_OF_RANGE"), ("amount_fen", "100", "INVALID"),
    ("amount_fen", 10**14, "OUT_OF_RANGE"), ("spent_on", "2026-01-01", "INVALID"), ("memo", "长" * 501, "TOO_LONG"),
    ("idempotency_key", "", "REQUIRED"), ("budget_line_id", 999_999, "NOT_FOUND"),
])
def test_it_refuses_bad_spending_input_and_writes_nothing(make_project, rita_reviewer, nina_applicant_north, field,
                                                         value, code):
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    line = BudgetLine.objects.get(project=project, position=0)
    args = dict(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk, amount_fen=100,
                spent_on=timezone.localdate(), idempotency_key="k", memo="")
    args[field] = value
    with pytest.raises(ServiceError) as exc:
        services.spending_record(**args)
    assert exc.value.code == code
    assert Spending.objects.count() == 0
    assert api.balance(project.ledger_account_id).posted == 400_000


def test_it_refuses_spending_by_people_outside_the_organisation(make_project, rita_reviewer, nina_applicant_north,
                                                                alice_staff_north, oscar_applicant_south):
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    line = BudgetLine.objects.get(project=project, position=0)
    for actor, code in ((alice_staff_north, "PERMISSION_DENIED"), (oscar_applicant_south, "NOT_FOUND"),
                        (rita_reviewer, "PERMISSION_DENIED")):
        with pytest.raises(ServiceError) as exc:
            services.spending_record(actor=actor, project_id=project.pk, budget_line_id=line.pk, amount_fen=100,
                                     spent_on=timezone.localdate(), idempotency_key="k")
        assert exc.value.code == code, actor
    assert Spending.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_it_refuses_concurrent_overspend_of_a_line(make_project, rita_reviewer, nina_applicant_north):
    # given ¥4,000 in the project account and the management line of ¥1,000
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    line = BudgetLine.objects.get(project=project, position=2)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def spend(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.spending_record(actor=nina_applicant_north, project_id=project.pk, budget_line_id=line.pk,
                                     amount_fen=30_000, spent_on=timezone.localdate(), idempotency_key=f"t{i}")
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    # when 8 people spend ¥300 on it at the same moment
    threads = [threading.Thread(target=spend, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then exactly 3 fit (¥900 of ¥1,000), the others are refused as over-spend, and the ledger agrees
    assert sorted(results) == ["OVERSPEND"] * 5 + ["ok"] * 3
    line.refresh_from_db()
    assert api.balance(line.spent_account_id).posted == 90_000
    assert Spending.objects.filter(budget_line=line).count() == 3


def test_it_voids_unreleased_tranches_when_a_project_closes(make_project, foundation, rita_reviewer,
                                                            nina_applicant_north):
    # given ¥4,000 released and ¥4,000 still committed
    project = approve(make_project("north"), rita_reviewer)
    report_and_release(project, nina_applicant_north, rita_reviewer)
    # when the foundation ends the project early
    services.project_close(actor=rita_reviewer, project_id=project.pk, completed=False, reason="机构无法继续执行")
    # then the committed tranche is cancelled and the foundation can use the money again
    assert list(Tranche.objects.filter(project=project).values_list("status", flat=True)) == ["released", "canceled"]
    fund = api.balance(foundation.ledger_account_id)
    assert fund.available == FOUNDATION_BUDGET - 400_000 == fund.posted
    project.refresh_from_db()
    assert project.status == "closed"
