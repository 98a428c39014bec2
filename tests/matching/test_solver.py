"""The exact round solver against scipy's linear_sum_assignment and against greedy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from huzhu.matching.solver import (
    Instance,
    assignments,
    prune,
    random_instance,
    solve_greedy,
    solve_optimal,
    total_score,
)


def _lsa_optimum(instance: Instance) -> int:
    """The optimum by the Hungarian method: expand each supply into `capacity` unit columns."""
    columns = np.repeat(np.arange(instance.n_supplies), instance.supply_capacity)
    score = np.zeros((instance.n_needs, instance.n_supplies), dtype=np.int64)
    score[instance.arc_need, instance.arc_supply] = instance.arc_score
    matrix = score[:, columns]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return int(matrix[rows, cols].sum())


@pytest.mark.parametrize("seed", range(25))
def test_it_finds_the_optimum_that_linear_sum_assignment_finds(seed: int) -> None:
    # given a random small instance with capacities 1–3 and sparse candidates
    rng = np.random.default_rng(seed)
    instance = random_instance(int(rng.integers(3, 30)), int(rng.integers(2, 15)), int(rng.integers(1, 6)), seed)
    # when solved as a min-cost flow
    flows = solve_optimal(instance)
    # then its total equals the Hungarian optimum, and it is never below greedy
    assert total_score(instance, flows) == _lsa_optimum(instance)
    assert total_score(instance, flows) >= total_score(instance, solve_greedy(instance))


def test_it_respects_need_demand_and_supply_capacity() -> None:
    instance = random_instance(200, 40, 6, seed=7)
    flows = solve_optimal(instance)
    per_need = np.bincount(instance.arc_need, weights=flows, minlength=instance.n_needs)
    per_supply = np.bincount(instance.arc_supply, weights=flows, minlength=instance.n_supplies)
    assert (per_need <= instance.need_demand).all()
    assert (per_supply <= instance.supply_capacity).all()
    assert per_supply.sum() > 0


def test_it_beats_greedy_where_greedy_is_short_sighted() -> None:
    # need 0 likes supply 0 (10) and supply 1 (9); need 1 only likes supply 0 (8).
    # greedy gives need 0 supply 0 → total 10; the optimum is 9 + 8 = 17.
    instance = Instance(
        need_demand=np.array([1, 1]), supply_capacity=np.array([1, 1]),
        arc_need=np.array([0, 0, 1]), arc_supply=np.array([0, 1, 0]), arc_score=np.array([10, 9, 8]),
    )
    assert total_score(instance, solve_greedy(instance)) == 10
    flows = solve_optimal(instance)
    assert total_score(instance, flows) == 17
    assert sorted(assignments(instance, flows)) == [(0, 1, 1), (1, 0, 1)]


def test_prune_keeps_the_best_arcs_of_each_need() -> None:
    instance = random_instance(50, 30, 10, seed=3)
    pruned = prune(instance, 3)
    assert np.bincount(pruned.arc_need, minlength=50).max() <= 3
    for need in range(50):
        kept = np.sort(pruned.arc_score[pruned.arc_need == need])[::-1]
        best = np.sort(instance.arc_score[instance.arc_need == need])[::-1][:3]
        assert (kept == best).all()


def test_it_handles_an_empty_graph() -> None:
    empty = np.zeros(0, dtype=np.int64)
    instance = Instance(np.ones(2, dtype=np.int64), np.ones(2, dtype=np.int64), empty, empty, empty)
    assert solve_optimal(instance).shape == (0,)
