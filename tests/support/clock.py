"""A clock tests move by hand, so deadlines and as-of reads are deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class MovableClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in 紫阳镇

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
