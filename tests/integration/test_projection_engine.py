"""The projection engine keeps its promises: exactly once under SIGKILL and with two workers at once,
it rides out a database outage, and an event one projection cannot apply stops only that projection.

Workers run as real subprocesses (``gridledger projections run``) against real SQLite and PostgreSQL;
the read models they leave behind are compared, row for row, with a rebuild from the event store.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from sqlalchemy import BigInteger, Column, MetaData, String, Table, delete, func, insert, select
from sqlalchemy.engine import Connection, make_url

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.settings import Settings
from projections import audit_log
from projections.audit_log import audit
from projections.engine import tracking
from projections.engine.events import ProjectedEvent, Reads, read_batch
from projections.engine.folding import EventIndex, Shared
from projections.engine.runner import ProjectionEngine
from projections.engine.service import read_model_engine
from projections.registry import Projections, all_projections
from tests.support.clock import MovableClock
from tests.support.projection_worker import (
    CORE_TABLES,
    RetryingCommands,
    WorkerProcess,
    drive_cases,
    event_count,
    first_difference,
    projection_names,
    read_model_rows,
    rebuilt_rows,
    stop_all,
    wait_until_caught_up,
)
from tests.support.territory import Territory, build_territory
from tests.support.waiting import HANG_GUARD, wait_until
from tests.support.worker_halts import POINTS, HaltAt

KILLS = 15
OUTAGES = 4


@pytest.fixture
def projections(ledger: GridLedger) -> Iterator[Projections]:
    """The read side of the test's database, for status and rebuilds; its own worker is never started."""
    running = Projections(ledger)
    yield running
    running.close()


def assert_same_as_a_rebuild(projections: Projections) -> dict[str, list[tuple[Any, ...]]]:
    """The worker's rows equal a from-scratch replay; the audit log holds each event exactly once."""
    engine = projections.engine
    by_worker = read_model_rows(engine.engine)
    with engine.engine.connect() as connection:
        event_ids = [
            row[0] for row in connection.execute(select(engine.events_table.c.id).order_by(engine.events_table.c.id))
        ]
    audit_positions = [row[0] for row in by_worker["rm_audit_log"]]
    assert len(audit_positions) == len(event_ids) == event_count(engine)
    assert audit_positions == event_ids, "the audit log must hold every event once, nothing more"
    expected = rebuilt_rows(engine)
    assert set(expected) >= set(CORE_TABLES) and set(by_worker) == set(expected)
    for table in CORE_TABLES:
        assert expected[table], f"{table} is empty after a rebuild: the scenario wrote nothing?"
    for table, rows in expected.items():
        if by_worker[table] != rows:  # the lists run to thousands of rows: say what differs, briefly
            pytest.fail(f"{table} differs from a rebuild: {first_difference(by_worker[table], rows)}")
    return by_worker


# -- 1. exactly once under SIGKILL -------------------------------------------------------------------
def test_workers_sigkilled_mid_batch_leave_read_models_equal_to_a_rebuild(
    database_url: str,
    ledger: GridLedger,
    cases: CaseCommands,
    territory: Territory,
    clock: MovableClock,
    projections: Projections,
    tmp_path: Path,
) -> None:
    """Each worker is killed at a point the test chooses (not after a delay it hopes is long enough): with
    a projection's transaction open, after it has locked its position, written its rows, or moved its
    position; earlier projections of the same batch have often committed it already."""
    paths = drive_cases(cases, territory, clock, 350, seed=1)
    assert set(paths) >= {"closed", "returned_then_reworked", "rejected", "merged", "on_the_spot"}
    projections.engine.reset(projection_names())  # the workers start from nothing (PostgreSQL is shared)
    rng = random.Random(20260601)
    batch_size = 50
    workers: list[WorkerProcess] = []
    try:
        for round_no in range(KILLS):
            # The n-th arrival at the point, a few batches in at most (each batch brings at least one)...
            halt_at = HaltAt(POINTS[round_no % len(POINTS)], occurrence=rng.randint(1, 6))
            # ...so a backlog of that many batches and more means the worker certainly gets there.
            while lag_behind(projections) < (halt_at.occurrence + 2) * batch_size:
                drive_cases(cases, territory, clock, 10, seed=100 + round_no)
            worker = WorkerProcess(
                database_url, tmp_path, batch_size=batch_size, label=f"killed-{round_no}", halt_at=halt_at
            ).start()
            workers.append(worker)
            halted = worker.wait_for_halt()
            assert halted.point == halt_at.point
            worker.kill()
            assert worker.returncode == -9
            # The open transaction died with the worker: that read model stands where it stood before it.
            assert projections.engine.positions([halted.projection]) == {halted.projection: halted.position}, (
                halted,
                worker.log(),
            )
            drive_cases(cases, territory, clock, 4, seed=200 + round_no)  # the store grows between workers
        last = WorkerProcess(database_url, tmp_path, label="survivor").start()
        workers.append(last)
        statuses = wait_until_caught_up(projections.engine, timeout=300)
        assert all(s.status == "running" and s.error is None for s in statuses), statuses
        assert last.alive, last.log()
        assert last.terminate() == 0, last.log()
    finally:
        stop_all(workers)
    assert_same_as_a_rebuild(projections)


