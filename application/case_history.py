"""Reading a case's past: its events in order, and its state at a version or a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.case import Case

ENVELOPE = ("originator_id", "originator_version", "originator_topic", "timestamp", "actor")


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    type: str
    at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


def history_entries(events: list[Any]) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            version=event.originator_version,
            type=type(event).__name__,
            at=event.timestamp,
            actor=event.actor,
            data={k: v for k, v in vars(event).items() if k not in ENVELOPE},
        )
        for event in events
    ]


def state_as_of(events: list[Any], moment: datetime) -> Case | None:
    """The case as it stood at ``moment``: all events up to then, applied in order."""
    case = None
    for event in events:
        if event.timestamp > moment:
            break
        case = event.mutate(case)
    return case
