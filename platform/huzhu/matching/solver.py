"""Assignment of supply to need that maximises the total score, exactly, as a min-cost flow.

The graph: source → supply j (capacity = how many needs j can serve, cost 0) → need i (capacity 1 per
candidate arc, cost −score) → sink (capacity = units need i takes, cost 0), plus a bypass arc source → sink
at cost 0, so that leaving supply unused is allowed and only score-improving assignments carry flow. With
integer scores, OR-Tools' cost-scaling SimpleMinCostFlow returns an optimum of the candidate graph.

Everything here is arrays (numpy) in and arrays out: building the graph with
`add_arcs_with_capacity_and_unit_cost` on whole arrays is what keeps 50,000 × 20,000 within seconds. The
database side (candidate search, explanations, proposals) lives in services/selectors; this module knows
nothing of Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow


@dataclass(frozen=True)
class Instance:
    """A sparse candidate graph. Needs and supplies are 0-based positions; arcs are parallel arrays."""

    need_demand: np.ndarray  # (n,) int64: units a need can take (1 for "one match per need")
    supply_capacity: np.ndarray  # (m,) int64: units a supply can give
    arc_need: np.ndarray  # (k,) int64
    arc_supply: np.ndarray  # (k,) int64
    arc_score: np.ndarray  # (k,) int64, > 0

    @property
    def n_needs(self) -> int:
        return int(self.need_demand.shape[0])

    @property
    def n_supplies(self) -> int:
        return int(self.supply_capacity.shape[0])


def prune(instance: Instance, per_need: int) -> Instance:
    """Keep each need's `per_need` best arcs (a score bound per need): a few good candidates suffice in
    practice and shrink the graph the solver sees by an order of magnitude."""
    if per_need <= 0:
        raise ValueError("per_need must be positive")
    # Sort by need, then by score descending; rank within each need; keep ranks < per_need.
    order = np.lexsort((-instance.arc_score, instance.arc_need))
    needs_sorted = instance.arc_need[order]
    starts = np.flatnonzero(np.r_[True, needs_sorted[1:] != needs_sorted[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, needs_sorted.shape[0]]))
    rank = np.arange(needs_sorted.shape[0]) - group_start
    keep = order[rank < per_need]
    keep.sort()
    return Instance(
        need_demand=instance.need_demand,
        supply_capacity=instance.supply_capacity,
        arc_need=instance.arc_need[keep],
        arc_supply=instance.arc_supply[keep],
        arc_score=instance.arc_score[keep],
    )


def solve_optimal(instance: Instance) -> np.ndarray:
    """Flow (units) on each arc of an assignment of maximal total score."""
    n, m, k = instance.n_needs, instance.n_supplies, instance.arc_need.shape[0]
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    source, sink = 0, 1 + m + n
    supply_node = 1 + np.arange(m, dtype=np.int32)
    need_node = 1 + m + np.arange(n, dtype=np.int32)
    total = int(instance.supply_capacity.sum())
    demand_cap = np.minimum(instance.need_demand[instance.arc_need], instance.supply_capacity[instance.arc_supply])
    tails = np.concatenate([
        instance.arc_supply.astype(np.int32) + 1,  # candidate arcs first: their flows are what we return
        np.zeros(m, dtype=np.int32) + source,
        need_node,
        np.array([source], dtype=np.int32),
    ])
    heads = np.concatenate([
        instance.arc_need.astype(np.int32) + 1 + m,
        supply_node,
        np.zeros(n, dtype=np.int32) + sink,
        np.array([sink], dtype=np.int32),
    ])
    capacities = np.concatenate([
        demand_cap.astype(np.int64), instance.supply_capacity.astype(np.int64),
        instance.need_demand.astype(np.int64), np.array([total], dtype=np.int64),
    ])
    costs = np.concatenate([
        -instance.arc_score.astype(np.int64), np.zeros(m + n + 1, dtype=np.int64),
    ])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    return np.asarray(flow.flows(np.arange(k, dtype=np.int64)), dtype=np.int64)


def solve_greedy(instance: Instance) -> np.ndarray:
    """The baseline: best-scoring arcs first while need and supply have room."""
    order = np.argsort(-instance.arc_score, kind="stable")
    need_left = instance.need_demand.astype(np.int64).copy()
    supply_left = instance.supply_capacity.astype(np.int64).copy()
    flows = np.zeros(instance.arc_need.shape[0], dtype=np.int64)
    arc_need, arc_supply = instance.arc_need, instance.arc_supply
    for a in order.tolist():
        i, j = arc_need[a], arc_supply[a]
        units = min(need_left[i], supply_left[j])
        if units > 0:
            flows[a] = units
            need_left[i] -= units
            supply_left[j] -= units
    return flows


def total_score(instance: Instance, flows: np.ndarray) -> int:
    return int((instance.arc_score * flows).sum())


def assignments(instance: Instance, flows: np.ndarray) -> list[tuple[int, int, int]]:
    """(need position, supply position, units) for each arc that carries flow."""
    used = np.flatnonzero(flows > 0)
    return [(int(instance.arc_need[a]), int(instance.arc_supply[a]), int(flows[a])) for a in used]


def random_instance(n_needs: int, n_supplies: int, per_need: int, seed: int, max_capacity: int = 3) -> Instance:
    """A random instance for tests and the benchmark: scores 1..100, capacities 1..max_capacity."""
    rng = np.random.default_rng(seed)
    arc_need = np.repeat(np.arange(n_needs, dtype=np.int64), per_need)
    arc_supply = rng.integers(0, n_supplies, size=n_needs * per_need, dtype=np.int64)
    # Drop duplicate (need, supply) pairs so each pair has one score.
    pairs = arc_need * n_supplies + arc_supply
    _, first = np.unique(pairs, return_index=True)
    first.sort()
    arc_need, arc_supply = arc_need[first], arc_supply[first]
    return Instance(
        need_demand=np.ones(n_needs, dtype=np.int64),
        supply_capacity=rng.integers(1, max_capacity + 1, size=n_supplies, dtype=np.int64),
        arc_need=arc_need,
        arc_supply=arc_supply,
        arc_score=rng.integers(1, 101, size=arc_need.shape[0], dtype=np.int64),
    )
