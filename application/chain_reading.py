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
from application.chain_verification import EventRow, LinkRow, Sources, Verdict, verify
from application.event_chain import Link
from application.tables import event_chain as chain_table

BATCH = 10_000


class StoreStreams:
    """Events and links from a position onwards, read on one DB-API connection (one snapshot)."""

    def __init__(self, dbapi_connection: Any, dialect: str, events_table: str) -> None:
        self.connection = dbapi_connection
        self.postgres = dialect == "postgresql"
        self.events_table = events_table
        self._open: set[Any] = set()

    def sources(self) -> Sources:
        return Sources(events_after=self.events_after, links_after=self.links_after)

    def events_after(self, after: int) -> Iterator[EventRow]:
        if self.postgres:
            sql = (
                f"SELECT e.id, {event_chain.postgres_content('e')} FROM {self.events_table} e "
                "WHERE e.id > %s ORDER BY e.id"
            )
            yield from self._rows(sql, after)
            return
        sql = (
            f"SELECT id, originator_id, originator_version, topic, state FROM {self.events_table} "
            "WHERE id > ? ORDER BY id"
        )
        content = event_chain.content
        for position, originator_id, version, topic, state in self._rows(sql, after):
            try:
                event_content = content(originator_id, version, topic, state)
            except (TypeError, AttributeError, OverflowError):  # SQLite keeps a value of any type: one edited
                event_content = repr((originator_id, version, topic, state)).encode()  # into what was never stored
            yield position, event_content

    def links_after(self, after: int) -> Iterator[LinkRow]:
        mark = "%s" if self.postgres else "?"
        sql = f"SELECT position, previous, hash FROM {chain_table.name} WHERE position > {mark} ORDER BY position"
        for position, previous, digest in self._rows(sql, after):
            yield position, previous, bytes(digest)  # PostgreSQL's driver reads bytea as a memoryview

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
