"""Human-readable, unique, sortable case numbers: AJ-YYYYMMDD-NNNNN by local reporting day."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import text

from projections.storage.tables import case_counters

_NEXT_NUMBER = text(
    f"INSERT INTO {case_counters.name} (day, last_number) VALUES (:day, 1) "
    f"ON CONFLICT (day) DO UPDATE SET last_number = {case_counters.name}.last_number + 1 "
    "RETURNING last_number"
)


def next_case_no(session: Any, reported_at: datetime, local_zone: tzinfo) -> str:
    """Allocate the next number of the day inside the caller's transaction.

    The counter row is locked until the report commits, so numbers are gap-free and never reused.
    """
    day = reported_at.astimezone(local_zone).strftime("%Y%m%d")
    number = session.execute(_NEXT_NUMBER, {"day": day}).scalar_one()
    return f"AJ-{day}-{number:05d}"
