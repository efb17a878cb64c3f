"""Notifications from the event store, decoded once per batch for every projection."""

from __future__ import annotations

import functools
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson
import psycopg2
from eventsourcing.persistence import JSONTranscoder, Mapper
from sqlalchemy import Select, Table, Text, cast, select
from sqlalchemy.engine import Connection

# class_version: the library pops it before upcasting; a fold reads an older event's missing fields with .get().
ENVELOPE = ("originator_id", "originator_version", "originator_topic", "timestamp", "actor", "class_version")


class ProjectedEvent(NamedTuple):
    """One event as projections see it: where it sits in the global order, what and who.

    Immutable, and a tuple because a rebuild builds hundreds of thousands of them (a frozen dataclass is
    slower to build, and it showed in the decoding). An event decoded to its envelope only (see ``Reads``)
    has empty ``data``.
    """

    position: int
    aggregate_id: str
    aggregate_type: str
    version: int
    type: str
    topic: str
    at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


@dataclass(frozen=True)
class Reads:
    """Which events a read model is given: those of ``aggregate_types`` (None: every aggregate's) -- with
    their data, or (``data=False``, for a read model that only indexes events) their envelope alone: position,
    aggregate, version, type, time and actor. The engine decodes an event's data only when a read model it
    is given to reads it."""

    aggregate_types: frozenset[str] | None = None
    data: bool = True

    def wants(self, event: ProjectedEvent) -> bool:
        return self.aggregate_types is None or event.aggregate_type in self.aggregate_types

    def given(self, events: list[ProjectedEvent]) -> list[ProjectedEvent]:
        """The ``events`` a read model reading these is given."""
        if self.aggregate_types is None:
            return events
        types = self.aggregate_types
        return [event for event in events if event.aggregate_type in types]


class UndecodableEvent(Exception):
    """A stored event no projection can read (corrupt state, or the wrong cipher key)."""

    def __init__(self, position: int, topic: str, error: Exception) -> None:
        self.position, self.topic = position, topic
        super().__init__(f"cannot decode event at position {position} ({topic}): {type(error).__name__}: {error}")


def read_batch(
    connection: Connection,
    events_table: Table,
    mapper: Mapper,
    *,
    after: int,
    limit: int,
    data_of: Container[str] | None = None,
) -> list[ProjectedEvent]:
    """The next ``limit`` events after ``after``, in notification order: those of the aggregate types in
    ``data_of`` (None: all) with their data, the others as envelopes (empty data)."""
    if connection.dialect.name == "postgresql":
        # The driver's own cursor (in the connection's transaction): a batch is thousands of rows, and
        # SQLAlchemy's per-row result processing would weigh as much as decoding them.
        rows = _fetch_after(connection, events_table, after, limit, as_text=_plain_json(mapper))
    else:
        rows = connection.execute(
            _columns(connection, events_table).where(events_table.c.id > after).order_by(events_table.c.id).limit(limit)
        ).all()
    # The events before an undecodable one are applied; the next read starts at it and stops there.
    return _decoded(mapper, rows, partial=True, data_of=data_of)


def _plain_json(mapper: Mapper) -> bool:
    """Whether the stored state is the transcoder's JSON as it is (no cipher, no compression)."""
    return mapper.cipher is None and mapper.compressor is None and type(mapper.transcoder) is JSONTranscoder


def _fetch_after(connection: Connection, events_table: Table, after: int, limit: int, *, as_text: bool) -> list[Any]:
    """Rows through the driver's own cursor, in the connection's transaction.

    ``as_text``: the server turns plain JSON state into text (half the bytes of bytea's hex on the wire,
    and no bytes object to copy). State that is not UTF-8 makes the server refuse the whole batch; then
    it is read again as bytes, so the decoder can name the event it cannot read.
    """
    cursor = connection.connection.dbapi_connection.cursor()
    query = (
        "SELECT id, originator_id::text, originator_version, topic, {state} FROM "
        + events_table.name
        + " WHERE id > %s ORDER BY id LIMIT %s"
    )
    try:
        if as_text:
            cursor.execute("SAVEPOINT gridledger_read_text")
            try:
                cursor.execute(query.format(state="convert_from(state, 'UTF8')"), (after, limit))
                rows = cursor.fetchall()
                cursor.execute("RELEASE SAVEPOINT gridledger_read_text")
                return rows
            except psycopg2.DataError:
                cursor.execute("ROLLBACK TO SAVEPOINT gridledger_read_text")
        cursor.execute(query.format(state="state"), (after, limit))
        return cursor.fetchall()
    finally:
        cursor.close()


def read_positions(
    connection: Connection, events_table: Table, mapper: Mapper, positions: list[int]
) -> list[ProjectedEvent]:
    """The events at ``positions`` (a page's worth), in notification order."""
    if not positions:
        return []
    rows = connection.execute(
        _columns(connection, events_table).where(events_table.c.id.in_(positions)).order_by(events_table.c.id)
    ).all()
    return _decoded(mapper, rows)


def _columns(connection: Connection, events_table: Table) -> Select[Any]:
    originator_id = events_table.c.originator_id
    if connection.dialect.name == "postgresql":
        originator_id = cast(originator_id, Text)  # the same text as str(UUID), without building a UUID
    return select(
        events_table.c.id, originator_id, events_table.c.originator_version, events_table.c.topic, events_table.c.state
    )