def lag_behind(projections: Projections) -> int:
    """How far the slowest projection is behind the store's head."""
    return max(s.lag for s in projections.engine.statuses())


# -- 2. two workers of the same projections ----------------------------------------------------------
def test_two_workers_running_at_once_apply_every_event_exactly_once(
    database_url: str,
    ledger: GridLedger,
    cases: CaseCommands,
    territory: Territory,
    clock: MovableClock,
    projections: Projections,
    tmp_path: Path,
) -> None:
    drive_cases(cases, territory, clock, 150, seed=2)  # ~800 events the twins find waiting for them
    twins = [WorkerProcess(database_url, tmp_path, batch_size=20, label=f"twin-{i}") for i in range(2)]
    try:
        for worker in twins:
            worker.start()
        for worker in twins:
            worker.wait_until_running()
        drive_cases(cases, territory, clock, 30, seed=3)  # new events while both are busy
        statuses = wait_until_caught_up(projections.engine, timeout=300)
        assert all(worker.alive for worker in twins), [worker.log() for worker in twins]
        assert [worker.terminate() for worker in twins] == [0, 0], [worker.log() for worker in twins]
    finally:
        stop_all(twins)
    statuses = projections.engine.statuses()
    assert [(s.name, s.status, s.error, s.lag) for s in statuses] == [
        (name, "running", None, 0) for name in projection_names()
    ]
    assert_same_as_a_rebuild(projections)


class DescheduledAuditLog:
    """The audit log as a worker sees it when the OS pauses it mid-apply: its first apply stops (batch read,
    position locked) until the test lets it go on."""

    def __init__(self) -> None:
        self.audit_log: EventIndex = audit_log.read_model
        self.name, self.metadata, self.reads = self.audit_log.name, self.audit_log.metadata, self.audit_log.reads
        self.arrived, self.go = threading.Event(), threading.Event()

    def apply(self, connection: Connection, events: list[ProjectedEvent], shared: Shared) -> None:
        if not self.arrived.is_set():
            self.arrived.set()
            assert self.go.wait(HANG_GUARD), "the test never let the paused worker go on"
        self.audit_log.apply(connection, events, shared)


