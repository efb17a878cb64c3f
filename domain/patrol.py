"""The Patrol aggregate (巡查): a walk through a grid, its check-ins and what was found on the way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.case_types import CATEGORY_LABELS, MUST_REPORT, Category
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.patrol_types import PatrolKind

Record = dict[str, Any]
ON_PATROL, ENDED = "on_patrol", "ended"


class Patrol(Aggregate):
    """A patrol from start to end; findings are fixed on the spot or become linked cases."""

    @event("Started")
    def __init__(self, *, grid: str, kind: str, members: list[Record], actor: Record, timestamp: datetime) -> None:
        self.grid, self.kind = grid, PatrolKind(kind)
        self.members = list(members)
        self.started_by = actor
        self.started_at = timestamp
        self.status = ON_PATROL
        self.checkpoints: list[Record] = []
        self.findings: list[Record] = []
        self.ended_at: datetime | None = None
        self.summary: str | None = None

    @classmethod
    def start(cls, *, grid: str, kind: PatrolKind, members: list[Record], actor: Actor, timestamp: datetime) -> Patrol:
        if not members:
            raise InvalidCommand("members", "a patrol has at least one member")
        return cls(grid=grid, kind=str(kind), members=members, actor=actor.as_record(), timestamp=timestamp)

    def has_member(self, staff_id: str) -> bool:
        return self.started_by["id"] == staff_id or any(m["id"] == staff_id for m in self.members)

    # -- on the way -----------------------------------------------------------------------------
    def record_checkpoint(
        self, *, actor: Actor, timestamp: datetime, place: str, lat: float | None = None, lon: float | None = None
    ) -> None:
        self._require("check in")
        self._checkpoint(actor=actor.as_record(), timestamp=timestamp, place=place, lat=lat, lon=lon)

    @event("CheckpointRecorded")
    def _checkpoint(
        self, *, actor: Record, timestamp: datetime, place: str, lat: float | None, lon: float | None
    ) -> None:
        self.checkpoints.append({"place": place, "lat": lat, "lon": lon, "at": timestamp, "by": actor})

    def check_finding(self, *, category: Category, resolved_on_spot: bool) -> None:
        """Refuses a finding before anything is saved: a patrol that ended, or a 4必报 fixed on the spot."""
        self._require("record a finding")
        if resolved_on_spot and category in MUST_REPORT:
            raise InvalidCommand(
                "resolved_on_spot",
                f"{CATEGORY_LABELS[category]} is one of the 4必报: "
                "it must be reported to the governance centre, not fixed on the spot",
            )

    def record_finding(
        self,
        *,
        actor: Actor,
        timestamp: datetime,
        description: str,
        category: Category,
        resolved_on_spot: bool,
        case_id: str | None,
    ) -> int:
        """A finding; one not fixed on the spot names the case raised for it (saved with it)."""
        self.check_finding(category=category, resolved_on_spot=resolved_on_spot)
        if resolved_on_spot == (case_id is not None):
            raise InvalidCommand("case_id", "a finding is either fixed on the spot or becomes a case")
        number = len(self.findings) + 1
        self._finding(
            actor=actor.as_record(),
            timestamp=timestamp,
            number=number,
            description=description,
            category=str(category),
            resolved_on_spot=resolved_on_spot,
            case_id=case_id,
        )
        return number

    @event("FindingRecorded")
    def _finding(
        self,
        *,
        actor: Record,
        timestamp: datetime,
        number: int,
        description: str,
        category: str,
        resolved_on_spot: bool,
        case_id: str | None,
    ) -> None:
        self.findings.append(
            {
                "number": number,
                "description": description,
                "category": category,
                "resolved_on_spot": resolved_on_spot,
                "case_id": case_id,
                "at": timestamp,
                "by": actor,
            }
        )

    def end(self, *, actor: Actor, timestamp: datetime, summary: str) -> None:
        self._require("end")
        self._ended(actor=actor.as_record(), timestamp=timestamp, summary=summary)

    @event("Ended")
    def _ended(self, *, actor: Record, timestamp: datetime, summary: str) -> None:
        self.status, self.ended_at, self.summary = ENDED, timestamp, summary

    def _require(self, command: str) -> None:
        if self.status != ON_PATROL:
            raise TransitionNotAllowed(state=self.status, command=command, subject="patrol")
