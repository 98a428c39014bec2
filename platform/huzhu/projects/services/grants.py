"""Money of a running project: grant tranches released on approved milestones, earmarked donations received
from giving, spending recorded against budget lines (never beyond a line), and closing a project."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.people.models import User
from ledger import api

from ..errors import ProjectError
from ..models import BudgetLine, CharityProject, MilestoneReport, ProjectEvent, Spending, Tranche
from .common import (
    E,
    check_fen,
    check_key,
    cny_transfer,
    donations_account_code,
    event_add,
    ledger_error,
    line_spent_account_id,
    notify_users,
    project_account_id,
    project_lock,
    project_people,
    require_foundation,
    require_member,
    require_state,
    text,
)


@transaction.atomic
def tranche_release(*, actor: User | None, tranche_id: int) -> Tranche:
    """Pay a committed tranche (the pending ledger transfer posts) once its milestone's report is approved.

    MILESTONE_NOT_APPROVED otherwise; the foundation side only, without a conflict of interest. Releasing a
    released tranche returns it (a double click pays once).
    """
    if isinstance(tranche_id, bool) or not isinstance(tranche_id, int):
        raise ProjectError(E.INVALID, field="trancheId")
    row = Tranche.objects.filter(pk=tranche_id).values("project_id").first()
    if row is None:
        raise ProjectError(E.NOT_FOUND, field="trancheId")
    project = project_lock(actor=actor, project_id=row["project_id"], field="trancheId")
    require_foundation(actor, project)
    tranche = Tranche.objects.select_for_update().select_related("milestone").get(pk=tranche_id)
    if tranche.status == Tranche.Status.RELEASED:
        return tranche
    if tranche.status != Tranche.Status.COMMITTED:
        raise ProjectError(E.WRONG_STATE)
    require_state(project, CharityProject.Status.APPROVED)
    if not MilestoneReport.objects.filter(milestone_id=tranche.milestone_id,
                                          status=MilestoneReport.Status.APPROVED).exists():
        raise ProjectError(E.MILESTONE_NOT_APPROVED)
    try:
        result = api.post_pending(client_id=f"projects:tranche:{tranche.pk}:post",
                                  pending_id=int(tranche.hold_transfer_id or 0))
    except api.LedgerError as exc:
        raise ledger_error(exc, insufficient=E.INSUFFICIENT_FOUNDATION_FUNDS) from None
    tranche.status = Tranche.Status.RELEASED
    tranche.ledger_transfer_id = result.transfer_id
    tranche.released_by = actor
    tranche.released_at = timezone.now()
    tranche.save(update_fields=["status", "ledger_transfer_id", "released_by", "released_at"])
    event_add(project, actor, ProjectEvent.Kind.TRANCHE_RELEASED, tranche=tranche.pk,
              milestone=tranche.milestone_id, amount_fen=tranche.amount_fen)
    notify_users(project_people(project), kind="project_tranche_released",
                 title=_("项目「%(name)s」资助款已拨付") % {"name": project.name},
                 body=_("节点「%(title)s」的资助款已到账。") % {"title": tranche.milestone.title},
                 link=f"/projects/{project.pk}")
    return tranche


def project_donations_receive(*, project: CharityProject, actor: User | None = None) -> int:
    """Move earmarked money giving has disbursed to the project (giving:used:project:<id>) into the project's
    own account, where it can be spent. Returns the fen moved (0 when there was none).

    Runs in the caller's transaction. The project row is locked before the balance is read, so two callers
    move each disbursement once; the client id names the donations account's cumulative credits, so a retry
    of the same state replays instead of moving twice.
    """
    source = api.account_get(donations_account_code(project.pk))
    if source is None or api.balance(source.pk).posted <= 0:
        return 0
    CharityProject.objects.select_for_update(of=("self",)).filter(pk=project.pk).first()
    bal = api.balance(source.pk)
    if bal.posted <= 0:
        return 0
    cny_transfer(
        client_id=f"projects:donations-in:{project.pk}:{bal.credits_posted}", debit_account_id=source.pk,
        credit_account_id=project_account_id(project), amount=bal.posted, code="projects.donations",
        memo={"project": project.pk},
    )
    event_add(project, actor, ProjectEvent.Kind.DONATIONS_RECEIVED, amount_fen=bal.posted)
    return int(bal.posted)


def line_spent(line: BudgetLine) -> int:
    if line.spent_account_id is None:
        return 0
    return int(api.balance(line.spent_account_id).posted)


@transaction.atomic
def spending_record(*, actor: User, project_id: int, budget_line_id: int, amount_fen: int, spent_on: date,
                    idempotency_key: str, memo: str = "") -> Spending:
    """Record money spent on a budget line: project account → the line's spent account.

    OVERSPEND when the line's spent total would exceed its budget (the line row is locked first, so of many
    concurrent spendings exactly those that fit go through); INSUFFICIENT_PROJECT_FUNDS when the project's
    account holds too little (grants released plus donations received, minus spending). Members of the
    organisation only, while the project runs. A retry with the same key returns the first spending.
    """
    amount_fen = check_fen(amount_fen, field="amountFen")
    key = check_key(idempotency_key)
    memo = text(memo, field="memo", max_length=500)
    if not isinstance(spent_on, date):
        raise ProjectError(E.INVALID, field="spentOn")
    if isinstance(budget_line_id, bool) or not isinstance(budget_line_id, int):
        raise ProjectError(E.INVALID, field="budgetLineId")
    project = project_lock(actor=actor, project_id=project_id)
    require_member(actor, project)
    if existing := Spending.objects.filter(project=project, idempotency_key=key).first():
        if (existing.budget_line_id, existing.amount_fen, existing.spent_on, existing.memo) != (
                budget_line_id, amount_fen, spent_on, memo):
            raise ProjectError(E.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    require_state(project, CharityProject.Status.APPROVED)
    if spent_on > timezone.localdate() or spent_on < project.starts_on - timedelta(days=90):
        raise ProjectError(E.OUT_OF_RANGE, field="spentOn")
    line = BudgetLine.objects.select_for_update().filter(pk=budget_line_id, project=project).first()
    if line is None:
        raise ProjectError(E.NOT_FOUND, field="budgetLineId")
    remaining = line.amount_fen - line_spent(line)
    if amount_fen > remaining:
        raise ProjectError(E.OVERSPEND, field="amountFen", params={"remaining": remaining})
    project_donations_receive(project=project, actor=None)
    spending = Spending.objects.create(project=project, budget_line=line, amount_fen=amount_fen, spent_on=spent_on,
                                       memo=memo, idempotency_key=key, recorded_by=actor)
    spending.ledger_transfer_id = cny_transfer(
        insufficient=E.INSUFFICIENT_PROJECT_FUNDS, client_id=f"projects:spend:{spending.pk}",
        debit_account_id=project_account_id(project), credit_account_id=line_spent_account_id(line),
        amount=amount_fen, code="projects.spend",
        memo={"project": project.pk, "line": line.pk, "spending": spending.pk},
    )
    spending.save(update_fields=["ledger_transfer_id"])
    event_add(project, actor, ProjectEvent.Kind.SPENDING_RECORDED, spending=spending.pk, line=line.pk,
              amount_fen=amount_fen)
    return spending


@transaction.atomic
def project_close(*, actor: User, project_id: int, completed: bool, reason: str) -> CharityProject:
    """End a running project: completed (结项) or closed early (终止). Committed tranches not yet released are
    voided (the foundation gets the money back); what is in the project account stays there."""
    reason = text(reason, field="reason", max_length=500)
    if not reason:
        raise ProjectError(E.REASON_REQUIRED, field="reason")
    project = project_lock(actor=actor, project_id=project_id)
    require_foundation(actor, project)
    require_state(project, CharityProject.Status.APPROVED)
    now = timezone.now()
    for tranche in Tranche.objects.select_for_update().filter(project=project, status=Tranche.Status.COMMITTED):
        try:
            api.void_pending(client_id=f"projects:tranche:{tranche.pk}:void",
                             pending_id=int(tranche.hold_transfer_id or 0))
        except api.LedgerError as exc:
            raise ledger_error(exc, insufficient=E.CONFLICT) from None
        tranche.status, tranche.canceled_at = Tranche.Status.CANCELED, now
        tranche.save(update_fields=["status", "canceled_at"])
        event_add(project, actor, ProjectEvent.Kind.TRANCHE_CANCELED, tranche=tranche.pk, amount_fen=tranche.amount_fen)
    project.status = CharityProject.Status.COMPLETED if completed else CharityProject.Status.CLOSED
    project.closed_at = now
    project.save(update_fields=["status", "closed_at", "updated_at"])
    event_add(project, actor, ProjectEvent.Kind.CLOSED, completed=bool(completed), reason=reason)
    return project
