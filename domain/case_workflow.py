"""The commands of a case around departments and the clock (issue 13): 改派, 协办确认, 督办, 查看联系电话,
延期申请/驳回, 缓办/恢复.

They are methods of ``Case``, written here to keep domain/case.py readable, and bound into its class body by
an import there: so their events are the Case's own (topic ``domain.case:Case.Urged``, …), as a projection and
an audit expect. Every function's ``self`` is a Case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import event

from domain.actor import Actor
from domain.case_clock import Deadline, moved_after_suspension
from domain.case_types import Status
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.time_limit_rules import RETURN_WINDOW, DeadlinePolicy
from domain.working_days import WorkingDays

Record = dict[str, Any]


def redispatch(
    self,
    *,
    actor: Actor,
    timestamp: datetime,
    lead_department: str,
    co_departments: list[str],
    reason: str,
    policy: DeadlinePolicy,
) -> None:
    """改派: another lead department; the claim clock restarts, the resolve deadline stays."""
    self._require("redispatch")
    self._check_lead_not_co(lead_department, co_departments)
    self._redispatched(
        actor=actor.as_record(),
        timestamp=timestamp,
        lead_department=lead_department,
        co_departments=list(dict.fromkeys(co_departments)),
        reason=reason,
        previous_department=self.lead_department,
        claim_deadline=self._deadline(policy, "claim", timestamp),
        return_until=self._deadline(policy, RETURN_WINDOW, timestamp)["due_at"],
    )


@event("Redispatched")
def _redispatched(  # noqa: PLR0913
    self,
    *,
    actor: Record,
    timestamp: datetime,
    lead_department: str,
    co_departments: list[str],
    reason: str,
    previous_department: str | None,
    claim_deadline: Deadline,
    return_until: datetime | None,
) -> None:
    self.status = Status.DISPATCHED
    self.lead_department, self.co_departments = lead_department, list(co_departments)
    self.deadlines["claim"] = claim_deadline
    self.return_until = return_until
    self.acknowledged_by = []
    self.extension_request = None


def acknowledge(self, *, actor: Actor, timestamp: datetime, department: str) -> None:
    """协办确认: a co-department confirms it has the case."""
    self._require("acknowledge")
    if department not in self.co_departments:
        raise InvalidCommand("department", f"'{department}' does not co-handle case {self.case_no}")
    if department in self.acknowledged_by:
        raise TransitionNotAllowed(
            state=str(self.status), command="acknowledge", reason=f"'{department}' has acknowledged it already"
        )
    self._acknowledged(actor=actor.as_record(), timestamp=timestamp, department=department)


@event("Acknowledged")
def _acknowledged(self, *, actor: Record, timestamp: datetime, department: str) -> None:
    self.acknowledged_by.append(department)


def urge(self, *, actor: Actor, timestamp: datetime, note: str) -> None:
    """督办/催办: anyone overseeing presses; the case records it and counts."""
    self._require("urge")
    self._urged(actor=actor.as_record(), timestamp=timestamp, note=note, stage=self.running_stage)


@event("Urged")
def _urged(self, *, actor: Record, timestamp: datetime, note: str, stage: str) -> None:
    self.urges += 1


def reveal_contact(self, *, actor: Actor, timestamp: datetime, purpose: str) -> str:
    """The reporter's phone in full, for a call back; who saw it and why is recorded."""
    self._require("reveal-contact")
    phone = (self.details.get("reporter") or {}).get("phone")
    if not phone:
        raise TransitionNotAllowed(
            state=str(self.status), command="reveal-contact", reason="the reporter left no phone number"
        )
    self._contact_revealed(actor=actor.as_record(), timestamp=timestamp, purpose=purpose, field="reporter.phone")
    return str(phone)


@event("ContactRevealed")
def _contact_revealed(self, *, actor: Record, timestamp: datetime, purpose: str, field: str) -> None:
    pass


def request_extension(self, *, actor: Actor, timestamp: datetime, due_at: datetime, reason: str) -> None:
    """延期申请: the lead department asks; one request waits at a time."""
    self._require("request-extension")
    if self.extension_request is not None:
        raise TransitionNotAllowed(
            state=str(self.status), command="request-extension", reason="an extension request is pending already"
        )
    self._check_later(due_at, timestamp)
    self._extension_requested(actor=actor.as_record(), timestamp=timestamp, due_at=due_at, reason=reason)


@event("ExtensionRequested")
def _extension_requested(self, *, actor: Record, timestamp: datetime, due_at: datetime, reason: str) -> None:
    self.extension_request = {"due_at": due_at, "reason": reason, "at": timestamp, "by": actor}


def refuse_extension(self, *, actor: Actor, timestamp: datetime, reason: str) -> None:
    self._require("refuse-extension")
    if self.extension_request is None:
        raise TransitionNotAllowed(
            state=str(self.status), command="refuse-extension", reason="no extension request is pending"
        )
    self._extension_refused(
        actor=actor.as_record(),
        timestamp=timestamp,
        reason=reason,
        requested_due_at=self.extension_request["due_at"],
    )


@event("ExtensionRefused")
def _extension_refused(self, *, actor: Record, timestamp: datetime, reason: str, requested_due_at: datetime) -> None:
    self.extension_request = None


def suspend(self, *, actor: Actor, timestamp: datetime, reason: str, until: datetime | None = None) -> None:
    """缓办/挂起: the clock stops; a suspended case is never overdue."""
    self._require("suspend")
    if until is not None and until <= timestamp:
        raise InvalidCommand("until", "must be in the future")
    self._suspended(actor=actor.as_record(), timestamp=timestamp, reason=reason, until=until)


@event("Suspended")
def _suspended(self, *, actor: Record, timestamp: datetime, reason: str, until: datetime | None) -> None:
    self.suspended_at = timestamp


def resume(self, *, actor: Actor, timestamp: datetime, calendar: WorkingDays, calendar_version: int) -> None:
    """The clock runs again: each running deadline moves by the working time spent suspended."""
    self._require("resume")
    if self.suspended_at is None:
        raise TransitionNotAllowed(state=str(self.status), command="resume", reason="the case is not suspended")
    moved = moved_after_suspension(self.deadlines, self.suspended_at, timestamp, calendar)
    self._resumed(
        actor=actor.as_record(),
        timestamp=timestamp,
        suspended_at=self.suspended_at,
        moved=moved,
        calendar_version=calendar_version,
    )


@event("Resumed")
def _resumed(
    self,
    *,
    actor: Record,
    timestamp: datetime,
    suspended_at: datetime,
    moved: dict[str, datetime],
    calendar_version: int,
) -> None:
    for stage, due_at in moved.items():
        self.deadlines[stage] = {**self.deadlines[stage], "due_at": due_at}
    self.suspended_at = None
