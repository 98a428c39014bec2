"""Reads of volunteering, always scoped to the actor (access.task_scope_q)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.utils import timezone

from huzhu.people.models import VolunteerProfile
from huzhu.regions.models import Region

from .access import can_manage_region, task_scope_q
from .errors import VolunteeringError, VolunteeringErrorCode
from .models import Attendance, ServiceTask, TaskClaim

E = VolunteeringErrorCode
Status = ServiceTask.Status
LIVE = (TaskClaim.Status.CLAIMED, TaskClaim.Status.WAITLISTED)


@dataclass
class TaskFilters:
    date_from: date | None = None
    date_to: date | None = None
    skill: str | None = None
    service_type: str | None = None
    urgent: bool | None = None
    statuses: list[str] | None = None
    region: Region | None = None
    qualified_only: bool = False
    include_past: bool = False


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def tasks_visible(*, actor: Any) -> QuerySet[ServiceTask]:
    return ServiceTask.objects.filter(task_scope_q(actor))


def with_viewer(qs: QuerySet[ServiceTask], actor: Any) -> QuerySet[ServiceTask]:
    """Annotate the viewer's own claim status (claimed / waitlisted / null) — no per-row query."""
    mine = TaskClaim.objects.filter(task_id=OuterRef("pk"), volunteer_id=actor.pk, status__in=LIVE)
    return qs.annotate(viewer_claim_status=Subquery(mine.values("status")[:1]))


def task_list(*, actor: Any, filters: TaskFilters | None = None) -> QuerySet[ServiceTask]:
    """Tasks near the actor: urgent (救急难) first, then their own community, their street, the rest of what
    they may see; then by start. By default open and full tasks that have not started."""
    f = filters or TaskFilters()
    qs = tasks_visible(actor=actor)
    statuses = f.statuses or [Status.OPEN, Status.FULL]
    qs = qs.filter(status__in=statuses)
    if not f.include_past:
        qs = qs.filter(starts_at__gt=timezone.now())
    if f.date_from:
        qs = qs.filter(starts_at__gte=_local_start(f.date_from))
    if f.date_to:
        qs = qs.filter(starts_at__lt=_local_start(f.date_to) + timedelta(days=1))
    if f.skill:
        qs = qs.filter(required_skills__contains=[f.skill])
    if f.service_type:
        qs = qs.filter(service_type=f.service_type)
    if f.urgent is not None:
        qs = qs.filter(urgent=f.urgent)
    if f.region is not None:
        qs = qs.filter(region__path__startswith=f.region.path)
    proximity: Any
    profile = (VolunteerProfile.objects.filter(user_id=actor.pk).select_related("home_community").first()
               if actor.is_authenticated else None)
    if f.qualified_only and profile is not None:
        qs = qs.filter(required_skills__contained_by=profile.skills or [])
    if profile is not None:
        home = profile.home_community
        street_path = ".".join(home.path.split(".")[:2]) + "."
        proximity = Case(When(region_id=home.id, then=Value(0)),
                         When(region__path__startswith=street_path, then=Value(1)),
                         default=Value(2), output_field=IntegerField())
    else:
        proximity = Value(0, output_field=IntegerField())
    qs = with_viewer(qs.annotate(proximity=proximity), actor)
    return qs.select_related("region", "region__parent", "lead").order_by("-urgent", "proximity", "starts_at", "id")


def task_detail(*, actor: Any, task_id: int) -> ServiceTask | None:
    qs = with_viewer(tasks_visible(actor=actor).filter(id=task_id), actor)
    return qs.annotate(proximity=Value(0, output_field=IntegerField())) \
        .select_related("region", "region__parent", "lead").first()


def my_tasks(*, actor: Any, past: bool = False) -> QuerySet[ServiceTask]:
    """Tasks the actor is on (claimed or waiting) or leads; upcoming (not finished) or past."""
    mine = Q(lead_id=actor.pk) | Q(id__in=TaskClaim.objects.filter(volunteer_id=actor.pk, status__in=LIVE)
                                   .values("task_id"))
    qs = ServiceTask.objects.filter(mine)
    done = (Status.COMPLETED, Status.CANCELLED)
    qs = qs.filter(status__in=done) if past else qs.exclude(status__in=done)
    qs = with_viewer(qs.annotate(proximity=Value(0, output_field=IntegerField())), actor)
    return qs.select_related("region", "region__parent", "lead").order_by(
        "-starts_at" if past else "starts_at", "id")


def my_service_history(*, actor: Any) -> QuerySet[Attendance]:
    """The actor's confirmed service: task, date, minutes credited (newest first)."""
    return (Attendance.objects.filter(volunteer_id=actor.pk, confirmed_at__isnull=False)
            .select_related("task", "task__region").order_by("-checked_in_at", "-id"))


