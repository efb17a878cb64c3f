"""An aggregate's history as the API shows it: every event in order, with its Chinese label and actor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import tzinfo
from typing import Any

from application.case_history import HistoryEntry
from interface.labels import Vocabulary, labelled
from interface.presenters.times import jsonable, local_iso


def history_answer(
    aggregate_id: str,
    entries: list[HistoryEntry],
    *,
    labels: Mapping[str, str],
    vocabulary: Vocabulary,
    zone: tzinfo,
    shown: Callable[[dict[str, Any]], dict[str, Any]] = dict,
) -> dict[str, Any]:
    """``{"id", "events"}``; ``shown`` is what the caller may see of an event's data (masked or whole)."""
    events = [
        {
            "version": entry.version,
            "type": entry.type,
            "label": labels.get(entry.type, entry.type),
            "at": local_iso(entry.at, zone),
            "actor": entry.actor,
            "data": jsonable(shown(entry.data), zone),
        }
        for entry in entries
    ]
    return {"id": aggregate_id, "events": labelled(events, vocabulary)}
