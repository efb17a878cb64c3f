"""The accountability clock of a case: its deadlines per stage, which one runs, and how a suspension moves them.

A deadline is stored as the case's event stored it, once, when its clock started:
``{"due_at", "met_at", "unit", "rule_version", "calendar_version", "calendar_complete"}``. Deadlines set before
rules were versioned (events of older code) carry ``None`` versions; a meeting's deadline has unit ``meeting``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.case_types import Status
from domain.working_days import WorkingDays

Deadline = dict[str, Any]
MOVED_BY_SUSPENSION = ("claim", "resolve")

# Which stage's deadline runs in each status; a resolved or closed case shows its follow-up deadline when it has
# one (cases resolved by older code have none and keep showing the resolve deadline, as they did).
RUNNING_STAGE = {
    Status.REPORTED: "accept",
    Status.ACCEPTED: "claim",
    Status.DISPATCHED: "claim",
    Status.IN_PROGRESS: "resolve",
    Status.ESCALATED: "resolve",
    Status.ASSIGNED: "resolve",
    Status.RESOLVED: "follow_up",
    Status.CLOSED: "follow_up",
    Status.REJECTED: "resolve",
    Status.MERGED: "resolve",
}


def unversioned(due_at: datetime | None, unit: str | None = None) -> Deadline | None:
    """A deadline set without versioned rules: older code's, or a meeting's."""
    if due_at is None:
        return None
    return {
        "due_at": due_at,
        "met_at": None,
        "unit": unit,
        "rule_version": None,
        "calendar_version": None,
        "calendar_complete": True,
    }


def running_stage(status: str, deadlines: dict[str, Deadline]) -> str:
    stage = RUNNING_STAGE[status]
    if stage == "follow_up" and stage not in deadlines:
        return "resolve"
    return stage


def moved_after_suspension(
    deadlines: dict[str, Deadline], suspended_at: datetime, resumed_at: datetime, calendar: WorkingDays
) -> dict[str, datetime]:
    """The new due time of every unmet claim/resolve deadline: later by the working time spent suspended
    (by the hours spent, for a limit counted in hours)."""
    moved = {}
    working_time = calendar.working_time_between(suspended_at, resumed_at)
    for stage in MOVED_BY_SUSPENSION:
        deadline = deadlines.get(stage)
        if deadline is None or deadline["met_at"] is not None:
            continue
        if deadline["unit"] == "hours":
            moved[stage] = deadline["due_at"] + (resumed_at - suspended_at)
        else:
            moved[stage] = calendar.add_working_time(deadline["due_at"], working_time).at
    return moved
