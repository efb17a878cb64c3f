"""Moments as the API shows them: ISO 8601 in the ledger's local zone."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any


def local_iso(moment: datetime | None, zone: tzinfo) -> str | None:
    """``moment`` in ``zone``; a naive one is UTC (SQLite hands back naive datetimes; the tables store UTC)."""
    moment = aware(moment)
    return None if moment is None else moment.astimezone(zone).isoformat()


def aware(moment: datetime | None) -> datetime | None:
    """A naive moment read from a table is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def jsonable(value: Any, zone: tzinfo) -> Any:
    """Event data made JSON-ready: date-times in local time, however deeply nested."""
    if isinstance(value, datetime):
        return local_iso(value, zone)
    if isinstance(value, dict):
        return {key: jsonable(item, zone) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item, zone) for item in value]
    return value
