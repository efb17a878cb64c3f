"""The flat summary of a case that the case list and the work queues store, folded from its events.

It mirrors the Case aggregate's state transitions (domain/case.py) for the fields read models need;
tests/unit/test_case_fold_matches_aggregate.py checks the two agree. ``CASE_SUMMARY`` is the fold both read
models derive from: the engine folds each batch once for both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.case_clock import running_stage
from domain.case_types import FINISHED, Status
from projections.engine.events import ProjectedEvent
from projections.engine.folding import Fold

Summary = dict[str, Any]

# The statuses as the plain strings a summary stores (reading an enum member's .value is a descriptor call,
# and the fold runs for every event of a rebuild).
REPORTED, ACCEPTED, DISPATCHED = Status.REPORTED.value, Status.ACCEPTED.value, Status.DISPATCHED.value
IN_PROGRESS, ASSIGNED, RESOLVED = Status.IN_PROGRESS.value, Status.ASSIGNED.value, Status.RESOLVED.value


STAGES = ("accept", "claim", "resolve", "follow_up")
DUE = {stage: f"{stage}_due_at" for stage in STAGES}


def _due(deadline: dict[str, Any] | None) -> Any:
    return None if deadline is None else deadline["due_at"]


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
        "accept_due_at": _due(e.data.get("accept_deadline")),  # events of older code have no accept clock
        "claim_due_at": None,
        "resolve_due_at": None,
        "follow_up_due_at": None,
        "resolved_at": None,
        "closed_at": None,
        "followed_up": False,
        "last_satisfaction": None,
        "reopen_count": 0,
        "suspended": False,
        "urges": 0,
        "extension_requested": False,
    }


def _accepted(s: Summary, e: ProjectedEvent) -> None:
    s.update(status=ACCEPTED, category=e.data["category"], track=e.data["track"])
    for field in ("claim_due_at", "resolve_due_at"):  # older code set both here; since the clock, dispatch does
        if e.data.get(field) is not None:
            s[field] = e.data[field]


def _dispatched(s: Summary, e: ProjectedEvent) -> None:
    s.update(
        status=DISPATCHED,
        lead_department=e.data["lead_department"],
        co_departments=join_codes(e.data["co_departments"]),
    )
    for stage, deadline in (e.data.get("deadlines") or {}).items():
        s[DUE[stage]] = deadline["due_at"]


def _redispatched(s: Summary, e: ProjectedEvent) -> None:
    s.update(
        status=DISPATCHED,
        lead_department=e.data["lead_department"],
        co_departments=join_codes(e.data["co_departments"]),
        claim_due_at=_due(e.data["claim_deadline"]),
        extension_requested=False,
    )


def _assigned(s: Summary, e: ProjectedEvent) -> None:
    s.update(
        status=ASSIGNED,
        lead_department=e.data["lead_department"],
        co_departments=join_codes(e.data["co_departments"]),
        resolve_due_at=e.data["deadline"],
    )


def _returned(s: Summary, e: ProjectedEvent) -> None:
    s.update(status=ACCEPTED, lead_department=None, co_departments="", extension_requested=False)
    if e.data.get("restart_clock"):
        s.update(claim_due_at=None, resolve_due_at=None)


def _extended(s: Summary, e: ProjectedEvent) -> None:
    s["claim_due_at" if s["status"] == DISPATCHED else "resolve_due_at"] = e.data["due_at"]
    s["extension_requested"] = False


def _resolved(s: Summary, e: ProjectedEvent) -> None:
    s.update(working_status=s["status"], status=RESOLVED, resolved_at=e.at, followed_up=False)
    if e.data.get("follow_up_deadline") is not None:
        s["follow_up_due_at"] = e.data["follow_up_deadline"]["due_at"]


def _followed_up(s: Summary, e: ProjectedEvent) -> None:
    if e.data.get("attempt"):
        return  # a call nobody answered
    s.update(followed_up=True, last_satisfaction=e.data["satisfaction"])
    if e.data["satisfaction"] == "unsatisfied":
        _reopen(s, e)


def _reopen(s: Summary, e: ProjectedEvent) -> None:
    s.update(status=s["working_status"], reopen_count=s["reopen_count"] + 1)
    accept = e.data.get("accept_deadline")
    if accept is not None:
        s["accept_due_at"] = accept["due_at"]
    elif s["status"] == REPORTED:
        s["accept_due_at"] = None  # older code reopened into triage without a deadline


def _resumed(s: Summary, e: ProjectedEvent) -> None:
    s["suspended"] = False
    for stage, due_at in e.data["moved"].items():
        s[DUE[stage]] = due_at


def _set(**values: Any) -> Callable[[Summary, ProjectedEvent], None]:
    def apply(s: Summary, _: ProjectedEvent) -> None:
        s.update(values)

    return apply


def _urged(s: Summary, _: ProjectedEvent) -> None:
    s["urges"] += 1


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
    "Redispatched": _redispatched,
    "ExtensionRequested": _set(extension_requested=True),
    "ExtensionRefused": _set(extension_requested=False),
    "Suspended": _set(suspended=True),
    "Resumed": _resumed,
    "Urged": _urged,
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
    """The deadline that runs now (as ``Case.due_at``), none once the case is finished; a resolved case's is
    its follow-up deadline until the call is made (cases resolved by older code have none)."""
    if summary["status"] in FINISHED:
        return None
    if summary["status"] == RESOLVED:
        return None if summary["followed_up"] else summary["follow_up_due_at"]
    set_so_far = {stage: True for stage in STAGES if summary[DUE[stage]] is not None}
    return summary[DUE[running_stage(summary["status"], set_so_far)]]


# The events whose fold sets co_departments (the case list keeps them in a side table of their own too).
CO_DEPARTMENT_EVENTS = frozenset({"Dispatched", "Redispatched", "Assigned", "Returned"})


def join_codes(codes: list[str]) -> str:
    """Department codes as a summary stores them, ",a,b," (for showing; read models match on rows of their own)."""
    return f",{','.join(codes)}," if codes else ""


def split_codes(joined: str) -> list[str]:
    """The department codes of ``join_codes``'s text, in order."""
    return [code for code in joined.split(",") if code]
