"""Notifications from the event store, decoded once per batch for every projection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Mapper
from sqlalchemy import Select, Table, Text, cast, select
from sqlalchemy.engine import Connection

ENVELOPE = ("originator_id", "originator_version", "originator_topic", "timestamp", "actor")


@dataclass(frozen=True, slots=True)
class ProjectedEvent:
    """One event as projections see it: where it sits in the global order, what and who."""

    position: int
    aggregate_id: str
    aggregate_type: str
    version: int
    type: str
    topic: str
    at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]
    # The stored state as JSON (decrypted, decompressed), for cheap checks on what the data holds;
    # None where a custom transcoder made it.
    stored_json: bytes | None = field(default=None, compare=False, repr=False)


class UndecodableEvent(Exception):
    """A stored event no projection can read (corrupt state, or the wrong cipher key)."""

    def __init__(self, position: int, topic: str, error: Exception) -> None:
        self.position, self.topic = position, topic
        super().__init__(f"cannot decode event at position {position} ({topic}): {type(error).__name__}: {error}")


def read_batch(connection: Connection, events_table: Table, mapper: Mapper, *, after: int,
               limit: int) -> list[ProjectedEvent]:
    """The next ``limit`` events after ``after``, in notification order."""
    if connection.dialect.name == "postgresql":
        # The driver's own cursor (in the connection's transaction): a batch is thousands of rows, and
        # SQLAlchemy's per-row result processing cost as much as decoding them.
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(f"SELECT id, originator_id::text, originator_version, topic, state "
                           f"FROM {events_table.name} WHERE id > %s ORDER BY id LIMIT %s", (after, limit))
            rows = cursor.fetchall()
        finally:
            cursor.close()
    else:
        rows = connection.execute(_columns(connection, events_table).where(events_table.c.id > after)
                                  .order_by(events_table.c.id).limit(limit)).all()
    return _decoded(mapper, rows)


def read_positions(connection: Connection, events_table: Table, mapper: Mapper,
                   positions: list[int]) -> list[ProjectedEvent]:
    """The events at ``positions`` (a page's worth), in notification order."""
    if not positions:
        return []
    rows = connection.execute(_columns(connection, events_table).where(events_table.c.id.in_(positions))
                              .order_by(events_table.c.id)).all()
    return _decoded(mapper, rows)


def _columns(connection: Connection, events_table: Table) -> Select[Any]:
    originator_id = events_table.c.originator_id
    if connection.dialect.name == "postgresql":
        originator_id = cast(originator_id, Text)  # the same text as str(UUID), without building a UUID
    return select(events_table.c.id, originator_id, events_table.c.originator_version, events_table.c.topic,
                  events_table.c.state)


def _decoded(mapper: Mapper, rows: Any) -> list[ProjectedEvent]:
    batch = []
    for row in rows:
        try:
            batch.append(decode(mapper, row))
        except Exception as error:  # noqa: BLE001 - reported with the event's position
            raise UndecodableEvent(row[0], row[3], error) from error
    return batch


def decode(mapper: Mapper, row: Any) -> ProjectedEvent:
    """The event's attributes straight from its stored state (decrypted, decompressed, transcoded).

    Projections need the data, not the domain event object, so the class is never resolved or built;
    that halves the cost of a rebuild's decoding.
    """
    position, originator_id, version, topic, state = row
    if state.__class__ is not bytes:
        state = bytes(state)
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    attributes, stored_json = decode_attributes(mapper.transcoder, state)
    qualified = topic.partition(":")[2]  # "Case.Accepted"
    aggregate_type, _, event_type = qualified.rpartition(".")
    at = attributes.pop("timestamp", None)
    actor = attributes.pop("actor", None) or {}
    for key in ENVELOPE:
        if key in attributes:
            del attributes[key]
    return ProjectedEvent(position, str(originator_id), aggregate_type, version, event_type, topic, at, actor,
                          attributes, stored_json)


def decode_attributes(transcoder: Any, state: bytes) -> tuple[dict[str, Any], bytes | None]:
    """Exactly what ``transcoder.decode(state)`` returns, several times faster for the usual event,
    and the JSON it was decoded from (None for a transcoder other than the library's JSON one).

    The library's JSON transcoder calls a Python object hook on every JSON object to turn
    ``{"_type_": name, "_data_": value}`` back into a datetime, UUID or Decimal. Here orjson parses the
    text without a hook, and the typed values are converted afterwards -- but only when every
    ``"_type_"`` in the text is accounted for by a top-level attribute (the event's timestamp and its
    deadlines). A typed value anywhere deeper, an escaped character (``\\u``: orjson and the library
    differ on lone surrogates), a custom transcoder, text that is not one JSON object, or any error
    (orjson also refuses NaN and integers beyond 64 bits, which the library reads): the library decodes
    it (and raises its own errors).
    """
    if type(transcoder) is not JSONTranscoder:
        return transcoder.decode(state), None
    if b"\\u" in state:
        return transcoder.decode(state), state
    try:
        attributes = orjson.loads(state)
        if attributes.__class__ is not dict:
            return transcoder.decode(state), state
        typed = state.count(b'"_type_"')
        converted = 0
        if typed:
            names = transcoder.names
            for key, value in attributes.items():
                if value.__class__ is dict and len(value) == 2 and "_type_" in value and "_data_" in value:
                    attributes[key] = names[value["_type_"]].decode(value["_data_"])
                    converted += 1
        if converted != typed:
            return transcoder.decode(state), state
        return attributes, state
    except Exception:  # noqa: BLE001 - the library's decoding says what is wrong
        return transcoder.decode(state), state
