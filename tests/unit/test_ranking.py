"""Rankings: the weighted score, the fairness rule and shared ranks."""

from __future__ import annotations

from domain.ranking import WEIGHTS, not_ranked_reason, score
from projections.statistics_queries import ranked


def test_the_score_weighs_the_three_rates_and_leaves_out_one_nothing_decided() -> None:
    assert WEIGHTS == {"response_rate": 0.1, "on_time_rate": 0.45, "satisfaction_rate": 0.45}
    assert score({"response_rate": 100.0, "on_time_rate": 80.0, "satisfaction_rate": 90.0}) == 86.5
    assert score({"response_rate": None, "on_time_rate": 80.0, "satisfaction_rate": 90.0}) == 85.0
    assert score({"response_rate": None, "on_time_rate": None, "satisfaction_rate": None}) is None


def test_units_with_too_few_cases_are_not_ranked_with_the_reason() -> None:
    assert not_ranked_reason(1, 10, 100.0) == "fewer than 10 cases received (1)"
    assert not_ranked_reason(12, 10, None) is not None
    assert not_ranked_reason(10, 10, 55.0) is None


def test_equal_scores_share_a_rank() -> None:
    units = [({"unit": name}, points) for name, points in (("a", 90.0), ("b", 95.0), ("c", 90.0), ("d", 80.0))]
    assert [(rank, unit["unit"]) for rank, unit, _ in ranked(units)] == [(1, "b"), (2, "a"), (2, "c"), (4, "d")]
