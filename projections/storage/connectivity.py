"""Telling a database that cannot be reached from a statement that went wrong.

The same lost connection reaches us in several wrappings: SQLAlchemy's (from a pooled checkout or a
statement), psycopg2's own (the event recorder writes through a raw cursor), and eventsourcing's (its
datastore re-raises SQLAlchemy's errors as its own, with the original as the cause). An outage means
"wait and retry": the projection worker backs off, the API answers 503 with Retry-After.
"""

from __future__ import annotations

import psycopg2
import sqlalchemy.exc
from eventsourcing import persistence

CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.DisconnectionError,
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
    persistence.OperationalError,  # includes its ConnectionUnavailableError
    persistence.InterfaceError,
)


def connection_problem(error: BaseException) -> bool:
    """A lost, refused or locked-out connection (wait and retry) rather than a statement we got wrong.

    Follows explicit causes (``raise … from``), so a wrapper of a lost connection counts as one. SQLite's
    "database is locked" after its busy timeout is an OperationalError too, and rightly counts: retrying later
    is the answer.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, CONNECTION_ERRORS):
            return True
        if isinstance(current, sqlalchemy.exc.DBAPIError) and current.connection_invalidated:
            return True
        seen.add(id(current))
        current = current.__cause__
    return False
