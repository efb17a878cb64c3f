"""Statistics (GET /stats/…): every figure is a sum of *figure contributions* folded from the cases' events.

A contribution is one row: the measures (``received``, ``claim_met``, ``satisfied``, …: bits of ``measures``) that
one event of a case decides at one moment, +1 each (or -1 to retract an earlier row), attributed to the local month
of that moment, with the deciding event's position, type and recording time and the case's grid, department,
category, channel and track then. So:

- a figure of a unit is the sum of its rows (``statistics_queries``), and the drill-down lists exactly those rows;
- a figure *as of* a past time is the sum of the rows recorded by then: a later follow-up answer that replaces an
  earlier one as "the last answer of the month" adds a row retracting the earlier one's, recorded when it came.

Which moment decides what (API.md "Accountability: statistics"; README "Statistics"):
- received / instant / general: the report; rejected, merged: the rejection or merge;
- a claim deadline (response rate): met by a claim, a return (退单) or an on-the-spot resolution in time, attributed
  to that event's month; missed: to the month the deadline passed, recorded by the event that shows it (the late
  claim, return or resolution, or a redispatch after it passed);
- a resolve deadline (on-time rate): the same with the resolution;
- a follow-up answer (resolution and satisfaction rates): its month; the last answer of a case in a month counts;
- dispatched (and redispatched), returned, redispatched away, extended, extension requested, resolved, reopened,
  urged: their event; bounced: the second return or redispatch away of a case (the department it leaves).

Months are local months of ``GRIDLEDGER_TIMEZONE`` (Asia/Shanghai unless set), as the application's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Integer, MetaData, String, Table

from projections.engine.bulk import utc
from projections.engine.events import ProjectedEvent
from projections.engine.folding import Fold, FoldedReadModel, Stored
from projections.storage.tables import GridPath

Row = dict[str, Any]
LOCAL_ZONE = ZoneInfo(os.environ.get("GRIDLEDGER_TIMEZONE") or "Asia/Shanghai")
SATISFIED = ("satisfied", "basically_satisfied")
# Every measure a contribution can count for, a bit each (a row counts for several: received and instant, …).
MEASURES = (
    *("received", "instant", "general", "rejected", "merged", "dispatched", "returned", "redispatched_away"),
    *("bounced", "extended", "extension_requested", "resolved", "reopened", "urged", "followed_up", "unreachable"),
    *("answered", "satisfied", "solved", "claim_decided", "claim_met", "resolve_decided", "resolve_met"),
    *("held_to_claim", "held_to_resolve"),  # a claim / resolution by the department it was dispatched to
)
BITS = {measure: 1 << index for index, measure in enumerate(MEASURES)}


def _dimensions() -> list[Column[Any]]:
    """What figures are grouped and scoped by: the case's grid (and path), department, category, channel, track."""
    return [
        Column("grid", String(64), nullable=False),
        Column("grid_path", GridPath, nullable=False),
        Column("department", String(64)),
        Column("category", String(32), nullable=False),
        Column("channel", String(32), nullable=False),
        Column("track", String(16), nullable=False),
    ]


