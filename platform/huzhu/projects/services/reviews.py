"""Review (评审): the foundation assigns reviewers, reviewers without a conflict of interest score against the
published criteria, and the foundation decides (approve with an amount, ask for changes, reject) with reasons.

Approval commits the grant at once: each tranche is a pending ledger transfer foundation fund → project
account, so the foundation cannot promise the same money twice; a tranche posts when its milestone's report is
approved (grants.tranche_release).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.people.models import User

from ..errors import ProjectError
from ..models import (
    CharityProject,
    ConflictDeclaration,
    CriteriaSet,
    Decision,
    Milestone,
    ProjectEvent,
    Review,
    ReviewAssignment,
    ReviewScore,
    Tranche,
)
from .common import (
    E,
    can_manage_foundation,
    check_fen,
    cny_transfer,
    conflicted,
    event_add,
    is_foundation_reviewer,
    line_spent_account_id,
    notify_users,
    project_account_id,
    project_lock,
    project_people,
    require_foundation,
    require_state,
    text,
)

IN_REVIEW = (CharityProject.Status.SUBMITTED, CharityProject.Status.UNDER_REVIEW)


def _user(user_id: Any, field: str) -> User:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ProjectError(E.INVALID, field=field)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ProjectError(E.NOT_FOUND, field=field)
    return user


@transaction.atomic
def reviewer_assign(*, actor: User, project_id: int, reviewer_id: int) -> ReviewAssignment:
    """The foundation assigns a reviewer. Refused with CONFLICT_OF_INTEREST when the reviewer applied for it,
    belongs to the applying organisation or declared a conflict; NOT_A_REVIEWER when the user does not hold
    the foundation_reviewer role at the foundation's region or above. Assigning twice returns the assignment."""
    project = project_lock(actor=actor, project_id=project_id)
    require_foundation(actor, project)
    require_state(project, *IN_REVIEW)
    reviewer = _user(reviewer_id, "reviewerId")
    if not is_foundation_reviewer(reviewer, project.foundation):
        raise ProjectError(E.NOT_A_REVIEWER, field="reviewerId")
    if conflicted(reviewer, project):
        raise ProjectError(E.CONFLICT_OF_INTEREST, field="reviewerId")
    if project.status == CharityProject.Status.SUBMITTED:
        project.status = CharityProject.Status.UNDER_REVIEW
        project.save(update_fields=["status", "updated_at"])
    existing = ReviewAssignment.objects.filter(project=project, reviewer=reviewer).first()
    if existing is not None:  # assigned in an earlier round (or twice): the assignment carries over
        return existing
    assignment = ReviewAssignment.objects.create(project=project, reviewer=reviewer, assigned_by=actor)
    event_add(project, actor, ProjectEvent.Kind.REVIEWER_ASSIGNED, reviewer=reviewer.pk, round=project.review_round)
    notify_users([reviewer], kind="project_review_assigned", title=_("新的项目评审任务"),
                 body=_("请评审项目「%(name)s」。") % {"name": project.name}, link=f"/projects/{project.pk}")
    return assignment


@transaction.atomic
def conflict_declare(*, actor: User, project_id: int, reason: str,
                     reviewer_id: int | None = None) -> ConflictDeclaration:
    """Declare a conflict of interest (回避): a reviewer for themself, or the foundation for one of its
    reviewers. From then on the reviewer cannot be assigned, review, decide, release money or accept funds
    for this project; a current assignment becomes `recused`."""
    reason = text(reason, field="reason", max_length=500)
    if not reason:
        raise ProjectError(E.REASON_REQUIRED, field="reason")
    project = project_lock(actor=actor, project_id=project_id)
    reviewer = actor if reviewer_id is None or reviewer_id == actor.pk else _user(reviewer_id, "reviewerId")
    if reviewer.pk == actor.pk:
        if not (is_foundation_reviewer(actor, project.foundation) or can_manage_foundation(actor, project.foundation)):
            raise ProjectError(E.PERMISSION_DENIED)
    elif not can_manage_foundation(actor, project.foundation):
        raise ProjectError(E.PERMISSION_DENIED)
    declaration, created = ConflictDeclaration.objects.get_or_create(
        project=project, reviewer=reviewer, defaults={"reason": reason, "declared_by": actor})
    if created:
        ReviewAssignment.objects.filter(project=project, reviewer=reviewer).update(
            status=ReviewAssignment.Status.RECUSED)
        event_add(project, actor, ProjectEvent.Kind.CONFLICT_DECLARED, reviewer=reviewer.pk, reason=reason)
    return declaration


def weighted_total(criteria: list[Any], scores: dict[str, int]) -> int:
    """0..100: Σ weight·score/max over Σ weight, exact (fractions), rounded half up."""
    weights = sum(c.weight for c in criteria)
    exact = sum((Fraction(c.weight * scores[c.code], c.max_score) for c in criteria), Fraction(0)) * 100 / weights
    return int(exact + Fraction(1, 2))


