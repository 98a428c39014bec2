"""Candidate search: which supplies can meet a need (and which needs a supply can meet), with scores.

Hard constraints live here (kind and goods type compatible, earmarks honoured through giving's selectors,
region reach, quantity and capacity, the monthly fairness cap); the soft score comes from scoring.py.
Supply → needs runs as one SQL statement that computes the score in the database and keeps the top k, so
that a new supply finds its best needs among 100,000 open ones without loading them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from huzhu.giving import selectors as giving_selectors
from huzhu.giving.taxonomy import NEED_GOODS_CATEGORY_MAP, goods_item
from huzhu.households.models import Need

from .models import MatchingRules, MatchProposal
from .scoring import DEFAULT_WEIGHTS, NeedFacts, SupplyFacts, score_pair

HELPED = ("accepted", "dispatched", "delivered")


@dataclass(frozen=True)
class Candidate:
    supply_kind: str
    supply_key: str
    supply_region_path: str
    score: int
    components: list[dict[str, object]]
    workstation_id: int | None = None
    item_key: str = ""
    fund_account: int | None = None
    pledge_id: int | None = None
    quantity: int | None = None
    amount_fen: int | None = None
    minutes: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


def rules_get() -> MatchingRules:
    rules, _created = MatchingRules.objects.get_or_create(pk=1)
    return rules


def month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def help_counts(household_ids: list[int] | None, *, now: datetime) -> dict[int, tuple[int, int]]:
    """household id → (assistance accepted in the last 90 days, this calendar month); None: every household
    (a round reads them all at once rather than naming 50,000 ids in an IN list)."""
    if household_ids is not None and not household_ids:
        return {}
    since, start = now - timedelta(days=90), month_start(now)
    rows = MatchProposal.objects.filter(status__in=HELPED, decided_at__gte=min(since, start))
    if household_ids is not None:
        rows = rows.filter(household_id__in=household_ids)
    counts: dict[int, list[int]] = {}
    for household_id, decided_at in rows.values_list("household_id", "decided_at"):
        assert decided_at is not None  # the filter above: decided_at__gte
        c = counts.setdefault(household_id, [0, 0])
        if decided_at >= since:
            c[0] += 1
        if decided_at >= start:
            c[1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def need_facts(need: Need, recent_help: int) -> NeedFacts:
    return NeedFacts(urgent=need.urgent, category=need.household.category, opened_at=need.opened_at,
                     region_path=need.household.region.path, recent_help_count=recent_help)


def supplies_for_need(need: Need, *, rules: MatchingRules, now: datetime, exclude_keys: set[str] | None = None,
                      limit: int | None = None, supply_key: str | None = None) -> list[Candidate]:
    """The supplies that can meet the need, best first: all of them, the best `limit`, or only the one whose key
    is `supply_key`. Empty when the household is at its monthly cap. Order: score, then (goods) workstation id
    and item key, (money, service) supply key.

    A street can hold a thousand stock lines that fit one need, so this stays cheap: a goods pair's score
    depends on the stock line only through its distance to the need (same community, same street), so with
    the usual weights (same community > same street > 0) the database returns the nearest `limit` lines in
    this very order; and score_pair runs once per distinct SupplyFacts (a handful), the explanations
    (Candidate objects) only for the candidates returned.
    """
    exclude_keys = exclude_keys or set()
    recent, this_month = help_counts([need.household_id], now=now).get(need.household_id, (0, 0))
    if this_month >= rules.monthly_cap_per_household:
        return []
    facts = need_facts(need, recent)
    weights = rules.weights or {}
    scored: dict[SupplyFacts, tuple[int, list[dict[str, object]]]] = {}
    found: list[tuple[int, tuple[object, ...], str, str, str, SupplyFacts, dict[str, object]]] = []

    def add(kind: str, key: str, region_path: str, supply: SupplyFacts, tie: tuple[object, ...] = (),
            **kw: object) -> None:
        if key in exclude_keys or (supply_key is not None and key != supply_key):
            return
        if supply not in scored:
            score, parts = score_pair(facts, supply, now=now, weights=weights)
            scored[supply] = (score, [p.as_dict() for p in parts])
        found.append((-scored[supply][0], tie or (key,), key, kind, region_path, supply, kw))

    if need.kind == "goods":
        quantity = need.quantity or 1
        w = {**DEFAULT_WEIGHTS, **weights}
        nearest = limit is not None and w["same_community"] > w["same_street"] > 0  # score order = nearness order
        only = None
        if supply_key is not None:
            ws, _, item_key = supply_key.removeprefix("goods:").partition(":")
            only = (int(ws), item_key) if ws.isdigit() else (0, "")
        offers = giving_selectors.stock_candidates_for_need(
            need_id=need.pk, min_available=quantity, only=only, nearest_first=nearest,
            limit=limit + len(exclude_keys) if nearest and limit is not None else None)
        for offer in offers:
            if offer.available >= quantity:
                category, _, item = offer.item_key.partition("/")
                add("goods", f"goods:{offer.workstation_id}:{offer.item_key}", offer.region_path,
                    SupplyFacts(region_path=offer.region_path), tie=(offer.workstation_id, category, item),
                    workstation_id=offer.workstation_id, item_key=offer.item_key, quantity=quantity)
    elif need.kind == "money" and need.amount_fen:
        for fund_offer in giving_selectors.fund_candidates_for_need(need_id=need.pk):
            if fund_offer.available_fen >= need.amount_fen:
                fund = fund_offer.fund
                path = fund.region.path if fund.region else ""
                add("money", f"money:{fund_offer.fund_account}", path,
                    SupplyFacts(region_path=path, preferred_region_path=path,
                                preferred_category=""),
                    fund_account=fund_offer.fund_account, amount_fen=need.amount_fen)
    elif need.kind == "service" and need.service_type:
        minutes = need.minutes or 60
        for pledge in giving_selectors.service_pledges_for(service_type=need.service_type,
                                                           region=need.household.region):
            if pledge.minutes_per_month >= minutes:
                add("service", f"service:{pledge.pk}", pledge.region.path,
                    SupplyFacts(region_path=pledge.region.path), pledge_id=pledge.pk, minutes=minutes)
    found.sort(key=lambda f: (f[0], f[1]))
    if limit is not None:
        found = found[:limit]
    return [Candidate(supply_kind=kind, supply_key=key, supply_region_path=region_path, score=-negative,
                      components=[{**c, "params": dict(c["params"])} for c in scored[supply][1]],  # type: ignore[call-overload]
                      **kw)  # type: ignore[arg-type]
            for negative, _tie, key, kind, region_path, supply, kw in found]


# --- supply → needs, in SQL -------------------------------------------------------------------------------

_NEEDS_FOR_GOODS_SQL = """
WITH helped AS (
    SELECT household_id,
           count(*) FILTER (WHERE decided_at >= %(since)s) AS recent,
           count(*) FILTER (WHERE decided_at >= %(month_start)s) AS this_month
    FROM matching_matchproposal
    WHERE status IN ('accepted', 'dispatched', 'delivered') AND decided_at >= LEAST(%(since)s, %(month_start)s)
    GROUP BY household_id
)
SELECT n.id,
       CASE WHEN n.urgent THEN %(w_urgent)s ELSE 0 END
     + CASE h.category WHEN 'extreme_poverty' THEN %(w_extreme)s WHEN 'minimum_living' THEN %(w_minimum)s
                       WHEN 'marginal_low_income' THEN %(w_marginal)s WHEN 'expenditure_poverty' THEN %(w_expenditure)s
                       ELSE 0 END
     + LEAST(%(wait_cap)s, floor(extract(epoch FROM (%(now)s - n.opened_at)) / 604800)::int * %(wait_per_week)s)
     + CASE WHEN r.path LIKE %(community_like)s THEN %(w_same_community)s
            WHEN r.path LIKE %(street_like)s THEN %(w_same_street)s ELSE 0 END
     + GREATEST(%(help_floor)s, %(help_each)s * COALESCE(helped.recent, 0)) AS score
