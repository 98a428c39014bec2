"""The soft score of a supply → need pair, as a sum of named components a reviewer can read.

Every component is an integer number of points with a code and parameters, so the explanation shown to the
reviewer ("urgent +40, waited 23 days +12, same community +10, received twice this quarter −15") is rendered
in the reader's language from the same numbers that make the score, and always sums to it.
The weights are the administrator's (MatchingRules); the defaults follow the seed plans' priorities:
救急难 first, then 特困 > 低保 > 低边 > 支出型贫困.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

DEFAULT_WEIGHTS: dict[str, int] = {
    "urgent": 40,
    "category.extreme_poverty": 30,
    "category.minimum_living": 20,
    "category.marginal_low_income": 10,
    "category.expenditure_poverty": 5,
    "wait_per_week": 4,  # points per full week waited
    "wait_cap": 24,
    "same_community": 10,
    "same_street": 5,
    "donor_preference": 10,
    "recent_help_each": -15,  # per assistance received in the last 90 days
    "recent_help_floor": -45,
}


@dataclass(frozen=True)
class Component:
    code: str
    points: int
    params: dict[str, int | str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "points": self.points, "params": dict(self.params)}


@dataclass(frozen=True)
class NeedFacts:
    urgent: bool
    category: str
    opened_at: datetime
    region_path: str  # the household's region (community or grid)
    recent_help_count: int  # assistance received in the last 90 days


@dataclass(frozen=True)
class SupplyFacts:
    region_path: str  # where the supply sits (workstation, fund region, pledge reach)
    preferred_category: str = ""  # a donor's earmark by category, if any
    preferred_region_path: str = ""  # a donor's earmark by street/community, if any


def _prefix(path: str, depth: int) -> str:
    parts = [p for p in path.split(".") if p]
    return ".".join(parts[:depth]) + "." if len(parts) >= depth else ""


def score_pair(need: NeedFacts, supply: SupplyFacts, *, now: datetime,
               weights: dict[str, int] | None = None) -> tuple[int, list[Component]]:
    """(score, components): the score is exactly the sum of the components' points."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    parts: list[Component] = []
    if need.urgent:
        parts.append(Component("urgent", w["urgent"]))
    category_points = w.get(f"category.{need.category}", 0)
    if category_points:
        parts.append(Component("category", category_points, {"category": need.category}))
    days = max(0, (now - need.opened_at).days)
    wait = min(w["wait_cap"], (days // 7) * w["wait_per_week"])
    if wait:
        parts.append(Component("waited", wait, {"days": days}))
    # Region tree distance: depth 3 is the community, depth 2 the street.
    if _prefix(need.region_path, 3) and _prefix(need.region_path, 3) == _prefix(supply.region_path, 3):
        parts.append(Component("same_community", w["same_community"]))
    elif _prefix(need.region_path, 2) and _prefix(need.region_path, 2) == _prefix(supply.region_path, 2):
        parts.append(Component("same_street", w["same_street"]))
    if (supply.preferred_category and supply.preferred_category == need.category) or (
        supply.preferred_region_path and need.region_path.startswith(supply.preferred_region_path)
    ):
        parts.append(Component("donor_preference", w["donor_preference"]))
    if need.recent_help_count:
        penalty = max(w["recent_help_floor"], w["recent_help_each"] * need.recent_help_count)
        parts.append(Component("recent_help", penalty, {"count": need.recent_help_count}))
    return sum(p.points for p in parts), parts


def explain(components: list[dict[str, object]]) -> str:
    """The explanation line in the active language, e.g. "救急难 +40,等待 23 天 +12,同社区 +10"."""
    labels = {
        "urgent": lambda p: _("救急难"),
        "category": lambda p: _("类别:%(category)s") % {"category": _category_label(str(p.get("category", "")))},
        "waited": lambda p: _("已等待 %(days)s 天") % {"days": p.get("days", 0)},
        "same_community": lambda p: _("同社区"),
        "same_street": lambda p: _("同街道"),
        "donor_preference": lambda p: _("符合捐赠人意向"),
        "recent_help": lambda p: _("近 90 天已受助 %(count)s 次") % {"count": p.get("count", 0)},
    }
    out = []
    for c in components:
        code = str(c["code"])
        params = c.get("params") or {}
        assert isinstance(params, dict)
        label = labels[code](params) if code in labels else code
        points = int(c["points"])  # type: ignore[call-overload]
        out.append(f"{label} {'+' if points >= 0 else '−'}{abs(points)}")
    return _(", ").join(out) if out else _("无加分项")


def _category_label(category: str) -> str:
    from huzhu.households.models import Category

    try:
        return str(Category(category).label)
    except ValueError:
        return category
