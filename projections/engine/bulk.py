"""Writing many read-model rows at once: COPY in PostgreSQL's binary format, a bulk INSERT elsewhere.

Binary rather than CSV: nothing is quoted or escaped (a text is its length and its UTF-8), NULL is a length
of -1, and a timestamp is eight bytes of microseconds. Formatting datetimes as text was the dearest part
of a row, and the server then parsed them back.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import chain, repeat
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
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
PG_EPOCH_DATE = date(2000, 1, 1)
MICROSECOND = timedelta(microseconds=1)


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows as dicts keyed by column name: a missing key is NULL, a key that is no column is ignored."""
    if not rows:
        return
    columns = [column.name for column in table.columns]
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), [{column: _as_stored(row.get(column)) for column in columns} for row in rows])
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
        connection.execute(
            insert(table),
            [{column: _as_stored(value) for column, value in zip(columns, row, strict=True)} for row in rows],
        )
        return
    _copy(connection, table, columns, rows)


def _as_stored(value: Any) -> Any:
    """SQLite keeps a datetime's text, offset and all: every read model writes UTC, so text order is time order
    (PostgreSQL's timestamptz is an instant whatever the offset it was given)."""
    return utc(value) if isinstance(value, datetime) else value


def utc(moment: datetime) -> datetime:
    """Read models store UTC (SQLite keeps no offset, so everything must agree on one)."""
    if moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _copy(connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    data = encode_copy_binary(column_kinds(table, tuple(columns)), rows)
    # The raw cursor shares the SQLAlchemy connection's transaction.
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT binary)", io.BytesIO(data))


def encode_copy_binary(kinds: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> bytes:
    """COPY's binary format: a header, per row its field count and each field (length, bytes), a trailer.

    Column by column: each column's values are encoded by one comprehension (no call per value), then the
    rows are put back together.
    """
    rows = list(rows)
    if not rows:
        return HEADER + TRAILER
    columns = [ENCODE[kind](column) for kind, column in zip(kinds, zip(*rows, strict=True), strict=True)]
    counts = repeat(struct.pack(">h", len(kinds)), len(rows))
    return b"".join((HEADER, *chain.from_iterable(zip(counts, *columns, strict=True)), TRAILER))


@lru_cache(maxsize=64)
def column_kinds(table: Table, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(kind_of(table.c[column].type) for column in columns)


def kind_of(column_type: TypeEngine[Any]) -> str:
    """Which binary encoding a column takes (PostgreSQL's "send" format of its type)."""
    if isinstance(column_type, Boolean):
        return "boolean"
    if isinstance(column_type, BigInteger):
        return "bigint"
    if isinstance(column_type, Integer):
        return "integer"
    if isinstance(column_type, DateTime):
        return "timestamptz" if column_type.timezone else "timestamp"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, String):  # Text too
        return "text"
    raise TypeError(f"no binary COPY encoding for {column_type!r}")


_length, _int8, _int4, _bool = _LENGTH.pack, _INT8.pack, _INT4.pack, _BOOL.pack


def _texts(values: Sequence[str | None]) -> list[bytes]:
    return [NULL if v is None else _length(len(b := v.encode())) + b for v in values]


def _bigints(values: Sequence[int | None]) -> list[bytes]:
    return [NULL if v is None else _int8(8, v) for v in values]


def _integers(values: Sequence[int | None]) -> list[bytes]:
    return [NULL if v is None else _int4(4, v) for v in values]


def _booleans(values: Sequence[bool | None]) -> list[bytes]:
    return [NULL if v is None else _bool(1, v) for v in values]


def _timestamptzs(values: Sequence[datetime | None]) -> list[bytes]:
    """Microseconds since 2000-01-01 UTC; a naive datetime is taken as UTC (read models store UTC)."""
    return [
        NULL if v is None else _int8(8, ((v if v.tzinfo else v.replace(tzinfo=UTC)) - PG_EPOCH) // MICROSECOND)
        for v in values
    ]


def _timestamps(values: Sequence[datetime | None]) -> list[bytes]:
    epoch = PG_EPOCH.replace(tzinfo=None)
    return [NULL if v is None else _int8(8, (v - epoch) // MICROSECOND) for v in values]


def _dates(values: Sequence[date | None]) -> list[bytes]:
    return [NULL if v is None else _int4(4, (v - PG_EPOCH_DATE).days) for v in values]


ENCODE: dict[str, Callable[[Sequence[Any]], list[bytes]]] = {
    "text": _texts,
    "bigint": _bigints,
    "integer": _integers,
    "boolean": _booleans,
    "timestamptz": _timestamptzs,
    "timestamp": _timestamps,
    "date": _dates,
}
