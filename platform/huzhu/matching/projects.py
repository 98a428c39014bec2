"""Project-level matching: open charity projects with a funding gap are needs; giving's funds are supplies.

A project is open when it is approved and running (status `approved`). Its gap is its budget minus the grant,
the donations it has received and what open proposals already offer (projects.selectors.Funding.gap_fen).
The candidates are giving.selectors.fund_candidates_for_project: the project's own earmarked fund first, then
the general fund — never another project's fund, and giving.fund_disburse refuses one anyway (EARMARK_MISMATCH).

Proposals are projects.models.ProjectFundProposal rows (matching's MatchProposal is tied to household needs),
announced live to foundation reviewers (events.fund_match_proposed / fund_match_decided: kind "project_fund",
proposal_id a ProjectFundProposal id, project_id the CharityProject id). Accepting pays the amount out of the fund
into the project through giving.services.fund_disburse(project_id=...) and moves it into the project's own
account (projects.services.project_donations_receive), in one transaction.

    propose_funds_for_project(*, project_id, actor=None) -> list[ProjectFundProposal]
    propose_funds_for_open_projects(*, region_path=None) -> int
    fund_proposal_accept(*, actor, proposal_id) -> ProjectFundProposal
    fund_proposal_reject(*, actor, proposal_id, reason) -> tuple[ProjectFundProposal, list[ProjectFundProposal]]
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from huzhu.core.errors import ServiceError
from huzhu.people import access
from huzhu.people.models import User
from huzhu.projects.errors import ProjectError, ProjectErrorCode
from huzhu.projects.models import CharityProject, ProjectEvent, ProjectFundProposal
from huzhu.projects.services.common import (
    FOUNDATION_ROLES,
    event_add,
    project_lock,
    require_foundation,
    require_state,
    text,
)

E = ProjectErrorCode
OWN_FUND_POINTS = 60  # the donors gave for this very project
GENERAL_FUND_POINTS = 20
COVERAGE_POINTS = 40  # × the share of the gap the amount closes


def score_offer(*, own_fund: bool, amount_fen: int, gap_fen: int) -> tuple[int, list[dict[str, Any]]]:
    """0..100 with its parts (the same shape as matching's components: code, points, params)."""
    earmark = OWN_FUND_POINTS if own_fund else GENERAL_FUND_POINTS
    coverage = COVERAGE_POINTS * min(amount_fen, gap_fen) // gap_fen if gap_fen > 0 else 0
    components: list[dict[str, Any]] = [
        {"code": "project_earmark" if own_fund else "general_fund", "points": earmark, "params": {}},
        {"code": "gap_coverage", "points": coverage, "params": {"amount_fen": amount_fen, "gap_fen": gap_fen}},
    ]
    return earmark + coverage, components


def _publish_proposed(proposal: ProjectFundProposal, region_path: str) -> None:
    from huzhu.realtime import events

    events.fund_match_proposed(proposal_id=proposal.pk, region_path=region_path, project_id=proposal.project_id,
                               score=proposal.score)


def _announce(proposal: ProjectFundProposal, region_path: str) -> Any:
    """A callback for on_commit bound to this proposal (not to the loop variable)."""
    return lambda: _publish_proposed(proposal, region_path)


def _publish_decided(proposal: ProjectFundProposal, region_path: str) -> None:
    from huzhu.realtime import events

    events.fund_match_decided(proposal_id=proposal.pk, region_path=region_path, project_id=proposal.project_id,
                              decision=proposal.status)


@transaction.atomic
def propose_funds_for_project(*, project_id: int, actor: User | None = None) -> list[ProjectFundProposal]:
    """Propose funds for an open project's funding gap: its own fund first, then the general fund, each for
    min(what the fund has free, what the gap still lacks). Returns the new proposals ([] when the project is not
    open, has no gap, or nothing can fill it). A fund with an open proposal for the project is not proposed
    again; one that was rejected is proposed again only once it holds more than it did then.

    actor None: the system (jobs, after a decision). With an actor (a reviewer asking now): NOT_FOUND when the
    project is not theirs to see, PERMISSION_DENIED / CONFLICT_OF_INTEREST as for accepting.
    """
    from huzhu.giving.selectors import fund_candidates_for_project
    from huzhu.projects.selectors import funding_of

    if actor is not None:
        require_foundation(actor, project_lock(actor=actor, project_id=project_id))
    project = (CharityProject.objects.select_for_update(of=("self",)).select_related("region")
               .filter(pk=project_id).first())
    if project is None or project.status != CharityProject.Status.APPROVED:
        return []
    gap = funding_of(project).gap_fen
    if gap <= 0:
        return []
    mine = ProjectFundProposal.objects.filter(project=project)
    open_funds = set(mine.filter(status=ProjectFundProposal.Status.PROPOSED).values_list("fund_account", flat=True))
    rejected: dict[int, int] = {}
    for fund_account, available in mine.filter(status=ProjectFundProposal.Status.REJECTED).values_list(
            "fund_account", "available_fen"):
        rejected[fund_account] = max(available, rejected.get(fund_account, 0))
    created: list[ProjectFundProposal] = []
    for offer in fund_candidates_for_project(project_id=project.pk):
        if gap <= 0:
            break
        if offer.fund_account in open_funds:
            continue
        if offer.fund_account in rejected and offer.available_fen <= rejected[offer.fund_account]:
            continue
        # The general fund is offered to many projects: what open proposals elsewhere already offer is not free.
        offered = ProjectFundProposal.objects.filter(fund_account=offer.fund_account,
                                                     status=ProjectFundProposal.Status.PROPOSED).aggregate(
            s=Sum("amount_fen"))["s"] or 0
        free = offer.available_fen - int(offered)
        if free <= 0:
            continue
        amount = min(free, gap)
        own = offer.fund.kind == "project" and offer.fund.project_id == project.pk
        score, components = score_offer(own_fund=own, amount_fen=amount, gap_fen=gap)
        proposal = ProjectFundProposal.objects.create(
            project=project, region=project.region, fund_account=offer.fund_account, fund_key=offer.fund.key,
            fund_kind=offer.fund.kind, amount_fen=amount, available_fen=offer.available_fen, gap_fen=gap,
            score=score, components=components,
        )
        event_add(project, None, ProjectEvent.Kind.FUND_PROPOSED, proposal=proposal.pk, fund=offer.fund.key,
                  amount_fen=amount)
        transaction.on_commit(_announce(proposal, project.region.path))
        created.append(proposal)
        gap -= amount
    return created


def propose_funds_for_open_projects(*, region_path: str | None = None) -> int:
    """Run propose_funds_for_project over every open project (of a region subtree); returns proposals made.
    One transaction per project, so one failure does not undo the others."""
    qs = CharityProject.objects.filter(status=CharityProject.Status.APPROVED)
    if region_path:
        qs = qs.filter(region__path__startswith=region_path)
    made = 0
    for pid in qs.order_by("id").values_list("id", flat=True).iterator():
        made += len(propose_funds_for_project(project_id=pid))
    return made


def _proposal_lock(actor: User, proposal_id: Any) -> ProjectFundProposal:
    if isinstance(proposal_id, bool) or not isinstance(proposal_id, int):
        raise ProjectError(E.INVALID, field="proposalId")
    proposal = (ProjectFundProposal.objects.select_for_update(of=("self",)).select_related("region")
                .filter(pk=proposal_id).first())
    if proposal is None or not access.has_role(actor, FOUNDATION_ROLES, proposal.region):
        raise ProjectError(E.NOT_FOUND, field="proposalId")  # another area's proposal: as if it did not exist
    return proposal


_GIVING_CODES = {
    "EARMARK_MISMATCH": E.EARMARK_MISMATCH,
    "INSUFFICIENT_FUNDS": E.FUNDS_TAKEN,
    "PERMISSION_DENIED": E.PERMISSION_DENIED,
    "NOT_FOUND": E.NOT_FOUND,
    "IDEMPOTENCY_MISMATCH": E.CONFLICT,
    "WRONG_STATE": E.WRONG_STATE,
}


@transaction.atomic
def fund_proposal_accept(*, actor: User, proposal_id: int) -> ProjectFundProposal:
    """Accept: the fund pays the amount to the project (giving.fund_disburse, the earmark is checked there
    again) and the money moves into the project's account. Raises NOT_FOUND (not the actor's area),
    CONFLICT_OF_INTEREST, WRONG_STATE (decided already, or the project no longer runs), FUNDS_TAKEN (the fund
    no longer has the money), EARMARK_MISMATCH (the fund's earmark does not cover this project)."""
    from huzhu.giving import services as giving
    from huzhu.projects.services import project_donations_receive

    proposal = _proposal_lock(actor, proposal_id)
    project = project_lock(actor=None, project_id=proposal.project_id, field="proposalId")
    require_foundation(actor, project)
    if proposal.status != ProjectFundProposal.Status.PROPOSED:
        raise ProjectError(E.WRONG_STATE)
    require_state(project, CharityProject.Status.APPROVED)
    try:
        disbursement = giving.fund_disburse(
            actor=actor, fund_account=proposal.fund_account, amount_fen=proposal.amount_fen, project_id=project.pk,
            idempotency_key=f"projects:fund-proposal:{proposal.pk}", memo=f"项目资金匹配 #{proposal.pk}",
        )
    except ServiceError as exc:
        raise ProjectError(_GIVING_CODES.get(exc.code, E.CONFLICT)) from None
    proposal.status = ProjectFundProposal.Status.ACCEPTED
    proposal.reviewer, proposal.decided_at, proposal.disbursement_id = actor, timezone.now(), disbursement.pk
    proposal.save(update_fields=["status", "reviewer", "decided_at", "disbursement_id"])
    event_add(project, actor, ProjectEvent.Kind.FUND_ACCEPTED, proposal=proposal.pk, fund=proposal.fund_key,
              amount_fen=proposal.amount_fen, disbursement=disbursement.pk)
    project_donations_receive(project=project, actor=actor)
    path = proposal.region.path
    transaction.on_commit(lambda: _publish_decided(proposal, path))
    return proposal


@transaction.atomic
def fund_proposal_reject(*, actor: User, proposal_id: int,
                         reason: str) -> tuple[ProjectFundProposal, list[ProjectFundProposal]]:
    """Reject with a reason; the project's next candidates (other funds) are proposed at once."""
    reason = text(reason, field="reason", max_length=500)
    if not reason:
        raise ProjectError(E.REASON_REQUIRED, field="reason")
    proposal = _proposal_lock(actor, proposal_id)
    project = project_lock(actor=None, project_id=proposal.project_id, field="proposalId")
    require_foundation(actor, project)
    if proposal.status != ProjectFundProposal.Status.PROPOSED:
        raise ProjectError(E.WRONG_STATE)
    proposal.status = ProjectFundProposal.Status.REJECTED
    proposal.reviewer, proposal.decided_at, proposal.reason = actor, timezone.now(), reason
    proposal.save(update_fields=["status", "reviewer", "decided_at", "reason"])
    event_add(project, actor, ProjectEvent.Kind.FUND_REJECTED, proposal=proposal.pk, fund=proposal.fund_key,
              reason=reason)
    path = proposal.region.path
    transaction.on_commit(lambda: _publish_decided(proposal, path))
    return proposal, propose_funds_for_project(project_id=project.pk)
