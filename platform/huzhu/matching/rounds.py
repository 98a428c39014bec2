"""Optimal matching rounds: all open supply to all open need of a region, maximising the total score.

Three phases, timed separately: candidate search (two GROUP BY queries and one need query, then arcs built in
Python per compatibility bucket, each need keeping its best `round_candidates_per_need` supplies — the score
bound that keeps the graph sparse), solving (solver.solve_optimal, an exact min-cost flow on that graph; greedy
on the same graph for comparison) and writing the proposals.

Capacities: a need is one unit (it is met whole by one supply, never split). Meeting whole needs of different
sizes from one stock is a knapsack (NP-hard), so the flow uses an upper bound — how many of its candidate needs
a supply could meet if each were as small as the smallest (available // smallest request) — and repair() then
keeps, per supply, the best-scoring assignments its units really cover. With equal request sizes (the common
case: one wheelchair, one quilt) the bound is exact and so is the optimum; the benchmark prints how many
assignments the repair dropped.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from huzhu.giving.models import Fund, ServicePledge, StockItem
from huzhu.giving.targets import need_categories
from huzhu.giving.taxonomy import item_keys_for_need
from huzhu.households.models import Need
from huzhu.people import access
from huzhu.people.models import Role, User
from huzhu.regions.models import Region

from . import solver
from .candidates import Candidate, help_counts, rules_get
from .errors import MatchingError, MatchingErrorCode
from .models import MatchProposal, MatchRound
from .scoring import DEFAULT_WEIGHTS, NeedFacts, SupplyFacts, score_pair


@dataclass
class RoundNeed:
    id: int
    household_id: int
    kind: str
    category: str
    tags: list[str]
    urgent: bool
    opened_at: datetime
    region_path: str
    goods_category: str = ""
    goods_item: str = ""
    quantity: int = 1
    amount_fen: int = 0
    service_type: str = ""
    minutes: int = 60
    recent_help: int = 0


@dataclass
class RoundSupply:
    kind: str
    key: str
    region_path: str
    available: int  # units, fen or minutes
    workstation_id: int | None = None
    item_key: str = ""
    fund_account: int | None = None
    fund_kind: str = ""
    fund_target: str = ""  # region path, category or need id of the fund's earmark
    pledge_id: int | None = None
    service_type: str = ""


@dataclass
class RoundInputs:
    needs: list[RoundNeed]
    supplies: list[RoundSupply]
    timings_ms: dict[str, int] = field(default_factory=dict)


def load_inputs(*, region: Region, now: datetime, monthly_cap: int) -> RoundInputs:
    """Open needs without a proposal, and supplies with something available, within the region.

    Every list comes in a fixed order (by id): build_graph spreads needs over equal supplies in the order it
    meets them, so rows in whatever order the database happens to return them made rounds over the same data
    propose different pairs (and, through the stock repair, a different number of them).
    """
    rows = list(
        Need.objects.filter(status="open", household__region__path__startswith=region.path)
        .values_list("id", "household_id", "kind", "household__category", "household__tags", "urgent", "opened_at",
                     "household__region__path", "goods_category", "goods_item", "quantity", "amount_fen",
                     "service_type", "minutes")
        .order_by("id")
    )
    counts = help_counts(None, now=now)
    needs = []
    for (nid, hid, kind, category, tags, urgent, opened_at, path, gcat, gitem, qty, amount, stype, minutes) in rows:
        recent, this_month = counts.get(hid, (0, 0))
        if this_month >= monthly_cap:
            continue  # the fairness cap is a hard constraint
        needs.append(RoundNeed(nid, hid, kind, category, list(tags or []), urgent, opened_at, path, gcat or "",
                               gitem or "", qty or 1, amount or 0, stype or "", minutes or 60, recent))
    supplies: list[RoundSupply] = []
    stock = (StockItem.objects.filter(on_hand__gt=F("reserved"), workstation__region__path__startswith=region.path)
             .values_list("workstation_id", "workstation__region__path", "category", "item", "on_hand", "reserved")
             .order_by("workstation_id", "category", "item"))
    for workstation_id, path, category, item, on_hand, reserved in stock:
        key = f"{category}/{item}"
        supplies.append(RoundSupply("goods", f"goods:{workstation_id}:{key}", path, on_hand - reserved,
                                    workstation_id=workstation_id, item_key=key))
    from ledger import api

    funds = list(Fund.objects.exclude(kind=Fund.Kind.PROJECT).select_related("region").order_by("id"))
    balances = api.balances([f.ledger_account_id for f in funds]) if funds else {}
    for f in funds:
        available = int(balances[f.ledger_account_id].available) if f.ledger_account_id in balances else 0
        if available <= 0:
            continue
        if f.kind == Fund.Kind.REGION and f.region is not None and not (
            f.region.path.startswith(region.path) or region.path.startswith(f.region.path)
        ):
            continue
        target = (f.region.path if f.kind == Fund.Kind.REGION and f.region else
                  f.category if f.kind == Fund.Kind.CATEGORY else str(f.need_id or ""))
        supplies.append(RoundSupply("money", f"money:{f.ledger_account_id}", f.region.path if f.region else "",
                                    available, fund_account=f.ledger_account_id, fund_kind=f.kind, fund_target=target))
    for p in ServicePledge.objects.filter(active=True).select_related("region").order_by("id"):
        if p.region.path.startswith(region.path) or region.path.startswith(p.region.path):
            supplies.append(RoundSupply("service", f"service:{p.pk}", p.region.path, p.minutes_per_month,
                                        pledge_id=p.pk, service_type=p.service_type))
    return RoundInputs(needs=needs, supplies=supplies)


def _compatible(need: RoundNeed, supply: RoundSupply, goods_keys: dict[tuple[str, str], set[str]]) -> bool:
    """Hard constraints other than region reach (checked by the caller)."""
    if need.kind != supply.kind:
        return False
    if supply.kind == "goods":
        keys = goods_keys[(need.goods_category, need.goods_item)]
        return supply.item_key in keys and need.quantity <= supply.available
    if supply.kind == "money":
        if need.amount_fen <= 0 or need.amount_fen > supply.available:
            return False
        if supply.fund_kind == Fund.Kind.GENERAL:
            return True
        if supply.fund_kind == Fund.Kind.REGION:
            return need.region_path.startswith(supply.fund_target)
        if supply.fund_kind == Fund.Kind.CATEGORY:
            return supply.fund_target in need_categories(tags=need.tags, urgent=need.urgent)
        if supply.fund_kind == Fund.Kind.NEED:
            return supply.fund_target == str(need.id)
        return False
    return supply.service_type == need.service_type and need.minutes <= supply.available


def _ancestors(path: str) -> list[str]:
    """"1.4.9.12." → ["1.4.9.12.", "1.4.9.", "1.4.", "1."]: the region itself first, then upwards."""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[:i]) + "." for i in range(len(parts), 0, -1)]


@dataclass
class Graph:
    instance: solver.Instance
    need_facts: list[NeedFacts]
    arc_parts: list[list[dict[str, object]] | None]  # per arc: the pair's own components (distance, preference)
    now: datetime
    weights: dict[str, int]

    def components(self, arc: int) -> list[dict[str, object]]:
        """The explanation of one arc, built only for the arcs a round proposes (not for 400,000 of them)."""
        facts = self.need_facts[int(self.instance.arc_need[arc])]
        _score, parts = score_pair(facts, SupplyFacts(region_path="~"), now=self.now, weights=self.weights)
        return [*(p.as_dict() for p in parts), *(self.arc_parts[arc] or [])]


def need_points(facts: NeedFacts, w: dict[str, int], now: datetime) -> int:
    """The supply-independent part of score_pair, as plain integer arithmetic (it runs once per need)."""
    points = w["urgent"] if facts.urgent else 0
    points += w.get(f"category.{facts.category}", 0)
    points += min(w["wait_cap"], (max(0, (now - facts.opened_at).days) // 7) * w["wait_per_week"])
    if facts.recent_help_count:
        points += max(w["recent_help_floor"], w["recent_help_each"] * facts.recent_help_count)
    return points


def build_graph(inputs: RoundInputs, *, now: datetime, weights: dict[str, int], per_need: int) -> Graph:
    """Arcs from each need to `per_need` of its best compatible supplies, with scores.

    A workstation's stock and a pledge reach their own region's subtree, so the supplies that can reach a need
    sit at the need's region or one of its (at most three) ancestors: a handful of dict look-ups per need, not
    a scan of every supply. The pair-dependent part of a goods or service score is the region distance
    (community +10, street +5), so the nearest ancestors' supplies are the best and the search stops once
    `per_need` are found: the score bound that keeps the graph sparse. Within one distance every supply scores
    the same for the need, so each need starts at its own offset in the bucket: the needs of a community spread
    over all of its supplies instead of all pointing at the same few, which would leave most stock unused.
    """
    w = {**DEFAULT_WEIGHTS, **weights}
    goods_at: dict[tuple[str, str], list[int]] = defaultdict(list)  # (item key, region path) → supplies
    service_at: dict[tuple[str, str], list[int]] = defaultdict(list)
    money: list[int] = []
    for j, s in enumerate(inputs.supplies):
        if s.kind == "goods":
            goods_at[(s.item_key, s.region_path)].append(j)
        elif s.kind == "service":
            service_at[(s.service_type, s.region_path)].append(j)
        else:
            money.append(j)
    available = [s.available for s in inputs.supplies]
    goods_keys: dict[tuple[str, str], list[str]] = {}
    # how many needs drew on a pool (supply keys × region) so far: keyed by the keys' values, never by id() of
    # a list (a service need's one-key list is a new object each time, and its address is the allocator's)
    turns: dict[tuple[tuple[str, ...], str], int] = defaultdict(int)
    arc_need: list[int] = []
    arc_supply: list[int] = []
    arc_score: list[int] = []
    arc_parts: list[list[dict[str, object]] | None] = []
    all_facts: list[NeedFacts] = []
    # depth of the region a supply sits at → (the pair's bonus, its explanation component)
    distance: dict[int, tuple[int, list[dict[str, object]]]] = {
        3: (w["same_community"], [{"code": "same_community", "points": w["same_community"], "params": {}}]),
        2: (w["same_street"], [{"code": "same_street", "points": w["same_street"], "params": {}}])}
    for i, need in enumerate(inputs.needs):
        facts = NeedFacts(urgent=need.urgent, category=need.category, opened_at=need.opened_at,
                          region_path=need.region_path, recent_help_count=need.recent_help)
        all_facts.append(facts)
        base = need_points(facts, w, now)
        chosen: list[tuple[int, int, list[dict[str, object]] | None]] = []
        if need.kind == "money":
            for j in money:  # funds are few: score each exactly as online matching does
                supply = inputs.supplies[j]
                if _compatible(need, supply, {}):
                    preferred = supply.region_path if supply.fund_kind == Fund.Kind.REGION else ""
                    score, parts = score_pair(facts, SupplyFacts(region_path=supply.region_path,
                                                                 preferred_region_path=preferred), now=now, weights=w)
                    own = [p.as_dict() for p in parts if p.code in ("same_community", "same_street",
                                                                    "donor_preference")]
                    chosen.append((score, j, own))
            chosen.sort(key=lambda t: (-t[0], t[1]))
            chosen = chosen[:per_need]
        else:
            if need.kind == "goods":
                gk = (need.goods_category, need.goods_item)
                if gk not in goods_keys:
                    goods_keys[gk] = item_keys_for_need(need.goods_category, need.goods_item)
                keys, table, request = goods_keys[gk], goods_at, need.quantity
            else:
                keys, table, request = [need.service_type], service_at, need.minutes
            for ancestor in _ancestors(need.region_path):
                bonus, near = distance.get(ancestor.count("."), (0, None))
                pool = [j for key in keys for j in table.get((key, ancestor), ())]
                if not pool:
                    continue
                turn = turns[(tuple(keys), ancestor)]  # how many needs drew on this pool before: rotate past them
                turns[(tuple(keys), ancestor)] = turn + 1
                offset = (turn * per_need) % len(pool)
                for step in range(len(pool)):
                    j = pool[(offset + step) % len(pool)]
                    if available[j] >= request:
                        chosen.append((base + bonus, j, near))
                        if len(chosen) >= per_need:
                            break
                if len(chosen) >= per_need:
                    break
        for score, j, extra in chosen:
            if score > 0:
                arc_need.append(i)
                arc_supply.append(j)
                arc_score.append(score)
                arc_parts.append(extra)
    m = len(inputs.supplies)
    an = np.asarray(arc_need, dtype=np.int64)
    asup = np.asarray(arc_supply, dtype=np.int64)
    # Capacity: how many of its candidate needs a supply could meet if each were as small as its smallest
    # request (an upper bound); repair() then keeps, per supply, the best assignments its units really cover.
    request_of = np.asarray([_request(inputs.needs[i]) for i in arc_need], dtype=np.int64)
    smallest = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    if an.size:
        np.minimum.at(smallest, asup, request_of)
    capacity = np.where(smallest < np.iinfo(np.int64).max,
                        np.asarray(available, dtype=np.int64) // np.maximum(smallest, 1), 0)
    instance = solver.Instance(need_demand=np.ones(len(inputs.needs), dtype=np.int64), supply_capacity=capacity,
                               arc_need=an, arc_supply=asup, arc_score=np.asarray(arc_score, dtype=np.int64))
    return Graph(instance=instance, need_facts=all_facts, arc_parts=arc_parts, now=now, weights=w)


def repair(inputs: RoundInputs, graph: Graph, flows: np.ndarray) -> tuple[np.ndarray, int]:
    """Keep, per supply, its assignments in descending score order while its units cover them; drop the rest
    (they stay open for online matching or the next round). Returns the feasible flows and how many it dropped."""
    inst = graph.instance
    left = [s.available for s in inputs.supplies]
    used = np.flatnonzero(flows > 0)
    order = used[np.argsort(-inst.arc_score[used], kind="stable")]
    feasible = np.zeros_like(flows)
    dropped = 0
    for a in order.tolist():
        j = int(inst.arc_supply[a])
        request = _request(inputs.needs[int(inst.arc_need[a])])
        if left[j] >= request:
            left[j] -= request
            feasible[a] = 1
        else:
            dropped += 1
    return feasible, dropped


def _request(need: RoundNeed) -> int:
    return need.quantity if need.kind == "goods" else need.amount_fen if need.kind == "money" else need.minutes


def _candidate(need: RoundNeed, supply: RoundSupply, score: int, parts: list[dict[str, object]]) -> Candidate:
    return Candidate(
        supply_kind=supply.kind, supply_key=supply.key, supply_region_path=supply.region_path, score=score,
        components=parts, workstation_id=supply.workstation_id, item_key=supply.item_key,
        fund_account=supply.fund_account, pledge_id=supply.pledge_id,
        quantity=need.quantity if need.kind == "goods" else None,
        amount_fen=need.amount_fen if need.kind == "money" else None,
        minutes=need.minutes if need.kind == "service" else None,
    )


def match_round(*, actor: User | None, region: Region, now: datetime | None = None) -> MatchRound:
    """Run a round for a region and propose its optimal assignment. actor=None is the scheduled job."""
    from .services import _create_proposal

    now = now or timezone.now()
    if actor is not None and not access.has_role(actor, [Role.WORKSTATION_STAFF, Role.ADMINISTRATOR], region):
        raise MatchingError(MatchingErrorCode.PERMISSION_DENIED)
    rules = rules_get()
    record = MatchRound.objects.create(region=region, started_by=actor)
    t0 = clock.perf_counter()
    inputs = load_inputs(region=region, now=now, monthly_cap=rules.monthly_cap_per_household)
    graph = build_graph(inputs, now=now, weights=rules.weights or {}, per_need=rules.round_candidates_per_need)
    t1 = clock.perf_counter()
    flows, _dropped = repair(inputs, graph, solver.solve_optimal(graph.instance))
    greedy, _greedy_dropped = repair(inputs, graph, solver.solve_greedy(graph.instance))
    t2 = clock.perf_counter()
    proposed = 0
    with transaction.atomic():
        chosen = np.flatnonzero(flows > 0)
        needs = {n.pk: n for n in Need.objects.select_for_update(of=("self",)).select_related("household__region")
                 .filter(pk__in=[inputs.needs[int(graph.instance.arc_need[a])].id for a in chosen])}
        taken = set(MatchProposal.objects.filter(need_id__in=list(needs), status="proposed")
                    .values_list("need_id", flat=True))
        for a in chosen.tolist():
            rn = inputs.needs[int(graph.instance.arc_need[a])]
            need = needs.get(rn.id)
            if need is None or need.status != "open" or rn.id in taken:
                continue  # changed since the round read it: the next round or online matching will see it
            supply = inputs.supplies[int(graph.instance.arc_supply[a])]
            _create_proposal(need, _candidate(rn, supply, int(graph.instance.arc_score[a]), graph.components(a)),
                             source="round", round_id=record.pk)
            proposed += 1
    t3 = clock.perf_counter()
    record.status = MatchRound.Status.DONE
    record.finished_at = timezone.now()
    record.needs, record.supplies = len(inputs.needs), len(inputs.supplies)
    record.arcs = int(graph.instance.arc_need.shape[0])
    record.proposed = proposed
    record.total_score = solver.total_score(graph.instance, flows)
    record.greedy_score = solver.total_score(graph.instance, greedy)
    record.timings_ms = {"candidates": round((t1 - t0) * 1000), "solve": round((t2 - t1) * 1000),
                         "write": round((t3 - t2) * 1000)}
    record.save()
    return record