def _decoded(
    mapper: Mapper, rows: Any, *, partial: bool = False, data_of: Container[str] | None = None
) -> list[ProjectedEvent]:
    """The rows' events, or UndecodableEvent for the first that cannot be decoded -- with ``partial``,
    the events before it when there are any."""
    batch = []
    for row in rows:
        try:
            if data_of is None or _names(row[3])[0] in data_of:
                batch.append(decode(mapper, row))
            else:
                batch.append(decode_envelope(mapper, row))
        except Exception as error:  # noqa: BLE001 - reported with the event's position
            if partial and batch:
                return batch
            raise UndecodableEvent(row[0], row[3], error) from error
    return batch


def decode(mapper: Mapper, row: Any) -> ProjectedEvent:
    """The event's attributes straight from its stored state (decrypted, decompressed, transcoded).

    Projections need the data, not the domain event object, so the class is never resolved or built;
    building it would be much of a rebuild's decoding.
    """
    position, originator_id, version, topic, state = row
    attributes = decode_attributes(mapper.transcoder, _plain(mapper, state))
    if (open_people := getattr(mapper, "open_attributes", None)) is not None:
        open_people(attributes, originator_id)
    aggregate_type, event_type = _names(topic)
    at = attributes.pop("timestamp", None)
    actor = attributes.pop("actor", None) or {}
    for key in ENVELOPE:
        if key in attributes:
            del attributes[key]
    return ProjectedEvent(
        position, str(originator_id), aggregate_type, version, event_type, topic, at, actor, attributes
    )


def decode_envelope(mapper: Mapper, row: Any) -> ProjectedEvent:
    """The event without its data: where it sits, what and who (what ``decode`` gives, with ``data`` empty).

    The JSON is still parsed whole (an envelope is only known by parsing), but only the timestamp is
    converted and nothing else is kept: a read model that indexes every event needs no more, and a rebuild
    of one decodes four fifths less. Whatever the fast path does not expect goes through ``decode``.
    """
    position, originator_id, version, topic, state = row
    state = _plain(mapper, state)
    transcoder = mapper.transcoder
    escape = "\\u" if state.__class__ is str else b"\\u"
    if type(transcoder) is JSONTranscoder and escape not in state:
        try:
            attributes = orjson.loads(state)
            stamp, actor = attributes["timestamp"], attributes.get("actor") or {}
            if _typed(stamp) and actor.__class__ is dict:  # an actor is plain strings (domain/actor.py)
                at = transcoder.names[stamp["_type_"]].decode(stamp["_data_"])
                aggregate_type, event_type = _names(topic)
                return ProjectedEvent(
                    position, str(originator_id), aggregate_type, version, event_type, topic, at, actor, {}
                )
        except Exception:  # noqa: BLE001 - decode says what is wrong
            pass
    return decode(mapper, row)._replace(data={})


def _plain(mapper: Mapper, state: Any) -> bytes | str:
    """The stored state decrypted and decompressed: the transcoder's JSON, as bytes (or as text when
    PostgreSQL already decoded it)."""
    if state.__class__ is memoryview:
        state = bytes(state)
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    return state


@functools.lru_cache(maxsize=1024)
def _names(topic: str) -> tuple[str, str]:
    """("Case", "Accepted") from "domain.case:Case.Accepted"."""
    aggregate_type, _, event_type = topic.partition(":")[2].rpartition(".")
    return aggregate_type, event_type


def decode_attributes(transcoder: Any, state: bytes | str) -> dict[str, Any]:
    """Exactly what ``transcoder.decode(state)`` returns, by a cheaper path for the usual event.

    ``state`` is the stored JSON as bytes, or as text when the database already decoded its UTF-8.
    The library's JSON transcoder calls a Python object hook on every JSON object to turn
    ``{"_type_": name, "_data_": value}`` back into a datetime, UUID or Decimal. Here orjson parses the
    text without a hook, and the typed values are converted afterwards -- but only when every
    ``"_type_"`` in the text is accounted for by a top-level attribute (the event's timestamp and its
    deadlines). A typed value anywhere deeper, an escaped character (``\\u``: orjson and the library
    differ on lone surrogates), a custom transcoder, text that is not one JSON object, or any error
    (orjson also refuses NaN and integers beyond 64 bits, which the library reads): the library decodes
    it (and raises its own errors).
    """
    escape, typed_key = ("\\u", '"_type_"') if state.__class__ is str else (b"\\u", b'"_type_"')
    if type(transcoder) is not JSONTranscoder or escape in state:
        return _library_decode(transcoder, state)
    try:
        attributes = orjson.loads(state)
        if attributes.__class__ is not dict:
            return _library_decode(transcoder, state)
        typed = state.count(typed_key)
        converted = 0
        if typed:
            names = transcoder.names
            for key, value in attributes.items():
                if _typed(value):
                    attributes[key] = names[value["_type_"]].decode(value["_data_"])
                    converted += 1
                    if converted == typed:
                        break
        if converted != typed:
            return _library_decode(transcoder, state)
        return attributes
    except Exception:  # noqa: BLE001 - the library's decoding says what is wrong
        return _library_decode(transcoder, state)


def _library_decode(transcoder: Any, state: bytes | str) -> dict[str, Any]:
    return transcoder.decode(state.encode("utf8") if isinstance(state, str) else state)


def _typed(value: Any) -> bool:
    """Whether ``value`` is how the JSON transcoder writes a typed value: ``{"_type_": …, "_data_": …}``."""
    return value.__class__ is dict and len(value) == 2 and "_type_" in value and "_data_" in value
