"""Writing many read-model rows at once: COPY on PostgreSQL, a bulk INSERT elsewhere."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection


class _Null:
    """What the csv writer leaves unquoted and empty: COPY's NULL (a quoted "" is an empty string).

    It passes the writer's number check (``__index__``), so QUOTE_NONNUMERIC leaves it unquoted.
    """

    __slots__ = ()

    def __index__(self) -> int:
        return 0

    def __str__(self) -> str:
        return ""


NULL = _Null()


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = [column.name for column in table.columns]
    buffer = io.StringIO()
    write_copy_csv(buffer, columns, rows)
    _copy(connection, table, columns, buffer)


def insert_values(connection: Connection, table: Table, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows given as tuples of values in ``columns`` order (None is NULL): for the read models that write a
    row per event, where building a dict per row costs more than writing it."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), [dict(zip(columns, row)) for row in rows])
        return
    buffer = io.StringIO()
    write_copy_values(buffer, rows)
    _copy(connection, table, columns, buffer)


def _copy(connection: Connection, table: Table, columns: list[str], buffer: io.StringIO) -> None:
    buffer.seek(0)
    # The raw cursor shares the SQLAlchemy connection's transaction.
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def write_copy_csv(buffer: io.StringIO, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Rows in COPY's CSV format, formatted by the csv module's C writer (several times faster than
    escaping value by value in Python).

    Every string is quoted (so "" is an empty string and a lone ``\\.`` is data, not end-of-data),
    None is an unquoted empty field (NULL), numbers and booleans are bare (PostgreSQL reads ``True``),
    datetimes and dates are written by ``str`` (``2026-03-04 12:51:43.587547+00:00``). A missing key
    is NULL, as with ``row.get``.
    """
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))

    def row_values(row: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return values(row)
        except KeyError:
            return tuple(row.get(column) for column in columns)

    write_copy_values(buffer, map(row_values, rows))


def write_copy_values(buffer: io.StringIO, rows: Iterable[tuple[Any, ...]]) -> None:
    """Tuples of values in COPY's CSV format (as ``write_copy_csv`` describes)."""
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerows([NULL if value is None else value for value in row] if None in row else row for row in rows)
