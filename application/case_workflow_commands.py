"""The commands around departments and the clock (API.md "Accountability"): 改派, 延期申请, 缓办, 督办, 协办, contact.

A mixin of ``CaseCommands``: each declares its change for the one command path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.commands import Change, CommandHandler, CommandResult, Context
from application.errors import InvalidReference
from application.ledger import GridLedger
from application.personal_data_commands import disclosure
from application.staff import StaffMember
from domain.case import Case


class CaseWorkflowCommands:
    ledger: GridLedger
    handler: CommandHandler[Case]

    def redispatch(
        self,
        staff: StaffMember,
        case_id: str,
        *,
        lead_department: str,
        co_departments: list[str],
        reason: str,
        **options: Any,
    ) -> CommandResult:
        self._check_departments("lead_department", [lead_department])
        self._check_departments("co_departments", co_departments)

        def act(case: Case, c: Context) -> None:
            case.redispatch(
                actor=c.actor,
                timestamp=c.now,
                lead_department=lead_department,
                co_departments=co_departments,
                reason=reason,
                policy=self.ledger.clock_rules.policy(),
            )

        return self.handler.handle(staff, case_id, Change("redispatch", act), **options)

    def request_extension(
        self, staff: StaffMember, case_id: str, *, due_at: datetime, reason: str, **options: Any
    ) -> CommandResult:
        return self._change(
            staff,
            case_id,
            "request-extension",
            lambda case, c: case.request_extension(actor=c.actor, timestamp=c.now, due_at=due_at, reason=reason),
            options,
        )

    def refuse_extension(self, staff: StaffMember, case_id: str, *, reason: str, **options: Any) -> CommandResult:
        return self._change(
            staff,
            case_id,
            "refuse-extension",
            lambda case, c: case.refuse_extension(actor=c.actor, timestamp=c.now, reason=reason),
            options,
        )

    def suspend(
        self, staff: StaffMember, case_id: str, *, reason: str, until: datetime | None = None, **options: Any
    ) -> CommandResult:
        return self._change(
            staff,
            case_id,
            "suspend",
            lambda case, c: case.suspend(actor=c.actor, timestamp=c.now, reason=reason, until=until),
            options,
        )

    def resume(self, staff: StaffMember, case_id: str, **options: Any) -> CommandResult:
        def act(case: Case, c: Context) -> None:
            policy = self.ledger.clock_rules.policy()
            case.resume(
                actor=c.actor, timestamp=c.now, calendar=policy.calendar, calendar_version=policy.calendar_version
            )

        return self.handler.handle(staff, case_id, Change("resume", act), **options)

    def urge(self, staff: StaffMember, case_id: str, *, note: str, **options: Any) -> CommandResult:
        return self._change(
            staff, case_id, "urge", lambda case, c: case.urge(actor=c.actor, timestamp=c.now, note=note), options
        )

    def acknowledge(self, staff: StaffMember, case_id: str, **options: Any) -> CommandResult:
        return self._change(
            staff,
            case_id,
            "acknowledge",
            lambda case, c: case.acknowledge(actor=c.actor, timestamp=c.now, department=staff.department or ""),
            options,
        )

    def reveal_contact(
        self, staff: StaffMember, case_id: str, *, purpose: str, **options: Any
    ) -> tuple[CommandResult, str]:
        """The reporter's phone in full, for the follow-up call; the disclosure is an event of the case.

        A replay (same Idempotency-Key) answers the phone again, from the case as that command left it.
        """
        result = self._change(
            staff,
            case_id,
            "reveal-contact",
            lambda case, c: _reveal(case, c, purpose),
            options,
        )
        case = self.ledger.state_after(result)
        return result, str(case.details["reporter"]["phone"])

    def _check_departments(self, field: str, codes: list[str]) -> None:
        for code in codes:
            if self.ledger.directory.find_department(code) is None:
                raise InvalidReference(field, f"unknown department '{code}'")

    def _change(self, staff: StaffMember, case_id: str, name: str, act: Any, options: dict[str, Any]) -> CommandResult:
        return self.handler.handle(staff, case_id, Change(name, act), **options)


def _reveal(case: Case, context: Context, purpose: str) -> None:
    """reveal-contact, and its disclosure (whose phone: the person key) among the audit's disclosures."""
    case.reveal_contact(actor=context.actor, timestamp=context.now, purpose=purpose)
    context.save_with(disclosure(context, "case", str(case.id), [case.details["reporter"]], purpose))
