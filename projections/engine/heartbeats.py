"""Projection workers' heartbeats: which workers keep the read models up to date, and when each last did.

A worker writes its row as it polls (idle too) and as it applies batches, at most once a second. Readiness
compares the newest beat with the clock: events waiting and no recent beat means no worker is running,
however healthy the API looks. The table lives with the tracking table (same metadata); migration 0003 makes it.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, Column, DateTime, String, Table, delete, select
from sqlalchemy.engine import Connection, Engine

from projections.engine import tracking

Clock = Callable[[], datetime]

workers = Table(
    "gridledger_projection_workers",
    tracking.metadata,
    Column("worker_id", String(255), primary_key=True),  # host:pid:uuid
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("beat_at", DateTime(timezone=True), nullable=False),
    Column("position", BigInteger, nullable=False),  # the newest event position it applied (0: none yet)
)

# Rows of workers gone this long are deleted when a worker starts (each start adds a row).
FORGET_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Beat:
    worker_id: str
    started_at: datetime
    beat_at: datetime
    position: int


def record(connection: Connection, beat: Beat) -> None:
    """Insert or update the worker's row."""
    values = {
        "worker_id": beat.worker_id,
        "started_at": _utc(beat.started_at),
        "beat_at": _utc(beat.beat_at),
        "position": beat.position,
    }
    statement = tracking.insert_or_not(connection, workers).values(**values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[workers.c.worker_id],
            set_={"beat_at": statement.excluded.beat_at, "position": statement.excluded.position},
        )
    )


def newest(connection: Connection) -> Beat | None:
    """The most recent beat of any worker, or None when no worker ever beat."""
    row = connection.execute(select(workers).order_by(workers.c.beat_at.desc()).limit(1)).first()
    if row is None:
        return None
    return Beat(row.worker_id, _utc(row.started_at), _utc(row.beat_at), row.position)


def forget_before(connection: Connection, cutoff: datetime) -> None:
    connection.execute(delete(workers).where(workers.c.beat_at < _utc(cutoff)))


def _utc(moment: datetime) -> datetime:
    """Stored and compared in UTC: SQLite keeps no offset and hands back naive datetimes."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Heartbeat:
    """One worker's heartbeat: ``beat`` as often as you like; the row is written at most every ``every`` s."""

    def __init__(self, engine: Engine, clock: Clock, *, every: float = 1.0) -> None:
        self.engine = engine
        self.clock = clock
        self.every = every
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        self.started_at: datetime | None = None
        self.position = 0
        self._written = float("-inf")  # monotonic time of the last write

    def beat(self, position: int = 0) -> None:
        """The worker is alive (and has applied events up to ``position``, when given)."""
        self.position = max(self.position, position)
        if time.monotonic() - self._written < self.every:
            return
        now = self.clock()
        with self.engine.begin() as connection:
            if self.started_at is None:
                self.started_at = now
                forget_before(connection, now - FORGET_AFTER)
            record(connection, Beat(self.worker_id, self.started_at, now, self.position))
        self._written = time.monotonic()
