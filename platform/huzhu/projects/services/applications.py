"""Applications (申报), all year round: an organisation's member drafts, edits, submits or withdraws a project."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from huzhu.core.errors import MAX_FEN
from huzhu.giving.taxonomy import NeedCategory
from huzhu.people.models import User
from huzhu.regions.models import Region

from ..errors import ProjectError
from ..models import (
    BeneficiaryGroup,
    BudgetLine,
    CharityProject,
    Foundation,
    Milestone,
    MilestoneReport,
    Organisation,
    ProjectAttachment,
    ProjectEvent,
)
from .common import E, event_add, is_member, project_lock, require_member, require_state, text

EDITABLE = (CharityProject.Status.DRAFT, CharityProject.Status.CHANGES_REQUESTED)
MAX_LINES = 50
MAX_MILESTONES = 20
MAX_YEARS = 3


@dataclass(frozen=True)
class BudgetLineInput:
    name: str
    category: str
    amount_fen: int
    note: str = ""


@dataclass(frozen=True)
class MilestoneInput:
    title: str
    due_on: date
    tranche_fen: int
    deliverables: str = ""


@dataclass(frozen=True)
class ApplicationInput:
    organisation_id: int
    foundation_id: int
    name: str
    goals: str
    category: str
    beneficiary_groups: list[str]
    beneficiary_count: int
    region_id: int
    starts_on: date
    ends_on: date
    budget_lines: list[BudgetLineInput]
    milestones: list[MilestoneInput]
    summary: str = ""


def _int(value: Any, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProjectError(E.INVALID, field=field)
    if not low <= value <= high:
        raise ProjectError(E.OUT_OF_RANGE, field=field)
    return value


def _clean(data: ApplicationInput, *, actor: User) -> dict[str, Any]:
    """Every field checked before anything is written; returns the project's fields, lines and milestones."""
    out: dict[str, Any] = {
        "name": text(data.name, field="name", max_length=100, required=True),
        "summary": text(data.summary, field="summary", max_length=500),
        "goals": text(data.goals, field="goals", max_length=5000, required=True),
    }
    if data.category not in NeedCategory.values:
        raise ProjectError(E.INVALID, field="category")
    out["category"] = data.category
    groups = list(data.beneficiary_groups or [])
    if not groups:
        raise ProjectError(E.REQUIRED, field="beneficiaryGroups")
    if len(groups) > len(BeneficiaryGroup.values) or any(g not in BeneficiaryGroup.values for g in groups) or len(
            set(groups)) != len(groups):
        raise ProjectError(E.INVALID, field="beneficiaryGroups")
    out["beneficiary_groups"] = groups
    out["beneficiary_count"] = _int(data.beneficiary_count, field="beneficiaryCount", low=1, high=1_000_000)

    organisation = Organisation.objects.select_related("region").filter(pk=data.organisation_id).first() if isinstance(
        data.organisation_id, int) else None
    if organisation is None or not is_member(actor, organisation.pk):
        raise ProjectError(E.NOT_FOUND, field="organisationId")  # not yours answers like one that does not exist
    foundation = Foundation.objects.select_related("region").filter(pk=data.foundation_id).first() if isinstance(
        data.foundation_id, int) else None
    if foundation is None:
        raise ProjectError(E.NOT_FOUND, field="foundationId")
    region = Region.objects.filter(pk=data.region_id).first() if isinstance(data.region_id, int) else None
    if region is None:
        raise ProjectError(E.NOT_FOUND, field="regionId")
    if not region.path.startswith(foundation.region.path):
        raise ProjectError(E.REGION_OUTSIDE_FOUNDATION, field="regionId")
    if not region.path.startswith(organisation.region.path):
        raise ProjectError(E.REGION_OUTSIDE_ORGANISATION, field="regionId")
    out.update(organisation=organisation, foundation=foundation, region=region)

    if not isinstance(data.starts_on, date) or not isinstance(data.ends_on, date):
        raise ProjectError(E.INVALID, field="startsOn")
    if data.ends_on < data.starts_on or (data.ends_on - data.starts_on).days > MAX_YEARS * 366:
        raise ProjectError(E.SCHEDULE_INVALID, field="endsOn")
    out.update(starts_on=data.starts_on, ends_on=data.ends_on)

    if not data.budget_lines:
        raise ProjectError(E.BUDGET_REQUIRED, field="budgetLines")
    if len(data.budget_lines) > MAX_LINES:
        raise ProjectError(E.OUT_OF_RANGE, field="budgetLines")
    lines = []
    for i, line in enumerate(data.budget_lines):
        if line.category not in BudgetLine.Category.values:
            raise ProjectError(E.INVALID, field="budgetLines.category")
        lines.append(BudgetLine(
            position=i, name=text(line.name, field="budgetLines.name", max_length=100, required=True),
            category=line.category, note=text(line.note, field="budgetLines.note", max_length=500),
            amount_fen=_int(line.amount_fen, field="budgetLines.amountFen", low=1, high=MAX_FEN),
        ))
    total = sum(line.amount_fen for line in lines)
    if total > MAX_FEN:
        raise ProjectError(E.OUT_OF_RANGE, field="budgetLines")

    if not data.milestones:
        raise ProjectError(E.MILESTONES_REQUIRED, field="milestones")
    if len(data.milestones) > MAX_MILESTONES:
        raise ProjectError(E.OUT_OF_RANGE, field="milestones")
    milestones = []
    for i, m in enumerate(data.milestones):
        if not isinstance(m.due_on, date):
            raise ProjectError(E.INVALID, field="milestones.dueOn")
        if not data.starts_on <= m.due_on <= data.ends_on:
            raise ProjectError(E.SCHEDULE_INVALID, field="milestones.dueOn")
        milestones.append(Milestone(
            position=i, title=text(m.title, field="milestones.title", max_length=100, required=True),
            deliverables=text(m.deliverables, field="milestones.deliverables", max_length=1000), due_on=m.due_on,
            planned_tranche_fen=_int(m.tranche_fen, field="milestones.trancheFen", low=0, high=MAX_FEN),
        ))
    if any(b.due_on < a.due_on for a, b in zip(milestones, milestones[1:], strict=False)):
        raise ProjectError(E.SCHEDULE_INVALID, field="milestones.dueOn")
    requested = sum(m.planned_tranche_fen for m in milestones)
    if not 0 < requested <= total:
        raise ProjectError(E.TRANCHES_EXCEED_BUDGET, field="milestones")
    out.update(lines=lines, milestones=milestones, requested_fen=requested, budget_total_fen=total)
    return out


