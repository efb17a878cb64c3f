"""Where each projection has got to, and whether it is running or stopped (with why)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table, Text, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

metadata = MetaData()

tracking = Table(
    "gridledger_projection_tracking",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),  # running | stopped
    Column("error", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Progress:
    name: str
    position: int
    status: str
    error: str | None


class PositionMoved(Exception):
    """Another worker applied this batch first; ours is rolled back."""


def insert_or_not(connection: Connection, table: Table) -> Any:
    """An INSERT of the connection's dialect, which can say what to do on a conflict."""
    return (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(table)


def ensure(connection: Connection, name: str) -> None:
    connection.execute(
        insert_or_not(connection, tracking)
        .values(name=name, position=0, status="running", updated_at=_now())
        .on_conflict_do_nothing()
    )


def lock_position(connection: Connection, name: str) -> Progress:
    """Read (and on PostgreSQL lock) the projection's row for the rest of the transaction."""
    query = select(tracking).where(tracking.c.name == name)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    else:
        # SQLite has no row locks and begins lazily: a no-op write as the transaction's first statement
        # takes the database's write lock now, so a second worker waits and then sees the moved position.
        connection.execute(update(tracking).where(tracking.c.name == name).values(name=tracking.c.name))
    row = connection.execute(query).one()
    return Progress(row.name, row.position, row.status, row.error)


def advance(connection: Connection, name: str, *, from_position: int, to_position: int) -> None:
    """Move the position on, only if nobody else did meanwhile (exactly-once across workers)."""
    result = connection.execute(
        update(tracking)
        .where(tracking.c.name == name, tracking.c.position == from_position)
        .values(position=to_position, updated_at=_now())
    )
    if result.rowcount != 1:
        raise PositionMoved(name)


def move_past(connection: Connection, names: list[str], *, after: int, to_position: int) -> None:
    """Move the running projections in ``names`` that stand between ``after`` and ``to_position`` to
    ``to_position``, in one statement (PostgreSQL re-checks the conditions on a row another worker updated
    meanwhile, so a position that moved elsewhere stays where it is)."""
    connection.execute(
        update(tracking)
        .where(
            tracking.c.name.in_(names),
            tracking.c.status == "running",
            tracking.c.position >= after,
            tracking.c.position < to_position,
        )
        .values(position=to_position, updated_at=_now())
    )


def stop(connection: Connection, name: str, error: str) -> None:
    connection.execute(
        update(tracking).where(tracking.c.name == name).values(status="stopped", error=error, updated_at=_now())
    )


def reset(connection: Connection, name: str) -> None:
    connection.execute(
        update(tracking)
        .where(tracking.c.name == name)
        .values(position=0, status="running", error=None, updated_at=_now())
    )


def all_progress(connection: Connection) -> dict[str, Progress]:
    rows = connection.execute(select(tracking)).all()
    return {row.name: Progress(row.name, row.position, row.status, row.error) for row in rows}


def _now() -> datetime:
    return datetime.now(UTC)


def as_dict(progress: Progress) -> dict[str, Any]:
    return {"name": progress.name, "position": progress.position, "status": progress.status, "error": progress.error}
