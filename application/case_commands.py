"""The case commands of API.md: each checks its references, then declares its change for the command path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.case_workflow_commands import CaseWorkflowCommands
from application.commands import Change, CommandHandler, CommandResult, Context, Create
from application.errors import InvalidReference, NotFound
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger
from application.linked_cases import raise_case
from application.staff import StaffMember
from domain.case import Case
from domain.case_types import Category, Satisfaction, Track
from domain.meeting import Meeting


class CaseCommands(CaseWorkflowCommands):
    """Each takes primitives plus the acting staff member, and ``expected_version``/``idempotency``."""

    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.handler = CommandHandler(ledger, ledger.load_case, ledger.case_policy)

    def report(
        self, staff: StaffMember, report: dict[str, Any], *, idempotency: IdempotencyKey | None = None
    ) -> CommandResult:
        if self.ledger.directory.grid_path(report["grid"]) is None:
            raise InvalidReference("grid", f"unknown grid '{report['grid']}'")
        self.ledger.case_policy.check_report(staff, report["grid"])

        return self.handler.create(
            staff, Create(lambda c: raise_case(self.ledger, c.session, staff, report, c.now)), idempotency=idempotency
        )

    def accept(
        self,
        staff: StaffMember,
        case_id: str,
        *,
        category: str | None = None,
        track: str | None = None,
        note: str | None = None,
        **options: Any,
    ) -> CommandResult:
        def act(case: Case, c: Context) -> None:
            case.accept(
                actor=c.actor,
                timestamp=c.now,
                note=note,
                category=Category(category) if category else None,
                track=Track(track) if track else None,
            )

        return self.handler.handle(staff, case_id, Change("accept", act), **options)

    def reject(self, staff: StaffMember, case_id: str, *, reason: str, **options: Any) -> CommandResult:
        return self.handler.handle(
            staff,
            case_id,
            Change("reject", lambda case, c: case.reject(actor=c.actor, timestamp=c.now, reason=reason)),
            **options,
        )

    def merge(self, staff: StaffMember, case_id: str, *, into: str, **options: Any) -> CommandResult:
        def act(case: Case, c: Context) -> None:
            try:
                target = self.ledger.load_case(into)
            except NotFound:
                raise InvalidReference("into", f"unknown case '{into}'") from None
            self.ledger.case_policy.check_command(staff, "merge", target)
            case.merge_into(target, actor=c.actor, timestamp=c.now)
            c.save_with(target)

        return self.handler.handle(staff, case_id, Change("merge", act), **options)

    def dispatch(
        self,
        staff: StaffMember,
        case_id: str,
        *,
        lead_department: str,
        co_departments: list[str],
        note: str | None = None,
        **options: Any,
    ) -> CommandResult:
        self._check_departments("lead_department", [lead_department])
        self._check_departments("co_departments", co_departments)
        return self.handler.handle(
            staff,
            case_id,
            Change(
                "dispatch",
                lambda case, c: case.dispatch(
                    actor=c.actor,
                    timestamp=c.now,
                    lead_department=lead_department,
                    co_departments=co_departments,
                    note=note,
                    policy=self.ledger.clock_rules.policy(),
                ),
            ),
            **options,
        )

    def claim(self, staff: StaffMember, case_id: str, **options: Any) -> CommandResult:
        return self.handler.handle(
            staff, case_id, Change("claim", lambda case, c: case.claim(actor=c.actor, timestamp=c.now)), **options
        )

    def return_to_centre(self, staff: StaffMember, case_id: str, *, reason: str, **options: Any) -> CommandResult:
        return self.handler.handle(
            staff,
            case_id,
            Change("return", lambda case, c: case.return_to_centre(actor=c.actor, timestamp=c.now, reason=reason)),
            **options,
        )

    def note(
        self,
        staff: StaffMember,
        case_id: str,
        *,
        text: str,
        attachments: list[dict[str, Any]] | None = None,
        **options: Any,
    ) -> CommandResult:
        return self.handler.handle(
            staff,
            case_id,
            Change(
                "note",
                lambda case, c: case.add_note(actor=c.actor, timestamp=c.now, text=text, attachments=attachments),
            ),
            **options,
        )

    def extend(
        self, staff: StaffMember, case_id: str, *, due_at: datetime, reason: str, **options: Any
    ) -> CommandResult:
        return self.handler.handle(
            staff,
            case_id,
            Change("extend", lambda case, c: case.extend(actor=c.actor, timestamp=c.now, due_at=due_at, reason=reason)),
            **options,
        )

    def resolve(
        self,
        staff: StaffMember,
        case_id: str,
        *,
        result: str,
        attachments: list[dict[str, Any]] | None = None,
        **options: Any,
    ) -> CommandResult:
        return self.handler.handle(
            staff,
            case_id,
            Change(
                "resolve",
                lambda case, c: case.resolve(
                    actor=c.actor,
                    timestamp=c.now,
                    result=result,
                    attachments=attachments,
                    policy=self.ledger.clock_rules.policy(),
                ),
            ),
            **options,
        )

    def follow_up(
        self,
        staff: StaffMember,
        case_id: str,
        *,
        method: str,
        satisfaction: str | None = None,
        comment: str | None = None,
        solved: bool | None = None,
        attempt: bool = False,
        **options: Any,
    ) -> CommandResult:
        """回访; ``attempt=True`` records a call nobody answered (``satisfaction`` is then not asked)."""
        return self.handler.handle(
            staff,
            case_id,
            Change(
                "follow-up",
                lambda case, c: case.follow_up(
                    actor=c.actor,
                    timestamp=c.now,
                    satisfaction=Satisfaction(satisfaction) if satisfaction else None,
                    method=method,
                    comment=comment,
                    solved=solved,
                    attempt=attempt,
                    policy=self.ledger.clock_rules.policy(),
                    zone=self.ledger.local_zone,
                ),
            ),
            **options,
        )

    def reopen(self, staff: StaffMember, case_id: str, *, reason: str, **options: Any) -> CommandResult:
        return self.handler.handle(
            staff,
            case_id,
            Change(
                "reopen",
                lambda case, c: case.reopen(
                    actor=c.actor, timestamp=c.now, reason=reason, policy=self.ledger.clock_rules.policy()
                ),
            ),
            **options,
        )

    def close(self, staff: StaffMember, case_id: str, **options: Any) -> CommandResult:
        def act(case: Case, c: Context) -> None:
            case.close(actor=c.actor, timestamp=c.now)
            if case.meeting_id is None:
                return
            meeting = self.ledger.load_meeting(case.meeting_id)  # 销号 on the meeting's list, atomically
            if meeting.items.get(str(case.id), {}).get("assignment") is None:
                return
            meeting.tick_off(case_id=str(case.id), actor=c.actor, timestamp=c.now)
            c.save_with(meeting)

        return self.handler.handle(staff, case_id, Change("close", act), **options)

    def escalate(
        self, staff: StaffMember, case_id: str, *, meeting_id: str, reason: str, **options: Any
    ) -> CommandResult:
        def act(case: Case, c: Context) -> None:
            meeting = self._meeting(meeting_id)
            if not self.ledger.directory.is_within(case.grid, meeting.org):
                raise InvalidReference("meeting_id", f"the meeting '{meeting.title}' does not cover grid '{case.grid}'")
            case.escalate(meeting, actor=c.actor, timestamp=c.now, reason=reason)
            c.save_with(meeting)

        return self.handler.handle(
            staff, case_id, Change("escalate", act, linked=lambda case: [case.meeting_id]), **options
        )

    def assign(
        self,
        staff: StaffMember,
        case_id: str,
        *,
        lead_department: str,
        co_departments: list[str],
        deadline: datetime,
        instruction: str | None = None,
        **options: Any,
    ) -> CommandResult:
        self._check_departments("lead_department", [lead_department])
        self._check_departments("co_departments", co_departments)

        def act(case: Case, c: Context) -> None:
            meeting = self._meeting(case.meeting_id or "")
            case.assign(
                meeting,
                actor=c.actor,
                timestamp=c.now,
                lead_department=lead_department,
                co_departments=co_departments,
                deadline=deadline,
                instruction=instruction,
            )
            c.save_with(meeting)

        return self.handler.handle(staff, case_id, Change("assign", act), **options)

    def _meeting(self, meeting_id: str) -> Meeting:
        try:
            return self.ledger.load_meeting(meeting_id)
        except NotFound:
            raise InvalidReference("meeting_id", f"unknown meeting '{meeting_id}'") from None
