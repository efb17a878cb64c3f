"""A leaner event recorder for eventsourcing-sqlalchemy: SQLAlchemy Core instead of the ORM.

eventsourcing-sqlalchemy writes each stored event through an ORM session (``add`` + ``flush``) and reads
them back through ``session.query``; per command that unit-of-work bookkeeping cost more CPU than the
database round trips themselves. This recorder keeps the same tables, the same table lock (so commit
order equals notification order, which the projections rely on) and the same NOTIFY, and only swaps
the statements for compiled-once Core ones. Selected with ``PERSISTENCE_MODULE=application.event_recorder:Factory``.

It also writes each event's link of the hash chain (application/event_chain.py) in the same transaction, in
notification order: on PostgreSQL in the one statement that inserts the events, under the table lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg2
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from application import event_chain, person_keys

PREPARED = "gridledger_prepared_inserts"  # key in a pooled connection's info: the names it has prepared


class CoreApplicationRecorder(SQLAlchemyApplicationRecorder):
    """Same storage as the library's recorder; Core statements on the hot paths."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        table = self.events_record_cls.__table__
        self._table = table
        self._insert = insert(table).returning(table.c.id)
        self._columns = (table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state)

    def _insert_stored_events(
        self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        if not stored_events:
            return []
        if self.datastore.engine is not None and self.datastore.engine.dialect.name == "postgresql":
            return self._insert_in_one_round_trip(session, stored_events)
        self._lock_table(session)
        rows = [
            {
                "originator_id": e.originator_id,
                "originator_version": e.originator_version,
                "topic": e.topic,
                "state": e.state,
            }
            for e in stored_events
        ]
        connection = session.connection()
        positions = [connection.execute(self._insert, row).scalar_one() for row in rows]
        self._chain(connection, positions, stored_events)  # SQLite's write lock is held since the first INSERT
        return positions

    def _chain(self, connection: Connection, positions: Sequence[int], stored_events: Sequence[StoredEvent]) -> None:
        event_chain.append_stored(connection, positions, stored_events)

    def _insert_returning(self, table: str, values: str, count: int) -> str:
        """The statement (after the lock) that inserts the events, chains them and returns their ids."""
        return event_chain.postgres_chained_insert(table, values, count)

    def _claiming_insert_returning(self, table: str, values: str, count: int, claims: int) -> str:
        """The same, first storing ``claims`` rows of new person keys claimed in the transaction -- or, when
        another writer linked one of their lookups first, inserting nothing and answering the lookups taken."""
        first = 4 * count + 1
        rows = ", ".join(person_keys.CLAIM.format(n, n + 1, n + 2) for n in range(first, first + 3 * claims, 3))
        return event_chain.postgres_chained_insert(
            table,
            values,
            count,
            before=person_keys.CLAIMED_KEYS.format(claims=rows),
            only_if=person_keys.UNCLAIMED,
            also=person_keys.TAKEN,
        )

    def _insert_in_one_round_trip(self, session: Session, stored_events: Sequence[StoredEvent]) -> list[int]:
        """LOCK, NOTIFY and INSERT … RETURNING (chaining the events too) sent together: the table lock is held
        for one round trip plus the commit instead of three plus the commit. (NOTIFY is delivered at commit,
        so its place in the transaction does not matter.) The INSERT is a statement prepared once per connection
        and number of events: planning the chain's recursive CTE each time cost more than running it. New person
        keys claimed by the command (application/person_keys.py) are stored by the same statement, under the
        lock; if one of them was for a person another writer has just given a key, ``PersonKeyTaken``."""
        table = f"{self.schema_name}.{self.events_table_name}" if self.schema_name else self.events_table_name
        claims = person_keys.PersonKeys.take_claims(session)
        params: dict[str, Any] = {}
        for n, event in enumerate(stored_events):
            params.update(
                {
                    f"id{n}": str(event.originator_id),
                    f"v{n}": event.originator_version,
                    f"t{n}": event.topic,
                    f"s{n}": psycopg2.Binary(event.state),
                }
            )
        connection = session.connection().connection  # the pool's record of it: ``info`` lives as long as it
        prepare, name = self._prepared_insert(connection, table, len(stored_events), claims=len(claims))
        arguments = ", ".join(f"%(id{n})s, %(v{n})s, %(t{n})s, %(s{n})s" for n in range(len(stored_events)))
        for n, (lookup, key_id, wrapped) in enumerate(claims):
            params.update({f"cl{n}": lookup, f"ck{n}": key_id, f"cw{n}": psycopg2.Binary(wrapped)})
            arguments += f", %(cl{n})s, %(ck{n})s, %(cw{n})s"
        lock = f"LOCK TABLE {table} IN EXCLUSIVE MODE; NOTIFY {self.channel_name}; "
        cursor = connection.cursor()
        try:
            # The lock first: a PREPARE of an INSERT takes the table's ROW EXCLUSIVE lock, and two writers each
            # holding that while waiting for the EXCLUSIVE one deadlock (two new connections at once).
            cursor.execute(f"{lock}{prepare}EXECUTE {name}({arguments})", params)
        except psycopg2.IntegrityError as error:  # another writer took this version first
            raise IntegrityError(str(error)) from error
        except psycopg2.Error:
            connection.info[PREPARED] = None  # whether the PREPARE went through is not known: ask next time
            raise
        rows = cursor.fetchall()
        if claims and (taken := [row[3] for row in rows if row[3] is not None]):
            raise person_keys.PersonKeyTaken(f"{len(taken)} lookups of new person keys were linked first elsewhere")
        ids = {(str(row[1]), row[2]): row[0] for row in rows}
        return [ids[(str(e.originator_id), e.originator_version)] for e in stored_events]

    def _prepared_insert(self, connection: Any, table: str, count: int, *, claims: int) -> tuple[str, str]:
        """The PREPARE to send first (nothing once the connection has it), and the prepared statement's name.
        A prepared statement is not transactional: it outlives a rollback and lasts as long as the session."""
        name = f"{self.events_table_name}_insert_{count}" + (f"_claiming_{claims}" if claims else "")
        if PREPARED not in connection.info:  # a new connection
            connection.info[PREPARED] = set()
        elif connection.info[PREPARED] is None:  # an insert failed at a point not known
            with connection.cursor() as cursor:
                cursor.execute("SELECT name FROM pg_prepared_statements")
                connection.info[PREPARED] = {row[0] for row in cursor.fetchall()}
        prepared: set[str] = connection.info[PREPARED]
        if name in prepared:
            return "", name
        prepared.add(name)
        types = ", ".join(["uuid, bigint, text, bytea"] * count + ["text, text, bytea"] * claims)
        values = ", ".join(f"(${4 * n + 1}, ${4 * n + 2}, ${4 * n + 3}, ${4 * n + 4})" for n in range(count))
        if claims:
            statement = self._claiming_insert_returning(table, values, count, claims)
        else:
            statement = self._insert_returning(table, values, count)
        return f"PREPARE {name} ({types}) AS {statement}; ", name

    def select_events(
        self,
        originator_id: UUID | str,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        version = self._table.c.originator_version
        query = select(*self._columns).where(self._table.c.originator_id == originator_id)
        if gt is not None:
            query = query.where(version > gt)
        if lte is not None:
            query = query.where(version <= lte)
        query = query.order_by(version.desc() if desc else version)
        if limit is not None:
            query = query.limit(limit)
        with self.transaction(commit=False) as session:
            rows = session.connection().execute(query).all()
        return [
            StoredEvent(
                originator_id=row[0],
                originator_version=row[1],
                topic=row[2],
                state=bytes(row[3]) if isinstance(row[3], memoryview) else row[3],
            )
            for row in rows
        ]


class PrePingedDatastore(SQLAlchemyDatastore):
    """The library's datastore, its pool pinging each connection as it is checked out: one that died with the
    database server (a restart, a failover) is replaced there and then instead of failing a request. The library
    has no setting for it (its SQLALCHEMY_* options cover the URL, a connection creator and a scoped session), so
    the engine's keyword is passed here. ``hide_parameters``: a database error's message (logged) never carries a
    statement's values, which can be a resident's name or phone."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(pool_pre_ping=True, hide_parameters=True, **kwargs)


class Factory(SQLAlchemyFactory):
    datastore_class = PrePingedDatastore
    application_recorder_class = CoreApplicationRecorder
