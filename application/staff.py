"""Staff members as the application sees them: who is acting, in what role, over what scope."""

from __future__ import annotations

import hashlib
import secrets
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
    active: bool = True

    @property
    def actor(self) -> Actor:
        return Actor(id=self.id, name=self.name, role=self.role, org=self.department or self.grid)


def new_token() -> str:
    """A bearer token with 256 bits of randomness; only its hash is stored."""
    return "glt_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens are random and long, so a fast hash is safe; a slow KDF would only slow every request.
    return hashlib.sha256(token.encode()).hexdigest()
