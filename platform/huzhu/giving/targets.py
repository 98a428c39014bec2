"""What money and goods are given to: household needs (from households) and charity projects (from projects).

Giving reads other apps' tables only here, read-only, and never shows a household's personal data: a need is
described by its community, its household's assistance category and the head's age band ("低保家庭 · 户主
70–79 岁"), which is what donors may see (DESIGN.md: anonymised until an accepted task needs more).

Charity projects plug in through `project_info`: until huzhu.projects has a CharityProject model, no project
exists and a project earmark is refused. When it exists, a project is read by id (name, region, status).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import translation

from huzhu.regions.models import Region

from .taxonomy import NeedCategory


@dataclass(frozen=True)
class NeedInfo:
    id: int
    kind: str
    status: str
    region: Region  # the household's region (community or grid)
    community: Region  # the community it lies in (for the trace and the disclosure)
    categories: frozenset[str] = field(default_factory=frozenset)  # NeedCategory values it belongs to
    label: str = ""  # anonymised description
    amount_fen: int | None = None
    goods_category: str = ""
    goods_item: str = ""
    quantity: int | None = None


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    name: str
    region: Region | None
    accepts_donations: bool
    categories: frozenset[str] = frozenset()


TAG_CATEGORIES = {
    "serious_illness": NeedCategory.MEDICAL,
    "poor_student": NeedCategory.EDUCATION,
    "elderly_alone": NeedCategory.ELDERLY,
    "empty_nest": NeedCategory.ELDERLY,
    "disabled_elderly": NeedCategory.ELDERLY,
    "dementia": NeedCategory.ELDERLY,
    "severe_disability": NeedCategory.DISABILITY,
    "orphan_disabled_child": NeedCategory.DISABILITY,
    "child_in_difficulty": NeedCategory.CHILDREN,
}
OPEN_NEED_STATUSES = ("open", "proposed", "matched")


def _community_of(region: Region) -> Region:
    if region.level == Region.Level.GRID and region.parent_id:
        return Region.objects.get(pk=region.parent_id)
    return region


def need_categories(*, tags: list[str], urgent: bool) -> frozenset[str]:
    found = {str(TAG_CATEGORIES[t]) for t in tags if t in TAG_CATEGORIES}
    found.add(str(NeedCategory.LIVING))  # every registered household receives living assistance
    if urgent:
        found.add(str(NeedCategory.EMERGENCY))
    return frozenset(found)


def need_info(need_id: int | None, *, for_update: bool = False) -> NeedInfo | None:
    """The need with its anonymised description, or None when it does not exist."""
    if need_id is None:
        return None
    from huzhu.households.models import AgeBand, Category, HouseholdMember, Need

    qs = Need.objects.select_related("household__region")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    need = qs.filter(pk=need_id).first()
    if need is None:
        return None
    household = need.household
    head = HouseholdMember.objects.filter(household_id=household.pk, relation="head").first()
    # The label is stored in trace rows, so it is written in the first language (zh-Hans), not the request's.
    with translation.override("zh-hans"):
        parts = [f"{Category(household.category).label}家庭"] if household.category in Category.values else []
        if head is not None and head.age_band in AgeBand.values:
            parts.append(f"户主 {AgeBand(head.age_band).label}")
    community = _community_of(household.region)
    tags = list(household.tags or [])
    return NeedInfo(
        id=need.pk,
        kind=need.kind,
        status=need.status,
        region=household.region,
        community=community,
        categories=need_categories(tags=tags, urgent=bool(need.urgent)),
        label=f"{community.name} · {' · '.join(parts)}" if parts else community.name,
        amount_fen=need.amount_fen,
        goods_category=need.goods_category,
        goods_item=need.goods_item,
        quantity=need.quantity,
    )


def project_model() -> Any:
    try:
        return apps.get_model("projects", "CharityProject")
    except LookupError:
        return None


def project_info(project_id: int | None) -> ProjectInfo | None:
    """The charity project, or None when it (or the projects app's model) does not exist."""
    if project_id is None:
        return None
    model = project_model()
    if model is None:
        return None
    project = model.objects.filter(pk=project_id).first()
    if project is None:
        return None
    region = getattr(project, "region", None)
    status = str(getattr(project, "status", "") or "")
    accepts = status == "approved"  # 已立项(实施中): gifts go to projects a foundation approved, not to applications
    category = str(getattr(project, "category", "") or "")
    return ProjectInfo(
        id=project.pk,
        name=str(getattr(project, "name", "") or getattr(project, "title", "") or f"项目 #{project.pk}"),
        region=region if isinstance(region, Region) else None,
        accepts_donations=accepts,
        categories=frozenset({category}) if category in NeedCategory.values else frozenset(),
    )


def project_names(project_ids: set[int]) -> dict[int, str]:
    model = project_model()
    if model is None or not project_ids:
        return {}
    names = {}
    for project in model.objects.filter(pk__in=project_ids):
        names[project.pk] = str(getattr(project, "name", "") or getattr(project, "title", "") or f"项目 #{project.pk}")
    return names
