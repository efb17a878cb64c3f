"""Handover meetings (交办会): schedule, hold, close — by the meeting secretary or an admin."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from application.errors import Forbidden, InvalidReference, VersionMismatch
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger, Outcome
from application.staff import StaffMember
from domain.actor import Role
from domain.meeting import LEVELS, Meeting

ORGANISERS = (Role.MEETING_SECRETARY, Role.ADMIN)


class MeetingCommands:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger

    def schedule(self, staff: StaffMember, *, title: str, level: str, org: str, scheduled_for: date,
                 chair: str, idempotency: IdempotencyKey | None = None) -> Outcome:
        self._check_organiser(staff)
        grid = self.ledger.directory.find_grid(org)
        if grid is None:
            raise InvalidReference("org", f"unknown grid '{org}'")
        if level not in LEVELS or grid["level"] != level:
            raise InvalidReference("level", f"a {level} meeting needs a {level}-level organisation; "
                                            f"'{org}' is a {grid['level']}")

        def run(session: Any, now: datetime) -> list[Meeting]:
            return [Meeting(title=title, level=level, org=org, scheduled_for=scheduled_for.isoformat(),
                            chair=chair, actor=staff.actor.as_record(), timestamp=now)]

        return self.ledger.execute(staff, idempotency, run)

    def hold(self, staff: StaffMember, meeting_id: str, *, attendees: list[str], minutes: str,
             **options: Any) -> Outcome:
        return self._command(staff, meeting_id, lambda meeting, now: meeting.hold(
            actor=staff.actor, timestamp=now, local_date=now.astimezone(self.ledger.local_zone).date(),
            attendees=attendees, minutes=minutes), **options)

    def close(self, staff: StaffMember, meeting_id: str, **options: Any) -> Outcome:
        return self._command(staff, meeting_id, lambda meeting, now: meeting.close(
            actor=staff.actor, timestamp=now), **options)

    def _command(self, staff: StaffMember, meeting_id: str, act: Any, *, expected_version: int | None = None,
                 idempotency: IdempotencyKey | None = None) -> Outcome:
        self._check_organiser(staff)

        def run(session: Any, now: datetime) -> list[Meeting]:
            meeting = self.ledger.load_meeting(meeting_id)
            if expected_version is not None and expected_version != meeting.version:
                raise VersionMismatch(expected=expected_version, actual=meeting.version)
            act(meeting, now)
            return [meeting]

        return self.ledger.execute(staff, idempotency, run)

    @staticmethod
    def _check_organiser(staff: StaffMember) -> None:
        if staff.role not in ORGANISERS:
            raise Forbidden("only the meeting secretary or an admin runs handover meetings")
