"""Writing many read-model rows at once: COPY on PostgreSQL, a bulk INSERT elsewhere."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = [column.name for column in table.columns]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(row.get(column)) for column in columns))
        buffer.write("\n")
    buffer.seek(0)
    # The raw cursor shares the SQLAlchemy connection's transaction.
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN", buffer)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """A value in COPY's text format: \\N for NULL, backslash escapes for the separators."""
    if value is None:
        return "\\N"
    kind = value.__class__
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind is datetime or kind is date:
        return value.isoformat()
    return str(value).translate(_ESCAPES)