class ObservedEngine(ProjectionEngine):
    """A worker the test watches: ``read`` is set once it has read a batch and is about to apply it; a
    ``held`` one then waits (before it locks the projection's position) until ``go`` is set."""

    def __init__(self, *args: Any, held: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read, self.go = threading.Event(), threading.Event()
        if not held:
            self.go.set()

    def _apply(self, projection: Any, batch: list[ProjectedEvent], *, after: int) -> None:
        self.read.set()
        assert self.go.wait(HANG_GUARD), "the test never let the held worker go on"
        super()._apply(projection, batch, after=after)


def in_thread(work: Callable[[], Any], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def finish(threads: list[threading.Thread], errors: list[BaseException]) -> None:
    for thread in threads:
        thread.join(HANG_GUARD)
        assert not thread.is_alive(), "a worker thread hangs"
    assert not errors, errors


def test_on_sqlite_the_worker_that_loses_a_race_drops_its_copy_and_the_projection_keeps_running(tmp_path: Path) -> None:
    """Two workers with different batch sizes, interleaved deterministically at the worst moments."""
    url = f"sqlite:///{tmp_path}/race.db"
    clock = MovableClock()
    ledger = GridLedger(Settings(database_url=url), clock=clock)
    territory = build_territory(ledger)
    drive_cases(CaseCommands(ledger), territory, clock, 4)  # 23 events
    events = ledger.recorder.events_record_cls.__table__
    fast_db, slow_db = read_model_engine(url), read_model_engine(url)
    fast = ObservedEngine(fast_db, events, ledger.mapper, [audit_log.read_model], batch_size=5)
    paused = DescheduledAuditLog()
    slow = ProjectionEngine(slow_db, events, ledger.mapper, [paused], batch_size=10)
    held = ObservedEngine(slow_db, events, ledger.mapper, [audit_log.read_model], batch_size=10, held=True)
    fast.prepare()
    errors: list[BaseException] = []

    def audit_positions() -> list[int]:
        with fast_db.connect() as connection:
            return [row[0] for row in connection.execute(select(audit.c.position).order_by(audit.c.position))]

    try:
        # 1. The slow worker has read events 1-10 and holds the write lock, paused mid-apply; the fast one
        #    has read 1-5 meanwhile (and waits for the lock). The slow one commits; the fast one finds the
        #    position moved past its batch and drops its copy.
        slow_run = in_thread(slow.run_once, errors)
        assert paused.arrived.wait(HANG_GUARD)
        fast_run = in_thread(fast.run_once, errors)
        assert fast.read.wait(HANG_GUARD)
        paused.go.set()
        finish([slow_run, fast_run], errors)
        assert fast.positions(["audit_log"]) == {"audit_log": 10} and audit_positions() == list(range(1, 11))
        # 2. A worker has read events 11-20 and is held before it locks the position; the other applies
        #    11-15 meanwhile. The held one goes on with 16-20 alone.
        held_run = in_thread(held.run_once, errors)
        assert held.read.wait(HANG_GUARD)
        assert fast.run_once() == 5 and fast.positions(["audit_log"]) == {"audit_log": 15}
        held.go.set()
        finish([held_run], errors)
        assert fast.positions(["audit_log"]) == {"audit_log": 20}

        fast.catch_up()
        [status] = fast.statuses()
        assert (status.name, status.status, status.error, status.lag) == ("audit_log", "running", None, 0)
        with fast_db.connect() as connection:
            event_ids = [row[0] for row in connection.execute(select(events.c.id).order_by(events.c.id))]
        assert audit_positions() == event_ids
    finally:
        paused.go.set()
        held.go.set()
        fast_db.dispose()
        slow_db.dispose()
        ledger.datastore.engine.dispose()


# -- 3. a database outage (PostgreSQL) ---------------------------------------------------------------
@contextmanager
def admin_session(database_url: str) -> Iterator[Any]:
    """A psycopg2 cursor of its own (autocommit) on the test database, outside every pool."""
    url = make_url(database_url)
    connection = psycopg2.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname=url.database,
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def terminate_other_connections(database_url: str) -> set[int]:
    """What a failover or an administrator does: every other session of this database is cut (their pids)."""
    with admin_session(database_url) as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        others = [row[0] for row in cursor.fetchall()]
        # Apart from the query above: the server evaluates a WHERE's conditions in any order it likes, and
        # other databases' sessions (other test runs) must not be cut.
        cursor.execute("SELECT pid FROM unnest(%s::int[]) AS pid WHERE pg_terminate_backend(pid)", (others,))
        return {row[0] for row in cursor.fetchall()}


def the_worker_listens(database_url: str, cut: set[int]) -> bool:
    """The worker's LISTEN session shows in pg_stat_activity (not one already cut, still on its way out):
    an outage now will certainly cut it."""
    with admin_session(database_url) as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN %%' AND NOT pid = ANY(%s)",
            (sorted(cut) or [0],),
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres_only
def test_worker_resumes_by_itself_after_postgresql_terminates_its_connections(
    postgres_database_url: str, tmp_path: Path
) -> None:
    clock = MovableClock()
    ledger = GridLedger(Settings(database_url=postgres_database_url), clock=clock)
    territory = build_territory(ledger)
    commands = RetryingCommands(CaseCommands(ledger))
    projections = Projections(ledger)
    worker = WorkerProcess(postgres_database_url, tmp_path, label="outage").start()
    writer_errors: list[BaseException] = []
    stop_writing = threading.Event()
    rounds_written = [0]

    def keep_writing() -> None:
        try:
            while not stop_writing.is_set():
                drive_cases(commands, territory, clock, 3, seed=300 + rounds_written[0])
                rounds_written[0] += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            writer_errors.append(error)

    def commands_went_on(since: int) -> None:
        """Until a round of commands begun after ``since`` rounds has been written (or the writer failed)."""
        wait_until(
            lambda: rounds_written[0] > since + 1 or bool(writer_errors),
            what="commands went on",
            describe=lambda: repr(writer_errors),
        )

    def listening_again(cut: set[int]) -> None:
        wait_until(
            lambda: the_worker_listens(postgres_database_url, cut), what="the worker listens again", describe=worker.log
        )

    writer = threading.Thread(target=keep_writing, name="commands-during-outage")
    try:
        worker.wait_until_running()
        cut: set[int] = set()
        listening_again(cut)
        wait_until_caught_up(projections.engine, timeout=300)  # the shared database may have a backlog
        head_before = projections.engine.head()
        writer.start()
        for _ in range(OUTAGES):
            # Each outage comes once commands have gone on since the last one and the worker listens again
            # (its listener is certainly cut every time), never after a delay that hopes for both.
            commands_went_on(since=rounds_written[0])
            listening_again(cut)
            cut |= terminate_other_connections(postgres_database_url)
        commands_went_on(since=rounds_written[0])  # commands succeed after the last outage too
        stop_writing.set()
        writer.join(timeout=HANG_GUARD)
        assert not writer.is_alive() and not writer_errors, writer_errors
        assert projections.engine.head() > head_before, "commands were issued during the outages"
        listening_again(cut)  # the worker resumed by itself
        statuses = wait_until_caught_up(projections.engine, timeout=300)
        assert all(s.status == "running" for s in statuses), statuses
        assert worker.alive, f"the worker died in the outage:\n{worker.log()}"
        log = worker.log(tail=None)
        assert "lost its connection" in log or "database unavailable" in log, log
        assert worker.terminate() == 0, worker.log()
    finally:
        stop_writing.set()
        if writer.is_alive():
            writer.join(timeout=HANG_GUARD)
        worker.kill()
    try:
        assert_same_as_a_rebuild(projections)
    finally:
        projections.close()
        ledger.datastore.engine.dispose()


# -- 4. an event one projection cannot apply ---------------------------------------------------------
class FussyProjection:
    """A read model with a bug: it cannot apply one event type (and keeps a row per event it saw).

    It fails either in Python (``KeyError``: a missing rule) or in the database (``IntegrityError``: it
    writes the refused event's row twice, as a read model with a wrong unique key would).
    """

    name = "fussy"
    metadata = MetaData()
    reads = Reads()
    seen = Table(
        "test_fussy_seen",
        metadata,
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("type", String(64), nullable=False),
    )

    def __init__(self, refuses: str, failure: str) -> None:
        self.refuses, self.failure = refuses, failure

    def apply(self, connection: Connection, events: list[ProjectedEvent], shared: Shared) -> None:
        connection.execute(insert(self.seen), [{"position": e.position, "type": e.type} for e in events])
        for event in events:
            if event.type != self.refuses:
                continue
            if self.failure == "python-exception":
                raise KeyError(f"no rule for {event.type}")
            connection.execute(insert(self.seen), [{"position": event.position, "type": event.type}])


@pytest.mark.parametrize("failure", ["python-exception", "database-error"])
def test_an_event_one_projection_cannot_apply_stops_only_that_projection(
    failure: str, ledger: GridLedger, cases: CaseCommands, territory: Territory, clock: MovableClock
) -> None:
    drive_cases(cases, territory, clock, 40, seed=4)  # the second case is returned by a department
    db = read_model_engine(ledger.settings.database_url)
    events = ledger.recorder.events_record_cls.__table__
    fussy_projection = FussyProjection("Returned", failure)
    engine = ProjectionEngine(db, events, ledger.mapper, [*all_projections(), fussy_projection], batch_size=50)
    try:
        engine.reset(["fussy"])  # its table is the test's own, not in the schema's migrations
        engine.prepare()
        with db.connect() as connection:
            bad = connection.execute(
                select(events.c.id).where(events.c.topic.like("%:Case.Returned")).order_by(events.c.id).limit(1)
            ).scalar_one()
            before = connection.execute(
                select(events.c.id).where(events.c.id < bad).order_by(events.c.id.desc()).limit(1)
            ).scalar_one()

        engine.catch_up()

        statuses = {s.name: s for s in engine.statuses()}
        fussy = statuses["fussy"]
        assert (fussy.status, fussy.position) == ("stopped", before)
        assert fussy.error is not None
        error_type = "KeyError" if failure == "python-exception" else "IntegrityError"
        for part in ("'fussy'", f"position {bad} ", "Case.Returned", error_type):
            assert part in fussy.error, fussy.error
        for name in projection_names():
            assert (statuses[name].status, statuses[name].lag) == ("running", 0), statuses[name]
        with db.connect() as connection:
            seen = [
                row[0]
                for row in connection.execute(
                    select(FussyProjection.seen.c.position).order_by(FussyProjection.seen.c.position)
                )
            ]
            applied = [
                row[0]
                for row in connection.execute(select(events.c.id).where(events.c.id <= before).order_by(events.c.id))
            ]
        assert seen == applied, "the failed batch was rolled back; every event up to the bad one applied once"

        # New events: the others keep going, the stopped one stays where it stopped.
        drive_cases(cases, territory, clock, 10, seed=5)
        assert engine.catch_up() > 0
        statuses = {s.name: s for s in engine.statuses()}
        assert (statuses["fussy"].status, statuses["fussy"].position) == ("stopped", before)
        assert all(statuses[name].lag == 0 for name in projection_names()), statuses
        assert read_model_rows(db)["rm_audit_log"][-1][0] == engine.head()
    finally:
        FussyProjection.metadata.drop_all(db)  # PostgreSQL is shared by the whole run: leave no trace
        with db.begin() as connection:
            connection.execute(delete(tracking.tracking).where(tracking.tracking.c.name == "fussy"))
        db.dispose()


@pytest.mark.parametrize("state", [b"not json", b'{"title":"\xff\xfe not UTF-8"}'], ids=["not-json", "not-utf8"])
def test_an_event_nobody_can_decode_stops_the_projections_with_its_position_and_the_worker_lives(
    own_database_url: str, state: bytes
) -> None:
    """Corrupt state (or the wrong cipher key): say where, stop, keep the worker thread alive. (PostgreSQL
    reads plain JSON state as text; bytes that are not UTF-8 must still be reported for their event.)"""
    ledger = GridLedger(Settings(database_url=own_database_url), clock=MovableClock())
    territory = build_territory(ledger)
    drive_cases(CaseCommands(ledger), territory, MovableClock(), 2)
    events = ledger.recorder.events_record_cls.__table__
    with ledger.datastore.engine.begin() as connection:
        connection.execute(
            events.insert().values(
                originator_id=uuid.uuid4(), originator_version=1, topic="domain.case:Case.Reported", state=state
            )
        )
        corrupt = connection.execute(select(func.max(events.c.id))).scalar_one()
    running = Projections(ledger, poll_interval=0.05)
    running.start()
    try:
        wait_until(
            lambda: all(s.status == "stopped" for s in running.engine.statuses()),
            what="every projection stopped at the corrupt event",
            describe=lambda: repr(running.engine.statuses()),
        )
        statuses = running.engine.statuses()
        assert all(s.status == "stopped" for s in statuses)
        assert all(f"cannot decode event at position {corrupt} " in (s.error or "") for s in statuses)
        assert all(s.position == corrupt - 1 for s in statuses)  # everything before it applied
        assert running.running  # the worker thread is still there for when the event is dealt with
    finally:
        running.close()
        ledger.datastore.engine.dispose()
        ledger.datastore.engine.dispose()


# -- 5. batches and the projections' positions ---------------------------------------------------------
def test_a_read_model_given_none_of_a_batch_moves_past_it_and_one_reset_meanwhile_does_not_take_it(
    ledger: GridLedger, territory: Territory, clock: MovableClock
) -> None:
    drive_cases(CaseCommands(ledger), territory, clock, 6)  # case events only: no patrol in the store
    projections = Projections(ledger, batch_size=10)
    engine = projections.engine
    try:
        # The patrol log is given nothing, yet stands at the head like the others.
        engine.catch_up()
        head = engine.head()
        assert engine.positions(["patrols", "case_list"]) == {"patrols": head, "case_list": head}

        # A batch read after position 10; then the case list is rebuilt from zero before it is applied:
        # the batch does not join on (events 1..10 are not in it), so it is left for the next read.
        engine.reset(["case_list"])
        with engine.engine.connect() as connection:
            batch = read_batch(connection, engine.events_table, engine.mapper, after=10, limit=10)
        engine._apply(engine.projections["case_list"], batch, after=10)
        assert engine.positions(["case_list"]) == {"case_list": 0}

        engine.catch_up(["case_list"])
        assert engine.positions(["case_list"]) == {"case_list": head}
        assert_same_as_a_rebuild(projections)
    finally:
        projections.close()
