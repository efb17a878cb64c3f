"""The statistics fold (projections/statistics.py) event by event: which contributions and deadline spans each
event of a case makes, including events of older code without deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from projections.engine.events import ProjectedEvent
from projections.statistics import MEASURES, CaseStats, fold

START = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)
CASE = "c0000000-0000-0000-0000-000000000001"


def _event(position: int, kind: str, hours: float = 0, **data: Any) -> ProjectedEvent:
    at = START + timedelta(hours=hours)
    return ProjectedEvent(position, CASE, "Case", position, kind, f"domain.case:Case.{kind}", at, {}, data)


def _deadline(hours: float) -> dict[str, Any]:
    return {"due_at": START + timedelta(hours=hours), "met_at": None, "unit": "hours"}


def _folded(*events: ProjectedEvent) -> CaseStats:
    state = None
    for event in events:
        state = fold(state, event)
    assert state is not None
    return state


def _running(state: CaseStats) -> list[dict[str, Any]]:
    """The deadline spans opened and not closed (in this batch: the fold's state starts empty)."""
    closed = {(row["stage"], row["set_position"]) for row in state.closed}
    return [span for span in state.opened if (span["stage"], span["set_position"]) not in closed]


def _counted(state: CaseStats) -> list[dict[str, Any]]:
    """Each row's measures, one item each (in the order of MEASURES within a row)."""
    return [
        {**row, "measure": measure}
        for row in state.added
        for bit, measure in enumerate(MEASURES)
        if row["measures"] & (1 << bit)
    ]


def _measures(state: CaseStats) -> list[tuple[str, int, str]]:
    return [(row["measure"], row["sign"], row["month"]) for row in _counted(state)]


REPORT = {"report": {"grid": "g1", "category": "municipal", "channel": "hotline", "track": "general"}}


def _dispatched(position: int, hours: float, claim: float, resolve: float, department: str = "d1") -> ProjectedEvent:
    deadlines = {"claim": _deadline(claim), "resolve": _deadline(resolve)}
    return _event(position, "Dispatched", hours, lead_department=department, deadlines=deadlines)


def test_a_case_handled_in_time_and_followed_up_twice_in_a_month() -> None:
    state = _folded(
        _event(1, "Reported", **REPORT, accept_deadline=_deadline(2)),
        _event(2, "Accepted", 1),
        _dispatched(3, 1, claim=3, resolve=48),
        _event(4, "Claimed", 2),
        _event(5, "Urged", 3, stage="resolve"),
        _event(6, "Resolved", 10, on_the_spot=False),
        _event(7, "FollowedUp", 11, satisfaction="unreachable", attempt=False),
        _event(8, "FollowedUp", 12, satisfaction="basically_satisfied", solved=False, attempt=False),
    )
    by_event = {}
    for row in _counted(state):
        if row["sign"] == 1:
            by_event.setdefault(row["position"], []).append(row["measure"])
    assert by_event == {
        1: ["received", "general"],
        3: ["dispatched"],
        4: ["claim_decided", "claim_met", "held_to_claim"],
        5: ["urged"],
        6: ["resolved", "resolve_decided", "resolve_met", "held_to_resolve"],
        7: ["followed_up", "unreachable"],
        8: ["followed_up", "answered", "satisfied"],  # not solved
    }
    # The claim and the resolution count the hours held from the dispatch (position 3)
    dispatched_at = next(row["decided_at"] for row in state.added if row["position"] == 3)
    assert {row["position"]: row["held_since"] for row in state.added if row["held_since"]} == {
        4: dispatched_at,
        6: dispatched_at,
    }
    # The second answer retracts the first (unreachable), as one row.
    retracted = [(row["measure"], row["retracts_position"]) for row in _counted(state) if row["sign"] == -1]
    assert retracted == [("followed_up", 7), ("unreachable", 7)]
    assert _running(state) == [] and len(state.opened) == len(state.closed) == 2


def test_a_redispatch_after_the_claim_deadline_passed_is_a_miss_in_its_month() -> None:
    state = _folded(
        _event(1, "Reported", **REPORT),
        _dispatched(2, 1, claim=3, resolve=24 * 40),
        _event(3, "Redispatched", 24 * 30, lead_department="d2", claim_deadline=_deadline(24 * 30 + 2)),
    )
    missed = [row for row in _counted(state) if row["measure"].startswith("claim")]
    assert [(row["measure"], row["month"], row["department"]) for row in missed] == [("claim_decided", "2026-10", "d1")]
    open_spans = [(span["stage"], span["department"]) for span in _running(state)]
    assert sorted(open_spans) == [("claim", "d2"), ("resolve", "d2")]


def test_no_deadline_runs_while_a_case_is_suspended() -> None:
    state = _folded(
        _event(1, "Reported", **REPORT),
        _dispatched(2, 1, claim=3, resolve=48),
        _event(3, "Claimed", 2),
        _event(4, "Suspended", 5, reason="等待鉴定", until=None),
    )
    assert _running(state) == []
    moved = START + timedelta(hours=100)
    state = fold(state, _event(5, "Resumed", 60, suspended_at=START, moved={"resolve": moved}, calendar_version=1))
    assert state is not None
    (running,) = _running(state)
    assert running["stage"] == "resolve" and running["due_at"] == moved


def test_events_of_older_code_without_deadlines_count_no_deadline() -> None:
    state = _folded(
        _event(1, "Reported", **REPORT),
        _event(2, "Accepted", 1, category="municipal", track="general"),
        _event(3, "Dispatched", 1, lead_department="d1"),
        _event(4, "Claimed", 2),
        _event(5, "Resolved", 3),
        _event(6, "FollowedUp", 4, satisfaction="unsatisfied"),
    )
    measures = [measure for measure, _, _ in _measures(state)]
    assert "claim_decided" not in measures and "resolve_decided" not in measures
    assert measures[-3:] == ["followed_up", "answered", "reopened"]
    assert "solved" not in measures  # unsatisfied with no `solved`: not solved


def test_a_case_bounced_twice_counts_once_for_the_department_it_leaves_second() -> None:
    state = _folded(
        _event(1, "Reported", **REPORT),
        _dispatched(2, 1, claim=3, resolve=48),
        _event(3, "Returned", 2, reason="不属于本部门", department="d1", restart_clock=True),
        _dispatched(4, 3, claim=5, resolve=48, department="d2"),
        _event(5, "Redispatched", 4, lead_department="d3", claim_deadline=_deadline(6)),
        _event(6, "Returned", 5, reason="也不属于", department="d3", restart_clock=True),
    )
    bounces = [(row["measure"], row["department"]) for row in _counted(state)]
    assert [b for b in bounces if b[0] in ("returned", "redispatched_away", "bounced")] == [
        ("returned", "d1"),
        ("redispatched_away", "d2"),
        ("bounced", "d2"),
        ("returned", "d3"),
    ]