def _write_plan(project: CharityProject, lines: list[BudgetLine], milestones: list[Milestone]) -> None:
    # Before approval nothing refers to lines or milestones (no tranche, spending or report), so the plan is
    # replaced whole.
    project.budget_lines.all().delete()
    project.milestones.all().delete()
    for line in lines:
        line.project = project
    for milestone in milestones:
        milestone.project = project
    BudgetLine.objects.bulk_create(lines)
    Milestone.objects.bulk_create(milestones)


@transaction.atomic
def application_save(*, actor: User, data: ApplicationInput, project_id: int | None = None) -> CharityProject:
    """Create a draft (project_id None) or replace the draft / returned application's content.

    The actor must be a member of the organisation. The project's area must lie in the foundation's and the
    organisation's regions. Planned tranches (the grant asked for) must be positive and within the budget.
    Every check runs before anything is written.
    """
    cleaned = _clean(data, actor=actor)
    lines, milestones = cleaned.pop("lines"), cleaned.pop("milestones")
    if project_id is None:
        project = CharityProject.objects.create(applicant=actor, **cleaned)
        _write_plan(project, lines, milestones)
        event_add(project, actor, ProjectEvent.Kind.CREATED, name=project.name)
        return project
    project = project_lock(actor=actor, project_id=project_id)
    require_member(actor, project)
    require_state(project, *EDITABLE)
    if cleaned["organisation"].pk != project.organisation_id:
        raise ProjectError(E.INVALID, field="organisationId")
    for key, value in cleaned.items():
        setattr(project, key, value)
    project.save()
    _write_plan(project, lines, milestones)
    event_add(project, actor, ProjectEvent.Kind.UPDATED, requested_fen=project.requested_fen,
              budget_total_fen=project.budget_total_fen)
    return project


