"""Per-person keys (crypto-shredding): each resident's personal fields in events are encrypted with a key of their
own, wrapped by the application's key (GRIDLEDGER_CIPHER_KEY) and kept in ``gridledger_person_keys`` under keyed
hashes of what identifies the person (ID number, phone, household member). Destroying the key erases the person:
the events keep their bytes (the hash chain still verifies) and read ``[已删除]`` where the fields were.

Keys are held in memory per process; an erasure elsewhere is noticed through ``gridledger_person_erasures`` and
``gridledger_erased_lookups`` (``forget_erased_keys``, run when the security generation moved). The erased lookups
(every lookup of a person erased) are held in memory too: a record stored in clear before per-person keys existed
reads "[已删除]" when one of its lookups is among them (application/personal_fields.py).

A key is found or made, and its lookups linked, in the transaction of the events it seals (a crash never leaves an
event whose key is lost), under the lock that orders the event store's writers (so two processes meeting one new
person at once make one key). A command on PostgreSQL meeting someone this process has never seen *claims* a new
key: its rows ride in the statement that inserts the events (no round trip of its own), which stores them only if
none of the person's lookups leads to a key yet -- else nothing is inserted, ``PersonKeyTaken`` is raised and the
command runs again, finding that key (``application/commands.py``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy.event
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, false, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from projections.storage.tables import erased_lookups, person_erasures, person_keys

# ``_find_or_link`` in one statement: the first lookup (in the order given) that leads to a key gives it, else the
# new key is stored; each lookup is linked to the key used (ON CONFLICT: it already was).
FIND_OR_LINK = """
WITH found AS (
    SELECT key_id, wrapped_key FROM gridledger_person_keys
    WHERE lookup = ANY(%(lookups)s::text[])
    ORDER BY array_position(%(lookups)s::text[], lookup::text) LIMIT 1
), chosen AS (
    SELECT key_id, wrapped_key FROM found
    UNION ALL SELECT %(key_id)s, %(wrapped)s WHERE NOT EXISTS (SELECT 1 FROM found)
), linked AS (
    INSERT INTO gridledger_person_keys (lookup, key_id, wrapped_key, created_at)
    SELECT lookup, chosen.key_id, chosen.wrapped_key, now() FROM unnest(%(lookups)s::text[]) AS lookup, chosen
    ON CONFLICT DO NOTHING
)
SELECT key_id, wrapped_key FROM found
"""
PENDING = "gridledger_person_keys_pending"  # in a session's info: keys to keep in memory once it commits
CLAIMS = "gridledger_person_key_claims"  # in a session's info: new keys whose rows ride in the events' INSERT
# The claims' part of the statement that inserts a command's events (application/event_recorder.py), run under the
# events table's lock: when none of the claimed lookups leads to a key yet, the keys are stored with the events;
# when one does (another process met the person first), nothing is inserted and the lookups taken are answered.
# (The claims are rows of parameters, not arrays: with ``unnest`` of arrays the plan PostgreSQL settles on for the
# prepared statement scanned the keys' table, and the statement slowed as the table grew.)
CLAIMED_KEYS = """claims AS (
  SELECT * FROM (VALUES {claims}) AS claim(lookup, key_id, wrapped_key)
), taken AS (
  SELECT DISTINCT keys.lookup FROM gridledger_person_keys AS keys JOIN claims ON keys.lookup = claims.lookup
), claimed AS (
  INSERT INTO gridledger_person_keys (lookup, key_id, wrapped_key, created_at)
  SELECT lookup, key_id, wrapped_key, now() FROM claims WHERE NOT EXISTS (SELECT 1 FROM taken)
)"""
CLAIM = "(${}::text, ${}::text, ${}::bytea)"  # a claim's parameters: lookup, key id, wrapped key
UNCLAIMED = "NOT EXISTS (SELECT 1 FROM taken)"  # the events are inserted only then
TAKEN = "SELECT NULL, NULL, NULL, lookup FROM taken"  # answered after the events' rows
MAX_CACHED = 200_000  # people whose keys a process keeps in memory before it starts over


def master_key(cipher_key: str) -> bytes:
    """GRIDLEDGER_CIPHER_KEY (base64 of 16, 24 or 32 bytes, as the library's AESCipher takes it) as bytes."""
    key = base64.b64decode(cipher_key)
    if len(key) not in (16, 24, 32):
        raise ValueError("GRIDLEDGER_CIPHER_KEY must be the base64 of a 16, 24 or 32 byte key")
    return key


class PersonKeyTaken(Exception):
    """A key claimed in a command's transaction was for a person another writer had linked a key to first: the
    command is to run again, finding that key (``PersonKeys.key_for`` outside a claiming transaction)."""


def _derived(master: bytes, purpose: bytes) -> bytes:
    return hmac.new(master, b"gridledger " + purpose, hashlib.sha256).digest()


class PersonKeys:
    """Find, create, use and destroy per-person keys. ``transaction`` is the datastore's (a session context)."""

    def __init__(
        self,
        master: bytes,
        transaction: Callable[..., Any],
        clock: Callable[[], datetime],
        writers_lock: str = "",
    ) -> None:
        """``writers_lock``: the statement that serialises the event store's writers on PostgreSQL (the events
        table's lock): a key is found or made under it, so that two writers meeting one new person make one key."""
        self._writers_lock = writers_lock
        self._wrapping = AESGCM(_derived(master, b"person key wrapping"))
        self._hashing = _derived(master, b"person lookup")
        self._transaction, self._clock = transaction, clock
        self._by_lookup: dict[str, str] = {}  # lookup -> key id
        self._by_id: dict[str, AESGCM | None] = {}  # key id -> cipher (None: destroyed)
        self._lookups: dict[str, str] = {}  # "kind:value" -> its lookup
        self._erasures_seen = self._lookups_seen = 0  # rows seen in the erasures' and erased lookups' tables
        self._erased: frozenset[str] | None = None  # erased lookups (loaded on first need; None: to load)
        self._lock = threading.Lock()

    # -- identifying people ----------------------------------------------------------------------
    def lookup(self, kind: str, value: str) -> str:
        """The keyed hash under which a person's key is found: never the clear value. Kept in memory (bounded),
        as the aggregates holding those values are: a history opened again costs no HMAC."""
        given = f"{kind}:{value}"
        found = self._lookups.get(given)
        if found is None:
            found = hmac.new(self._hashing, given.encode(), hashlib.sha256).hexdigest()
            if len(self._lookups) >= MAX_CACHED:
                self._lookups.clear()
            self._lookups[given] = found
        return found

    # -- keys ------------------------------------------------------------------------------------
    def key_for(self, lookups: list[str]) -> tuple[str, AESGCM]:
        """The key of the person known by ``lookups`` (most specific first), made on first sight; every
        lookup then leads to it. In the caller's transaction (a command's): the key is stored with the events it
        seals, or not at all."""
        key_ids = {self._by_lookup.get(lookup) for lookup in lookups}
        if len(key_ids) == 1 and None not in key_ids:
            key_id = key_ids.pop()
            assert key_id is not None
            cipher = self.cipher(key_id)
            if cipher is not None:
                return key_id, cipher
        with self._transaction(commit=True) as session:
            claims = session.info.get(CLAIMS)
            if claims is not None and key_ids == {None}:
                return self._claim(session, claims, lookups)
            return self._find_or_make(session, lookups)

    def claim_new_keys(self, session: Any) -> None:
        """In a command's transaction on PostgreSQL: a person none of whose lookups this process knows gets a new
        key at once, and its rows ride in the statement that inserts the events (no round trip of its own); if
        another writer linked one of the lookups first, that statement inserts nothing and raises
        ``PersonKeyTaken``. The claims end with the events' INSERT (``take_claims``): snapshots saved after it, or
        anything else in the transaction, find or make keys as usual."""
        if session.get_bind().dialect.name == "postgresql":
            session.info[CLAIMS] = {}

    @staticmethod
    def take_claims(session: Any) -> list[tuple[str, str, bytes]]:
        """The claims to insert with the events, ``(lookup, key id, wrapped key)``; none are made after this."""
        claims = session.info.pop(CLAIMS, None) or {}
        return [(lookup, key_id, wrapped) for lookup, (key_id, wrapped, _) in claims.items()]

    def _claim(self, session: Any, claims: dict[str, Any], lookups: list[str]) -> tuple[str, AESGCM]:
        """A key for a person this process has never met: one claimed for them earlier in this transaction (by
        any of the lookups), else a new one; every lookup not yet claimed is claimed for it."""
        claimed = next((claims[lookup] for lookup in lookups if lookup in claims), None)
        if claimed is None:
            key_id, raw = secrets.token_hex(16), AESGCM.generate_key(bit_length=256)
            claimed = (key_id, self._wrap(key_id, raw), AESGCM(raw))
        for lookup in lookups:
            claims.setdefault(lookup, claimed)
        self._remember_after_commit(session, claimed[0], claimed[2], lookups)
        return claimed[0], claimed[2]

    def _find_or_make(self, session: Any, lookups: list[str]) -> tuple[str, AESGCM]:
        """Under the writers' lock (PostgreSQL: the events table's, held to the commit; SQLite: its write lock,
        taken by a write that changes nothing): the key the first lookup leads to, else a new one stored now."""
        key_id, raw = secrets.token_hex(16), AESGCM.generate_key(bit_length=256)
        wrapped = self._wrap(key_id, raw)
        if session.get_bind().dialect.name == "postgresql":
            found = self._find_or_link_in_one_statement(session, lookups, key_id, wrapped, self._writers_lock)
        else:
            session.execute(delete(person_keys).where(false()))  # SQLite's write lock before reading
            found = self._find_or_link(session, lookups, key_id, wrapped)
        if found is not None:
            key_id, raw = found[0], self._unwrap(found[0], found[1])
        cipher = AESGCM(raw)
        self._remember_after_commit(session, key_id, cipher, lookups)
        return key_id, cipher

    def _remember_after_commit(self, session: Any, key_id: str, cipher: AESGCM, lookups: list[str]) -> None:
        """Keep the key in memory once the transaction that stored (or linked) it commits: a key kept from a
        transaction rolled back would seal later events with a key the store never had (unreadable for good)."""
        session.info.setdefault(PENDING, []).append((self, key_id, cipher, lookups))

    def _keep(self, key_id: str, cipher: AESGCM, lookups: list[str]) -> None:
        with self._lock:
            self._bounded()
            self._by_id[key_id] = cipher
            self._by_lookup.update(dict.fromkeys(lookups, key_id))

    @staticmethod
    def _find_or_link_in_one_statement(
        session: Any, lookups: list[str], key_id: str, wrapped: bytes, lock: str
    ) -> tuple[str, bytes] | None:
        """PostgreSQL, in one round trip through the driver, after ``lock``: ``_find_or_link``."""
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute(lock + FIND_OR_LINK, {"lookups": lookups, "key_id": key_id, "wrapped": wrapped})
            found = cursor.fetchone()
        finally:
            cursor.close()
        return None if found is None else (found[0], bytes(found[1]))

    def _find_or_link(self, session: Any, lookups: list[str], key_id: str, wrapped: bytes) -> tuple[str, bytes] | None:
        """The key (id, wrapped) the first lookup that leads to one gives, or None: then ``key_id`` is stored. Each
        lookup not yet linked to the key used is linked to it."""
        rows = session.execute(
            select(person_keys.c.lookup, person_keys.c.key_id, person_keys.c.wrapped_key).where(
                person_keys.c.lookup.in_(lookups)
            )
        ).all()
        found = {row.lookup: (row.key_id, bytes(row.wrapped_key)) for row in rows}
        first = next((found[lookup] for lookup in lookups if lookup in found), None)
        used_id, used_wrapped = first or (key_id, wrapped)
        linked = {row.lookup for row in rows if row.key_id == used_id}
        missing = [lookup for lookup in lookups if lookup not in linked]
        if missing:
            now = self._clock()
            rows_to_add = [
                {"lookup": lookup, "key_id": used_id, "wrapped_key": used_wrapped, "created_at": now}
                for lookup in missing
            ]
            session.execute(insert(person_keys), rows_to_add)
        return first

    def cipher(self, key_id: str) -> AESGCM | None:
        """The key's cipher, or None when the key was destroyed (or never existed)."""
        try:
            return self._by_id[key_id]
        except KeyError:
            pass
        with self._transaction(commit=False) as session:
            wrapped = session.execute(
                select(person_keys.c.wrapped_key).where(person_keys.c.key_id == key_id).limit(1)
            ).scalar()
        cipher = AESGCM(self._unwrap(key_id, wrapped)) if wrapped is not None else None
        with self._lock:
            self._bounded()
            self._by_id[key_id] = cipher
        return cipher

    def prefetch(self, key_ids: Iterable[str]) -> None:
        """Bring the keys not yet in memory in one query (a history of many people: one round trip, not one each)."""
        missing = sorted({key_id for key_id in key_ids if key_id not in self._by_id})
        if not missing:
            return
        with self._transaction(commit=False) as session:
            rows = session.execute(
                select(person_keys.c.key_id, person_keys.c.wrapped_key).where(person_keys.c.key_id.in_(missing))
            ).all()
        found = {row.key_id: AESGCM(self._unwrap(row.key_id, row.wrapped_key)) for row in rows}
        with self._lock:
            self._bounded()
            self._by_id.update({key_id: found.get(key_id) for key_id in missing})

    def key_ids(self, lookup: str) -> list[str]:
        """Every key the lookup leads to (usually one)."""
        with self._transaction(commit=False) as session:
            rows = session.execute(select(person_keys.c.key_id).where(person_keys.c.lookup == lookup)).scalars()
            return sorted(set(rows))

    def destroy(self, session: Any, key_ids: Iterable[str]) -> None:
        """Delete the keys (in the caller's transaction) and note each destruction for the other processes."""
        key_ids, now = sorted(set(key_ids)), self._clock()
        if not key_ids:
            return
        session.execute(delete(person_keys).where(person_keys.c.key_id.in_(key_ids)))
        session.execute(insert(person_erasures), [{"key_id": key_id, "erased_at": now} for key_id in key_ids])

    def lookups_of(self, key_ids: Iterable[str]) -> list[str]:
        """Every lookup that leads to one of the keys (what an erasure records beside the identifier given)."""
        key_ids = sorted(set(key_ids))
        if not key_ids:
            return []
        with self._transaction(commit=False) as session:
            rows = session.execute(select(person_keys.c.lookup).where(person_keys.c.key_id.in_(key_ids))).scalars()
            return sorted(set(rows))

    def record_erased(self, session: Any, lookups: Iterable[str]) -> None:
        """Record the lookups as erased (in the caller's transaction; a trigger moves the security generation):
        records stored in clear before per-person keys existed read "[已删除]" when one of theirs is among them."""
        lookups = sorted(set(lookups))
        known = set(
            session.execute(select(erased_lookups.c.lookup).where(erased_lookups.c.lookup.in_(lookups))).scalars()
        )
        now = self._clock()
        rows = [{"lookup": lookup, "erased_at": now} for lookup in lookups if lookup not in known]
        if rows:  # a lookup recorded meanwhile by a concurrent erasure (of a shared phone) is left as it is
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            session.execute(dialect.insert(erased_lookups).on_conflict_do_nothing(), rows)

    def is_erased(self, lookup: str) -> bool:
        """Whether the lookup was recorded as erased (asked of the database: a command's check)."""
        with self._transaction(commit=False) as session:
            found = session.execute(select(erased_lookups.c.lookup).where(erased_lookups.c.lookup == lookup))
            return found.first() is not None

    @property
    def erased(self) -> frozenset[str]:
        """The erased lookups, held in memory (loaded once; again after ``forget_erased_keys`` saw a change)."""
        erased = self._erased
        if erased is None:
            with self._transaction(commit=False) as session:
                erased = frozenset(session.execute(select(erased_lookups.c.lookup)).scalars())
            self._erased = erased
        return erased

    def forget_erased_keys(self) -> bool:
        """Drop the keys held in memory when a key was destroyed or a lookup erased since the last look (in any
        process); the erased lookups are loaded again when next needed."""
        with self._transaction(commit=False) as session:
            latest = session.execute(select(func.coalesce(func.max(person_erasures.c.id), 0))).scalar_one()
            lookups = session.execute(select(func.count()).select_from(erased_lookups)).scalar_one()
        if (latest, lookups) == (self._erasures_seen, self._lookups_seen):
            return False
        with self._lock:
            self._by_lookup.clear()
            self._by_id.clear()
            self._lookups.clear()  # nor the clear values of anyone erased
            self._erasures_seen, self._lookups_seen = latest, lookups
            self._erased = None
        return True

    # -- helpers ---------------------------------------------------------------------------------
    def _wrap(self, key_id: str, raw: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._wrapping.encrypt(nonce, raw, key_id.encode())

    def _unwrap(self, key_id: str, wrapped: bytes) -> bytes:
        wrapped = bytes(wrapped)
        return self._wrapping.decrypt(wrapped[:12], wrapped[12:], key_id.encode())

    def _bounded(self) -> None:
        if len(self._by_id) > MAX_CACHED or len(self._by_lookup) > MAX_CACHED:
            self._by_id.clear()
            self._by_lookup.clear()


def _keep_pending(session: Any) -> None:
    """After any commit: the keys its transaction stored or linked are kept in memory by their ``PersonKeys``."""
    for keys, key_id, cipher, lookups in session.info.pop(PENDING, ()):
        keys._keep(key_id, cipher, lookups)  # noqa: SLF001 - the module's own class
    session.info.pop(CLAIMS, None)


def _drop_pending(session: Any) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(CLAIMS, None)


# Once for every session (a listener added per session cost ~0.1 ms a command).
sqlalchemy.event.listen(Session, "after_commit", _keep_pending)
sqlalchemy.event.listen(Session, "after_rollback", _drop_pending)
