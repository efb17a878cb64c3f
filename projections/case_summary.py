"""The flat summary of a case that the case list and the work queues store, folded from its events.

It mirrors the Case aggregate's state transitions (domain/case.py) for the fields read models need;
tests/unit/test_case_fold_matches_aggregate.py checks the two agree. ``CASE_SUMMARY`` is the fold both read
models derive from: the engine folds each batch once for both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.case import due_at_for
from domain.case_types import FINISHED, Status
from projections.engine.events import ProjectedEvent
from projections.engine.folding import Fold

Summary = dict[str, Any]

# The statuses as the plain strings a summary stores (reading an enum member's .value is a descriptor call,
# and the fold runs for every event of a rebuild).
REPORTED, ACCEPTED, DISPATCHED = Status.REPORTED.value, Status.ACCEPTED.value, Status.DISPATCHED.value
IN_PROGRESS, ASSIGNED, RESOLVED = Status.IN_PROGRESS.value, Status.ASSIGNED.value, Status.RESOLVED.value


def _reported(_: Summary | None, e: ProjectedEvent) -> Summary:
    report = e.data["report"]
    return {
        "id": e.aggregate_id,
        "case_no": e.data["case_no"],
        "title": report["title"],
        "description": report["description"],
        "category": report["category"],
        "channel": report["channel"],
        "track": report["track"],
        "status": REPORTED,
        "working_status": IN_PROGRESS,
        "grid": report["grid"],
        "lead_department": None,
        "co_departments": "",
        "reported_by": e.actor.get("id"),
        "created_at": e.at,
        "claim_due_at": None,
        "resolve_due_at": None,
        "resolved_at": None,
        "closed_at": None,
        "followed_up": False,
        "last_satisfaction": None,
        "reopen_count": 0,
    }


def _accepted(s: Summary, e: ProjectedEvent) -> None:
    s.update(
        status=ACCEPTED,
        category=e.data["category"],
        track=e.data["track"],
        claim_due_at=e.data["claim_due_at"],
        resolve_due_at=e.data["resolve_due_at"],
    )


def _dispatched(s: Summary, e: ProjectedEvent) -> None:
    s.update(
        status=DISPATCHED,
        lead_department=e.data["lead_department"],
        co_departments=join_codes(e.data["co_departments"]),
    )


def _assigned(s: Summary, e: ProjectedEvent) -> None:
    s.update(
        status=ASSIGNED,
        lead_department=e.data["lead_department"],
        co_departments=join_codes(e.data["co_departments"]),
        resolve_due_at=e.data["deadline"],
    )


def _returned(s: Summary, _: ProjectedEvent) -> None:
    s.update(status=ACCEPTED, lead_department=None, co_departments="")


def _extended(s: Summary, e: ProjectedEvent) -> None:
    s["claim_due_at" if s["status"] == DISPATCHED else "resolve_due_at"] = e.data["due_at"]


def _resolved(s: Summary, e: ProjectedEvent) -> None:
    s.update(working_status=s["status"], status=RESOLVED, resolved_at=e.at, followed_up=False)


def _followed_up(s: Summary, e: ProjectedEvent) -> None:
    s.update(followed_up=True, last_satisfaction=e.data["satisfaction"])
    if e.data["satisfaction"] == "unsatisfied":
        _reopen(s)


def _reopen(s: Summary, _: ProjectedEvent | None = None) -> None:
    s.update(status=s["working_status"], reopen_count=s["reopen_count"] + 1)


def _set_status(status: Status, **stamps: str) -> Callable[[Summary, ProjectedEvent], None]:
    value, fields = status.value, tuple(stamps.values())

    def apply(s: Summary, e: ProjectedEvent) -> None:
        s["status"] = value
        for field in fields:
            s[field] = e.at

    return apply


FOLDS: dict[str, Callable[[Summary, ProjectedEvent], None]] = {
    "Accepted": _accepted,
    "Rejected": _set_status(Status.REJECTED),
    "Merged": _set_status(Status.MERGED),
    "Dispatched": _dispatched,
    "Claimed": _set_status(Status.IN_PROGRESS),
    "Returned": _returned,
    "Extended": _extended,
    "Resolved": _resolved,
    "FollowedUp": _followed_up,
    "Reopened": _reopen,
    "Closed": _set_status(Status.CLOSED, at="closed_at"),
    "Escalated": _set_status(Status.ESCALATED),
    "Assigned": _assigned,
}


def fold(summary: Summary | None, event: ProjectedEvent) -> Summary | None:
    """The summary after ``event`` (a new one: ``summary`` is left alone); events that change nothing listed
    (notes) only bump the version."""
    if event.type == "Reported":
        summary = _reported(None, event)
    elif summary is None:
        return None  # an event of a case this read model never saw reported (cannot happen in order)
    else:
        summary = dict(summary)
        if event.type in FOLDS:
            FOLDS[event.type](summary, event)
    summary.update(version=event.version, position=event.position, updated_at=event.at, due_at=current_due_at(summary))
    return summary


CASE_SUMMARY = Fold("case_summary", "Case", fold, births=frozenset({"Reported"}))


def current_due_at(summary: Summary) -> Any:
    if summary["status"] in FINISHED:
        return None
    return due_at_for(summary["status"], summary["claim_due_at"], summary["resolve_due_at"])


# The events whose fold sets co_departments (the case list keeps them in a side table of their own too).
CO_DEPARTMENT_EVENTS = frozenset({"Dispatched", "Assigned", "Returned"})


def join_codes(codes: list[str]) -> str:
    """Department codes as a summary stores them, ",a,b," (for showing; read models match on rows of their own)."""
    return f",{','.join(codes)}," if codes else ""


def split_codes(joined: str) -> list[str]:
    """The department codes of ``join_codes``'s text, in order."""
    return [code for code in joined.split(",") if code]
