"""The event store read for the hash chain: streams of events and links in position order (server-side
cursors on PostgreSQL), the check of the whole store in one snapshot, and chaining the events stored before
the chain existed (done once, by the schema upgrade)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from application import event_chain
from application.chain_verification import EventRow, LinkRow, Sources, Verdict, Visit, verify
from application.event_chain import Link
from projections.storage.tables import event_chain as chain_table

BATCH = 10_000


class StoreStreams:
    """Events and links from a position onwards, read on one DB-API connection (one snapshot)."""

    def __init__(self, dbapi_connection: Any, dialect: str, events_table: str) -> None:
        self.connection = dbapi_connection
        self.postgres = dialect == "postgresql"
        self.events_table = events_table
        self._open: set[Any] = set()

    def sources(self) -> Sources:
        return Sources(feed_packed=self.feed_packed, events_after=self.events_after, links_after=self.links_after)

    def feed_packed(self, after: int, visit: Visit) -> None:
        """Each event as ``position ‖ content`` with its link's hash (None: no link), to ``visit``. PostgreSQL
        sends them by binary COPY: no hex to encode and decode, and the server streams while we hash."""
        join = f"{self.events_table} e LEFT JOIN {chain_table.name} c ON c.position = e.id"
        if self.postgres:
            sql = f"SELECT int8send(e.id) || {event_chain.postgres_content('e')}, c.hash FROM {join} WHERE e.id > %s"
            with self.connection.cursor() as cursor:
                query = cursor.mogrify(f"{sql} ORDER BY e.id", (after,)).decode()
                cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT binary)", _CopiedPairs(visit))
            return
        sql = f"SELECT e.id, e.originator_id, e.originator_version, e.topic, e.state, c.hash FROM {join} WHERE e.id > ?"
        for position, originator_id, version, topic, state, digest in self._rows(f"{sql} ORDER BY e.id", after):
            if not visit(position.to_bytes(8, "big") + _content(originator_id, version, topic, state), digest):
                return

    def events_after(self, after: int) -> Iterator[EventRow]:
        if self.postgres:
            sql = (
                f"SELECT e.id, {event_chain.postgres_content('e')} FROM {self.events_table} e "
                "WHERE e.id > %s ORDER BY e.id"
            )
            return self._rows(sql, after)
        sql = (
            f"SELECT id, originator_id, originator_version, topic, state FROM {self.events_table} "
            "WHERE id > ? ORDER BY id"
        )
        return (
            (position, _content(originator_id, version, topic, state))
            for position, originator_id, version, topic, state in self._rows(sql, after)
        )

    def links_after(self, after: int) -> Iterator[LinkRow]:
        mark = "%s" if self.postgres else "?"
        sql = f"SELECT position, previous, hash FROM {chain_table.name} WHERE position > {mark} ORDER BY position"
        for position, previous, digest in self._rows(sql, after):
            yield position, previous, bytes(digest)  # PostgreSQL's driver reads bytea as a memoryview of chars

    def _rows(self, sql: str, after: int) -> Iterator[Any]:
        """The rows of a query, fetched in batches; a named (server-side) cursor on PostgreSQL."""
        if self.postgres:
            cursor = self.connection.cursor(name=f"chain_{uuid.uuid4().hex}")
            cursor.itersize = BATCH
        else:
            cursor = self.connection.cursor()
        self._open.add(cursor)
        try:
            cursor.execute(sql, (after,))
            while batch := cursor.fetchmany(BATCH):
                yield from batch
        finally:
            if cursor in self._open:
                self._open.discard(cursor)
                cursor.close()

    def close(self) -> None:
        """Close the cursors of streams not read to the end (before their transaction ends)."""
        while self._open:
            self._open.pop().close()


class _CopiedPairs:
    """The receiving end of ``COPY (…two bytea columns…) TO STDOUT WITH (FORMAT binary)``: PostgreSQL sends one
    CopyData message per row (the protocol says so), the file header in front of the first. Each row is a
    field count, then per field a length (-1: NULL) and the bytes. After ``visit`` says stop, the rest of the
    rows are let through unread."""

    HEADER = 19  # signature (11), flags (4), header extension length (4, none written)

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.first = True
        self.reading = True

    def write(self, data: bytes) -> None:
        if not self.reading:
            return
        row = memoryview(data)
        if self.first:
            self.first = False
            row = row[self.HEADER + int.from_bytes(row[15:19], "big") :]
        if len(row) < 6:  # the header alone, or the trailer (a field count of -1)
            return
        length = int.from_bytes(row[2:6], "big")
        packed, rest = row[6 : 6 + length], 10 + length
        digest_length = int.from_bytes(row[rest - 4 : rest], "big", signed=True)
        digest = None if digest_length < 0 else bytes(row[rest : rest + digest_length])
        self.reading = self.visit(packed, digest)


def _content(originator_id: Any, version: Any, topic: Any, state: Any) -> bytes:
    """``event_chain.content`` of a row read from SQLite, which keeps a value of any type in any column:
    one edited into what was never stored still reads (and fails the check)."""
    try:
        return event_chain.content(originator_id, version, topic, state)
    except (TypeError, AttributeError, OverflowError):
        return repr((originator_id, version, topic, state)).encode()


def verify_store(engine: Engine, events_table: str, anchor: Link | None = None) -> Verdict:
    """Check the whole store (or from ``anchor`` on) as it stands at one moment; writers go on meanwhile."""
    with _snapshot(engine) as dbapi_connection:
        streams = StoreStreams(dbapi_connection, engine.dialect.name, events_table)
        try:
            return verify(streams.sources(), anchor)
        finally:
            streams.close()


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Any]:
    """A DB-API connection inside a read-only transaction that sees one snapshot of both tables."""
    raw = engine.raw_connection()
    dbapi_connection = raw.dbapi_connection
    try:
        if engine.dialect.name == "postgresql":
            dbapi_connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        else:
            dbapi_connection.execute("BEGIN")
        try:
            yield dbapi_connection
        finally:
            dbapi_connection.rollback()
            if engine.dialect.name == "postgresql":
                dbapi_connection.set_session(isolation_level="DEFAULT", readonly="DEFAULT")
    finally:
        raw.close()


def chain_unchained(connection: Connection, events_table: str) -> int:
    """Chain every event after the chain's head, in position order, in the connection's transaction (which
    holds the schema lock); on PostgreSQL writers of events wait for it. Returns how many were chained."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"LOCK TABLE {events_table} IN EXCLUSIVE MODE"))
    streams = StoreStreams(connection.connection.dbapi_connection, connection.dialect.name, events_table)
    events = streams.events_after(event_chain.head(connection).position)
    chained = 0
    while batch := list(islice(events, BATCH)):
        event_chain.append(connection, batch)
        chained += len(batch)
    return chained
