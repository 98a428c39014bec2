"""Reads of households and needs, always scoped to the actor through huzhu.people.access.region_filter.

Two views, two scopes:
- the full view (households, needs, visits, overdue visits) for workstation staff, social workers and
  administrators over their subtree (FRONTLINE_ROLES);
- the anonymised view (open needs with category, tags, head's age band and community) for every role over
  its subtree (PUBLIC_ROLES): donors and volunteers see only this, through types that have no personal field.

A fetch by id goes through the same scoped queryset, so another street's id answers exactly like one that
does not exist. List querysets carry their select_related/prefetch_related so a page of any size loads in a
fixed number of queries (see huzhu/households/schema/__init__.py for why this is the batch-loading approach).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from huzhu.core.errors import CommonErrorCode, ServiceError
from huzhu.people.access import has_role, region_filter
from huzhu.people.models import Role, User
from huzhu.regions.models import Region

from .filters import HouseholdFilter, NeedFilter, VisitFilter
from .models import (
    KEY_GROUP_TAGS,
    DuplicateFlag,
    Household,
    HouseholdMember,
    Need,
    NeedStatus,
    NeedStatusChange,
    PersonalDataAccess,
    Visit,
)

MANAGE_ROLES: tuple[str, ...] = (Role.WORKSTATION_STAFF, Role.ADMINISTRATOR)
FRONTLINE_ROLES: tuple[str, ...] = (Role.WORKSTATION_STAFF, Role.SOCIAL_WORKER, Role.ADMINISTRATOR)
PUBLIC_ROLES: tuple[str, ...] = tuple(Role.values)
VISIT_PAGE_MAX = 100
# What the audit log says was read when a page of visit records is read (a visit's notes are personal data).
VISIT_NOTES_FIELD = "visit_notes"
HOUSEHOLD_VISITS_PURPOSE = "visit_history"
MY_VISITS_PURPOSE = "my_visits"


def _filter_error(form_errors: Mapping[str, Any]) -> ServiceError:
    name = next(iter(form_errors), None)
    camel = "".join(p if i == 0 else p.capitalize() for i, p in enumerate((name or "").split("_"))) or None
    return ServiceError(CommonErrorCode.INVALID, field=camel)


def _apply(filterset_class: type, data: Mapping[str, Any] | None, queryset: QuerySet) -> QuerySet:
    if not data:
        return queryset
    filterset = filterset_class(data={k: v for k, v in data.items() if v is not None}, queryset=queryset)
    if not filterset.is_valid():
        raise _filter_error(filterset.errors)
    return filterset.qs


def household_scope(*, actor: User | None, roles: tuple[str, ...] = FRONTLINE_ROLES) -> QuerySet[Household]:
    """Every household the actor may see in full (no personal data: that is personal_data_read)."""
    return Household.objects.filter(region_filter(actor, roles))


def _annotated(qs: QuerySet[Household]) -> QuerySet[Household]:
    last_visit = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_at").values("visited_at")[:1]
    urgent = Need.objects.filter(household=OuterRef("pk"), urgent=True, status=NeedStatus.OPEN)
    return qs.annotate(last_visited_at=Subquery(last_visit), has_open_urgent_need=Exists(urgent))


def with_household_relations(qs: QuerySet[Household]) -> QuerySet[Household]:
    """What the Household type shows, loaded in a fixed number of queries for any number of rows."""
    return qs.select_related("region", "region__parent", "registered_by", "registered_by__region").prefetch_related(
        Prefetch("members", queryset=HouseholdMember.objects.order_by("position")),
        Prefetch("needs", queryset=Need.objects.order_by("-urgent", "opened_at", "id")),
        Prefetch("needs__history", queryset=NeedStatusChange.objects.select_related("actor").order_by("at", "id")),
        Prefetch("duplicate_flags", queryset=DuplicateFlag.objects.select_related("other_street").order_by("id")),
    )


def household_list(*, actor: User | None, filters: Mapping[str, Any] | None = None) -> QuerySet[Household]:
    """Households the actor sees in full, filtered and ordered (newest first unless `order_by` says otherwise).

    `filters` keys (HouseholdFilter): category, tag (lists), region (id: its subtree), urgent_needs,
    possible_duplicate, economic_check_status, id_number (exact, by keyed hash), order_by (list of field
    names, "-" for descending). The id is always the last ordering key, so pages do not shift.
    """
    qs = _apply(HouseholdFilter, filters, _annotated(household_scope(actor=actor)))
    ordering = list(qs.query.order_by) if qs.query.order_by else ["-created_at"]
    return with_household_relations(qs.order_by(*ordering, "-id"))


def household_get(
    *, actor: User | None, household_id: int, for_update: bool = False, field: str = "id"
) -> Household:
    """One household the actor sees in full, or NOT_FOUND (also for another street's id)."""
    qs = household_scope(actor=actor).select_related("region", "region__parent", "registered_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    household = qs.filter(id=household_id).first()
    if household is None:
        raise ServiceError(CommonErrorCode.NOT_FOUND, field=field)
    return household


def household_detail(*, actor: User | None, household_id: int) -> Household | None:
    return with_household_relations(_annotated(household_scope(actor=actor))).filter(id=household_id).first()


def need_scope(*, actor: User | None) -> QuerySet[Need]:
    return Need.objects.filter(region_filter(actor, FRONTLINE_ROLES, "household__region"))


def with_need_relations(qs: QuerySet[Need]) -> QuerySet[Need]:
    return qs.select_related(
        "household", "household__region", "household__region__parent", "household__registered_by",
        "household__registered_by__region",
    ).prefetch_related(
        Prefetch("history", queryset=NeedStatusChange.objects.select_related("actor").order_by("at", "id")),
        Prefetch("household__members", queryset=HouseholdMember.objects.order_by("position")),
    )


def need_list(*, actor: User | None, filters: Mapping[str, Any] | None = None) -> QuerySet[Need]:
    """Needs the actor sees in full; urgent first, then the longest-waiting (unless `order_by` is given)."""
    qs = _apply(NeedFilter, filters, need_scope(actor=actor))
    ordering = list(qs.query.order_by) if qs.query.order_by else ["-urgent", "opened_at"]
    return with_need_relations(qs.order_by(*ordering, "id"))


def need_get(*, actor: User | None, need_id: int, for_update: bool = False, field: str = "id") -> Need:
    qs = need_scope(actor=actor).select_related("household", "household__region")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    need = qs.filter(id=need_id).first()
    if need is None:
        raise ServiceError(CommonErrorCode.NOT_FOUND, field=field)
    return need


def open_needs(*, actor: User | None, filters: Mapping[str, Any] | None = None) -> QuerySet[Need]:
    """Open needs for the anonymised view: every role, over its subtree. Urgent (救急难) first.

    The queryset carries the household, its region and members so that AnonymisedHousehold can show the
    community name, category, tags and the head's age band without another query per row.
    """
    qs = Need.objects.filter(region_filter(actor, PUBLIC_ROLES, "household__region"), status=NeedStatus.OPEN)
    qs = _apply(NeedFilter, {k: v for k, v in (filters or {}).items() if k != "status"}, qs)
    ordering = list(qs.query.order_by) if qs.query.order_by else ["-urgent", "opened_at"]
    return qs.order_by(*ordering, "id").select_related(
        "household", "household__region", "household__region__parent"
    ).prefetch_related(Prefetch("household__members", queryset=HouseholdMember.objects.order_by("position")))


def community_of(region: Region) -> Region:
    """The community a household's region belongs to (itself, or a grid's parent; uses the cached parent)."""
    if region.level == Region.Level.GRID and region.parent is not None:
        return region.parent
    return region


def street_id_of(region: Region) -> int | None:
    """The street's id read from the materialized path ("district.street.community.")."""
    ids = region.ancestor_ids()
    return ids[1] if len(ids) > 1 else None


@dataclass
class OverdueGroup:
    community: Region
    households: list[Household] = field(default_factory=list)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def overdue_visits(*, actor: User | None, month: dt.date) -> list[OverdueGroup]:
    """Key-group households (KEY_GROUP_TAGS) registered before the month ended and not visited in it,
    grouped by community in tree order. Scoped like the full view (staff, social workers, administrators)."""
    start, end = month_bounds(month)
    visited = Visit.objects.filter(household=OuterRef("pk"), visited_at__gte=start, visited_at__lt=end)
    qs = household_scope(actor=actor).filter(tags__overlap=list(KEY_GROUP_TAGS), created_at__lt=end)
    qs = with_household_relations(_annotated(qs.filter(~Exists(visited)))).order_by("region__path", "id")
    groups: dict[int, OverdueGroup] = {}
    for household in qs:
        community = community_of(household.region)
        groups.setdefault(community.id, OverdueGroup(community=community)).households.append(household)
    return sorted(groups.values(), key=lambda g: g.community.path)


def can_manage(actor: User | None, household: Household) -> bool:
    return has_role(actor, MANAGE_ROLES, household.region)


def can_see_in_full(actor: User | None, household: Household) -> bool:
    return has_role(actor, FRONTLINE_ROLES, household.region)



# --- visit records (走访记录) ----------------------------------------------------------------------------------


@dataclass
class VisitPage:
    """One page of visits, newest first: `visits` are rows offset .. offset+len-1 of `total`."""

    visits: list[Visit]
    total: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.visits) < self.total


def _visit_page(qs: QuerySet[Visit], *, filters: Mapping[str, Any] | None, first: int, offset: int) -> VisitPage:
    if not 1 <= first <= VISIT_PAGE_MAX:
        raise ServiceError(CommonErrorCode.OUT_OF_RANGE, field="first")
    if offset < 0:
        raise ServiceError(CommonErrorCode.INVALID, field="after")
    qs = _apply(VisitFilter, filters, qs).order_by("-visited_at", "-id")
    total = qs.count()
    # The visitor, the household, its region and the region's parent (for the community) come with the page in
    # the same query: a page of 100 costs what a page of 5 does.
    rows = list(qs.select_related("visitor", "household", "household__region", "household__region__parent")
                [offset:offset + first]) if offset < total else []
    return VisitPage(visits=rows, total=total, offset=min(offset, total))


def _audit_visit_reads(actor: User | None, household_ids: list[int], purpose: str) -> None:
    """One audit row per household whose visit records were read, in one INSERT."""
    if household_ids:
        PersonalDataAccess.objects.bulk_create([
            PersonalDataAccess(actor=actor, household_id=hid, fields=[VISIT_NOTES_FIELD], purpose=purpose)
            for hid in dict.fromkeys(household_ids)
        ])


def household_visit_page(
    *, actor: User | None, household_id: int, filters: Mapping[str, Any] | None = None, first: int = 20,
    offset: int = 0,
) -> VisitPage:
    """A page of one household's visit records, newest first, for staff, social workers and administrators
    over the household's region; another street's household (or a role that may not see it) is NOT_FOUND,
    exactly like one that does not exist.

    `filters` (VisitFilter): visited_from, visited_to (dates, inclusive, local time), visitor (user id).
    Every call that finds the household writes ONE audit row (fields ["visit_notes"], purpose
    "visit_history"), even when the page is empty: the reader learnt what the household's history holds.
    The read and its audit row are one function so that no caller can page visit notes unaudited.
    """
    if not household_scope(actor=actor).filter(id=household_id).exists():
        raise ServiceError(CommonErrorCode.NOT_FOUND, field="householdId")
    page = _visit_page(Visit.objects.filter(household_id=household_id), filters=filters, first=first, offset=offset)
    _audit_visit_reads(actor, [household_id], HOUSEHOLD_VISITS_PURPOSE)
    return page


def my_visit_page(
    *, actor: User | None, filters: Mapping[str, Any] | None = None, first: int = 20, offset: int = 0
) -> VisitPage:
    """A page of the visits the actor recorded, newest first, across the households they may still see in full
    (a visit to a household of a street they have left is not shown). A user who may see no household gets an
    empty page. Writes one audit row per household on the page (purpose "my_visits"), in one INSERT.
    """
    qs = Visit.objects.filter(region_filter(actor, FRONTLINE_ROLES, "household__region"), visitor_id=getattr(
        actor, "pk", None))
    page = _visit_page(qs, filters={k: v for k, v in (filters or {}).items() if k != "visitor"}, first=first,
                       offset=offset)
    _audit_visit_reads(actor, [v.household_id for v in page.visits], MY_VISITS_PURPOSE)
    return page
