"""Which errors mean "the database cannot be reached" (503, retry) rather than a statement gone wrong."""

from __future__ import annotations

import psycopg2
import sqlalchemy.exc
from eventsourcing import persistence

from projections.storage.connectivity import connection_problem


def _wrapped(outer: Exception, cause: BaseException) -> Exception:
    outer.__cause__ = cause
    return outer


def test_a_lost_connection_counts_in_every_wrapping_and_a_wrong_statement_does_not() -> None:
    refused = psycopg2.OperationalError('connection to server at "127.0.0.1" failed: Connection refused')
    by_sqlalchemy = sqlalchemy.exc.OperationalError("SELECT 1", {}, refused)
    assert connection_problem(refused)
    assert connection_problem(by_sqlalchemy)
    assert connection_problem(_wrapped(persistence.OperationalError(by_sqlalchemy), by_sqlalchemy))
    assert connection_problem(_wrapped(persistence.PersistenceError("lost"), by_sqlalchemy))
    assert connection_problem(sqlalchemy.exc.DisconnectionError("gone"))
    invalidated = sqlalchemy.exc.DBAPIError(
        "COMMIT", {}, Exception("server closed the connection"), connection_invalidated=True
    )
    assert connection_problem(invalidated)

    duplicate = sqlalchemy.exc.IntegrityError("INSERT", {}, psycopg2.IntegrityError("duplicate key"))
    assert not connection_problem(duplicate)
    assert not connection_problem(_wrapped(persistence.IntegrityError(duplicate), duplicate))
    assert not connection_problem(ValueError("not a database error at all"))
