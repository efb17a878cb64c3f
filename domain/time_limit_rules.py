"""办理时限 rules: per track, optionally per category, how long each stage of a case may take.

A limit is ``{"hours": N}`` (round the clock) or ``{"working_days": N}`` (the end of the Nth working day after
the day its clock starts). ``DeadlinePolicy`` turns rules and a working-day calendar into a stage's deadline,
stamped with both versions, the way a case stores it for good.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.errors import InvalidCommand
from domain.working_days import WorkingDays

Rules = dict[str, Any]
STAGES = ("accept", "claim", "resolve", "follow_up")
TRACKS = ("instant", "general")
UNITS = ("hours", "working_days")
RETURN_WINDOW = "return_window"  # how long after dispatch a department may still return a case it claimed

DEFAULT_RULES: Rules = {
    "instant": {  # E呼即办
        "accept": {"hours": 1},
        "claim": {"hours": 2},
        "resolve": {"hours": 24},
        "follow_up": {"working_days": 2},
    },
    "general": {  # 一般件
        "accept": {"working_days": 1},
        "claim": {"working_days": 1},
        "resolve": {"working_days": 5},
        "follow_up": {"working_days": 3},
    },
    RETURN_WINDOW: {"working_days": 1},
}


def validated_rules(rules: Any) -> Rules:
    """A complete rule set: ``rules`` laid over the defaults, checked; InvalidCommand names the bad field."""
    if not isinstance(rules, dict):
        raise InvalidCommand("rules", "must be an object")
    merged = copy.deepcopy(DEFAULT_RULES)
    for key, value in rules.items():
        if key == RETURN_WINDOW:
            merged[key] = _limit(RETURN_WINDOW, value)
        elif key in TRACKS:
            merged[key] = _track(key, value, merged[key])
        else:
            raise InvalidCommand(key, f"unknown track; expected one of {', '.join((*TRACKS, RETURN_WINDOW))}")
    return merged


def _track(path: str, value: Any, base: Rules) -> Rules:
    if not isinstance(value, dict):
        raise InvalidCommand(path, "must be an object")
    track = dict(base)
    for key, limit in value.items():
        if key == "categories":
            track["categories"] = _categories(f"{path}.categories", limit)
        elif key in STAGES:
            track[key] = _limit(f"{path}.{key}", limit)
        else:
            raise InvalidCommand(f"{path}.{key}", f"unknown stage; expected one of {', '.join(STAGES)}")
    return track


def _categories(path: str, value: Any) -> Rules:
    from domain.case_types import Category  # a value type of cases; imported here to keep this module's graph flat

    if not isinstance(value, dict):
        raise InvalidCommand(path, "must be an object")
    categories = {}
    for category, stages in value.items():
        if category not in Category.__members__.values():
            raise InvalidCommand(f"{path}.{category}", "unknown category")
        if not isinstance(stages, dict):
            raise InvalidCommand(f"{path}.{category}", "must be an object")
        for stage in stages:
            if stage not in STAGES:
                raise InvalidCommand(f"{path}.{category}.{stage}", "unknown stage")
        categories[category] = {stage: _limit(f"{path}.{category}.{stage}", lim) for stage, lim in stages.items()}
    return categories


def _limit(path: str, value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in UNITS:
        raise InvalidCommand(path, 'must be {"hours": N} or {"working_days": N}')
    ((unit, amount),) = value.items()
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= 10_000:
        raise InvalidCommand(f"{path}.{unit}", "must be a whole number from 1 to 10000")
    return {unit: amount}


def limit_for(rules: Rules, *, track: str, category: str, stage: str) -> dict[str, int]:
    """The limit of one stage: the category's own if it has one, else the track's."""
    if stage == RETURN_WINDOW:
        return rules[RETURN_WINDOW]
    track_rules = rules[track]
    return track_rules.get("categories", {}).get(category, {}).get(stage) or track_rules[stage]


@dataclass(frozen=True)
class DeadlinePolicy:
    """The rules and the calendar in force, with their versions: what a deadline is computed by."""

    rules: Rules
    rule_version: int
    calendar: WorkingDays
    calendar_version: int

    def deadline(self, *, track: str, category: str, stage: str, start: datetime) -> dict[str, Any]:
        """A stage's deadline from ``start``, as a case stores it (see domain.case.Deadline)."""
        limit = limit_for(self.rules, track=str(track), category=str(category), stage=stage)
        ((unit, amount),) = limit.items()
        if unit == "hours":
            due_at, complete = start + timedelta(hours=amount), True
        else:
            counted = self.calendar.end_of_nth_working_day(start, amount)
            due_at, complete = counted.at, counted.complete
        return {
            "due_at": due_at,
            "unit": unit,
            "rule_version": self.rule_version,
            "calendar_version": self.calendar_version,
            "calendar_complete": complete,
        }
