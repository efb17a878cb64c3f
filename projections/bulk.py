"""Writing many read-model rows at once: COPY in PostgreSQL's binary format, a bulk INSERT elsewhere.

Binary rather than CSV: nothing is quoted or escaped (a text is its length and its UTF-8), NULL is a length
of -1, and a timestamp is eight bytes of microseconds. Formatting datetimes as text cost more than the rest
of a row put together, and the server then parsed them back.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, String, Table, insert
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # signature, flags, no header extension
TRAILER = struct.pack(">h", -1)
NULL = struct.pack(">i", -1)  # a field's length of -1
_LENGTH = struct.Struct(">i")
_INT8, _INT4, _BOOL = struct.Struct(">iq"), struct.Struct(">ii"), struct.Struct(">i?")  # length, then value
PG_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
PG_EPOCH_DATE = date(2000, 1, 1)
MICROSECOND = timedelta(microseconds=1)

Encoder = Callable[[Any], bytes]


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows as dicts keyed by column name (a missing key is NULL)."""
    if not rows:
        return
    columns = [column.name for column in table.columns]
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    values = itemgetter(*columns)

    def row_values(row: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return values(row)
        except KeyError:
            return tuple(row.get(column) for column in columns)

    _copy(connection, table, columns, map(row_values, rows))


def insert_values(connection: Connection, table: Table, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows given as tuples of values in ``columns`` order (None is NULL): for the read models that write a
    row per event, where building a dict per row costs more than writing it."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), [dict(zip(columns, row)) for row in rows])
        return
    _copy(connection, table, columns, rows)


def _copy(connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    data = encode_copy_binary(row_encoders(table, tuple(columns)), rows)
    # The raw cursor shares the SQLAlchemy connection's transaction.
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT binary)",
                       io.BytesIO(data))


def encode_copy_binary(encoders: Sequence[Encoder], rows: Iterable[tuple[Any, ...]]) -> bytes:
    """COPY's binary format: a header, per row its field count and each field (length, bytes), a trailer."""
    count = struct.pack(">h", len(encoders))
    out = [HEADER]
    append = out.append
    for row in rows:
        append(count)
        for encode, value in zip(encoders, row, strict=True):
            append(NULL if value is None else encode(value))
    append(TRAILER)
    return b"".join(out)


@lru_cache(maxsize=64)
def row_encoders(table: Table, columns: tuple[str, ...]) -> tuple[Encoder, ...]:
    return tuple(encoder_for(table.c[column].type) for column in columns)


def encoder_for(column_type: TypeEngine[Any]) -> Encoder:
    """How a value of the column's type is sent (its binary "send" format in PostgreSQL)."""
    if isinstance(column_type, Boolean):
        return _boolean
    if isinstance(column_type, BigInteger):
        return _bigint
    if isinstance(column_type, Integer):
        return _integer
    if isinstance(column_type, DateTime):
        return _timestamptz if column_type.timezone else _timestamp
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, String):  # Text too
        return _text
    raise TypeError(f"no binary COPY encoding for {column_type!r}")


def _text(value: str) -> bytes:
    encoded = value.encode()
    return _LENGTH.pack(len(encoded)) + encoded


def _bigint(value: int) -> bytes:
    return _INT8.pack(8, value)


def _integer(value: int) -> bytes:
    return _INT4.pack(4, value)


def _boolean(value: bool) -> bytes:
    return _BOOL.pack(1, value)


def _timestamptz(value: datetime) -> bytes:
    """Microseconds since 2000-01-01 UTC; a naive datetime is taken as UTC (read models store UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return _INT8.pack(8, (value - PG_EPOCH) // MICROSECOND)


def _timestamp(value: datetime) -> bytes:
    return _INT8.pack(8, (value - PG_EPOCH.replace(tzinfo=None)) // MICROSECOND)


def _date(value: date) -> bytes:
    return _INT4.pack(4, (value - PG_EPOCH_DATE).days)
