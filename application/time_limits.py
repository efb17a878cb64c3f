"""办理时限: how long a department has to claim and to resolve a case, by track and category."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_LIMITS: dict[str, dict[str, Any]] = {
    "instant": {"claim_hours": 2, "resolve_hours": 24},  # E呼即办
    "general": {"claim_hours": 24, "resolve_hours": 7 * 24},  # 一般件
}


@dataclass(frozen=True)
class Deadlines:
    claim_due_at: datetime
    resolve_due_at: datetime


class TimeLimitPolicy:
    """Per-track limits, each optionally overridden per category.

    A TOML file (``GRIDLEDGER_TIME_LIMITS``) overrides the defaults, e.g.::

        [general]
        resolve_hours = 120
        [general.categories.dispute]
        resolve_hours = 360
    """

    def __init__(self, limits: dict[str, dict[str, Any]] | None = None) -> None:
        self._limits = _merge(DEFAULT_LIMITS, limits or {})

    @classmethod
    def from_file(cls, path: str | Path | None) -> TimeLimitPolicy:
        if not path:
            return cls()
        with open(path, "rb") as file:
            return cls(tomllib.load(file))

    def deadlines(self, *, track: str, category: str, accepted_at: datetime) -> Deadlines:
        limits = self._limits[track]
        limits = {**limits, **limits.get("categories", {}).get(category, {})}
        return Deadlines(
            claim_due_at=accepted_at + timedelta(hours=limits["claim_hours"]),
            resolve_due_at=accepted_at + timedelta(hours=limits["resolve_hours"]),
        )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
