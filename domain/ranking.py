"""How monthly meetings rank towns, communities and departments: a weighted score of three rates, and the
fairness rule that keeps units with too few cases off the list (a 1-case unit never tops or tails it)."""

from __future__ import annotations

from collections.abc import Mapping

# 响应率 0.1, 按期办结率 0.45, 满意率 0.45 (the county's 考核 weights unless a request names others).
WEIGHTS: Mapping[str, float] = {"response_rate": 0.1, "on_time_rate": 0.45, "satisfaction_rate": 0.45}
MIN_CASES = 10


def score(rates: Mapping[str, float | None], weights: Mapping[str, float] = WEIGHTS) -> float | None:
    """The weighted mean of the rates a unit has (a rate nothing decided is left out and the weights of the
    others count in full); None when it has none of them."""
    known = {name: weight for name, weight in weights.items() if rates.get(name) is not None}
    if not known:
        return None
    return round(sum(weight * float(rates[name] or 0) for name, weight in known.items()) / sum(known.values()), 2)


def not_ranked_reason(received: int, min_cases: int, unit_score: float | None) -> str | None:
    """Why a unit is left off the ranking; None when it is ranked."""
    if received < min_cases:
        return f"fewer than {min_cases} cases received ({received})"
    if unit_score is None:
        return "no response, on-time or satisfaction figure decided in the period"
    return None
