"""The Case aggregate (案件): one resident's problem from report to close, as immutable events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor, Role
from domain.case_clock import Deadline, running_stage, unversioned
from domain.case_types import MUST_REPORT, Category, Satisfaction, Status, Track
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.meeting import Meeting
from domain.time_limit_rules import RETURN_WINDOW, DeadlinePolicy

Record = dict[str, Any]
WORKING = (Status.IN_PROGRESS, Status.ASSIGNED)
HANDLED = (Status.DISPATCHED, *WORKING)  # a department has it: extensions, suspensions, co-handling
OPEN = tuple(s for s in Status if s not in (Status.CLOSED, Status.REJECTED, Status.MERGED))
UNREACHABLE_AFTER_ATTEMPTS, UNREACHABLE_AFTER_DAYS = 3, 2  # unanswered calls, on this many local days

# The lifecycle: the states each command may be issued in (see DOMAIN.md).
ALLOWED_FROM: dict[str, tuple[Status, ...]] = {
    "accept": (Status.REPORTED,),
    "reject": (Status.REPORTED,),
    "merge": (Status.REPORTED,),
    "dispatch": (Status.ACCEPTED,),
    "claim": (Status.DISPATCHED,),
    "return": (Status.DISPATCHED, Status.IN_PROGRESS),  # from in_progress only within the return window
    "redispatch": (Status.DISPATCHED, Status.IN_PROGRESS),
    "note": (Status.ACCEPTED, Status.IN_PROGRESS, Status.ASSIGNED, Status.ESCALATED),
    "extend": HANDLED,
    "request-extension": HANDLED,
    "refuse-extension": HANDLED,
    "suspend": HANDLED,
    "resume": HANDLED,
    "urge": OPEN,
    "acknowledge": HANDLED,
    "reveal-contact": tuple(Status),
    "escalate": (Status.ACCEPTED, Status.IN_PROGRESS),
    "assign": (Status.ESCALATED,),
    "resolve": (Status.REPORTED, *WORKING),  # from reported only on the spot (见事管事)
    "follow-up": (Status.RESOLVED,),
    "reopen": (Status.RESOLVED,),
    "close": (Status.RESOLVED,),
}
# What waits while a case is suspended (缓办): the clock is stopped, so is the work that would move it on.
HELD_WHILE_SUSPENDED = frozenset({"claim", "return", "redispatch", "resolve", "escalate", "suspend"})


class Case(Aggregate):
    """A case and the rules of its lifecycle; every public method is one command."""

    # Snapshots of older code hold claim_due_at/resolve_due_at instead of deadlines (see upcast_v1_v2).
    class_version = 2

    class Reported(Aggregate.Created):
        case_no: str
        report: Record
        actor: Record
        timestamp: datetime
        accept_deadline: Deadline | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state["accept_deadline"] = None  # reported before the accept clock existed

    @event(Reported)
    def __init__(  # noqa: PLR0913 - the report carries everything the resident said
        self,
        *,
        case_no: str,
        report: Record,
        actor: Record,
        timestamp: datetime,
        accept_deadline: Deadline | None,
    ) -> None:
        self.case_no = case_no
        self.title: str = report["title"]
        self.description: str = report["description"]
        self.category = Category(report["category"])
        self.channel: str = report["channel"]
        self.track = Track(report["track"])
        self.grid: str = report["grid"]
        self.details: Record = {
            key: report[key]
            for key in ("location", "reporter", "household_id", "patrol_id", "attachments")
            if report.get(key) is not None
        }
        self.reported_by = actor
        self.status = Status.REPORTED
        self.lead_department: str | None = None
        self.co_departments: list[str] = []
        self.deadlines: dict[str, Deadline] = {"accept": accept_deadline} if accept_deadline else {}
        self.meeting_id: str | None = None
        self.follow_ups: list[Record] = []
        self.follow_up_attempts: list[Record] = []
        self.merged_into: str | None = None
        self.merged_cases: list[str] = []
        self.resolution: Record | None = None
        self.reopen_count = 0
        self.returns = 0
        self.urges = 0
        self.suspended_at: datetime | None = None
        self.extension_request: Record | None = None
        self.acknowledged_by: list[str] = []
        self.return_until: datetime | None = None
        self._status_before_resolve = Status.IN_PROGRESS
        self._followed_up_since_resolve = False

    @staticmethod
    def upcast_v1_v2(state: Record) -> None:
        """A snapshot of older code: its two due times become unversioned deadlines."""
        deadlines = {}
        for stage in ("claim", "resolve"):
            deadline = unversioned(state.pop(f"{stage}_due_at", None))
            if deadline is not None:
                deadlines[stage] = deadline
        state.update(
            deadlines=deadlines,
            follow_up_attempts=[],
            returns=0,
            urges=0,
            suspended_at=None,
            extension_request=None,
            acknowledged_by=[],
            return_until=None,
        )

    # -- reading ---------------------------------------------------------------------------
    @property
    def running_stage(self) -> str:
        return running_stage(self.status, self.deadlines)

    @property
    def due_at(self) -> datetime | None:
        """The deadline that runs now (accept, claim, resolve or follow-up, by the status)."""
        deadline = self.deadlines.get(self.running_stage)
        return deadline["due_at"] if deadline else None

    @property
    def claim_due_at(self) -> datetime | None:
        return self._due("claim")

    @property
    def resolve_due_at(self) -> datetime | None:
        return self._due("resolve")

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    def _due(self, stage: str) -> datetime | None:
        deadline = self.deadlines.get(stage)
        return deadline["due_at"] if deadline else None

    def is_overdue(self, now: datetime) -> bool:
        """Late on the deadline that runs now; a suspended case (缓办) never is."""
        if self.suspended or self.status in (Status.CLOSED, Status.REJECTED, Status.MERGED):
            return False
        deadline = self.deadlines.get(self.running_stage)
        if deadline is None or deadline["met_at"] is not None:  # a resolved case waits only for its follow-up
            return False
        if self.status == Status.RESOLVED and self.running_stage != "follow_up":
            return False
        return now > deadline["due_at"]

    def deadline_states(self, now: datetime) -> dict[str, Record]:
        """Every deadline set so far, with whether it is overdue now (met late counts as overdue)."""
        running = self.running_stage
        states = {}
        for stage, deadline in self.deadlines.items():
            met_at = deadline["met_at"]
            if met_at is not None:
                overdue = met_at > deadline["due_at"]
            else:
                overdue = stage == running and self.is_overdue(now)
            states[stage] = {**deadline, "overdue": overdue}
        return states

    # -- triage ----------------------------------------------------------------------------
    def accept(
        self,
        *,
        actor: Actor,
        timestamp: datetime,
        category: Category | None = None,
        track: Track | None = None,
        note: str | None = None,
    ) -> None:
        self._require("accept")
        self._accepted(
            actor=actor.as_record(),
            timestamp=timestamp,
            category=str(category or self.category),
            track=str(track or self.track),
            note=note,
            claim_due_at=None,  # since the clock: set at dispatch (older code set both here)
            resolve_due_at=None,
        )

    @event("Accepted")
    def _accepted(
        self,
        *,
        actor: Record,
        timestamp: datetime,
        category: str,
        track: str,
        note: str | None,
        claim_due_at: datetime | None,
        resolve_due_at: datetime | None,
    ) -> None:
        self.status = Status.ACCEPTED
        self.category, self.track = Category(category), Track(track)
        self._meet("accept", timestamp)
        for stage, due_at in (("claim", claim_due_at), ("resolve", resolve_due_at)):
            if due_at is not None:
                self.deadlines[stage] = unversioned(due_at)

    def reject(self, *, actor: Actor, timestamp: datetime, reason: str) -> None:
        self._require("reject")
        self._rejected(actor=actor.as_record(), timestamp=timestamp, reason=reason)

    @event("Rejected")
    def _rejected(self, *, actor: Record, timestamp: datetime, reason: str) -> None:
        self.status = Status.REJECTED
        self._meet("accept", timestamp)

    def merge_into(self, target: Case, *, actor: Actor, timestamp: datetime) -> None:
        """Merge this duplicate report into ``target``; both cases record it."""
        self._require("merge")
        if target.id == self.id:
            raise InvalidCommand("into", "a case cannot be merged into itself")
        if target.status in (Status.MERGED, Status.REJECTED):
            raise InvalidCommand("into", f"the target case is '{target.status}'")
        self._merged(actor=actor.as_record(), timestamp=timestamp, into=str(target.id))
        target._absorbed(actor=actor.as_record(), timestamp=timestamp, duplicate=str(self.id))

    @event("Merged")
    def _merged(self, *, actor: Record, timestamp: datetime, into: str) -> None:
        self.status = Status.MERGED
        self.merged_into = into
        self._meet("accept", timestamp)

    @event("DuplicateAbsorbed")
    def _absorbed(self, *, actor: Record, timestamp: datetime, duplicate: str) -> None:
        self.merged_cases.append(duplicate)

    # -- departments -----------------------------------------------------------------------
    def dispatch(
        self,
        *,
        actor: Actor,
        timestamp: datetime,
        lead_department: str,
        co_departments: list[str],
        policy: DeadlinePolicy,
        note: str | None = None,
    ) -> None:
        """派单: the claim and resolve clocks start, by the rules and calendar in force now."""
        self._require("dispatch")
        self._check_lead_not_co(lead_department, co_departments)
        self._dispatched(
            actor=actor.as_record(),
            timestamp=timestamp,
            lead_department=lead_department,
            co_departments=list(dict.fromkeys(co_departments)),
            note=note,
            deadlines={stage: self._deadline(policy, stage, timestamp) for stage in ("claim", "resolve")},
            return_until=self._deadline(policy, RETURN_WINDOW, timestamp)["due_at"],
        )

    class Dispatched(Aggregate.Event):
        actor: Record
        timestamp: datetime
        lead_department: str
        co_departments: list[str]
        note: str | None
        deadlines: dict[str, Deadline]
        return_until: datetime | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state.update(deadlines={}, return_until=None)  # older code set the deadlines on accept

    @event(Dispatched)
    def _dispatched(  # noqa: PLR0913
        self,
        *,
        actor: Record,
        timestamp: datetime,
        lead_department: str,
        co_departments: list[str],
        note: str | None,
        deadlines: dict[str, Deadline],
        return_until: datetime | None,
    ) -> None:
        self.status = Status.DISPATCHED
        self.lead_department, self.co_departments = lead_department, list(co_departments)
        self.deadlines.update(deadlines)
        self.return_until = return_until
        self.acknowledged_by = []

    def claim(self, *, actor: Actor, timestamp: datetime) -> None:
        self._require("claim")
        self._claimed(actor=actor.as_record(), timestamp=timestamp)

    @event("Claimed")
    def _claimed(self, *, actor: Record, timestamp: datetime) -> None:
        self.status = Status.IN_PROGRESS
        self._meet("claim", timestamp)

    def return_to_centre(self, *, actor: Actor, timestamp: datetime, reason: str) -> None:
        """退单: before claiming, or after within the return window (older cases: before claiming only)."""
        self._require("return")
        if self.status == Status.IN_PROGRESS and (self.return_until is None or timestamp > self.return_until):
            until = self.return_until.isoformat() if self.return_until else "before claiming"
            raise TransitionNotAllowed(
                state=str(self.status), command="return", reason=f"the return window has passed ({until})"
            )
        self._returned(
            actor=actor.as_record(),
            timestamp=timestamp,
            reason=reason,
            department=self.lead_department,
            restart_clock=True,
        )

    class Returned(Aggregate.Event):
        actor: Record
        timestamp: datetime
        reason: str
        department: str | None
        restart_clock: bool
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state["restart_clock"] = False  # older code kept the deadlines set on accept

    @event(Returned)
    def _returned(
        self, *, actor: Record, timestamp: datetime, reason: str, department: str | None, restart_clock: bool
    ) -> None:
        self.status = Status.ACCEPTED
        self.lead_department, self.co_departments = None, []
        self.returns += 1
        self.extension_request, self.return_until, self.acknowledged_by = None, None, []
        if restart_clock:  # the next dispatch starts the claim and resolve clocks afresh
            self.deadlines.pop("claim", None)
            self.deadlines.pop("resolve", None)

    def add_note(
        self, *, actor: Actor, timestamp: datetime, text: str, attachments: list[Record] | None = None
    ) -> None:
        self._require("note")
        self._noted(actor=actor.as_record(), timestamp=timestamp, text=text, attachments=attachments or [])

    @event("NoteAdded")
    def _noted(self, *, actor: Record, timestamp: datetime, text: str, attachments: list[Record]) -> None:
        pass

    # -- time: extensions and suspension ---------------------------------------------------------
    def extend(self, *, actor: Actor, timestamp: datetime, due_at: datetime, reason: str) -> None:
        """延期: the centre moves the running deadline (and so grants a pending request)."""
        self._require("extend")
        self._check_later(due_at, timestamp)
        self._extended(
            actor=actor.as_record(), timestamp=timestamp, due_at=due_at, previous_due_at=self.due_at, reason=reason
        )

    @event("Extended")
    def _extended(
        self, *, actor: Record, timestamp: datetime, due_at: datetime, previous_due_at: datetime | None, reason: str
    ) -> None:
        stage = "claim" if self.status == Status.DISPATCHED else "resolve"
        self.deadlines[stage] = {**(self.deadlines.get(stage) or unversioned(due_at)), "due_at": due_at}
        self.extension_request = None

    # -- departments and the clock: redispatch, acknowledge, urge, reveal contact, extensions, suspension ---
    # (domain/case_workflow.py; imported into the class body so that their events are the Case's own)
    from domain.case_workflow import (  # noqa: I001
        redispatch,
        _redispatched,
        acknowledge,
        _acknowledged,
        urge,
        _urged,
        reveal_contact,
        _contact_revealed,
        request_extension,
        _extension_requested,
        refuse_extension,
        _extension_refused,
        suspend,
        _suspended,
        resume,
        _resumed,
    )

    # -- the handover meeting (交办会) ------------------------------------------------------------
    def escalate(self, meeting: Meeting, *, actor: Actor, timestamp: datetime, reason: str) -> None:
        """What the community cannot solve goes to a scheduled meeting; both record it."""
        self._require("escalate")
        meeting.submit(case_id=str(self.id), case_no=self.case_no, reason=reason, actor=actor, timestamp=timestamp)
        self._escalated(actor=actor.as_record(), timestamp=timestamp, meeting_id=str(meeting.id), reason=reason)

    @event("Escalated")
    def _escalated(self, *, actor: Record, timestamp: datetime, meeting_id: str, reason: str) -> None:
        self.status = Status.ESCALATED
        self.meeting_id = meeting_id

    def assign(
        self,
        meeting: Meeting,
        *,
        actor: Actor,
        timestamp: datetime,
        lead_department: str,
        co_departments: list[str],
        deadline: datetime,
        instruction: str | None = None,
    ) -> None:
        """交办: the meeting names a lead department and a deadline (the resolve deadline); both record it."""
        self._require("assign")
        self._check_lead_not_co(lead_department, co_departments)
        if deadline <= timestamp:
            raise InvalidCommand("deadline", "must be in the future")
        meeting.record_assignment(
            case_id=str(self.id),
            lead_department=lead_department,
            co_departments=co_departments,
            deadline=deadline,
            instruction=instruction,
            actor=actor,
            timestamp=timestamp,
        )
        self._assigned(
            actor=actor.as_record(),
            timestamp=timestamp,
            lead_department=lead_department,
            co_departments=list(dict.fromkeys(co_departments)),
            deadline=deadline,
            instruction=instruction,
        )

    @event("Assigned")
    def _assigned(
        self,
        *,
        actor: Record,
        timestamp: datetime,
        lead_department: str,
        co_departments: list[str],
        deadline: datetime,
        instruction: str | None,
    ) -> None:
        self.status = Status.ASSIGNED
        self.lead_department, self.co_departments = lead_department, list(co_departments)
        self.deadlines["resolve"] = unversioned(deadline, "meeting")
        self.acknowledged_by = []

    # -- resolution ------------------------------------------------------------------------
    def resolve(
        self,
        *,
        actor: Actor,
        timestamp: datetime,
        result: str,
        policy: DeadlinePolicy,
        attachments: list[Record] | None = None,
    ) -> None:
        """办结: the follow-up clock (回访) starts."""
        if self.status == Status.REPORTED:
            self._check_on_the_spot(actor)
        else:
            self._require("resolve")
        self._resolved(
            actor=actor.as_record(),
            timestamp=timestamp,
            result=result,
            attachments=attachments or [],
            on_the_spot=self.status == Status.REPORTED,
            follow_up_deadline=self._deadline(policy, "follow_up", timestamp),
        )

    def _check_on_the_spot(self, actor: Actor) -> None:
        """见事管事: only the reporting grid worker, only instant-track, never 4必报."""
        if self.track != Track.INSTANT:
            raise TransitionNotAllowed(
                state=str(self.status), command="resolve", reason="only instant-track cases are resolved on the spot"
            )
        if self.category in MUST_REPORT:
            raise TransitionNotAllowed(
                state=str(self.status),
                command="resolve",
                reason=f"'{self.category}' is a 4必报 category and must go to the governance centre",
            )
        if self.reopen_count:
            raise TransitionNotAllowed(
                state=str(self.status), command="resolve", reason="reopened work goes through the governance centre"
            )
        if actor.role != Role.GRID_WORKER or actor.id != self.reported_by["id"]:
            raise TransitionNotAllowed(
                state=str(self.status),
                command="resolve",
                reason="only the grid worker who reported it may resolve it on the spot",
            )

    class Resolved(Aggregate.Event):
        actor: Record
        timestamp: datetime
        result: str
        attachments: list[Record]
        on_the_spot: bool
        follow_up_deadline: Deadline | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state["follow_up_deadline"] = None  # resolved before the follow-up clock existed

    @event(Resolved)
    def _resolved(  # noqa: PLR0913
        self,
        *,
        actor: Record,
        timestamp: datetime,
        result: str,
        attachments: list[Record],
        on_the_spot: bool,
        follow_up_deadline: Deadline | None,
    ) -> None:
        # Reopening returns the case to whoever had it; after an on-the-spot fix, to the centre's triage.
        self._status_before_resolve = self.status
        self._meet("accept" if on_the_spot else "resolve", timestamp)
        self.status = Status.RESOLVED
        self.resolution = {"result": result, "at": timestamp, "by": actor}
        self._followed_up_since_resolve = False
        self.follow_up_attempts = []
        if follow_up_deadline is not None:
            self.deadlines["follow_up"] = follow_up_deadline

    def follow_up(  # noqa: PLR0913
        self,
        *,
        actor: Actor,
        timestamp: datetime,
        satisfaction: Satisfaction | None,
        method: str,
        policy: DeadlinePolicy,
        zone: Any,
        comment: str | None = None,
        solved: bool | None = None,
        attempt: bool = False,
    ) -> None:
        """回访, by someone other than whoever resolved it. ``attempt``: a call nobody answered; ``unreachable``
        (联系不上) only after 3 such attempts on at least 2 local days. Unsatisfied reopens the case."""
        self._require("follow-up")
        if self.resolution and self.resolution["by"].get("id") == actor.id:
            raise TransitionNotAllowed(
                state=str(self.status), command="follow-up", reason="whoever resolved a case may not follow it up"
            )
        if not attempt:
            self._check_answer(satisfaction, zone)
        reopens = not attempt and satisfaction == Satisfaction.UNSATISFIED
        self._followed_up(
            actor=actor.as_record(),
            timestamp=timestamp,
            satisfaction=None if attempt else str(satisfaction),
            method=method,
            comment=comment,
            solved=solved,
            attempt=attempt,
            accept_deadline=self._reopen_deadline(policy, timestamp) if reopens else None,
        )

    def _check_answer(self, satisfaction: Satisfaction | None, zone: Any) -> None:
        if satisfaction not in Satisfaction.__members__.values():
            raise InvalidCommand("satisfaction", f"'{satisfaction}' is not a follow-up answer")
        if satisfaction == Satisfaction.UNREACHABLE:
            days = {attempt["at"].astimezone(zone).date() for attempt in self.follow_up_attempts}
            if len(self.follow_up_attempts) < UNREACHABLE_AFTER_ATTEMPTS or len(days) < UNREACHABLE_AFTER_DAYS:
                raise TransitionNotAllowed(
                    state=str(self.status),
                    command="follow-up",
                    reason=f"'unreachable' needs {UNREACHABLE_AFTER_ATTEMPTS} unanswered attempts on at least "
                    f"{UNREACHABLE_AFTER_DAYS} days first ({len(self.follow_up_attempts)} on {len(days)} so far)",
                )

    class FollowedUp(Aggregate.Event):
        actor: Record
        timestamp: datetime
        satisfaction: str | None
        method: str
        comment: str | None
        solved: bool | None
        attempt: bool
        accept_deadline: Deadline | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state.update(solved=None, attempt=False, accept_deadline=None)

    @event(FollowedUp)
    def _followed_up(  # noqa: PLR0913
        self,
        *,
        actor: Record,
        timestamp: datetime,
        satisfaction: str | None,
        method: str,
        comment: str | None,
        solved: bool | None,
        attempt: bool,
        accept_deadline: Deadline | None,
    ) -> None:
        if attempt:
            self.follow_up_attempts.append({"method": method, "comment": comment, "at": timestamp, "by": actor})
            return
        record = {"satisfaction": satisfaction, "method": method, "comment": comment, "at": timestamp, "by": actor}
        if solved is not None:
            record["solved"] = solved
        self.follow_ups.append(record)
        self._followed_up_since_resolve = True
        self._meet("follow_up", timestamp)
        if satisfaction == Satisfaction.UNSATISFIED:
            self._reopen(timestamp, accept_deadline)

    def reopen(self, *, actor: Actor, timestamp: datetime, reason: str, policy: DeadlinePolicy) -> None:
        self._require("reopen")
        self._reopened(
            actor=actor.as_record(),
            timestamp=timestamp,
            reason=reason,
            accept_deadline=self._reopen_deadline(policy, timestamp),
        )

    class Reopened(Aggregate.Event):
        actor: Record
        timestamp: datetime
        reason: str
        accept_deadline: Deadline | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state["accept_deadline"] = None

    @event(Reopened)
    def _reopened(self, *, actor: Record, timestamp: datetime, reason: str, accept_deadline: Deadline | None) -> None:
        self._reopen(timestamp, accept_deadline)

    def _reopen_deadline(self, policy: DeadlinePolicy, timestamp: datetime) -> Deadline | None:
        """An on-the-spot fix that did not hold goes to the centre's triage with a fresh accept clock."""
        if self._status_before_resolve != Status.REPORTED:
            return None
        return self._deadline(policy, "accept", timestamp)

    def _reopen(self, timestamp: datetime, accept_deadline: Deadline | None) -> None:
        """返工: back to whoever was working it (a department, a meeting's lead, or the centre's triage)."""
        self.status = self._status_before_resolve
        self.reopen_count += 1
        if accept_deadline is not None:
            self.deadlines["accept"] = accept_deadline
        elif self.status == Status.REPORTED:
            self.deadlines.pop("accept", None)  # older code reopened into triage without a deadline
        else:
            resolve = self.deadlines.get("resolve")
            if resolve is not None:
                self.deadlines["resolve"] = {**resolve, "met_at": None}  # the same deadline runs again

    def close(self, *, actor: Actor, timestamp: datetime) -> None:
        self._require("close")
        if not self._followed_up_since_resolve:
            raise TransitionNotAllowed(
                state=str(self.status), command="close", reason="a follow-up (回访) must be recorded first"
            )
        self._closed(actor=actor.as_record(), timestamp=timestamp)

    @event("Closed")
    def _closed(self, *, actor: Record, timestamp: datetime) -> None:
        self.status = Status.CLOSED

    # -- guards ----------------------------------------------------------------------------
    def check_allowed(self, command: str) -> None:
        """Raise TransitionNotAllowed unless the lifecycle allows ``command`` in the current state."""
        self._require(command)

    def _require(self, command: str) -> None:
        if self.status not in ALLOWED_FROM[command]:
            raise TransitionNotAllowed(state=str(self.status), command=command)
        if self.suspended and command in HELD_WHILE_SUSPENDED:
            raise TransitionNotAllowed(
                state=str(self.status), command=command, reason="the case is suspended (缓办); resume it first"
            )
        if command == "resume" and not self.suspended:
            raise TransitionNotAllowed(state=str(self.status), command=command, reason="the case is not suspended")

    def _check_lead_not_co(self, lead_department: str, co_departments: list[str]) -> None:
        if lead_department in co_departments:
            raise InvalidCommand("co_departments", "the lead department cannot also co-handle")

    def _check_later(self, due_at: datetime, timestamp: datetime) -> None:
        current = self.due_at
        if current is not None and due_at <= current:
            raise InvalidCommand("due_at", f"must be later than the current deadline {current.isoformat()}")
        if due_at <= timestamp:
            raise InvalidCommand("due_at", "must be in the future")

    def _deadline(self, policy: DeadlinePolicy, stage: str, start: datetime) -> Deadline:
        return {**policy.deadline(track=self.track, category=self.category, stage=stage, start=start), "met_at": None}

    def _meet(self, stage: str, timestamp: datetime) -> None:
        deadline = self.deadlines.get(stage)
        if deadline is not None and deadline["met_at"] is None:
            self.deadlines[stage] = {**deadline, "met_at": timestamp}


def report_case(*, case_no: str, report: Record, actor: Record, timestamp: datetime, policy: DeadlinePolicy) -> Case:
    """A new case; its accept clock (受理) starts now, by the rules and calendar in force."""
    accept = policy.deadline(track=report["track"], category=report["category"], stage="accept", start=timestamp)
    return Case(
        case_no=case_no, report=report, actor=actor, timestamp=timestamp, accept_deadline={**accept, "met_at": None}
    )
