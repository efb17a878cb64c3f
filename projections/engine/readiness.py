"""Whether the read models are being kept up to date: each one's lag, and the age of the newest heartbeat.

Lag alone says little (a busy worker lags a moment behind every command), and a heartbeat alone says
little (nothing to do is fine). Together: events wait and no worker has beaten for longer than the
threshold means nobody will apply them, so the service is not ready.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.engine.heartbeats import Beat
from projections.engine.runner import ProjectionStatus


@dataclass(frozen=True)
class Readiness:
    statuses: Sequence[ProjectionStatus]
    newest_beat: Beat | None
    now: datetime
    stale_after: float  # seconds

    @property
    def heartbeat_age(self) -> float | None:
        """Seconds since any worker beat (never below 0: another host's clock may run ahead); None: never."""
        if self.newest_beat is None:
            return None
        return max((self.now - self.newest_beat.beat_at).total_seconds(), 0.0)

    @property
    def waiting(self) -> int:
        """Events some running read model has not applied yet."""
        return max((s.lag for s in self.statuses if s.status == "running"), default=0)

    @property
    def stopped(self) -> dict[str, str | None]:
        return {s.name: s.error for s in self.statuses if s.status != "running"}

    @property
    def no_worker(self) -> bool:
        """Events wait and no worker has beaten within the threshold."""
        age = self.heartbeat_age
        return self.waiting > 0 and (age is None or age > self.stale_after)

    @property
    def problem(self) -> str | None:
        """Why the read models are not being kept up to date, or None when they are."""
        if self.stopped:
            return "projections stopped: " + "; ".join(f"{name}: {error}" for name, error in self.stopped.items())
        if self.no_worker:
            since = (
                "no projection worker has ever beaten"
                if self.heartbeat_age is None
                else f"no projection worker has beaten for {self.heartbeat_age:.0f} s"
            )
            return (
                f"{self.waiting} events wait and {since} "
                f"(threshold {self.stale_after:g} s): is `gridledger projections run` running?"
            )
        return None

    def as_dict(self) -> dict[str, Any]:
        beat = self.newest_beat
        return {
            "projections": {s.name: {"status": s.status, "lag": s.lag, "error": s.error} for s in self.statuses},
            "workers": {
                "newest_heartbeat_age_seconds": None if beat is None else round(self.heartbeat_age or 0, 1),
                "newest_heartbeat_worker": None if beat is None else beat.worker_id,
                "stale_after_seconds": self.stale_after,
            },
        }
