"""Patrol commands: start, check in, record findings (fixed on the spot or raised as cases), end."""

from __future__ import annotations

from typing import Any

from application.commands import Change, CommandHandler, CommandResult, Context, Create
from application.errors import InvalidReference
from application.fieldwork_policy import PatrolPolicy
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger
from application.linked_cases import check_linked_report, raise_case
from application.staff import StaffMember
from domain.case_types import Category, Channel, Track
from domain.patrol import Patrol
from domain.patrol_types import PatrolKind

TITLE_LENGTH = 30


class PatrolCommands:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.policy = ledger.fieldwork_policy
        self.handler = CommandHandler(ledger, ledger.load_patrol, PatrolPolicy(ledger.fieldwork_policy))

    def start(
        self, staff: StaffMember, *, grid: str, kind: str, members: list[str], idempotency: IdempotencyKey | None = None
    ) -> CommandResult:
        if self.ledger.directory.grid_path(grid) is None:
            raise InvalidReference("grid", f"unknown grid '{grid}'")
        self.policy.check_write(staff, grid, "start a patrol")
        crew = [
            self.ledger.directory.staff_record(staff_id, field=f"members.{number}")
            for number, staff_id in enumerate(dict.fromkeys(members))
        ]
        return self.handler.create(
            staff,
            Create(
                lambda c: Patrol.start(grid=grid, kind=PatrolKind(kind), members=crew, actor=c.actor, timestamp=c.now)
            ),
            idempotency=idempotency,
        )

    def checkpoint(
        self,
        staff: StaffMember,
        patrol_id: str,
        *,
        place: str,
        lat: float | None = None,
        lon: float | None = None,
        **options: Any,
    ) -> CommandResult:
        return self.handler.handle(
            staff,
            patrol_id,
            Change(
                "check in",
                lambda patrol, c: patrol.record_checkpoint(
                    actor=c.actor, timestamp=c.now, place=place, lat=lat, lon=lon
                ),
            ),
            **options,
        )

    def finding(
        self,
        staff: StaffMember,
        patrol_id: str,
        *,
        description: str,
        category: str,
        resolved_on_spot: bool,
        title: str | None = None,
        track: str = Track.GENERAL,
        location: dict[str, Any] | None = None,
        **options: Any,
    ) -> CommandResult:
        """A finding; one not fixed on the spot becomes a case linked to the patrol, saved with it."""

        def act(patrol: Patrol, c: Context) -> None:
            patrol.check_finding(category=Category(category), resolved_on_spot=resolved_on_spot)
            cases = []
            if not resolved_on_spot:
                report = {
                    "title": title or _title(description),
                    "description": description,
                    "category": category,
                    "channel": str(Channel.PATROL),
                    "track": str(track),
                    "grid": patrol.grid,
                    "location": location,
                    "patrol_id": str(patrol.id),
                }
                check_linked_report(self.ledger, staff, report, "finding")
                cases.append(raise_case(self.ledger, c.session, staff, report, c.now))
            patrol.record_finding(
                actor=c.actor,
                timestamp=c.now,
                description=description,
                category=Category(category),
                resolved_on_spot=resolved_on_spot,
                case_id=str(cases[0].id) if cases else None,
            )
            c.save_with(*cases)

        # The finding is the patrol's last one in the state it leaves (a replay included).
        return self.handler.handle(
            staff,
            patrol_id,
            Change("record a finding", act, linked=lambda patrol: [patrol.findings[-1]["case_id"]]),
            **options,
        )

    def end(self, staff: StaffMember, patrol_id: str, *, summary: str, **options: Any) -> CommandResult:
        return self.handler.handle(
            staff,
            patrol_id,
            Change("end", lambda patrol, c: patrol.end(actor=c.actor, timestamp=c.now, summary=summary)),
            **options,
        )


def _title(description: str) -> str:
    first_line = description.strip().splitlines()[0]
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"
