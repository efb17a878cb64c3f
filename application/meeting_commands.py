"""Handover meetings (交办会): schedule, hold, close — by the meeting secretary or an admin."""

from __future__ import annotations

from datetime import date
from typing import Any

from application.commands import Change, CommandHandler, CommandResult, Create
from application.errors import InvalidReference
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger
from application.staff import StaffMember
from domain.meeting import LEVELS, Meeting


class MeetingCommands:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.handler = CommandHandler(ledger, ledger.load_meeting, ledger.meeting_policy)

    def schedule(
        self,
        staff: StaffMember,
        *,
        title: str,
        level: str,
        org: str,
        scheduled_for: date,
        chair: str,
        idempotency: IdempotencyKey | None = None,
    ) -> CommandResult:
        self.ledger.meeting_policy.check_role(staff, "schedule")
        grid = self.ledger.directory.find_grid(org)
        if grid is None:
            raise InvalidReference("org", f"unknown grid '{org}'")
        if level not in LEVELS or grid["level"] != level:
            raise InvalidReference(
                "level", f"a {level} meeting needs a {level}-level organisation; '{org}' is a {grid['level']}"
            )
        return self.handler.create(
            staff,
            Create(
                lambda c: Meeting(
                    title=title,
                    level=level,
                    org=org,
                    scheduled_for=scheduled_for.isoformat(),
                    chair=chair,
                    actor=c.actor.as_record(),
                    timestamp=c.now,
                )
            ),
            idempotency=idempotency,
        )

    def hold(
        self, staff: StaffMember, meeting_id: str, *, attendees: list[str], minutes: str, **options: Any
    ) -> CommandResult:
        return self.handler.handle(
            staff,
            meeting_id,
            Change(
                "hold",
                lambda meeting, c: meeting.hold(
                    actor=c.actor,
                    timestamp=c.now,
                    local_date=c.now.astimezone(self.ledger.local_zone).date(),
                    attendees=attendees,
                    minutes=minutes,
                ),
            ),
            **options,
        )

    def close(self, staff: StaffMember, meeting_id: str, **options: Any) -> CommandResult:
        return self.handler.handle(
            staff,
            meeting_id,
            Change("close", lambda meeting, c: meeting.close(actor=c.actor, timestamp=c.now)),
            **options,
        )