def task_claims(task: ServiceTask) -> QuerySet[TaskClaim]:
    return (TaskClaim.objects.filter(task_id=task.id).select_related("volunteer", "attendance")
            .order_by("status", "created_at", "id"))


# --- dashboard ------------------------------------------------------------------------------------------------


@dataclass
class RateRow:
    region: Region
    key_households: int = 0
    visited: int = 0

    @property
    def rate_percent(self) -> int:
        """Visited share in whole percent, rounded down (so 99.6% never shows as 100%)."""
        return 100 if self.key_households == 0 else self.visited * 100 // self.key_households


@dataclass
class StreetHours:
    region: Region
    minutes: int = 0
    active_volunteers: int = 0
    tasks_served: int = 0


@dataclass
class OverdueHousehold:
    household_id: int
    community: Region
    category: str
    tags: list[str]
    last_visited_at: datetime | None


@dataclass
class Dashboard:
    region: Region
    month: date
    communities: list[RateRow] = field(default_factory=list)
    streets: list[RateRow] = field(default_factory=list)
    total: RateRow | None = None
    overdue: list[OverdueHousehold] = field(default_factory=list)
    overdue_count: int = 0
    hours: list[StreetHours] = field(default_factory=list)
    minutes_total: int = 0
    active_volunteers: int = 0


MAX_OVERDUE = 200


def volunteering_dashboard(*, actor: Any, region: Region, month: date) -> Dashboard:
    """Visit rate per community and street in the month (goal 100%), the key-group households not visited in
    it (overdue), confirmed hours and active volunteers per street. Staff, social workers and administrators
    of the region only; a fixed number of queries whatever the region's size."""
    from huzhu.households.models import Visit

    from .services.visits import key_households, month_bounds

    if not can_manage_region(actor, region):
        raise VolunteeringError(E.PERMISSION_DENIED, field="regionId")
    first = month.replace(day=1)
    start, end = month_bounds(first)
    under = Region.objects.filter(path__startswith=region.path)
    communities = {r.id: r for r in under.filter(level=Region.Level.COMMUNITY).order_by("path")}
    streets = {r.id: r for r in Region.objects.filter(
        Q(path__startswith=region.path) | Q(id__in=[int(p) for p in region.path.split(".") if p]),
        level=Region.Level.STREET).order_by("path")}
    board = Dashboard(region=region, month=first)

    households = key_households(first).filter(region__path__startswith=region.path)
    rows = households.values("community_id").annotate(
        total=Count("id"), visited_n=Count("id", filter=Q(visited=True)))
    by_community = {r["community_id"]: r for r in rows}
    street_rows: dict[int, RateRow] = {sid: RateRow(region=s) for sid, s in streets.items()}
    total = RateRow(region=region)
    for cid, community in communities.items():
        r = by_community.get(cid, {"total": 0, "visited_n": 0})
        row = RateRow(region=community, key_households=r["total"], visited=r["visited_n"])
        board.communities.append(row)
        if community.parent_id in street_rows:
            street_rows[community.parent_id].key_households += row.key_households
            street_rows[community.parent_id].visited += row.visited
        total.key_households += row.key_households
        total.visited += row.visited
    board.streets = list(street_rows.values())
    board.total = total

    last_visit = Visit.objects.filter(household_id=OuterRef("pk")).values("household_id") \
        .annotate(last=Max("visited_at")).values("last")
    overdue = households.filter(visited=False).annotate(last_visited_at=Subquery(last_visit)).order_by(
        F("last_visited_at").asc(nulls_first=True), "id")
    board.overdue_count = overdue.count()
    for h in overdue[:MAX_OVERDUE]:
        board.overdue.append(OverdueHousehold(
            household_id=h.id, community=communities.get(h.community_id, region), category=h.category,
            tags=list(h.tags), last_visited_at=h.last_visited_at))

    confirmed = Attendance.objects.filter(task__region__path__startswith=region.path, confirmed_at__isnull=False,
                                          checked_in_at__gte=start, checked_in_at__lt=end)
    per_street = confirmed.values("task__region__parent_id").annotate(
        minutes=Sum("credited_minutes"), volunteers=Count("volunteer_id", distinct=True),
        tasks=Count("task_id", distinct=True))
    hours = {sid: StreetHours(region=s) for sid, s in streets.items()}
    for r in per_street:
        served = hours.get(r["task__region__parent_id"])
        if served is not None:
            served.minutes = r["minutes"] or 0
            served.active_volunteers = r["volunteers"]
            served.tasks_served = r["tasks"]
    board.hours = list(hours.values())
    agg = confirmed.aggregate(minutes=Sum("credited_minutes"), volunteers=Count("volunteer_id", distinct=True))
    board.minutes_total = agg["minutes"] or 0
    board.active_volunteers = agg["volunteers"]
    return board

