"""How long departments held cases (推诿 shows as hours): the working hours from the dispatch to a department to
its claim, and to its resolution, per department — the median and the 90th percentile of a period's cases.

Working hours are the time on working days between the two moments, by the working-day calendar
(``domain.working_days``: Mon–Fri bent by holidays and 调休 days, each working day counted whole, 24 h; weekends
and holidays count nothing), in hours with one decimal. Each claim or resolution counts in the month it happened,
from the latest dispatch (or redispatch) to that department.
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from domain.working_days import WorkingDays
from projections.engine.bulk import utc
from projections.statistics import BITS
from projections.statistics import contributions as c
from projections.statistics_queries import Selection

STAGES = {"claim": "held_to_claim", "resolve": "held_to_resolve"}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted ``values`` (``share`` 0.9: the value 90% of them do not exceed)."""
    return values[max(math.ceil(share * len(values)) - 1, 0)]


def summary(hours: list[float]) -> dict[str, Any]:
    ordered = sorted(hours)
    if not ordered:
        return {"cases": 0, "median": None, "p90": None}
    return {
        "cases": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p90": round(percentile(ordered, 0.9), 1),
    }


def held_hours(
    connection: Connection, selection: Selection, working_days: WorkingDays
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per department: ``{"claim": {cases, median, p90}, "resolve": {…}}`` of the selection's months."""
    bits = BITS["held_to_claim"] | BITS["held_to_resolve"]
    query = select(c.c.department, c.c.measures, c.c.held_since, c.c.decided_at).where(
        *selection.of(c), *selection.recorded(), c.c.sign == 1, c.c.measures.op("&")(bits) != 0
    )
    found: dict[str, dict[str, list[float]]] = {}
    for row in connection.execute(query):
        held = _working_hours(working_days, row.held_since, row.decided_at)
        for stage, measure in STAGES.items():
            if row.measures & BITS[measure]:
                found.setdefault(row.department, {name: [] for name in STAGES})[stage].append(held)
    return {
        department: {stage: summary(hours) for stage, hours in by_stage.items()}
        for department, by_stage in found.items()
    }


def no_hours() -> dict[str, dict[str, Any]]:
    return {stage: summary([]) for stage in STAGES}


def _working_hours(working_days: WorkingDays, start: datetime, end: datetime) -> float:
    return working_days.working_time_between(utc(start), utc(end)).total_seconds() / 3600
