"""Review: assignment without conflicts of interest, scores against the published criteria, decisions, audit."""

from __future__ import annotations

import pytest

from huzhu.core.errors import ServiceError
from huzhu.projects import services
from huzhu.projects.models import (
    CharityProject,
    ConflictDeclaration,
    Decision,
    ProjectEvent,
    Review,
    ReviewAssignment,
    Tranche,
)
from ledger import api
from tests.conftest import make_user
from tests.projects.fixtures import FOUNDATION_BUDGET, approve

SCORES = {"need": 9, "design": 8, "capacity": 4}


def test_it_refuses_a_reviewer_from_the_applying_organisation(make_project, rita_reviewer,
                                                              ivy_reviewer_north_member):
    # given a north project and ivy, a foundation reviewer who is a member of the north organisation
    project = make_project("north")
    events_before = ProjectEvent.objects.filter(project=project).count()
    # when rita assigns ivy
    with pytest.raises(ServiceError) as exc:
        services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=ivy_reviewer_north_member.pk)
    # then it is refused as a conflict of interest and nothing was written
    assert exc.value.code == "CONFLICT_OF_INTEREST" and exc.value.field == "reviewerId"
    assert not ReviewAssignment.objects.filter(project=project).exists()
    assert ProjectEvent.objects.filter(project=project).count() == events_before
    project.refresh_from_db()
    assert project.status == "submitted"


def test_it_refuses_a_reviewer_with_a_declared_conflict(make_project, rita_reviewer, ray_reviewer):
    # given ray declared a conflict for the project (his sister runs it)
    project = make_project("north")
    services.conflict_declare(actor=ray_reviewer, project_id=project.pk, reason="亲属关系")
    # when rita assigns him, then it is refused
    with pytest.raises(ServiceError) as exc:
        services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=ray_reviewer.pk)
    assert exc.value.code == "CONFLICT_OF_INTEREST"
    assert not ReviewAssignment.objects.filter(project=project, reviewer=ray_reviewer).exists()


def test_it_recuses_an_assigned_reviewer_who_declares_a_conflict(make_project, rita_reviewer, ray_reviewer):
    # given ray is assigned
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=ray_reviewer.pk)
    # when he declares a conflict
    services.conflict_declare(actor=ray_reviewer, project_id=project.pk, reason="曾在该机构任职")
    # then his assignment is recused and his review is refused, nothing written
    assert ReviewAssignment.objects.get(project=project, reviewer=ray_reviewer).status == "recused"
    with pytest.raises(ServiceError) as exc:
        services.review_submit(actor=ray_reviewer, project_id=project.pk, scores=SCORES, recommendation="approve")
    assert exc.value.code == "CONFLICT_OF_INTEREST"
    assert not Review.objects.filter(project=project).exists()


def test_it_refuses_a_decision_by_a_conflicted_reviewer(make_project, rita_reviewer, ivy_reviewer_north_member):
    # given a reviewed north project
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="approve")
    # when ivy (member of the north organisation) approves it, then she is refused and nothing changed
    with pytest.raises(ServiceError) as exc:
        services.decision_make(actor=ivy_reviewer_north_member, project_id=project.pk, outcome="approve",
                               reasons="好", amount_fen=100)
    assert exc.value.code == "CONFLICT_OF_INTEREST"
    assert not Decision.objects.filter(project=project).exists()
    assert not Tranche.objects.filter(project=project).exists()


def test_it_refuses_to_assign_someone_who_is_not_a_reviewer(make_project, rita_reviewer, alice_staff_north):
    project = make_project("north")
    with pytest.raises(ServiceError) as exc:
        services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=alice_staff_north.pk)
    assert exc.value.code == "NOT_A_REVIEWER"
    assert not ReviewAssignment.objects.exists()


def test_it_scores_against_the_published_weights(make_project, rita_reviewer):
    # given criteria need 40% /10, design 30% /10, capacity 30% /5
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    # when rita scores 9, 8, 4
    review = services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES,
                                    recommendation="approve", comment="可行")
    # then the total is (0.4·0.9 + 0.3·0.8 + 0.3·0.8)·100 = 84, with one score row per criterion
    assert review.total_score == 84
    assert sorted(review.scores.values_list("criterion__code", "score")) == [("capacity", 4), ("design", 8),
                                                                            ("need", 9)]
    assert CharityProject.objects.get(pk=project.pk).status == "under_review"


