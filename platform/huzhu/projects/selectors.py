"""Reads of charity projects, always scoped to the caller (the public disclosure shows public projects only).

Visibility (services.common.project_visible_q): members of the applying organisation see its projects,
drafts included; foundation reviewers, administrators and workstation staff see the non-draft projects of
the regions where they hold the role. An id outside that answers NOT_FOUND, like one that does not exist.

Money comes from the ledger in a fixed number of queries for any number of projects (`fundings`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from huzhu.people import access
from huzhu.people.models import Role, User
from ledger import api
from ledger.models import Account

from .errors import ProjectError, ProjectErrorCode
from .models import (
    BudgetLine,
    CharityProject,
    Evaluation,
    Foundation,
    MilestoneReport,
    Organisation,
    OrganisationMember,
    ProjectEvent,
    ProjectFundProposal,
    Spending,
    Tranche,
)
from .services.common import (
    FOUNDATION_ROLES,
    OVERSIGHT_ROLES,
    can_manage_foundation,
    conflicted,
    donations_account_code,
    is_member,
    member_org_ids,
    project_visible_q,
)

E = ProjectErrorCode
# Shown on the public disclosure page and to donors (publicProjects).
PUBLIC_STATUSES = (CharityProject.Status.APPROVED, CharityProject.Status.COMPLETED, CharityProject.Status.CLOSED)


@dataclass(frozen=True)
class ProjectFilters:
    status: str | None = None
    foundation_id: int | None = None
    organisation_id: int | None = None
    region_id: int | None = None  # the project's area lies in this region's subtree
    category: str | None = None
    search: str | None = None
    mine: bool = False  # only my organisations' projects
    to_review: bool = False  # only projects I am assigned to review (not recused)

    def apply(self, qs: QuerySet[CharityProject], actor: User) -> QuerySet[CharityProject]:
        if self.status:
            qs = qs.filter(status=self.status)
        if self.foundation_id is not None:
            qs = qs.filter(foundation_id=self.foundation_id)
        if self.organisation_id is not None:
            qs = qs.filter(organisation_id=self.organisation_id)
        if self.region_id is not None:
            from huzhu.regions.models import Region

            region = Region.objects.filter(pk=self.region_id).first()
            qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
        if self.category:
            qs = qs.filter(category=self.category)
        if self.search:
            qs = qs.filter(Q(name__icontains=self.search[:50]) | Q(summary__icontains=self.search[:50]))
        if self.mine:
            qs = qs.filter(organisation_id__in=list(member_org_ids(actor)))
        if self.to_review:
            qs = qs.filter(assignments__reviewer_id=actor.pk, assignments__status="assigned")
        return qs


def project_list(*, actor: User, filters: ProjectFilters | None = None) -> QuerySet[CharityProject]:
    qs = CharityProject.objects.filter(project_visible_q(actor))
    if filters is not None:
        qs = filters.apply(qs, actor)
    return qs.select_related("region", "foundation__region", "organisation").order_by("-submitted_at", "-id")


def project_get(*, actor: User, project_id: int) -> CharityProject:
    project = project_list(actor=actor).filter(pk=project_id).first()
    if project is None:
        raise ProjectError(E.NOT_FOUND, field="id")
    return project


def public_project_list() -> QuerySet[CharityProject]:
    """Projects anyone may read about (and donate to): approved, completed or closed."""
    return (CharityProject.objects.filter(status__in=PUBLIC_STATUSES)
            .select_related("region", "foundation", "organisation").order_by("-decided_at", "-id"))


def foundation_list(*, actor: User) -> QuerySet[Foundation]:
    """Foundations are public (name and region): applicants choose one."""
    return Foundation.objects.select_related("region").order_by("region__path", "id")


def organisation_list(*, actor: User) -> QuerySet[Organisation]:
    """The actor's own organisations, and those of the regions where they are staff or administrators."""
    q = Q(pk__in=list(member_org_ids(actor))) | access.region_filter(
        actor, [Role.WORKSTATION_STAFF, Role.ADMINISTRATOR], "region")
    return Organisation.objects.filter(q).select_related("region").order_by("region__path", "name")


def organisation_member_list(*, actor: User, organisation_id: int) -> QuerySet[OrganisationMember]:
    """Members of an organisation the actor may see (organisation_list: a member, or staff or an administrator
    of its region), managers first; nothing for anyone else. Four queries: grants, memberships, check, members."""
    if not organisation_list(actor=actor).filter(pk=organisation_id).exists():
        return OrganisationMember.objects.none()
    return (OrganisationMember.objects.filter(organisation_id=organisation_id).select_related("user")
            .order_by("role", "added_at", "id"))


