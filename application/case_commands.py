"""One method per case command: validate references, authorise, command the aggregate, save."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from application.errors import InvalidReference, NotFound, VersionMismatch
from application.idempotency import IdempotencyKey
from application.ledger import Outcome, GridLedger
from application.staff import StaffMember
from domain.case import Case
from domain.case_types import Category, Satisfaction, Track
from domain.meeting import Meeting

Act = Callable[[Case, datetime], list[Any] | None]


class CaseCommands:
    """The case commands of API.md, each taking primitives plus the acting staff member."""

    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger

    def report(self, staff: StaffMember, report: dict[str, Any], *,
               idempotency: IdempotencyKey | None = None) -> Outcome:
        if self.ledger.directory.grid_path(report["grid"]) is None:
            raise InvalidReference("grid", f"unknown grid '{report['grid']}'")
        self.ledger.case_policy.check_report(staff, report["grid"])

        def run(session: Any, now: datetime) -> list[Case]:
            case_no = self.ledger.next_case_no(session, now)
            return [Case(case_no=case_no, report=report, actor=staff.actor.as_record(), timestamp=now)]

        return self.ledger.execute(staff, idempotency, run)

    def accept(self, staff: StaffMember, case_id: str, *, category: str | None = None,
               track: str | None = None, note: str | None = None, **options: Any) -> Outcome:
        def act(case: Case, now: datetime) -> None:
            deadlines = self.ledger.time_limits.deadlines(
                track=track or case.track, category=category or case.category, accepted_at=now)
            case.accept(actor=staff.actor, timestamp=now, note=note,
                        category=Category(category) if category else None,
                        track=Track(track) if track else None,
                        claim_due_at=deadlines.claim_due_at, resolve_due_at=deadlines.resolve_due_at)

        return self._command(staff, case_id, "accept", act, **options)

    def reject(self, staff: StaffMember, case_id: str, *, reason: str, **options: Any) -> Outcome:
        return self._command(staff, case_id, "reject", lambda case, now: case.reject(
            actor=staff.actor, timestamp=now, reason=reason), **options)

    def merge(self, staff: StaffMember, case_id: str, *, into: str, **options: Any) -> Outcome:
        def act(case: Case, now: datetime) -> list[Case]:
            try:
                target = self.ledger.load_case(into)
            except NotFound:
                raise InvalidReference("into", f"unknown case '{into}'") from None
            self.ledger.case_policy.check_command(staff, "merge", target)
            case.merge_into(target, actor=staff.actor, timestamp=now)
            return [target]

        return self._command(staff, case_id, "merge", act, **options)

    def dispatch(self, staff: StaffMember, case_id: str, *, lead_department: str,
                 co_departments: list[str], note: str | None = None, **options: Any) -> Outcome:
        self._check_departments("lead_department", [lead_department])
        self._check_departments("co_departments", co_departments)
        return self._command(staff, case_id, "dispatch", lambda case, now: case.dispatch(
            actor=staff.actor, timestamp=now, lead_department=lead_department,
            co_departments=co_departments, note=note), **options)

    def claim(self, staff: StaffMember, case_id: str, **options: Any) -> Outcome:
        return self._command(staff, case_id, "claim", lambda case, now: case.claim(
            actor=staff.actor, timestamp=now), **options)

    def return_to_centre(self, staff: StaffMember, case_id: str, *, reason: str,
                         **options: Any) -> Outcome:
        return self._command(staff, case_id, "return", lambda case, now: case.return_to_centre(
            actor=staff.actor, timestamp=now, reason=reason), **options)

    def note(self, staff: StaffMember, case_id: str, *, text: str,
             attachments: list[dict[str, Any]] | None = None, **options: Any) -> Outcome:
        return self._command(staff, case_id, "note", lambda case, now: case.add_note(
            actor=staff.actor, timestamp=now, text=text, attachments=attachments), **options)

    def extend(self, staff: StaffMember, case_id: str, *, due_at: datetime, reason: str,
               **options: Any) -> Outcome:
        return self._command(staff, case_id, "extend", lambda case, now: case.extend(
            actor=staff.actor, timestamp=now, due_at=due_at, reason=reason), **options)

    def resolve(self, staff: StaffMember, case_id: str, *, result: str,
                attachments: list[dict[str, Any]] | None = None, **options: Any) -> Outcome:
        return self._command(staff, case_id, "resolve", lambda case, now: case.resolve(
            actor=staff.actor, timestamp=now, result=result, attachments=attachments), **options)

    def follow_up(self, staff: StaffMember, case_id: str, *, satisfaction: str, method: str,
                  comment: str | None = None, **options: Any) -> Outcome:
        return self._command(staff, case_id, "follow-up", lambda case, now: case.follow_up(
            actor=staff.actor, timestamp=now, satisfaction=Satisfaction(satisfaction),
            method=method, comment=comment), **options)

    def reopen(self, staff: StaffMember, case_id: str, *, reason: str, **options: Any) -> Outcome:
        return self._command(staff, case_id, "reopen", lambda case, now: case.reopen(
            actor=staff.actor, timestamp=now, reason=reason), **options)

    def close(self, staff: StaffMember, case_id: str, **options: Any) -> Outcome:
        def act(case: Case, now: datetime) -> list[Meeting]:
            case.close(actor=staff.actor, timestamp=now)
            if case.meeting_id is None:
                return []
            meeting = self.ledger.load_meeting(case.meeting_id)  # 销号 on the meeting's list, atomically
            if meeting.items.get(str(case.id), {}).get("assignment") is None:
                return []
            meeting.tick_off(case_id=str(case.id), actor=staff.actor, timestamp=now)
            return [meeting]

        return self._command(staff, case_id, "close", act, **options)

    def escalate(self, staff: StaffMember, case_id: str, *, meeting_id: str, reason: str,
                 **options: Any) -> Outcome:
        def act(case: Case, now: datetime) -> list[Meeting]:
            meeting = self._meeting(meeting_id)
            if not self.ledger.directory.is_within(case.grid, meeting.org):
                raise InvalidReference("meeting_id", f"the meeting '{meeting.title}' does not cover grid '{case.grid}'")
            case.escalate(meeting, actor=staff.actor, timestamp=now, reason=reason)
            return [meeting]

        return self._command(staff, case_id, "escalate", act, **options)

    def assign(self, staff: StaffMember, case_id: str, *, lead_department: str, co_departments: list[str],
               deadline: datetime, instruction: str | None = None, **options: Any) -> Outcome:
        self._check_departments("lead_department", [lead_department])
        self._check_departments("co_departments", co_departments)

        def act(case: Case, now: datetime) -> list[Meeting]:
            meeting = self._meeting(case.meeting_id or "")
            case.assign(meeting, actor=staff.actor, timestamp=now, lead_department=lead_department,
                        co_departments=co_departments, deadline=deadline, instruction=instruction)
            return [meeting]

        return self._command(staff, case_id, "assign", act, **options)

    def _meeting(self, meeting_id: str) -> Meeting:
        try:
            return self.ledger.load_meeting(meeting_id)
        except NotFound:
            raise InvalidReference("meeting_id", f"unknown meeting '{meeting_id}'") from None

    # -- plumbing ---------------------------------------------------------------------------
    def _command(self, staff: StaffMember, case_id: str, command: str, act: Act, *,
                 expected_version: int | None = None,
                 idempotency: IdempotencyKey | None = None) -> Outcome:
        def run(session: Any, now: datetime) -> list[Case]:
            case = self.ledger.load_case(case_id)
            if expected_version is not None and expected_version != case.version:
                raise VersionMismatch(expected=expected_version, actual=case.version)
            # State before role: whoever loses a race to change the case hears 409 (it moved on), not 403.
            case.check_allowed(command)
            self.ledger.case_policy.check_command(staff, command, case)
            return [case, *(act(case, now) or [])]

        return self.ledger.execute(staff, idempotency, run)

    def _check_departments(self, field: str, codes: list[str]) -> None:
        for code in codes:
            if self.ledger.directory.find_department(code) is None:
                raise InvalidReference(field, f"unknown department '{code}'")