@pytest.mark.parametrize("scores", [
    {"need": 9, "design": 8},  # a criterion missing
    {"need": 9, "design": 8, "capacity": 6},  # above its maximum of 5
    {"need": 9, "design": 8, "capacity": -1},
    {"need": 9, "design": 8, "capacity": 4, "extra": 1},
    {"need": 9, "design": 8, "capacity": True},
    {"need": 9, "design": 8, "capacity": "4"},
])
def test_it_refuses_scores_that_do_not_fit_the_criteria(make_project, rita_reviewer, scores):
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    with pytest.raises(ServiceError) as exc:
        services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=scores, recommendation="approve")
    assert exc.value.code == "SCORES_INVALID"
    assert not Review.objects.exists()


def test_it_refuses_a_review_by_someone_not_assigned(make_project, rita_reviewer, ray_reviewer):
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    with pytest.raises(ServiceError) as exc:
        services.review_submit(actor=ray_reviewer, project_id=project.pk, scores=SCORES, recommendation="approve")
    assert exc.value.code == "NOT_ASSIGNED"
    services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="approve")
    with pytest.raises(ServiceError) as again:
        services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="reject")
    assert again.value.code == "ALREADY_REVIEWED"
    assert Review.objects.count() == 1


def test_it_refuses_a_decision_before_any_review(make_project, rita_reviewer):
    project = make_project("north")
    with pytest.raises(ServiceError) as exc:
        services.decision_make(actor=rita_reviewer, project_id=project.pk, outcome="reject", reasons="不符合")
    assert exc.value.code == "NO_REVIEWS"
    assert CharityProject.objects.get(pk=project.pk).status == "submitted"


def test_it_commits_the_approved_grant_in_tranches_split_by_plan(make_project, foundation, rita_reviewer):
    # given a project asking ¥8,000 in tranches of ¥4,000 / ¥4,000 / 0
    project = make_project("north")
    # when the foundation approves ¥5,000
    project = approve(project, rita_reviewer, amount_fen=500_000)
    # then the tranches are ¥2,500 / ¥2,500 (no tranche for the milestone planned at 0), held in the ledger
    assert project.status == "approved" and project.approved_fen == 500_000
    assert list(Tranche.objects.filter(project=project).values_list("amount_fen", "status")) == [
        (250_000, "committed"), (250_000, "committed")]
    fund = api.balance(foundation.ledger_account_id)
    assert fund.posted == FOUNDATION_BUDGET and fund.available == FOUNDATION_BUDGET - 500_000
    assert api.balance(project.ledger_account_id).posted == 0


def test_it_splits_odd_amounts_exactly():
    assert services.split_tranches([400_000, 400_000, 0], 333) == [167, 166, 0]
    assert sum(services.split_tranches([3, 5, 7], 1_000_001)) == 1_000_001


def test_it_refuses_a_grant_the_foundation_cannot_cover(make_project, foundation, rita_reviewer, ada_admin):
    # given a project asking more than the foundation holds
    project = make_project("north", budget_lines=[
        services.BudgetLineInput(name="大额采购", category="materials", amount_fen=FOUNDATION_BUDGET * 2)],
        milestones=[services.MilestoneInput(title="一期", due_on=project_due(), tranche_fen=FOUNDATION_BUDGET + 1)])
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="approve")
    # when it is approved in full
    with pytest.raises(ServiceError) as exc:
        services.decision_make(actor=rita_reviewer, project_id=project.pk, outcome="approve", reasons="好",
                               amount_fen=FOUNDATION_BUDGET + 1)
    # then it is refused and nothing was written: no decision, no tranche, no hold, status unchanged
    assert exc.value.code == "INSUFFICIENT_FOUNDATION_FUNDS"
    assert not Decision.objects.exists() and not Tranche.objects.exists()
    assert api.balance(foundation.ledger_account_id).available == FOUNDATION_BUDGET
    assert CharityProject.objects.get(pk=project.pk).status == "under_review"


