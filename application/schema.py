"""The database's schema: the event store's tables and the project's own, brought to the newest revision once,
under a lock, so that any number of processes may start at once on a fresh database.

PostgreSQL: a session-level advisory lock. SQLite: an exclusive transaction, in which everything is done on the
one connection that holds it. A process that finds the schema already current takes no lock at all.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sqlalchemy.exc
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table, inspect
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
ADVISORY_LOCK_KEY = 7_261_964_400_421  # any constant of our own; pg_advisory_lock takes a bigint
WAL_ATTEMPTS = 50
SCHEMA_LOCK_WAIT_MS = 15 * 60 * 1000  # an upgrade chaining a large store's old events may take minutes


class SchemaTooNew(Exception):
    """The database was upgraded by a newer gridledger than this one."""


@dataclass
class UpgradeReport:
    """What an upgrade did, for ``gridledger db upgrade`` to print."""

    created_tables: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    reset_read_models: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a revision did to the data, in words
    revision: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created_tables or self.applied)

    def lines(self) -> list[str]:
        if not self.changed:
            return [f"schema already at {self.revision} (newest): nothing to do"]
        lines = [f"created event store table {name}" for name in self.created_tables]
        lines += [f"applied revision {revision}" for revision in self.applied]
        lines += self.notes
        lines += [
            f"read model {name} changed shape: it is replayed from the first event" for name in self.reset_read_models
        ]
        lines.append(f"schema now at {self.revision}")
        return lines


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never upgraded, or no database yet)."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except sqlalchemy.exc.DBAPIError:
        return None


def ensure_current(engine: Engine, event_store_tables: Sequence[Table]) -> UpgradeReport:
    """Upgrade unless the schema is already at the newest revision (one cheap query then)."""
    revision = current_revision(engine)
    if revision == head_revision():
        return UpgradeReport(revision=revision)
    return upgrade(engine, event_store_tables)


def upgrade(engine: Engine, event_store_tables: Sequence[Table]) -> UpgradeReport:
    """Create what is missing and apply every revision not yet applied, under the schema lock."""
    report = UpgradeReport()
    with schema_lock(engine) as connection:
        for table in event_store_tables:
            if not inspect(connection).has_table(table.name, schema=table.schema):
                table.create(connection)
                report.created_tables.append(table.name)
        _check_not_newer(connection)
        config = _config()
        config.attributes.update(
            connection=connection,
            events_table=_events_table(event_store_tables),
            notes=report.notes,
            reset_read_models=report.reset_read_models,
            on_version_apply=lambda step, **_: report.applied.append(step.up_revision_id),
        )
        command.upgrade(config, "head")
        report.revision = MigrationContext.configure(connection).get_current_revision()
    return report


def _events_table(event_store_tables: Sequence[Table]) -> Table:
    """The table of stored events (the one with notification ids), for the revisions that read it."""
    return next(table for table in event_store_tables if "id" in table.c)


def _check_not_newer(connection: Connection) -> None:
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is not None and _scripts().get_revision(revision) is None:
        raise SchemaTooNew(
            f"the database is at schema revision {revision}, which this gridledger does not "
            f"know (its newest is {head_revision()}): upgrade gridledger"
        )


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection holding the schema lock, whose work commits when the block ends without error."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine) as connection:
            yield connection
    else:
        with _exclusive_sqlite_transaction(engine) as connection:
            yield connection


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})")
        connection.commit()
        try:
            with connection.begin():
                yield connection
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})")
            connection.commit()


@contextmanager
def _exclusive_sqlite_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        _use_write_ahead_log(connection)
        usual_wait = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        # Another process's upgrade holds the lock for as long as its revisions take, which on a busy machine is
        # longer than the driver's few seconds: wait for it, not fail to boot.
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {SCHEMA_LOCK_WAIT_MS}")
        try:
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual_wait)}")


def _use_write_ahead_log(connection: Connection) -> None:
    """WAL before anything else: readers then never wait for the upgrade's exclusive lock. Switching needs a
    moment alone with the file, so several processes starting at once retry instead of failing."""
    for attempt in range(WAL_ATTEMPTS):
        try:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            connection.commit()
            return
        except sqlalchemy.exc.OperationalError as error:
            connection.rollback()
            if not isinstance(error.orig, sqlite3.OperationalError) or attempt == WAL_ATTEMPTS - 1:
                raise
        time.sleep(0.05 * (attempt + 1))