def can_act_for_foundation(actor: User, project: CharityProject) -> bool:
    return can_manage_foundation(actor, project.foundation) and not conflicted(actor, project)


def can_see_reviews(actor: User, project: CharityProject) -> bool:
    """Reviews name reviewers and their scores: the foundation side sees them, applicants see decisions."""
    return access.has_role(actor, FOUNDATION_ROLES, project.foundation.region)


def reviewers_of(foundation: Foundation) -> QuerySet[User]:
    """Users holding foundation_reviewer at the foundation's region or above."""
    prefixes = [".".join(foundation.region.path.split(".")[: i + 1]) + "." for i in
                range(len([p for p in foundation.region.path.split(".") if p]))]
    return (User.objects.filter(role_grants__role=Role.FOUNDATION_REVIEWER, role_grants__region__path__in=prefixes,
                                is_active=True).distinct().order_by("id"))


# --- money ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funding:
    budget_total_fen: int = 0
    requested_fen: int = 0
    approved_fen: int = 0  # the grant decided
    released_fen: int = 0  # tranches paid into the project account
    committed_fen: int = 0  # tranches held, not yet paid
    canceled_fen: int = 0
    donations_fen: int = 0  # earmarked money giving has paid to the project
    balance_fen: int = 0  # what the project account holds now (spendable)
    spent_fen: int = 0
    proposed_fen: int = 0  # open fund proposals

    @property
    def grant_fen(self) -> int:
        return self.approved_fen - self.canceled_fen

    @property
    def gap_fen(self) -> int:
        """What the budget still lacks after the grant, donations received and open proposals."""
        return max(0, self.budget_total_fen - self.grant_fen - self.donations_fen - self.proposed_fen)


def fundings(projects: list[CharityProject]) -> dict[int, Funding]:
    """Funding of many projects in five queries, whatever their number."""
    if not projects:
        return {}
    ids = [p.pk for p in projects]
    tranche_sums: dict[int, dict[str, int]] = defaultdict(dict)
    for row in Tranche.objects.filter(project_id__in=ids).values("project_id", "status").annotate(s=Sum("amount_fen")):
        tranche_sums[row["project_id"]][row["status"]] = int(row["s"] or 0)
    codes = {donations_account_code(pid): pid for pid in ids}
    donations = {codes[row["code"]]: int(row["credits_posted"])
                 for row in Account.objects.filter(code__in=list(codes)).values("code", "credits_posted")}
    accounts = [p.ledger_account_id for p in projects if p.ledger_account_id]
    balances = api.balances(accounts) if accounts else {}
    spent = {row["project_id"]: int(row["s"] or 0) for row in
             Spending.objects.filter(project_id__in=ids).values("project_id").annotate(s=Sum("amount_fen"))}
    proposed = {row["project_id"]: int(row["s"] or 0) for row in
                ProjectFundProposal.objects.filter(project_id__in=ids, status=ProjectFundProposal.Status.PROPOSED)
                .values("project_id").annotate(s=Sum("amount_fen"))}
    out = {}
    for p in projects:
        t = tranche_sums.get(p.pk, {})
        bal = balances.get(p.ledger_account_id) if p.ledger_account_id else None
        out[p.pk] = Funding(
            budget_total_fen=p.budget_total_fen, requested_fen=p.requested_fen, approved_fen=p.approved_fen,
            released_fen=t.get(Tranche.Status.RELEASED, 0), committed_fen=t.get(Tranche.Status.COMMITTED, 0),
            canceled_fen=t.get(Tranche.Status.CANCELED, 0), donations_fen=donations.get(p.pk, 0),
            balance_fen=int(bal.posted) if bal else 0, spent_fen=spent.get(p.pk, 0), proposed_fen=proposed.get(p.pk, 0),
        )
    return out


def funding_of(project: CharityProject) -> Funding:
    return fundings([project])[project.pk]


def foundation_balance(foundation: Foundation) -> api.Balance:
    return api.balance(int(foundation.ledger_account_id)) if foundation.ledger_account_id else api.Balance()


# --- the dashboard ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRow:
    line: BudgetLine
    spent_fen: int

    @property
    def budget_fen(self) -> int:
        return self.line.amount_fen

    @property
    def remaining_fen(self) -> int:
        return self.line.amount_fen - self.spent_fen