@transaction.atomic
def review_submit(*, actor: User, project_id: int, scores: dict[str, int], recommendation: str,
                  comment: str = "") -> Review:
    """The assigned reviewer's integer scores for every published criterion (code → score, 0..max), a
    recommendation and a comment; once per review round."""
    comment = text(comment, field="comment", max_length=2000)
    if recommendation not in Review.Recommendation.values:
        raise ProjectError(E.INVALID, field="recommendation")
    project = project_lock(actor=actor, project_id=project_id)
    assignment = ReviewAssignment.objects.filter(project=project, reviewer=actor).first()
    if conflicted(actor, project) or (assignment is not None and assignment.status == ReviewAssignment.Status.RECUSED):
        raise ProjectError(E.CONFLICT_OF_INTEREST)
    if assignment is None:
        raise ProjectError(E.NOT_ASSIGNED)
    require_state(project, *IN_REVIEW)  # submitted again: reviewers assigned in an earlier round review again
    criteria_set = CriteriaSet.objects.filter(foundation_id=project.foundation_id, active=True).first()
    if criteria_set is None:
        raise ProjectError(E.NO_CRITERIA)
    criteria = list(criteria_set.criteria.all())
    if not isinstance(scores, dict) or set(scores) != {c.code for c in criteria}:
        raise ProjectError(E.SCORES_INVALID, field="scores")
    for c in criteria:
        value = scores[c.code]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= c.max_score:
            raise ProjectError(E.SCORES_INVALID, field="scores")
    if Review.objects.filter(assignment=assignment, round=project.review_round).exists():
        raise ProjectError(E.ALREADY_REVIEWED)
    review = Review.objects.create(
        assignment=assignment, project=project, reviewer=actor, round=project.review_round,
        criteria_set=criteria_set, total_score=weighted_total(criteria, scores), recommendation=recommendation,
        comment=comment,
    )
    if project.status == CharityProject.Status.SUBMITTED:
        project.status = CharityProject.Status.UNDER_REVIEW
        project.save(update_fields=["status", "updated_at"])
    ReviewScore.objects.bulk_create([ReviewScore(review=review, criterion=c, score=scores[c.code]) for c in criteria])
    event_add(project, actor, ProjectEvent.Kind.REVIEW_SUBMITTED, review=review.pk, round=review.round,
              total_score=review.total_score, recommendation=recommendation)
    return review


def split_tranches(planned: list[int], amount: int) -> list[int]:
    """The approved amount over the milestones in proportion to their planned tranches (integers, largest
    remainder first, earlier milestone on a tie): Σ result == amount."""
    total = sum(planned)
    shares = [p * amount // total for p in planned]
    remainders = sorted(range(len(planned)), key=lambda i: (-(planned[i] * amount % total), i))
    for i in remainders[: amount - sum(shares)]:
        shares[i] += 1
    return shares


@transaction.atomic
def decision_make(*, actor: User, project_id: int, outcome: str, reasons: str, amount_fen: int = 0) -> Decision:
    """Decide the current review round, with reasons, after at least one review of this round.

    approve: `amount_fen` (1..requested) is split over the milestones' planned tranches and committed in the
    ledger (pending transfers foundation → project), so INSUFFICIENT_FOUNDATION_FUNDS when the foundation's
    available money is short, and nothing is written. changes: back to the applicant. reject: final.
    """
    if outcome not in Decision.Outcome.values:
        raise ProjectError(E.INVALID, field="outcome")
    reasons = text(reasons, field="reasons", max_length=2000)
    if not reasons:
        raise ProjectError(E.REASON_REQUIRED, field="reasons")
    if outcome == Decision.Outcome.APPROVE:
        amount_fen = check_fen(amount_fen, field="amountFen")
    elif amount_fen not in (0, None):
        raise ProjectError(E.INVALID, field="amountFen")
    project = project_lock(actor=actor, project_id=project_id)
    require_foundation(actor, project)
    require_state(project, *IN_REVIEW)
    if not Review.objects.filter(project=project, round=project.review_round).exists():
        raise ProjectError(E.NO_REVIEWS)
    now = timezone.now()
    decision = Decision(project=project, round=project.review_round, outcome=outcome, reasons=reasons,
                        amount_fen=amount_fen or 0, decided_by=actor)
    if outcome == Decision.Outcome.APPROVE:
        if amount_fen > project.requested_fen:
            raise ProjectError(E.AMOUNT_EXCEEDS_REQUEST, field="amountFen")
        _commit_grant(project, amount_fen)
        project.status, project.approved_fen = CharityProject.Status.APPROVED, amount_fen
    elif outcome == Decision.Outcome.CHANGES:
        project.status = CharityProject.Status.CHANGES_REQUESTED
    else:
        project.status, project.closed_at = CharityProject.Status.REJECTED, now
    decision.save()
    project.decided_at = now
    project.save(update_fields=["status", "approved_fen", "decided_at", "closed_at", "updated_at"])
    event_add(project, actor, ProjectEvent.Kind.DECIDED, decision=decision.pk, outcome=outcome,
              amount_fen=decision.amount_fen, round=decision.round, reasons=reasons)
    notify_users(project_people(project), kind="project_decided",
                 title=_("项目「%(name)s」评审结果:%(outcome)s") % {
                     "name": project.name, "outcome": Decision.Outcome(outcome).label},
                 body=reasons, link=f"/projects/{project.pk}")
    return decision


def _commit_grant(project: CharityProject, amount_fen: int) -> None:
    account = project_account_id(project)
    for line in project.budget_lines.all():
        line_spent_account_id(line)
    milestones = list(Milestone.objects.filter(project=project).order_by("position"))
    shares = split_tranches([m.planned_tranche_fen for m in milestones], amount_fen)
    for milestone, share in zip(milestones, shares, strict=True):
        if share <= 0:
            continue
        tranche = Tranche.objects.create(project=project, milestone=milestone, amount_fen=share)
        tranche.hold_transfer_id = cny_transfer(
            insufficient=E.INSUFFICIENT_FOUNDATION_FUNDS, client_id=f"projects:tranche:{tranche.pk}:hold",
            debit_account_id=int(project.foundation.ledger_account_id or 0), credit_account_id=account,
            amount=share, pending=True, code="projects.grant",
            memo={"project": project.pk, "tranche": tranche.pk, "milestone": milestone.pk},
        )
        tranche.save(update_fields=["hold_transfer_id"])
