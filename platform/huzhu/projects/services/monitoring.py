"""Monitoring and evaluation (监测评估): milestone reports with figures, their review, third-party evaluations."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import MAX_MINUTES
from huzhu.people.models import User

from ..errors import ProjectError
from ..models import CharityProject, Evaluation, Milestone, MilestoneReport, ProjectEvent
from .common import (
    E,
    event_add,
    notify_users,
    project_lock,
    require_foundation,
    require_member,
    require_state,
    text,
)


def _count(value: Any, *, field: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProjectError(E.INVALID, field=field)
    if not 0 <= value <= high:
        raise ProjectError(E.OUT_OF_RANGE, field=field)
    return value


@transaction.atomic
def milestone_report_submit(*, actor: User, milestone_id: int, narrative: str, households_served: int = 0,
                            service_minutes: int = 0, goods_items: int = 0,
                            goods_description: str = "") -> MilestoneReport:
    """The organisation reports a milestone: what was done and the figures (households served, service time
    in minutes, goods handed out). One report awaits review at a time (REPORT_PENDING), none after approval."""
    narrative = text(narrative, field="narrative", max_length=5000, required=True)
    households_served = _count(households_served, field="householdsServed", high=1_000_000)
    service_minutes = _count(service_minutes, field="serviceMinutes", high=MAX_MINUTES)
    goods_items = _count(goods_items, field="goodsItems", high=10_000_000)
    goods_description = text(goods_description, field="goodsDescription", max_length=200)
    if isinstance(milestone_id, bool) or not isinstance(milestone_id, int):
        raise ProjectError(E.INVALID, field="milestoneId")
    row = Milestone.objects.filter(pk=milestone_id).values("project_id").first()
    if row is None:
        raise ProjectError(E.NOT_FOUND, field="milestoneId")
    project = project_lock(actor=actor, project_id=row["project_id"], field="milestoneId")
    require_member(actor, project)
    require_state(project, CharityProject.Status.APPROVED)
    milestone = Milestone.objects.select_for_update().get(pk=milestone_id)
    if MilestoneReport.objects.filter(milestone=milestone, status__in=[MilestoneReport.Status.SUBMITTED,
                                                                      MilestoneReport.Status.APPROVED]).exists():
        raise ProjectError(E.REPORT_PENDING, field="milestoneId")
    try:
        with transaction.atomic():
            report = MilestoneReport.objects.create(
                project=project, milestone=milestone, submitted_by=actor, narrative=narrative,
                households_served=households_served, service_minutes=service_minutes, goods_items=goods_items,
                goods_description=goods_description)
    except IntegrityError:  # the partial unique index: another report for this milestone won a race
        raise ProjectError(E.REPORT_PENDING, field="milestoneId") from None
    event_add(project, actor, ProjectEvent.Kind.REPORT_SUBMITTED, report=report.pk, milestone=milestone.pk,
              households_served=households_served, service_minutes=service_minutes, goods_items=goods_items)
    return report


@transaction.atomic
def milestone_report_review(*, actor: User, report_id: int, approve: bool, note: str = "") -> MilestoneReport:
    """The foundation approves a report (its tranche can then be released) or returns it with a note."""
    note = text(note, field="note", max_length=1000)
    if not approve and not note:
        raise ProjectError(E.REASON_REQUIRED, field="note")
    if isinstance(report_id, bool) or not isinstance(report_id, int):
        raise ProjectError(E.INVALID, field="reportId")
    row = MilestoneReport.objects.filter(pk=report_id).values("project_id").first()
    if row is None:
        raise ProjectError(E.NOT_FOUND, field="reportId")
    project = project_lock(actor=actor, project_id=row["project_id"], field="reportId")
    require_foundation(actor, project)
    report = MilestoneReport.objects.select_for_update(of=("self",)).select_related("milestone", "submitted_by").get(
        pk=report_id)
    if report.status != MilestoneReport.Status.SUBMITTED:
        raise ProjectError(E.WRONG_STATE)
    report.status = MilestoneReport.Status.APPROVED if approve else MilestoneReport.Status.RETURNED
    report.reviewed_by, report.reviewed_at, report.review_note = actor, timezone.now(), note
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    kind = ProjectEvent.Kind.REPORT_APPROVED if approve else ProjectEvent.Kind.REPORT_RETURNED
    event_add(project, actor, kind, report=report.pk, milestone=report.milestone_id, note=note)
    notify_users([report.submitted_by], kind="project_report_reviewed",
                 title=(_("节点报告「%(title)s」已通过") if approve else _("节点报告「%(title)s」被退回")) % {
                     "title": report.milestone.title}, body=note, link=f"/projects/{project.pk}")
    return report


@transaction.atomic
def evaluation_submit(*, actor: User, project_id: int, rating: int, summary: str) -> Evaluation:
    """A third-party evaluation (foundation reviewers or administrators without a conflict of interest) of a
    running or finished project: a rating 1..5 and a summary; one per evaluator."""
    summary = text(summary, field="summary", max_length=5000, required=True)
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise ProjectError(E.INVALID, field="rating")
    if not 1 <= rating <= 5:
        raise ProjectError(E.OUT_OF_RANGE, field="rating")
    project = project_lock(actor=actor, project_id=project_id)
    require_foundation(actor, project)
    require_state(project, CharityProject.Status.APPROVED, CharityProject.Status.COMPLETED,
                  CharityProject.Status.CLOSED)
    if Evaluation.objects.filter(project=project, evaluator=actor).exists():
        raise ProjectError(E.CONFLICT)
    evaluation = Evaluation.objects.create(project=project, evaluator=actor, rating=rating, summary=summary)
    event_add(project, actor, ProjectEvent.Kind.EVALUATION_SUBMITTED, evaluation=evaluation.pk, rating=rating)
    return evaluation