@dataclass
class Dashboard:
    project: CharityProject
    funding: Funding
    lines: list[LineRow]
    tranches: list[Tranche]
    reports: list[MilestoneReport]
    households_served: int = 0  # Σ over approved reports
    service_minutes: int = 0
    goods_items: int = 0
    rating_count: int = 0
    rating_average_tenths: int | None = None  # e.g. 43 = 4.3 (integers only)
    recent_events: list[ProjectEvent] = field(default_factory=list)


def project_dashboard(*, actor: User, project_id: int) -> Dashboard:
    """Budget vs spent per line (from the ledger), tranches, reports and their figures, ratings."""
    project = project_get(actor=actor, project_id=project_id)
    lines = list(project.budget_lines.all())
    spent_accounts = [line.spent_account_id for line in lines if line.spent_account_id]
    balances = api.balances(spent_accounts) if spent_accounts else {}
    rows = [LineRow(line=line, spent_fen=int(balances[line.spent_account_id].posted)
                    if line.spent_account_id in balances else 0) for line in lines]
    reports = list(MilestoneReport.objects.filter(project=project).select_related("milestone")
                   .order_by("milestone__position", "submitted_at", "id"))
    approved = [r for r in reports if r.status == MilestoneReport.Status.APPROVED]
    ratings = Evaluation.objects.filter(project=project).aggregate(n=Count("id"), s=Sum("rating"))
    n = int(ratings["n"] or 0)
    return Dashboard(
        project=project, funding=funding_of(project), lines=rows,
        tranches=list(Tranche.objects.filter(project=project).select_related("milestone")),
        reports=reports, households_served=sum(r.households_served for r in approved),
        service_minutes=sum(r.service_minutes for r in approved), goods_items=sum(r.goods_items for r in approved),
        rating_count=n, rating_average_tenths=((int(ratings["s"]) * 10 * 2 + n) // (2 * n)) if n else None,
        recent_events=events_of(actor=actor, project=project)[-20:][::-1],
    )


# Steps of the review whose who and what only the foundation side sees (applicants see that they happened).
REVIEW_SIDE_EVENTS = (ProjectEvent.Kind.REVIEWER_ASSIGNED, ProjectEvent.Kind.CONFLICT_DECLARED,
                      ProjectEvent.Kind.REVIEW_SUBMITTED)


def events_of(*, actor: User, project: CharityProject) -> list[ProjectEvent]:
    """The audit trail of a project the actor sees. For anyone but the foundation side, review steps come
    without their actor and data (`redacted` is set): reviewers' names and scores stay with the foundation."""
    events = list(ProjectEvent.objects.filter(project=project).select_related("actor").order_by("at", "id"))
    if not can_see_reviews(actor, project):
        for event in events:
            if event.kind in REVIEW_SIDE_EVENTS:
                event.redacted = True  # type: ignore[attr-defined]
                event.actor, event.data = None, {}
    return events


def project_events(*, actor: User, project_id: int) -> list[ProjectEvent]:
    return events_of(actor=actor, project=project_get(actor=actor, project_id=project_id))


# --- fund proposals -----------------------------------------------------------------------------------------------


def fund_proposal_list(*, actor: User, status: str | None = None,
                       project_id: int | None = None) -> QuerySet[ProjectFundProposal]:
    """Fund → project proposals in the regions where the actor is a foundation reviewer or administrator."""
    qs = ProjectFundProposal.objects.filter(access.region_filter(actor, FOUNDATION_ROLES, "region"))
    if status:
        qs = qs.filter(status=status)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.select_related("project", "region", "reviewer").order_by("-created_at", "-id")


# --- public disclosure (慈善信息公开) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomeLine:
    month: str
    source: str
    amount_fen: int
    count: int


@dataclass(frozen=True)
class PublicReport:
    milestone: str
    approved_on: date | None
    households_served: int
    service_hours: str  # "12.5"
    goods_items: int
    goods_description: str


@dataclass
class PublicDisclosure:
    project: CharityProject
    funding: Funding
    income: list[IncomeLine]
    tranches: list[Tranche]
    lines: list[LineRow]
    reports: list[PublicReport]
    ratings: list[tuple[int, date]]
    generated_at: datetime | None = None


def _month(value: datetime | None) -> str:
    return value.strftime("%Y-%m") if value else ""


def _hours(minutes: int) -> str:
    whole, rest = divmod(minutes, 60)
    return f"{whole}.{rest * 10 // 60}" if rest else str(whole)


def public_disclosure(*, project_id: int) -> PublicDisclosure | None:
    """What anyone may know about a public project: income by month and source, grant tranches, budget and
    spending per line, approved reports' figures and evaluation ratings. Never a person: no applicant,
    reviewer, donor or beneficiary, no free text written about people (report narratives stay internal)."""
    from django.utils import timezone

    from huzhu.giving.models import Disbursement

    project = public_project_list().filter(pk=project_id).first()
    if project is None:
        return None
    income: list[IncomeLine] = []
    donations = (Disbursement.objects.filter(project_id=project.pk, status=Disbursement.Status.DISBURSED)
                 .annotate(m=TruncMonth("disbursed_at")).values("m").annotate(s=Sum("amount_fen"), n=Count("id"))
                 .order_by("m"))
    for row in donations:
        income.append(IncomeLine(month=_month(row["m"]), source="定向捐赠", amount_fen=int(row["s"]), count=row["n"]))
    grants = (Tranche.objects.filter(project=project, status=Tranche.Status.RELEASED)
              .annotate(m=TruncMonth("released_at")).values("m").annotate(s=Sum("amount_fen"), n=Count("id"))
              .order_by("m"))
    for row in grants:
        income.append(IncomeLine(month=_month(row["m"]), source=f"{project.foundation.name}资助",
                                 amount_fen=int(row["s"]), count=row["n"]))
    income.sort(key=lambda line: (line.month, line.source))
    lines = list(project.budget_lines.all())
    accounts = [line.spent_account_id for line in lines if line.spent_account_id]
    balances = api.balances(accounts) if accounts else {}
    reports = [
        PublicReport(milestone=r.milestone.title,
                     approved_on=timezone.localdate(r.reviewed_at) if r.reviewed_at else None,
                     households_served=r.households_served, service_hours=_hours(r.service_minutes),
                     goods_items=r.goods_items, goods_description=r.goods_description)
        for r in MilestoneReport.objects.filter(project=project, status=MilestoneReport.Status.APPROVED)
        .select_related("milestone").order_by("milestone__position")
    ]
    return PublicDisclosure(
        project=project, funding=funding_of(project), income=income,
        tranches=list(Tranche.objects.filter(project=project).select_related("milestone")),
        lines=[LineRow(line=line, spent_fen=int(balances[line.spent_account_id].posted)
                       if line.spent_account_id in balances else 0) for line in lines],
        reports=reports,
        ratings=[(e.rating, timezone.localdate(e.submitted_at)) for e in
                 Evaluation.objects.filter(project=project).order_by("submitted_at")],
        generated_at=timezone.localtime(),
    )


# --- exports (staff) ------------------------------------------------------------------------------------------------

EXPORT_KINDS = ("projects", "grants", "donations")


def export_projects_scope(*, actor: User) -> QuerySet[CharityProject]:
    """Non-draft projects of the regions where the actor is a foundation reviewer, administrator or staff.
    PERMISSION_DENIED for anyone else (applicants, volunteers, donors)."""
    if not (actor.is_superuser or access.has_role(actor, OVERSIGHT_ROLES)):
        raise ProjectError(E.PERMISSION_DENIED)
    return (CharityProject.objects.filter(access.region_filter(actor, OVERSIGHT_ROLES, "region"))
            .exclude(status=CharityProject.Status.DRAFT))


def export_queryset(*, actor: User, kind: str) -> QuerySet[Any]:
    """The rows an export of `kind` holds (one per project, tranche or succeeded donation to a project)."""
    projects = export_projects_scope(actor=actor)
    if kind == "projects":
        return projects.select_related("foundation", "organisation", "region").order_by("id")
    if kind == "grants":
        return (Tranche.objects.filter(project__in=projects).select_related("project", "milestone")
                .order_by("project_id", "milestone__position", "id"))
    if kind == "donations":
        from huzhu.giving.models import Donation

        ids = projects.values("id")
        return (Donation.objects.filter(status=Donation.Status.SUCCEEDED, fund__kind="project",
                                        fund__project_id__in=ids)
                .select_related("fund", "donor").order_by("succeeded_at", "id"))
    raise ProjectError(E.EXPORT_UNKNOWN, field="kind")


def prefetch_for_list() -> list[Prefetch]:
    return [Prefetch("budget_lines"), Prefetch("milestones")]


def user_is_member(actor: User, project: CharityProject) -> bool:
    return is_member(actor, project.organisation_id)