def project_due():
    from django.utils import timezone

    return timezone.localdate()


@pytest.mark.parametrize("amount", [0, -5, 800_001, True])
def test_it_refuses_an_approval_amount_out_of_range(make_project, rita_reviewer, amount):
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="approve")
    with pytest.raises(ServiceError) as exc:
        services.decision_make(actor=rita_reviewer, project_id=project.pk, outcome="approve", reasons="好",
                               amount_fen=amount)
    assert exc.value.code in ("OUT_OF_RANGE", "INVALID", "AMOUNT_EXCEEDS_REQUEST")
    assert not Decision.objects.exists() and not Tranche.objects.exists()


def test_it_runs_a_second_round_after_changes_were_asked(make_project, rita_reviewer, nina_applicant_north):
    # given a decision asking for changes
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="changes")
    services.decision_make(actor=rita_reviewer, project_id=project.pk, outcome="changes", reasons="请细化预算")
    assert CharityProject.objects.get(pk=project.pk).status == "changes_requested"
    # when the applicant edits and resubmits
    from tests.projects.fixtures import project_data

    services.application_save(actor=nina_applicant_north, project_id=project.pk,
                              data=project_data(project.organisation, project.foundation, project.region,
                                                name="助老午餐项目(修订)"))
    project = services.application_submit(actor=nina_applicant_north, project_id=project.pk)
    # then a second round starts; the first round's review does not count for it
    assert project.review_round == 2 and project.status == "submitted"
    with pytest.raises(ServiceError) as exc:
        services.decision_make(actor=rita_reviewer, project_id=project.pk, outcome="approve", reasons="好",
                               amount_fen=100)
    assert exc.value.code == "NO_REVIEWS"
    # the same assignment reviews again in round 2 (after being assigned again, which returns the assignment)
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="approve")
    assert Review.objects.filter(project=project).count() == 2


def test_it_keeps_an_audit_trail_of_every_step(make_project, rita_reviewer, nina_applicant_north):
    # when a project is drafted, submitted, assigned, reviewed and rejected
    project = make_project("north")
    services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    services.review_submit(actor=rita_reviewer, project_id=project.pk, scores=SCORES, recommendation="reject")
    services.decision_make(actor=rita_reviewer, project_id=project.pk, outcome="reject", reasons="与资助方向不符")
    # then every step is a row saying who did what, in order
    rows = list(ProjectEvent.objects.filter(project=project).values_list("kind", "actor__email"))
    assert rows == [
        ("created", nina_applicant_north.email), ("submitted", nina_applicant_north.email),
        ("reviewer_assigned", rita_reviewer.email), ("review_submitted", rita_reviewer.email),
        ("decided", rita_reviewer.email),
    ]
    decided = ProjectEvent.objects.get(project=project, kind="decided")
    assert decided.data["outcome"] == "reject" and decided.data["reasons"] == "与资助方向不符"
    assert CharityProject.objects.get(pk=project.pk).status == "rejected"


def test_it_refuses_review_steps_by_a_reviewer_of_another_region(make_project, regions, rita_reviewer):
    # given a reviewer whose grant is at the south street only, and a north project
    south_reviewer = make_user("sid.reviewer@test.huzhu", ("foundation_reviewer", regions["south"]))
    project = make_project("north")
    # then the project answers as if it did not exist
    with pytest.raises(ServiceError) as exc:
        services.reviewer_assign(actor=south_reviewer, project_id=project.pk, reviewer_id=rita_reviewer.pk)
    assert exc.value.code == "NOT_FOUND"
    # and, being a reviewer below the foundation's region (the district), he cannot be assigned to it either
    with pytest.raises(ServiceError) as exc2:
        services.reviewer_assign(actor=rita_reviewer, project_id=project.pk, reviewer_id=south_reviewer.pk)
    assert exc2.value.code == "NOT_A_REVIEWER"
    assert not ConflictDeclaration.objects.exists() and not ReviewAssignment.objects.exists()
