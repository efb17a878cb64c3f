"""The hash chain over the event store (tamper evidence): what is hashed, and writing the links.

Every stored event has one row in ``gridledger_event_chain``, written in the transaction that stores the event::

    hash    = SHA-256(previous hash ‖ position ‖ content)
    content = originator id (16 bytes) ‖ version (8 bytes) ‖ length of topic (4 bytes) ‖ topic (UTF-8) ‖ state

``position`` is the event's notification id, integers are big-endian, ``state`` is the bytes as stored (after
compression and encryption), and the previous hash is that of the event chained just before (32 zero bytes for
the first). The row also names that previous position. Links are written in commit order: on PostgreSQL inside
the statement that inserts the events, under the events table's lock that already orders notification ids; on
SQLite by its single writer. ``application/chain_verification.py`` checks them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import StoredEvent
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from projections.storage.tables import event_chain

GENESIS = bytes(32)  # the "previous hash" of the first event


@dataclass(frozen=True)
class Link:
    """A position in the chain and the hash there: the head, or an anchor printed on paper."""

    position: int
    hash: bytes

    def __str__(self) -> str:
        return f"{self.position}:{self.hash.hex()}"

    @classmethod
    def parse(cls, anchor: str) -> Link:
        """``POSITION:HASH`` as printed (the hash in hex); ValueError otherwise."""
        position, _, digest = anchor.strip().partition(":")
        try:
            hash_bytes = bytes.fromhex(digest)
        except ValueError:
            hash_bytes = b""
        if not position.isdigit() or int(position) < 1 or len(hash_bytes) != len(GENESIS):
            raise ValueError("an anchor is POSITION:HASH: a position from 1, a colon and 64 hexadecimal digits")
        return cls(int(position), hash_bytes)


ORIGIN = Link(0, GENESIS)  # before the first event


def content(originator_id: bytes, version: int, topic: str, state: bytes) -> bytes:
    """What of a stored event is chained, besides its position (fixed widths and a length: unambiguous)."""
    topic_bytes = topic.encode()
    return b"".join(
        (originator_id, version.to_bytes(8, "big"), len(topic_bytes).to_bytes(4, "big"), topic_bytes, state)
    )


def stored_event_content(event: StoredEvent) -> bytes:
    return content(event.originator_id.bytes, event.originator_version, event.topic, event.state)


def link_hash(previous_hash: bytes, position: int, event_content: bytes) -> bytes:
    return hashlib.sha256(previous_hash + position.to_bytes(8, "big") + event_content).digest()


def head(connection: Connection) -> Link:
    """The last link (``ORIGIN`` while nothing is chained)."""
    row = connection.execute(
        select(event_chain.c.position, event_chain.c.hash).order_by(event_chain.c.position.desc()).limit(1)
    ).first()
    return Link(int(row[0]), bytes(row[1])) if row else ORIGIN


def append(connection: Connection, contents: Iterable[tuple[int, bytes]]) -> Link:
    """Chain events just stored, ``(position, content)`` in position order, after the head. The caller's
    transaction must be the only writer of events until it commits (SQLite's write lock, or the table lock)."""
    last = head(connection)
    rows = []
    for position, event_content in contents:
        digest = link_hash(last.hash, position, event_content)
        rows.append({"position": position, "previous": last.position, "hash": digest})
        last = Link(position, digest)
    if rows and connection.dialect.name == "postgresql":  # chaining an older store: many at once
        _copy_links(connection, rows)
    elif rows:
        connection.execute(insert(event_chain), rows)
    return last


def _copy_links(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Rows into the chain by ``COPY … FROM STDIN`` (text format; a hash as bytea's hex input, ``\\x…``)."""
    lines = "".join(f"{row['position']}\t{row['previous']}\t\\\\x{row['hash'].hex()}\n" for row in rows)
    with connection.connection.dbapi_connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {event_chain.name} (position, previous, hash) FROM STDIN", io.StringIO(lines))


def append_stored(connection: Connection, positions: Sequence[int], events: Sequence[StoredEvent]) -> None:
    append(connection, sorted(zip(positions, map(stored_event_content, events), strict=True)))


# PostgreSQL: the same hashes computed by the server in the statement that inserts the events (one round trip
# under the table lock). ``{values}`` are the inserted rows; the fold over them is a recursive CTE.
_POSTGRES_CHAINED_INSERT = """\
WITH RECURSIVE {before}inserted AS (
  INSERT INTO {events} (originator_id, originator_version, topic, state) {values}
  RETURNING id, originator_id, originator_version, topic, state
), numbered AS (
  SELECT row_number() OVER (ORDER BY id) AS n, * FROM inserted
), head AS (
  SELECT position, hash FROM {chain} ORDER BY position DESC LIMIT 1
), links (n, position, previous, hash) AS (
  SELECT 0::bigint, coalesce((SELECT position FROM head), 0), 0::bigint,
         coalesce((SELECT hash FROM head), '\\x{genesis}'::bytea)
  UNION ALL
  SELECT numbered.n, numbered.id, links.position,
         sha256(links.hash || int8send(numbered.id) || {content})
  FROM links JOIN numbered ON numbered.n = links.n + 1
), chained AS (
  INSERT INTO {chain} (position, previous, hash) SELECT position, previous, hash FROM links WHERE n > 0
)
SELECT id, originator_id, originator_version{more} FROM inserted{also}"""


# One event (most commands): the same hash without the recursion, which costs about as much again to run.
_POSTGRES_CHAINED_INSERT_ONE = """\
WITH {before}inserted AS (
  INSERT INTO {events} (originator_id, originator_version, topic, state) {values}
  RETURNING id, originator_id, originator_version, topic, state
), head AS (
  SELECT position, hash FROM {chain} ORDER BY position DESC LIMIT 1
), chained AS (
  INSERT INTO {chain} (position, previous, hash)
  SELECT inserted.id, coalesce(head.position, 0),
         sha256(coalesce(head.hash, '\\x{genesis}'::bytea) || int8send(inserted.id) || {content})
  FROM inserted LEFT JOIN head ON true
)
SELECT id, originator_id, originator_version{more} FROM inserted{also}"""


def postgres_content(alias: str) -> str:
    """``content`` as a PostgreSQL expression over a row of the events table (or of ``RETURNING``)."""
    topic = f"convert_to({alias}.topic, 'UTF8')"
    return (
        f"uuid_send({alias}.originator_id) || int8send({alias}.originator_version::bigint) "
        f"|| int4send(octet_length({topic})) || {topic} || {alias}.state"
    )


def postgres_chained_insert(
    events_table: str, values: str, count: int, *, before: str = "", only_if: str = "", also: str = ""
) -> str:
    """INSERT the ``count`` rows of ``values`` into the events table and chain them; returns id, originator_id
    and version of each. Optionally: ``before``, more CTEs written first; ``only_if``, a condition on inserting
    the events at all; ``also``, a SELECT of rows of four columns to answer after the events' (whose fourth is
    NULL)."""
    template, row = (_POSTGRES_CHAINED_INSERT_ONE, "inserted") if count == 1 else (_POSTGRES_CHAINED_INSERT, "numbered")
    rows = f"SELECT * FROM (VALUES {values}) AS v WHERE {only_if}" if only_if else f"VALUES {values}"
    return template.format(
        events=events_table,
        chain=event_chain.name,
        values=rows,
        genesis=GENESIS.hex(),
        content=postgres_content(row),
        before=f"{before}, " if before else "",
        more=", NULL::text" if also else "",
        also=f" UNION ALL {also}" if also else "",
    )
