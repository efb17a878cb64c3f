"""The projection engine: applies the event store to read models in batches, exactly once.

For each batch and each projection, one transaction holds: the projection's tracking row (locked on
PostgreSQL), its read-model writes, and the move of its position. A crash anywhere rolls all three back;
a second worker of the same projection finds the position moved and drops its copy of the batch. An
event a projection cannot apply stops that projection (the error names it, the event's position and its
type) and the others go on. A lost database connection means back off and resume.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import Mapper
from sqlalchemy import MetaData, Table, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from projections.engine import tracking
from projections.engine.events import ProjectedEvent, Reads, UndecodableEvent, read_batch
from projections.engine.folding import FoldedReadModel, Shared
from projections.engine.heartbeats import Heartbeat
from projections.storage.connectivity import connection_problem

logger = logging.getLogger(__name__)


class Projection(Protocol):
    name: str
    metadata: MetaData
    reads: Reads  # the events it is given, and whether it needs their data

    def apply(self, connection: Connection, events: list[ProjectedEvent], shared: Shared) -> None: ...


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    status: str
    error: str | None

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class ProjectionEngine:
    def __init__(
        self,
        engine: Engine,
        events_table: Table,
        mapper: Mapper,
        projections: Sequence[Projection],
        *,
        batch_size: int = 1000,
    ) -> None:
        self.engine = engine
        self.events_table = events_table
        self.mapper = mapper
        self.projections = {projection.name: projection for projection in projections}
        # Complete folded read models first: the others given the same batch take their fold (see FoldCache).
        self.order = sorted(self.projections, key=lambda name: not _complete(self.projections[name]))
        self.shared = Shared()
        self.batch_size = batch_size
        self.rebuilding: set[str] = set()  # reset without indexes, not yet indexed: commits need not wait
        self.newest_position = 0  # of the newest batch this engine applied (for the worker's heartbeat)

    # -- set-up and status ----------------------------------------------------------------------
    def prepare(self) -> None:
        """Track every projection and give back the indexes an interrupted rebuild left out.

        The tables themselves are made by the schema upgrade (application/schema.py), once, under its lock.
        """
        with self.engine.begin() as connection:
            for name in self.projections:
                tracking.ensure(connection, name)
        self.create_indexes(list(self.projections))

    def create_indexes(self, names: Sequence[str]) -> None:
        """Create the read models' secondary indexes that are missing (after a rebuild, say). Another process
        may be creating the same index at the same moment: one that exists by the time it fails is fine."""
        for name in names:
            self.rebuilding.discard(name)
            for table in self.projections[name].metadata.sorted_tables:
                existing = {index["name"] for index in inspect(self.engine).get_indexes(table.name)}
                for index in table.indexes:
                    if index.name in existing:
                        continue
                    try:
                        index.create(self.engine)
                    except DBAPIError:
                        if index.name not in {i["name"] for i in inspect(self.engine).get_indexes(table.name)}:
                            raise

    def statuses(self) -> list[ProjectionStatus]:
        with self.engine.connect() as connection:
            head = connection.execute(select(func.max(self.events_table.c.id))).scalar() or 0
            progress = tracking.all_progress(connection)
        return [
            ProjectionStatus(name, progress[name].position, head, progress[name].status, progress[name].error)
            for name in self.projections
            if name in progress
        ]

    def positions(self, names: Sequence[str]) -> dict[str, int]:
        with self.engine.connect() as connection:
            progress = tracking.all_progress(connection)
        return {name: progress[name].position for name in names if name in progress}

    # -- applying -------------------------------------------------------------------------------
    def run_once(self, names: Sequence[str] | None = None) -> int:
        """Read one batch after the slowest running projection and apply it to each; returns its size."""
        wanted = list(names or self.projections)
        with self.engine.connect() as connection:
            progress = tracking.all_progress(connection)
            running = [n for n in wanted if n in progress and progress[n].status == "running"]
            if not running:
                return 0
            start = min(progress[n].position for n in running)
            try:
                batch = read_batch(
                    connection,
                    self.events_table,
                    self.mapper,
                    after=start,
                    limit=self.batch_size,
                    data_of=self._data_of(running),
                )
            except UndecodableEvent as error:
                self._stop_all(running, str(error))
                return 0
        if not batch:
            return 0
        idle = [name for name in running if not self.projections[name].reads.given(batch)]
        if idle:
            self._skip(idle, batch, after=start)
        for name in self.order:
            if name in running and name not in idle:
                self._apply(self.projections[name], batch, after=start)
        self.newest_position = max(self.newest_position, batch[-1].position)
        return len(batch)

    def catch_up(self, names: Sequence[str] | None = None, on_batch: Callable[[int], None] | None = None) -> int:
        """Apply batches until the store's head; returns how many events were read."""
        total = 0
        while (count := self.run_once(names)) > 0:
            total += count
            if on_batch:
                on_batch(count)
        return total

    def _data_of(self, names: Sequence[str]) -> frozenset[str] | None:
        """The aggregate types whose events' data one of ``names`` reads (None: every type's)."""
        types: set[str] = set()
        for name in names:
            reads = self.projections[name].reads
            if reads.data:
                if reads.aggregate_types is None:
                    return None
                types |= reads.aggregate_types
        return frozenset(types)

    def _stop_all(self, names: Sequence[str], reason: str) -> None:
        logger.error("projections stopped: %s", reason)
        with self.engine.begin() as connection:
            for name in names:
                tracking.stop(connection, name, f"projection '{name}' {reason}")

    def _skip(self, names: Sequence[str], batch: list[ProjectedEvent], *, after: int) -> None:
        """Move the projections given none of ``batch`` past it, all in one transaction."""
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # No rows change: a commit lost in a crash only means reading those events again.
                connection.execute(text("SET LOCAL synchronous_commit TO off"))
            tracking.move_past(connection, list(names), after=after, to_position=batch[-1].position)

    def _apply(self, projection: Projection, batch: list[ProjectedEvent], *, after: int) -> None:
        """Apply the events of ``batch`` (read after position ``after``) that the projection has not."""
        try:
            with self.engine.begin() as connection:
                progress = tracking.lock_position(connection, projection.name)
                todo = [event for event in batch if event.position > progress.position]
                # Behind the batch (reset since it was read): the events between are not in it.
                if progress.status != "running" or not todo or progress.position < after:
                    return
                if projection.name in self.rebuilding and connection.dialect.name == "postgresql":
                    # A rebuild's read model is rebuilt again after a crash anyway; a lost commit only
                    # rolls back rows and position together, so exactly-once holds.
                    connection.execute(text("SET LOCAL synchronous_commit TO off"))
                given = projection.reads.given(todo)
                if given:
                    projection.apply(connection, given, self.shared)
                tracking.advance(
                    connection, projection.name, from_position=progress.position, to_position=todo[-1].position
                )
        except tracking.PositionMoved:
            logger.info("projection %s: another worker applied this batch first", projection.name)
        except Exception as error:  # noqa: BLE001 - find the exact event, then stop only this projection
            if connection_problem(error):
                raise
            self._apply_one_by_one(projection, batch, after=after)

    def _apply_one_by_one(self, projection: Projection, batch: list[ProjectedEvent], *, after: int) -> None:
        for event in batch:
            try:
                with self.engine.begin() as connection:
                    progress = tracking.lock_position(connection, projection.name)
                    if progress.position < after:
                        return  # reset since the batch was read: it no longer joins on
                    if event.position <= progress.position or progress.status != "running":
                        continue
                    if projection.reads.wants(event):
                        projection.apply(connection, [event], self.shared)
                    tracking.advance(
                        connection, projection.name, from_position=progress.position, to_position=event.position
                    )
            except tracking.PositionMoved:
                return
            except Exception as error:  # noqa: BLE001
                if connection_problem(error):
                    raise
                message = (
                    f"projection '{projection.name}' cannot apply event at position {event.position} "
                    f"({event.aggregate_type}.{event.type}): {type(error).__name__}: {error}"
                )
                logger.error(message)
                with self.engine.begin() as connection:
                    tracking.stop(connection, projection.name, message)
                return

    # -- rebuilding -----------------------------------------------------------------------------
    def reset(self, names: Sequence[str], *, without_indexes: bool = False) -> None:
        """Drop and recreate the projections' tables and set them back to position 0.

        ``without_indexes`` leaves out the secondary indexes, for a bulk replay: building them once at
        the end (``create_indexes``) is far cheaper than maintaining them row by row.
        """
        for name in names:
            projection = self.projections[name]
            projection.metadata.drop_all(self.engine)
            projection.metadata.create_all(self.engine)
            if without_indexes:
                self.rebuilding.add(name)
                with self.engine.begin() as connection:
                    for table in projection.metadata.sorted_tables:
                        for index in table.indexes:
                            index.drop(connection, checkfirst=True)
            with self.engine.begin() as connection:
                tracking.ensure(connection, name)
                tracking.reset(connection, name)

    def head(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(self.events_table.c.id))).scalar() or 0


