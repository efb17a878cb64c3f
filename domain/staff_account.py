"""The StaffAccount aggregate: a staff member's account from registration to revocation.

Every role a person held, with its scope, and every token change is an event, so that an auditor can say who could
do what at any moment. Tokens themselves never enter an event (only that one was issued); the hashes live in the
table that authenticates requests, written in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor, Role
from domain.errors import TransitionNotAllowed

Record = dict[str, Any]
ACTIVE, REVOKED = "active", "revoked"

EVENT_LABELS = {
    "Registered": "开通账号",
    "RoleChanged": "变更角色",
    "TokenRotated": "更换令牌",
    "SignInLinkIssued": "签发一次性登录链接",
    "Revoked": "注销账号",
}


class StaffAccount(Aggregate):
    """One account. Once revoked it stays revoked: a returning person gets a new account."""

    @event("Registered")
    def __init__(
        self,
        *,
        name: str,
        role: str,
        department: str | None,
        grid: str | None,
        actor: Record,
        timestamp: datetime,
    ) -> None:
        self.name = name
        self.role, self.department, self.grid = Role(role), department, grid
        self.registered_by, self.registered_at = actor, timestamp
        self.roles: list[Record] = [_role_record(role, department, grid, actor, timestamp)]
        self.revoked_at: datetime | None = None
        self.revoked_reason: str | None = None
        self.tokens_issued = 1

    @classmethod
    def register(
        cls,
        *,
        account_id: Any,
        name: str,
        role: Role,
        department: str | None,
        grid: str | None,
        actor: Actor | Record,
        timestamp: datetime,
    ) -> StaffAccount:
        return cls._create(
            cls.Registered,
            id=account_id,
            name=name,
            role=role.value,
            department=department,
            grid=grid,
            actor=_record(actor),
            timestamp=timestamp,
        )

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def change_role(
        self, *, role: Role, department: str | None, grid: str | None, actor: Actor, timestamp: datetime
    ) -> None:
        self._require_active("roles")
        if (role, department, grid) == (self.role, self.department, self.grid):
            raise TransitionNotAllowed(
                state=self.state,
                command="roles",
                reason="the account already has this role and scope",
                subject="account",
            )
        self._role_changed(
            role=role.value, department=department, grid=grid, actor=actor.as_record(), timestamp=timestamp
        )

    @event("RoleChanged")
    def _role_changed(
        self, *, role: str, department: str | None, grid: str | None, actor: Record, timestamp: datetime
    ) -> None:
        self.roles[-1]["valid_to"] = timestamp
        self.role, self.department, self.grid = Role(role), department, grid
        self.roles.append(_role_record(role, department, grid, actor, timestamp))

    def rotate_token(self, *, actor: Actor, timestamp: datetime) -> None:
        self._require_active("rotate-token")
        self._token_rotated(actor=actor.as_record(), timestamp=timestamp)

    @event("TokenRotated")
    def _token_rotated(self, *, actor: Record, timestamp: datetime) -> None:
        self.tokens_issued += 1

    def issue_sign_in_link(self, *, expires_at: datetime, actor: Actor, timestamp: datetime) -> None:
        """A one-time sign-in link was made for this account (the code itself never enters an event)."""
        self._require_active("sign-in-link")
        self._sign_in_link_issued(expires_at=expires_at, actor=actor.as_record(), timestamp=timestamp)

    @event("SignInLinkIssued")
    def _sign_in_link_issued(self, *, expires_at: datetime, actor: Record, timestamp: datetime) -> None:
        self.sign_in_links_issued = getattr(self, "sign_in_links_issued", 0) + 1

    def revoke(self, *, reason: str, actor: Actor, timestamp: datetime) -> None:
        self._require_active("revoke")
        self._revoked(reason=reason, actor=actor.as_record(), timestamp=timestamp)

    @event("Revoked")
    def _revoked(self, *, reason: str, actor: Record, timestamp: datetime) -> None:
        self.revoked_at, self.revoked_reason = timestamp, reason
        self.roles[-1]["valid_to"] = timestamp

    @property
    def state(self) -> str:
        return ACTIVE if self.active else REVOKED

    def _require_active(self, command: str) -> None:
        if not self.active:
            raise TransitionNotAllowed(state=REVOKED, command=command, subject="account")


def _role_record(role: str, department: str | None, grid: str | None, actor: Record, at: datetime) -> Record:
    return {
        "role": role,
        "department": department,
        "grid": grid,
        "granted_by": actor.get("id"),
        "valid_from": at,
        "valid_to": None,
    }


def _record(actor: Actor | Record) -> Record:
    return actor.as_record() if isinstance(actor, Actor) else dict(actor)
