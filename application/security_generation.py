"""Bearer tokens and erasures checked with one read per request: the security generation.

``gridledger_security_generation`` holds one counter that the database moves on (triggers, revisions 0014 and
0015) in the transaction that updates or deletes a staff account's row -- a revocation, a rotated token, a role
changed, by gridledger or by hand in SQL -- destroys a person's key or records an erased lookup. A process keeps each
token it has checked, with the account it belongs to and the generation it read before looking it up, and trusts it
only while it reads that same generation; when the counter has moved it also asks whether someone was erased
(``on_change``: keys destroyed, lookups erased). So every request costs one indexed read of one row, and a revoked
token is refused by the very next request in every process: the revocation and the counter commit together, and
each request reads the counter afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from application.directory import Directory
from application.staff import StaffMember, hash_token
from projections.storage.tables import security_generation

READ = select(security_generation.c.generation).where(security_generation.c.id == 1)
MAX_TOKENS = 10_000  # tokens a process keeps before it starts over


class SecurityGeneration:
    def __init__(self, transaction: Callable[..., Any], directory: Directory, on_change: Callable[[], None]) -> None:
        self._transaction = transaction
        self._directory = directory
        self._on_change = on_change  # e.g. drop the keys of people erased since
        self._tokens: dict[str, tuple[int, StaffMember]] = {}  # token hash -> (generation read before, account)
        self._seen: int | None = None
        self._lock = threading.Lock()

    def staff_by_token(self, token: str) -> StaffMember | None:
        """The active account the token belongs to, or None; the caller's keys are current too."""
        hashed = hash_token(token)
        with self._transaction(commit=False) as session:
            generation = session.execute(READ).scalar()  # None: the row was deleted -- keep nothing
            if generation is None or generation != self._seen:
                self._on_change()
                self._seen = generation
            kept = self._tokens.get(hashed)
            if kept is not None and generation is not None and kept[0] == generation:
                return kept[1]
            staff = self._directory.staff_by_token(token)  # in this transaction: after the generation was read
        if staff is not None and generation is not None:
            with self._lock:
                if len(self._tokens) >= MAX_TOKENS:
                    self._tokens.clear()
                self._tokens[hashed] = (generation, staff)
        return staff