def _complete(projection: Projection) -> bool:
    return isinstance(projection, FoldedReadModel) and projection.complete


class ProjectionWorker:
    """Keeps the projections caught up until stopped: wakes on a signal or polls; survives outages.

    With a ``heartbeat`` it beats on every poll (idle too) and between batches, so readiness can tell a
    worker that is running from none at all.
    """

    def __init__(
        self,
        engine: ProjectionEngine,
        wakeup: Any,
        *,
        poll_interval: float = 1.0,
        max_backoff: float = 5.0,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.engine = engine
        self.heartbeat = heartbeat
        self.wakeup = wakeup
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.last_error: str | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="gridledger-projections", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wakeup.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def run(self) -> None:
        backoff = 0.1
        while not self.stopping.is_set():
            try:
                self.engine.catch_up(on_batch=self._beat)
                self._beat()
                self.last_error, backoff = None, 0.1
            except Exception as error:  # noqa: BLE001 - the worker never dies; it waits and tries again
                self.last_error = f"{type(error).__name__}: {error}".splitlines()[0]
                logger.warning("projections: %s; retrying in %.1fs", self.last_error, backoff)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            self.wakeup.wait(self.poll_interval)
            self.wakeup.clear()

    def _beat(self, _count: int = 0) -> None:
        if self.heartbeat is not None:
            self.heartbeat.beat(self.engine.newest_position)