@transaction.atomic
def application_submit(*, actor: User, project_id: int) -> CharityProject:
    """Submit a draft or a returned application for review: a new review round begins."""
    project = project_lock(actor=actor, project_id=project_id)
    require_member(actor, project)
    require_state(project, *EDITABLE)
    project.status = CharityProject.Status.SUBMITTED
    project.review_round += 1
    project.submitted_at = timezone.now()
    project.save(update_fields=["status", "review_round", "submitted_at", "updated_at"])
    event_add(project, actor, ProjectEvent.Kind.SUBMITTED, round=project.review_round)
    return project


@transaction.atomic
def application_withdraw(*, actor: User, project_id: int, reason: str = "") -> CharityProject:
    """Withdraw an application that has not been decided yet."""
    reason = text(reason, field="reason", max_length=500)
    project = project_lock(actor=actor, project_id=project_id)
    require_member(actor, project)
    require_state(project, CharityProject.Status.DRAFT, CharityProject.Status.SUBMITTED,
                  CharityProject.Status.UNDER_REVIEW, CharityProject.Status.CHANGES_REQUESTED)
    project.status = CharityProject.Status.WITHDRAWN
    project.closed_at = timezone.now()
    project.save(update_fields=["status", "closed_at", "updated_at"])
    event_add(project, actor, ProjectEvent.Kind.WITHDRAWN, reason=reason)
    return project


# --- attachments ----------------------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 30
# extension → (content type, magic bytes at the start of the file)
ATTACHMENT_TYPES: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
}
ATTACHABLE = (*EDITABLE, CharityProject.Status.SUBMITTED, CharityProject.Status.UNDER_REVIEW,
              CharityProject.Status.APPROVED)


@transaction.atomic
def attachment_add(*, actor: User, project_id: int, upload: Any, report_id: int | None = None) -> ProjectAttachment:
    """Attach a file (PDF, JPG, PNG, DOCX, XLSX; at most 10 MB) to the project or one of its reports.

    The type is decided by the extension AND the file's first bytes, never by the browser's content type.
    Stored under a random name; the original name is kept for the download.
    """
    project = project_lock(actor=actor, project_id=project_id)
    require_member(actor, project)
    require_state(project, *ATTACHABLE)
    report = None
    if report_id is not None:
        report = MilestoneReport.objects.filter(pk=report_id, project=project).first()
        if report is None:
            raise ProjectError(E.NOT_FOUND, field="reportId")
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = text(name, field="file", max_length=120, required=True)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = int(getattr(upload, "size", 0) or 0)
    if size > MAX_ATTACHMENT_BYTES:
        raise ProjectError(E.ATTACHMENT_TOO_LARGE, field="file", params={"max": MAX_ATTACHMENT_BYTES // 1024 // 1024})
    if size <= 0 or ext not in ATTACHMENT_TYPES:
        raise ProjectError(E.ATTACHMENT_TYPE, field="file")
    content_type, magic = ATTACHMENT_TYPES[ext]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise ProjectError(E.ATTACHMENT_TYPE, field="file")
    if project.attachments.count() >= MAX_ATTACHMENTS:
        raise ProjectError(E.OUT_OF_RANGE, field="file")
    attachment = ProjectAttachment(project=project, report=report, name=name, content_type=content_type, size=size,
                                   uploaded_by=actor, stored_name=f"{secrets.token_hex(16)}.{ext}")
    attachment.file.save(attachment.stored_name, upload, save=False)
    # Every check ran before the file was written; a rollback after this point leaves an unreferenced file
    # under its random name (harmless, never served: downloads go through the row).
    attachment.save()
    event_add(project, actor, ProjectEvent.Kind.ATTACHMENT_ADDED, attachment=attachment.pk, name=name, size=size)
    return attachment

