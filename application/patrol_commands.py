"""Patrol commands: start, check in, record findings (fixed on the spot or raised as cases), end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from application.errors import InvalidReference, NotFound, VersionMismatch
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger, Outcome
from application.linked_cases import check_linked_report, raise_case
from application.staff import StaffMember
from domain.case_types import Category, Channel, Track
from domain.patrol import Patrol
from domain.patrol_types import PatrolKind

Act = Callable[[Patrol, Any, datetime], list[Any] | None]
TITLE_LENGTH = 30


class PatrolCommands:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.policy = ledger.fieldwork_policy

    def start(self, staff: StaffMember, *, grid: str, kind: str, members: list[str],
              idempotency: IdempotencyKey | None = None) -> Outcome:
        if self.ledger.directory.grid_path(grid) is None:
            raise InvalidReference("grid", f"unknown grid '{grid}'")
        self.policy.check_write(staff, grid, "start a patrol")
        crew = [self._member(number, staff_id) for number, staff_id in enumerate(dict.fromkeys(members))]

        def run(session: Any, now: datetime) -> list[Patrol]:
            return [Patrol.start(grid=grid, kind=PatrolKind(kind), members=crew, actor=staff.actor, timestamp=now)]

        return self.ledger.execute(staff, idempotency, run)

    def checkpoint(self, staff: StaffMember, patrol_id: str, *, place: str, lat: float | None = None,
                   lon: float | None = None, **options: Any) -> Outcome:
        return self._command(staff, patrol_id, "check in", lambda patrol, session, now: patrol.record_checkpoint(
            actor=staff.actor, timestamp=now, place=place, lat=lat, lon=lon), **options)

    def finding(self, staff: StaffMember, patrol_id: str, *, description: str, category: str,
                resolved_on_spot: bool, title: str | None = None, track: str = Track.GENERAL,
                location: dict[str, Any] | None = None, **options: Any) -> Outcome:
        """A finding; one not fixed on the spot becomes a case linked to the patrol, saved with it."""
        def act(patrol: Patrol, session: Any, now: datetime) -> list[Any]:
            patrol.check_finding(category=Category(category), resolved_on_spot=resolved_on_spot)
            cases = []
            if not resolved_on_spot:
                report = {"title": title or _title(description), "description": description, "category": category,
                          "channel": str(Channel.PATROL), "track": str(track), "grid": patrol.grid,
                          "location": location, "patrol_id": str(patrol.id)}
                check_linked_report(self.ledger, staff, report, "finding")
                cases.append(raise_case(self.ledger, session, staff, report, now))
            patrol.record_finding(actor=staff.actor, timestamp=now, description=description,
                                  category=Category(category), resolved_on_spot=resolved_on_spot,
                                  case_id=str(cases[0].id) if cases else None)
            return cases

        return self._command(staff, patrol_id, "record a finding", act, **options)

    def end(self, staff: StaffMember, patrol_id: str, *, summary: str, **options: Any) -> Outcome:
        return self._command(staff, patrol_id, "end", lambda patrol, session, now: patrol.end(
            actor=staff.actor, timestamp=now, summary=summary), **options)

    def _member(self, number: int, staff_id: str) -> dict[str, Any]:
        try:
            person = self.ledger.directory.get_staff(staff_id)
        except NotFound:
            raise InvalidReference(f"members.{number}", f"unknown staff member '{staff_id}'") from None
        return {"id": person.id, "name": person.name, "role": person.role.value}

    def _command(self, staff: StaffMember, patrol_id: str, command: str, act: Act, *,
                 expected_version: int | None = None, idempotency: IdempotencyKey | None = None) -> Outcome:
        def run(session: Any, now: datetime) -> list[Any]:
            patrol = self.ledger.load_patrol(patrol_id)
            if expected_version is not None and expected_version != patrol.version:
                raise VersionMismatch(expected=expected_version, actual=patrol.version)
            self.policy.check_patrol_command(staff, patrol, command)
            return [patrol, *(act(patrol, session, now) or [])]

        return self.ledger.execute(staff, idempotency, run)


def _title(description: str) -> str:
    first_line = description.strip().splitlines()[0]
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[:TITLE_LENGTH - 1] + "…"
