"""Staff members as the application sees them: who is acting, in what role, over what scope."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from domain.actor import Actor, Role

GRID_SCOPED_ROLES = (Role.DISPATCHER, Role.GRID_WORKER, Role.LEADER)


@dataclass(frozen=True)
class StaffMember:
    """A staff account: role plus scope (a grid subtree or one department)."""

    id: str
    name: str
    role: Role
    department: str | None = None
    grid: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(id=self.id, name=self.name, role=self.role, org=self.department or self.grid)


def new_token() -> str:
    """A bearer token with 256 bits of randomness; only its hash is stored."""
    return "glt_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens are random and long, so a fast hash is safe; a slow KDF would only slow every request.
    return hashlib.sha256(token.encode()).hexdigest()


class TokenCache:
    """Known tokens for a short while, so a request does not pay a database round trip to authenticate.

    Unknown tokens are never cached (a new account works at once); a changed account is seen within
    ``seconds``.
    """

    def __init__(self, seconds: float, max_entries: int = 10_000) -> None:
        self._seconds = seconds
        self._max_entries = max_entries
        self._entries: dict[str, tuple[float, StaffMember]] = {}
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> StaffMember | None:
        entry = self._entries.get(token_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token_hash: str, member: StaffMember) -> StaffMember:
        if self._seconds > 0:
            with self._lock:
                if len(self._entries) >= self._max_entries:
                    self._entries.clear()
                self._entries[token_hash] = (time.monotonic() + self._seconds, member)
        return member
