"""Read models kept up to date for an event-sourced application: the engine, a worker thread, its wake-up
(LISTEN/NOTIFY on PostgreSQL, the application's own saves) and heartbeat, and readiness."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from eventsourcing.persistence import Mapper
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from projections.engine import heartbeats
from projections.engine.heartbeats import Heartbeat
from projections.engine.readiness import Readiness
from projections.engine.runner import Projection, ProjectionEngine, ProjectionWorker
from projections.engine.wakeup import NotificationListener, Wakeup


class Ledger(Protocol):
    """What the projections need of the application (GridLedger), which they do not import."""

    settings: Any  # .database_url, .worker_stale_seconds
    recorder: Any  # the library's: .events_record_cls (the stored events' table), .channel_name (its NOTIFY channel)
    datastore: Any  # the library's: .engine
    mapper: Mapper
    clock: Callable[[], datetime]
    after_save: list[Callable[[], None]]  # called after every save


def read_model_engine(database_url: str) -> Engine:
    """The read side's own connection pool: pre-pinged, so a dropped connection is replaced, not used."""
    if database_url.startswith("sqlite"):
        return create_engine(database_url, pool_pre_ping=True, hide_parameters=True, connect_args={"timeout": 30})
    return create_engine(database_url, pool_pre_ping=True, hide_parameters=True, pool_size=10, max_overflow=10)


class ProjectionService:
    """The engine over ``read_models``, plus (when started) a worker thread and a LISTEN/NOTIFY listener on
    PostgreSQL."""

    def __init__(
        self,
        ledger: Ledger,
        read_models: Sequence[Projection],
        *,
        batch_size: int = 1000,
        poll_interval: float = 1.0,
    ) -> None:
        self.ledger = ledger
        self.db = read_model_engine(ledger.settings.database_url)
        self.engine = ProjectionEngine(
            self.db, ledger.recorder.events_record_cls.__table__, ledger.mapper, read_models, batch_size=batch_size
        )
        self.engine.prepare()
        self.wakeup = Wakeup()
        self.heartbeat = Heartbeat(self.db, ledger.clock)
        self.worker = ProjectionWorker(self.engine, self.wakeup, poll_interval=poll_interval, heartbeat=self.heartbeat)
        self.listener: NotificationListener | None = None

    def start(self) -> None:
        """Run in the background; wake on NOTIFY (PostgreSQL) and on this process's own saves."""
        self.ledger.after_save.append(self.wakeup.set)
        if self.db.dialect.name == "postgresql":
            self.listener = NotificationListener(self.db, self.ledger.recorder.channel_name, self.wakeup)
            self.listener.start()
        self.worker.start()

    def stop(self) -> None:
        if self.wakeup.set in self.ledger.after_save:
            self.ledger.after_save.remove(self.wakeup.set)
        self.worker.stop()
        if self.listener is not None:
            self.listener.stop()

    @property
    def running(self) -> bool:
        return self.worker.alive

    def readiness(self) -> Readiness:
        """Each read model's lag and the newest heartbeat of any worker (in any process), as of now."""
        statuses = self.engine.statuses()
        with self.db.connect() as connection:
            newest = heartbeats.newest(connection)
        return Readiness(statuses, newest, self.ledger.clock(), self.ledger.settings.worker_stale_seconds)

    def wait_for(self, position: int, names: Sequence[str], timeout: float) -> bool:
        """True once every named projection has applied ``position`` (or stopped trying: False)."""
        deadline = time.monotonic() + timeout
        while True:
            positions = self.engine.positions(names)
            if all(positions.get(name, 0) >= position for name in names):
                return True
            if time.monotonic() >= deadline:
                return False
            self.wakeup.set()
            time.sleep(0.02)

    def close(self) -> None:
        self.stop()
        self.db.dispose()
