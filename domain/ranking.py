"""How monthly meetings rank towns, communities and departments: a weighted score of three rates, and the
fairness rule that keeps units with too few cases off the list (a 1-case unit never tops or tails it)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from domain.errors import InvalidCommand

# 响应率 0.1, 按期办结率 0.45, 满意率 0.45 (the county's 考核 weights unless a request names others).
WEIGHTS: Mapping[str, float] = {"response_rate": 0.1, "on_time_rate": 0.45, "satisfaction_rate": 0.45}
MIN_CASES = 10
FIELD = "ranking_weights"


def validated_weights(weights: Any) -> dict[str, float]:
    """Ranking weights as the time-limit rules keep them: one number per rate, none negative, summing to 1."""
    if not isinstance(weights, Mapping):
        raise InvalidCommand(FIELD, "must be an object")
    if set(weights) != set(WEIGHTS):
        raise InvalidCommand(FIELD, f"must name exactly {', '.join(WEIGHTS)}")
    checked = {}
    for name in WEIGHTS:
        value = weights[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise InvalidCommand(f"{FIELD}.{name}", "must be a non-negative number")
        checked[name] = float(value)
    if not math.isclose(sum(checked.values()), 1.0, abs_tol=1e-9):
        raise InvalidCommand(FIELD, f"must sum to 1 (they sum to {sum(checked.values()):g})")
    return checked


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