metadata = MetaData()
case_state = Table(
    "rm_stats_case",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("grid", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("track", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("department", String(64)),
    Column("dispatched_at", DateTime(timezone=True)),  # when the department holding it was dispatched it
    Column("accept_due_at", DateTime(timezone=True)),
    Column("claim_due_at", DateTime(timezone=True)),  # the claim deadline waiting to be decided, if any
    Column("resolve_due_at", DateTime(timezone=True)),  # the resolve deadline waiting to be decided, if any
    Column("suspended", Boolean, nullable=False),
    Column("bounces", Integer, nullable=False),  # returns and redispatches so far (推诿: more than once)
    Column("claim_span", BigInteger),  # the set_position of the claim deadline's running span, if one runs
    Column("resolve_span", BigInteger),
    Column("answer_position", BigInteger),  # the follow-up answer counted for answer_month
    Column("answer_month", String(7)),
    Column("answer_department", String(64)),
    Column("answer_seq", Integer),  # the counted answer's contribution (position, seq) and its measures
    Column("answer_measures", Integer),
)
contributions = Table(
    "rm_stats_contribution",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("case_id", String(36), nullable=False),
    Column("month", String(7), nullable=False),
    Column("measures", Integer, nullable=False),  # the bits of MEASURES the row counts for
    Column("sign", Integer, nullable=False),
    *_dimensions(),
    Column("event_type", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("retracts_position", BigInteger),
    Column("retracts_seq", Integer),
    Column("held_since", DateTime(timezone=True)),  # held_to_*: the dispatch the department held it from
)
# A claim or resolve deadline while it runs, so that one passed with no event yet counts as missed in the month
# it passed: from the event that set it (or a resume) to the event that decided, dropped, moved or suspended it.
# Both tables are only appended to: a span's opening, and (when it comes) its closing.
deadlines = Table(
    "rm_stats_deadline",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("set_position", BigInteger, primary_key=True, autoincrement=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("month", String(7), nullable=False),
    *_dimensions(),
)
Index("rm_stats_deadline_month", deadlines.c.month, deadlines.c.stage, deadlines.c.grid_path)
closings = Table(
    "rm_stats_deadline_closed",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("set_position", BigInteger, primary_key=True, autoincrement=False),
    Column("closed_at", DateTime(timezone=True), nullable=False),
)
# A month's figures: grouped by one dimension, in a grid subtree; the drill-down: one measure of a month.
Index("rm_stats_contribution_month", contributions.c.month, contributions.c.grid_path)
# The drill-down's pages: a month's rows in order, without walking the rows of every other month.
Index("rm_stats_contribution_month_position", contributions.c.month, contributions.c.position, contributions.c.seq)
Index("rm_stats_contribution_retracts", contributions.c.retracts_position, contributions.c.retracts_seq)


@dataclass
class CaseStats:
    """What the fold keeps of a case (its row) and the rows this batch added: contributions, deadline spans
    opened and closed."""

    row: Row
    added: list[Row]
    opened: list[Row]
    closed: list[Row]


def local_month(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m")


def _due(deadline: Any) -> datetime | None:
    """A stored deadline's due time; None for none (or an event of older code without one)."""
    return deadline.get("due_at") if isinstance(deadline, dict) else None


class _Step:
    """One event's effect on one case: its row changes and the contributions it adds."""

    def __init__(self, state: CaseStats, event: ProjectedEvent) -> None:
        self.row, self.added, self.event = dict(state.row), list(state.added), event
        self.opened, self.closed = list(state.opened), list(state.closed)
        self.at = utc(event.at)
        self.seq = 0
        self.mergeable: dict[tuple[datetime, Any], Row] = {}

    def add(
        self,
        *measures: str,
        decided_at: datetime | None = None,
        department: Any = ...,
        alone: bool = False,
        bits: int = 0,
        **extra: Any,
    ) -> Row:
        """+1 of ``measures`` (and ``bits``) decided at ``decided_at`` (default: the event's time), in the row this
        event already adds for that moment and department, unless ``alone`` (a row retracted later on its own)."""
        moment = self.at if decided_at is None else utc(decided_at)
        row, event = self.row, self.event
        bits |= sum(BITS[measure] for measure in measures)
        department = row["department"] if department is ... else department
        same = self.mergeable.get((moment, department))
        if same is not None and not alone:
            same["measures"] |= bits
            return same
        self.added.append(
            {
                "position": event.position,
                "seq": self.seq,
                "case_id": event.aggregate_id,
                "month": local_month(moment),
                "measures": bits,
                "sign": 1,
                "grid": row["grid"],
                "department": department,
                "category": row["category"],
                "channel": row["channel"],
                "track": row["track"],
                "event_type": event.type,
                "decided_at": moment,
                "recorded_at": self.at,
                "retracts_position": None,
                "retracts_seq": None,
                "held_since": None,
                **extra,
            }
        )
        self.seq += 1
        if not alone:
            self.mergeable[(moment, department)] = self.added[-1]
        return self.added[-1]

    def set_due(self, stage: str, due_at: datetime | None) -> None:
        """``stage`` (claim_due_at, resolve_due_at) runs to ``due_at`` from now (None: no longer runs)."""
        self.close(stage)
        self.row[stage] = due_at
        if due_at is not None and not self.row.get("suspended"):
            self._open(stage)

    def close(self, stage: str) -> None:
        """The running span of ``stage``'s deadline ends now (decided, dropped, moved or suspended)."""
        name = stage.removesuffix("_due_at")
        running = self.row[f"{name}_span"]
        if running is not None:
            self.closed.append({"case_id": self.event.aggregate_id, "stage": name, "set_position": running})
            self.closed[-1]["closed_at"] = self.at
            self.row[f"{name}_span"] = None

    def _open(self, stage: str) -> None:
        due, row = utc(self.row[stage]), self.row
        span = {key: row[key] for key in ("grid", "department", "category", "channel", "track")}
        self.row[f"{stage.removesuffix('_due_at')}_span"] = self.event.position
        self.opened.append(
            {
                **span,
                "case_id": self.event.aggregate_id,
                "stage": stage.removesuffix("_due_at"),
                "set_position": self.event.position,
                "set_at": self.at,
                "due_at": due,
                "month": local_month(due),
            }
        )

    def suspend(self, suspended: bool) -> None:
        """缓办: no deadline runs (none can pass); on resuming they run again (moved by ``Resumed``)."""
        self.row["suspended"] = suspended
        for stage in ("claim_due_at", "resolve_due_at"):
            if self.row[stage] is not None:
                if suspended:
                    self.close(stage)
                else:
                    self._open(stage)

    def decide(self, stage: str, met_measure: str, decided_measure: str, *, met: bool | None = None) -> None:
        """The deadline of ``stage`` (claim_due_at, resolve_due_at) is decided by this event: met when the event
        comes by the due time, else missed in the month the deadline passed."""
        due = self.row[stage]
        if due is None:
            return
        self.set_due(stage, None)
        on_time = self.at <= utc(due) if met is None else met
        decided_at = self.at if on_time else due
        self.add(decided_measure, *([met_measure] if on_time else []), decided_at=decided_at)

    def state(self) -> CaseStats:
        return CaseStats(self.row, self.added, self.opened, self.closed)


def _reported(event: ProjectedEvent) -> CaseStats:
    report = event.data.get("report") or {}
    row = {
        "id": event.aggregate_id,
        "grid": report.get("grid") or "?",
        "category": report.get("category") or "other",
        "channel": report.get("channel") or "other",
        "track": report.get("track") or "general",
        "status": "reported",
        "department": None,
        "dispatched_at": None,
        "accept_due_at": _due(event.data.get("accept_deadline")),
        "claim_due_at": None,
        "resolve_due_at": None,
        "suspended": False,
        "bounces": 0,
        "claim_span": None,
        "resolve_span": None,
        "answer_position": None,
        "answer_month": None,
        "answer_department": None,
        "answer_seq": None,
        "answer_measures": None,
    }
    step = _Step(CaseStats(row, [], [], []), event)
    step.add("received", step.row["track"] if step.row["track"] in ("instant", "general") else "general")
    return step.state()


def _accepted(s: _Step) -> None:
    data = s.event.data
    s.row.update(status="accepted", category=data.get("category") or s.row["category"])
    s.row["track"] = data.get("track") or s.row["track"]
    for stage in ("claim", "resolve"):  # older code set both deadlines on acceptance
        if data.get(f"{stage}_due_at") is not None:
            s.set_due(f"{stage}_due_at", data[f"{stage}_due_at"])


def _dispatched(s: _Step) -> None:
    deadlines = s.event.data.get("deadlines") or {}
    s.row.update(status="dispatched", department=s.event.data.get("lead_department"))
    for stage in ("claim", "resolve"):
        if _due(deadlines.get(stage)) is not None:
            s.set_due(f"{stage}_due_at", _due(deadlines[stage]))
    s.add("dispatched")
    s.row["dispatched_at"] = s.at


def _redispatched(s: _Step) -> None:
    """改派: a claim deadline already passed is missed (by the department it leaves); one still running is dropped."""
    data = s.event.data
    due = s.row["claim_due_at"]
    if due is not None and utc(due) < s.at:
        s.decide("claim_due_at", "claim_met", "claim_decided", met=False)
    _bounced(s, "redispatched_away")
    s.close("claim_due_at")
    s.row.update(status="dispatched", department=data.get("lead_department"))
    s.set_due("claim_due_at", _due(data.get("claim_deadline")))
    s.set_due("resolve_due_at", s.row["resolve_due_at"])  # the same deadline, now the new department's
    s.add("dispatched")
    s.row["dispatched_at"] = s.at


def _claimed(s: _Step) -> None:
    s.row["status"] = "in_progress"
    s.decide("claim_due_at", "claim_met", "claim_decided")
    _held(s, "held_to_claim")


def _held(s: _Step, measure: str) -> None:
    """The department that was dispatched the case claims or resolves it: how long it held it, from then."""
    if s.row["department"] is not None and s.row["dispatched_at"] is not None:
        s.add(measure)["held_since"] = s.row["dispatched_at"]


def _returned(s: _Step) -> None:
    """退单 with its reason: the claim deadline is met if in time; the department is the one returning it."""
    data = s.event.data
    s.row["department"] = data.get("department") or s.row["department"]
    s.decide("claim_due_at", "claim_met", "claim_decided")
    _bounced(s, "returned")
    if data.get("restart_clock", False):
        s.set_due("claim_due_at", None)
        s.set_due("resolve_due_at", None)
    s.row.update(status="accepted", department=None, dispatched_at=None)


def _bounced(s: _Step, measure: str) -> None:
    """The case leaves its department (退单 or 改派 away from it); its second bounce counts as bounced, once."""
    s.add(measure)
    s.row["bounces"] += 1
    if s.row["bounces"] == 2:
        s.add("bounced")


def _extended(s: _Step) -> None:
    stage = "claim_due_at" if s.row["status"] == "dispatched" else "resolve_due_at"
    s.set_due(stage, s.event.data.get("due_at"))
    s.add("extended")


def _resumed(s: _Step) -> None:
    """The running deadlines move by the time spent suspended and run again."""
    for stage, due_at in (s.event.data.get("moved") or {}).items():
        if f"{stage}_due_at" in ("claim_due_at", "resolve_due_at") and s.row[f"{stage}_due_at"] is not None:
            s.row[f"{stage}_due_at"] = due_at
    s.suspend(False)


def _assigned(s: _Step) -> None:
    data = s.event.data
    s.row.update(status="assigned", department=data.get("lead_department"))
    s.set_due("resolve_due_at", data.get("deadline"))


def _resolved(s: _Step) -> None:
    if s.event.data.get("on_the_spot"):  # 就地办结: the grid worker's response, in time if by the accept deadline
        due = s.row["accept_due_at"]
        s.row["claim_due_at"] = due if due is not None else s.at
        s.decide("claim_due_at", "claim_met", "claim_decided")
    else:
        s.decide("resolve_due_at", "resolve_met", "resolve_decided")
        _held(s, "held_to_resolve")
    s.row["status"] = "resolved"
    s.add("resolved")


def _followed_up(s: _Step) -> None:
    """An answer (not an unanswered attempt): it replaces the case's earlier answer of the same month."""
    data = s.event.data
    if data.get("attempt"):
        return
    satisfaction = data.get("satisfaction")
    month = local_month(s.at)
    if s.row["answer_month"] == month and s.row["answer_position"] is not None:
        s.add(
            bits=s.row["answer_measures"],
            department=s.row["answer_department"],
            alone=True,
            sign=-1,
            retracts_position=s.row["answer_position"],
            retracts_seq=s.row["answer_seq"],
        )
    measures = ["followed_up"]
    if satisfaction == "unreachable":
        measures.append("unreachable")
    else:
        solved = data.get("solved")
        measures += ["answered"] + (["satisfied"] if satisfaction in SATISFIED else [])
        if (satisfaction != "unsatisfied") if solved is None else solved:
            measures.append("solved")
    answer = s.add(*measures, alone=True)
    s.row.update(
        answer_position=s.event.position,
        answer_month=month,
        answer_department=s.row["department"],
        answer_seq=answer["seq"],
        answer_measures=answer["measures"],
    )
    if satisfaction == "unsatisfied":
        _reopened(s)


def _reopened(s: _Step) -> None:
    s.row["status"] = "reopened"
    s.add("reopened")


def _counted(measure: str, status: str | None = None) -> Any:
    def apply(s: _Step) -> None:
        if status is not None:
            s.row["status"] = status
        s.add(measure)

    return apply


def _set_status(status: str) -> Any:
    def apply(s: _Step) -> None:
        s.row["status"] = status

    return apply


STEPS = {
    "Accepted": _accepted,
    "Rejected": _counted("rejected", "rejected"),
    "Merged": _counted("merged", "merged"),
    "Dispatched": _dispatched,
    "Redispatched": _redispatched,
    "Claimed": _claimed,
    "Returned": _returned,
    "Extended": _extended,
    "ExtensionRequested": _counted("extension_requested"),
    "Suspended": lambda s: s.suspend(True),
    "Resumed": _resumed,
    "Escalated": _set_status("escalated"),
    "Assigned": _assigned,
    "Resolved": _resolved,
    "FollowedUp": _followed_up,
    "Reopened": _reopened,
    "Urged": _counted("urged"),
    "Closed": _set_status("closed"),
}


def fold(state: CaseStats | None, event: ProjectedEvent) -> CaseStats | None:
    """The case's statistics after ``event`` (a new state; ``state`` is left alone)."""
    if event.type == "Reported":
        return _reported(event)
    apply = STEPS.get(event.type)
    if state is None or apply is None:
        return state
    step = _Step(state, event)
    apply(step)
    return step.state()


CASE_STATISTICS = Fold("case_statistics", "Case", fold, births=frozenset({"Reported"}))
read_model = FoldedReadModel(
    "statistics",
    CASE_STATISTICS,
    (
        Stored(case_state, rows=lambda s: [s.row]),
        Stored(deadlines, key="case_id", rows=lambda s: s.opened, loaded=False, appended=True),
        Stored(closings, key="case_id", rows=lambda s: s.closed, loaded=False, appended=True),
        Stored(contributions, key="case_id", rows=lambda s: s.added, loaded=False, appended=True),
    ),
    state=lambda row, loaded: CaseStats(row, [], [], []),
)
