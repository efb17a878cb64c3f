"""A first start on a fresh database, as a user makes it: the schema is made once, under a lock, however many
processes start at once — no fixture prepares the tables here."""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine

from application import schema
from application.ledger import GridLedger
from application.settings import Settings
from projections.engine import tracking
from projections.registry import all_projections
from projections.storage import tables
from tests.support.postgres import create_database, drop_database, postgres_server_url
from tests.support.served import BOOT_TIMEOUT, served

BACKENDS = ["sqlite", "postgresql"]
PROCESSES_AT_ONCE = 8
ROUNDS = 20
DRIVER_BUSY_TIMEOUT = 5  # seconds: sqlite3.connect's default


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """A database nothing has touched yet."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/{uuid.uuid4().hex[:8]}.db"
        return
    server, name = postgres_server_url(), f"gridledger_fresh_{uuid.uuid4().hex[:10]}"
    url = create_database(server, name)
    try:
        yield url
    finally:
        drop_database(server, name)


def everything_the_code_defines() -> list[MetaData]:
    return [tables.metadata, tracking.metadata, *(projection.metadata for projection in all_projections())]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_migrations_make_exactly_the_tables_the_code_defines(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        ledger = GridLedger(Settings(database_url=url))
        assert ledger.schema_report.applied[-1] == schema.head_revision()
        assert set(ledger.schema_report.created_tables) == {"gridledger_events", "gridledger_snapshots"}
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                context = MigrationContext.configure(
                    connection,
                    opts={
                        "include_name": lambda name, kind, _: (
                            kind != "table"
                            or not name.startswith(("gridledger_events", "gridledger_snapshots", "alembic_version"))
                        )
                    },
                )
                assert compare_metadata(context, everything_the_code_defines()) == []
        finally:
            engine.dispose()
            ledger.datastore.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_second_upgrade_does_nothing_and_says_so(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        first = schema.upgrade(create_engine(url), GridLedger(Settings(database_url=url)).event_store_tables)
        assert not first.changed  # the ledger had already upgraded it on opening
        assert first.lines() == [f"schema already at {schema.head_revision()} (newest): nothing to do"]


def boot_like_a_worker(url: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    """In a forked child: what each gunicorn worker does on start — build the app (ledger, read models,
    the in-process projection thread on SQLite) — then answer one readiness probe."""
    try:
        os.environ["GRIDLEDGER_DATABASE_URL"] = url
        from interface.app import create_app

        barrier.wait(timeout=BOOT_TIMEOUT)
        app = create_app({"TESTING": True})
        answer = app.test_client().get("/healthz")
        app.extensions["gridledger"].projections.close()
        os._exit(0 if answer.status_code == 200 else 3)
    except BaseException:
        traceback.print_exc()
        os._exit(1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_eight_processes_starting_at_once_on_a_fresh_database_all_boot(backend: str, tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")  # imports done once; the race is in the database, not here
    for round_no in range(ROUNDS):
        with fresh_database(backend, tmp_path) as url:
            barrier = context.Barrier(PROCESSES_AT_ONCE)
            workers = [
                context.Process(target=boot_like_a_worker, args=(url, barrier)) for _ in range(PROCESSES_AT_ONCE)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(BOOT_TIMEOUT)
            exit_codes = [worker.exitcode for worker in workers]
            assert exit_codes == [0] * PROCESSES_AT_ONCE, f"round {round_no + 1}: exit codes {exit_codes}"
            ledger = GridLedger(Settings(database_url=url))
            assert ledger.schema_report.revision == schema.head_revision()
            ledger.datastore.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_gridledger_serve_with_four_workers_boots_on_a_fresh_database(backend: str, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with fresh_database(backend, tmp_path) as url:
        with served(url, log, "--workers", "4", "--threads", "2"):
            pass
    output = log.read_text(errors="replace")
    # The master upgraded the schema once, before any worker started; no worker failed to boot.
    assert output.count("applied revision 0001_baseline") == 1 and "Traceback" not in output, output
    assert output.index("schema now at") < output.index("Booting worker"), output
    assert "Worker failed to boot" not in output, output


def test_every_revision_id_fits_alembics_version_column() -> None:
    """alembic_version.version_num is VARCHAR(32): a longer id fails only when that revision is applied."""
    ids = [script.revision for script in schema._scripts().walk_revisions()]
    assert ids and all(len(revision) <= 32 for revision in ids), ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_process_starting_while_another_upgrades_for_longer_than_the_drivers_timeout_waits(
    backend: str, tmp_path: Path
) -> None:
    """On a busy machine one process's upgrade (twelve revisions, or chaining a large store's old events) takes
    longer than the SQLite driver's 5-second busy timeout; the processes starting beside it wait, not crash."""
    with fresh_database(backend, tmp_path) as url:
        holding, release = threading.Event(), threading.Event()

        def hold_the_schema_lock() -> None:
            engine = create_engine(url)
            try:
                with schema.schema_lock(engine):
                    holding.set()
                    release.wait(60)
            finally:
                engine.dispose()

        holder = threading.Thread(target=hold_the_schema_lock)
        holder.start()
        assert holding.wait(60)
        threading.Timer(DRIVER_BUSY_TIMEOUT + 2, release.set).start()
        ledger = GridLedger(Settings(database_url=url))
        holder.join()
        assert release.is_set()  # it opened only after the other let go
        assert ledger.schema_report.revision == schema.head_revision()
        ledger.datastore.engine.dispose()
