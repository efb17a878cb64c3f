"""The Case aggregate (案件): one resident's problem from report to close, as immutable events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor, Role
from domain.case_types import FINISHED, MUST_REPORT, Category, Satisfaction, Status, Track
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.meeting import Meeting

Record = dict[str, Any]
WORKING = (Status.IN_PROGRESS, Status.ASSIGNED)

# The lifecycle: the states each command may be issued in (see DOMAIN.md).
ALLOWED_FROM: dict[str, tuple[Status, ...]] = {
    "accept": (Status.REPORTED,),
    "reject": (Status.REPORTED,),
    "merge": (Status.REPORTED,),
    "dispatch": (Status.ACCEPTED,),
    "claim": (Status.DISPATCHED,),
    "return": (Status.DISPATCHED,),
    "note": (Status.IN_PROGRESS, Status.ASSIGNED, Status.ESCALATED),
    "extend": (Status.DISPATCHED, Status.IN_PROGRESS, Status.ASSIGNED),
    "escalate": (Status.ACCEPTED, Status.IN_PROGRESS),
    "assign": (Status.ESCALATED,),
    "resolve": (Status.REPORTED, *WORKING),  # from reported only on the spot (见事管事)
    "follow-up": (Status.RESOLVED,),
    "reopen": (Status.RESOLVED,),
    "close": (Status.RESOLVED,),
}


def due_at_for(status: str, claim_due_at: datetime | None, resolve_due_at: datetime | None) -> datetime | None:
    """The deadline that runs now: to claim before work starts, to resolve after."""
    if status in (Status.ACCEPTED, Status.DISPATCHED):
        return claim_due_at
    return resolve_due_at


class Case(Aggregate):
    """A case and the rules of its lifecycle; every public method is one command."""

    @event("Reported")
    def __init__(  # noqa: PLR0913 - the report carries everything the resident said
        self,
        *,
        case_no: str,
        report: Record,
        actor: Record,
        timestamp: datetime,
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
        self.claim_due_at: datetime | None = None
        self.resolve_due_at: datetime | None = None
        self.meeting_id: str | None = None
        self.follow_ups: list[Record] = []
        self.merged_into: str | None = None
        self.merged_cases: list[str] = []
        self.resolution: Record | None = None
        self.reopen_count = 0
        self._status_before_resolve = Status.IN_PROGRESS
        self._followed_up_since_resolve = False

    # -- reading ---------------------------------------------------------------------------
    @property
    def due_at(self) -> datetime | None:
        return due_at_for(self.status, self.claim_due_at, self.resolve_due_at)

    def is_overdue(self, now: datetime) -> bool:
        return self.status not in FINISHED and self.due_at is not None and now > self.due_at

    # -- triage ----------------------------------------------------------------------------
    def accept(
        self,
        *,
        actor: Actor,
        timestamp: datetime,
        claim_due_at: datetime,
        resolve_due_at: datetime,
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
            claim_due_at=claim_due_at,
            resolve_due_at=resolve_due_at,
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
        claim_due_at: datetime,
        resolve_due_at: datetime,
    ) -> None:
        self.status = Status.ACCEPTED
        self.category, self.track = Category(category), Track(track)
        self.claim_due_at, self.resolve_due_at = claim_due_at, resolve_due_at

    def reject(self, *, actor: Actor, timestamp: datetime, reason: str) -> None:
        self._require("reject")
        self._rejected(actor=actor.as_record(), timestamp=timestamp, reason=reason)

    @event("Rejected")
    def _rejected(self, *, actor: Record, timestamp: datetime, reason: str) -> None:
        self.status = Status.REJECTED

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
        note: str | None = None,
    ) -> None:
        self._require("dispatch")
        if lead_department in co_departments:
            raise InvalidCommand("co_departments", "the lead department cannot also co-handle")
        self._dispatched(
            actor=actor.as_record(),
            timestamp=timestamp,
            lead_department=lead_department,
            co_departments=list(dict.fromkeys(co_departments)),
            note=note,
        )

    @event("Dispatched")
    def _dispatched(
        self, *, actor: Record, timestamp: datetime, lead_department: str, co_departments: list[str], note: str | None
    ) -> None:
        self.status = Status.DISPATCHED
        self.lead_department, self.co_departments = lead_department, list(co_departments)

    def claim(self, *, actor: Actor, timestamp: datetime) -> None:
        self._require("claim")
        self._claimed(actor=actor.as_record(), timestamp=timestamp)

    @event("Claimed")
    def _claimed(self, *, actor: Record, timestamp: datetime) -> None:
        self.status = Status.IN_PROGRESS

    def return_to_centre(self, *, actor: Actor, timestamp: datetime, reason: str) -> None:
        self._require("return")
        self._returned(actor=actor.as_record(), timestamp=timestamp, reason=reason, department=self.lead_department)

    @event("Returned")
    def _returned(self, *, actor: Record, timestamp: datetime, reason: str, department: str | None) -> None:
        self.status = Status.ACCEPTED
        self.lead_department, self.co_departments = None, []

    def add_note(
        self, *, actor: Actor, timestamp: datetime, text: str, attachments: list[Record] | None = None
    ) -> None:
        self._require("note")
        self._noted(actor=actor.as_record(), timestamp=timestamp, text=text, attachments=attachments or [])

    @event("NoteAdded")
    def _noted(self, *, actor: Record, timestamp: datetime, text: str, attachments: list[Record]) -> None:
        pass

    def extend(self, *, actor: Actor, timestamp: datetime, due_at: datetime, reason: str) -> None:
        self._require("extend")
        current = self.due_at
        if current is not None and due_at <= current:
            raise InvalidCommand("due_at", f"must be later than the current deadline {current.isoformat()}")
        if due_at <= timestamp:
            raise InvalidCommand("due_at", "must be in the future")
        self._extended(
            actor=actor.as_record(), timestamp=timestamp, due_at=due_at, previous_due_at=current, reason=reason
        )

    @event("Extended")
    def _extended(
        self, *, actor: Record, timestamp: datetime, due_at: datetime, previous_due_at: datetime | None, reason: str
    ) -> None:
        if self.status == Status.DISPATCHED:
            self.claim_due_at = due_at
        else:
            self.resolve_due_at = due_at

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
        """交办: the meeting names a lead department and a deadline; both record it."""
        self._require("assign")
        if lead_department in co_departments:
            raise InvalidCommand("co_departments", "the lead department cannot also co-handle")
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
        self.resolve_due_at = deadline

    # -- resolution ------------------------------------------------------------------------
    def resolve(
        self, *, actor: Actor, timestamp: datetime, result: str, attachments: list[Record] | None = None
    ) -> None:
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

    @event("Resolved")
    def _resolved(
        self, *, actor: Record, timestamp: datetime, result: str, attachments: list[Record], on_the_spot: bool
    ) -> None:
        # Reopening returns the case to whoever had it; after an on-the-spot fix, to triage.
        self._status_before_resolve = self.status
        self.status = Status.RESOLVED
        self.resolution = {"result": result, "at": timestamp, "by": actor}
        self._followed_up_since_resolve = False

    def follow_up(
        self, *, actor: Actor, timestamp: datetime, satisfaction: Satisfaction, method: str, comment: str | None = None
    ) -> None:
        self._require("follow-up")
        if satisfaction not in Satisfaction.__members__.values():
            raise InvalidCommand("satisfaction", f"'{satisfaction}' is not a follow-up answer")
        self._followed_up(
            actor=actor.as_record(), timestamp=timestamp, satisfaction=str(satisfaction), method=method, comment=comment
        )

    @event("FollowedUp")
    def _followed_up(
        self, *, actor: Record, timestamp: datetime, satisfaction: str, method: str, comment: str | None
    ) -> None:
        self.follow_ups.append(
            {"satisfaction": satisfaction, "method": method, "comment": comment, "at": timestamp, "by": actor}
        )
        self._followed_up_since_resolve = True
        if satisfaction == Satisfaction.UNSATISFIED:
            self._reopen()

    def reopen(self, *, actor: Actor, timestamp: datetime, reason: str) -> None:
        self._require("reopen")
        self._reopened(actor=actor.as_record(), timestamp=timestamp, reason=reason)

    @event("Reopened")
    def _reopened(self, *, actor: Record, timestamp: datetime, reason: str) -> None:
        self._reopen()

    def _reopen(self) -> None:
        """返工: back to whoever was working it (a department, or a meeting's lead)."""
        self.status = self._status_before_resolve
        self.reopen_count += 1

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
