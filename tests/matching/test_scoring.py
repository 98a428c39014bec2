from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import translation

from huzhu.matching.scoring import NeedFacts, SupplyFacts, explain, score_pair

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_it_explains_a_score_whose_components_sum_to_it() -> None:
    need = NeedFacts(urgent=True, category="extreme_poverty", opened_at=NOW - timedelta(days=23),
                     region_path="1.2.3.", recent_help_count=1)
    score, parts = score_pair(need, SupplyFacts(region_path="1.2.3."), now=NOW)
    assert score == sum(p.points for p in parts)
    assert {p.code: p.points for p in parts} == {
        "urgent": 40, "category": 30, "waited": 12, "same_community": 10, "recent_help": -15,
    }
    assert score == 77


def test_it_prefers_same_community_over_same_street_over_district() -> None:
    need = NeedFacts(urgent=False, category="minimum_living", opened_at=NOW, region_path="1.2.3.",
                     recent_help_count=0)
    same_community, _ = score_pair(need, SupplyFacts(region_path="1.2.3."), now=NOW)
    same_street, _ = score_pair(need, SupplyFacts(region_path="1.2.9."), now=NOW)
    other_street, _ = score_pair(need, SupplyFacts(region_path="1.7."), now=NOW)
    assert same_community > same_street > other_street


def test_it_caps_the_fairness_penalty_and_the_waiting_bonus() -> None:
    need = NeedFacts(urgent=False, category="minimum_living", opened_at=NOW - timedelta(days=400),
                     region_path="1.2.3.", recent_help_count=9)
    _, parts = score_pair(need, SupplyFacts(region_path="1.5."), now=NOW)
    points = {p.code: p.points for p in parts}
    assert points["waited"] == 24
    assert points["recent_help"] == -45


def test_it_renders_the_explanation_in_both_languages() -> None:
    need = NeedFacts(urgent=True, category="minimum_living", opened_at=NOW, region_path="1.2.3.",
                     recent_help_count=0)
    _, parts = score_pair(need, SupplyFacts(region_path="1.2.3."), now=NOW)
    with translation.override("zh-hans"):
        text = explain([p.as_dict() for p in parts])
    assert "救急难 +40" in text and "同社区 +10" in text


def test_the_rounds_fast_need_points_equal_score_pairs_need_part() -> None:
    import random

    from huzhu.matching.rounds import need_points
    from huzhu.matching.scoring import DEFAULT_WEIGHTS

    rng = random.Random(3)
    for _ in range(200):
        need = NeedFacts(urgent=rng.random() < .3, category=rng.choice(["minimum_living", "extreme_poverty",
                                                                        "marginal_low_income", "x"]),
                         opened_at=NOW - timedelta(days=rng.randint(0, 200)), region_path="1.2.3.",
                         recent_help_count=rng.randint(0, 5))
        score, _parts = score_pair(need, SupplyFacts(region_path="~"), now=NOW)
        assert need_points(need, DEFAULT_WEIGHTS, NOW) == score