FROM households_need n
JOIN households_household h ON h.id = n.household_id
JOIN regions_region r ON r.id = h.region_id
LEFT JOIN helped ON helped.household_id = n.household_id
WHERE n.kind = 'goods' AND n.status = 'open'
  AND n.goods_category = ANY(%(categories)s)
  AND COALESCE(n.quantity, 1) <= %(available)s
  AND (n.goods_item = '' OR n.goods_item = ANY(%(item_words)s) OR position(%(item_name)s IN n.goods_item) > 0
       OR position(n.goods_item IN %(item_name)s) > 0)
  AND r.path LIKE %(reach_like)s
  AND COALESCE(helped.this_month, 0) < %(cap)s
  AND NOT EXISTS (SELECT 1 FROM matching_matchproposal p
                  WHERE p.need_id = n.id AND p.supply_key = %(supply_key)s AND p.status = 'rejected')
ORDER BY score DESC, n.opened_at, n.id
LIMIT %(k)s
"""


def _prefix(path: str, depth: int) -> str:
    parts = [p for p in path.split(".") if p]
    return ".".join(parts[:depth]) + "." if len(parts) >= depth else "~"  # "~" never starts a path


def needs_for_goods(*, workstation_region_path: str, item_key: str, available: int, supply_key: str,
                    rules: MatchingRules, now: datetime, k: int) -> list[int]:
    """Ids of the k best open goods needs this stock can meet, scored in SQL by the same rules."""
    item = goods_item(item_key)
    if item is None or available <= 0:
        return []
    categories = [need_cat for need_cat, stock_cats in NEED_GOODS_CATEGORY_MAP.items() if item.category in stock_cats]
    w = {**DEFAULT_WEIGHTS, **(rules.weights or {})}
    params = {
        "since": now - timedelta(days=90), "month_start": month_start(now), "now": now,
        "w_urgent": w["urgent"], "w_extreme": w["category.extreme_poverty"], "w_minimum": w["category.minimum_living"],
        "w_marginal": w["category.marginal_low_income"], "w_expenditure": w["category.expenditure_poverty"],
        "wait_cap": w["wait_cap"], "wait_per_week": w["wait_per_week"],
        "community_like": _prefix(workstation_region_path, 3) + "%",
        "street_like": _prefix(workstation_region_path, 2) + "%",
        "w_same_community": w["same_community"], "w_same_street": w["same_street"],
        "help_floor": w["recent_help_floor"], "help_each": w["recent_help_each"],
        "categories": categories, "available": available,
        "item_words": [item.key, item.item], "item_name": item.name.split("(")[0],
        "reach_like": workstation_region_path + "%", "cap": rules.monthly_cap_per_household,
        "supply_key": supply_key, "k": k,
    }
    with connection.cursor() as cursor:
        cursor.execute(_NEEDS_FOR_GOODS_SQL, params)
        return [row[0] for row in cursor.fetchall()]
