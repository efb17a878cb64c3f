"""One-time console sign-in codes (``gridledger staff login-link``): made, kept as a hash, used once.

A code has 256 bits of randomness and only its SHA-256 is stored, like a token. Using one is a single
conditional UPDATE (unused, unexpired, account not revoked): of two requests with the same code exactly one
changes the row, on SQLite (one writer at a time) and on PostgreSQL (the second update re-reads the row it
waited for and no longer matches). Rotating or revoking the account deletes the codes it has not used.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from application.staff import hash_token
from projections.storage import tables

MAX_MINUTES = 24 * 60  # a link is for signing in today, not a second token
codes = tables.sign_in_codes


def new_code() -> str:
    return secrets.token_urlsafe(32)


def keep(session: Any, staff_id: str, code: str, *, issued_at: datetime, expires_at: datetime) -> None:
    """Store the code's hash; the account's spent codes (used or expired) are dropped on the way."""
    spent = or_(codes.c.used_at.is_not(None), codes.c.expires_at <= _utc(issued_at))
    session.execute(delete(codes).where(codes.c.staff_id == staff_id, spent))
    session.execute(
        insert(codes).values(
            code_hash=hash_token(code),
            staff_id=staff_id,
            issued_at=_utc(issued_at),
            expires_at=_utc(expires_at),
        )
    )


def forget_unused(session: Any, staff_id: str) -> None:
    """The account's token changed or it was revoked: the links made before stop working."""
    session.execute(delete(codes).where(codes.c.staff_id == staff_id, codes.c.used_at.is_(None)))


def redeem(session: Any, code: str, now: datetime) -> str | None:
    """Use the code: the id of its account when this call is the one that used it; None when the code is
    unknown, used already, expired, or its account revoked."""
    used = session.execute(update(codes).where(*_usable(code, now)).values(used_at=_utc(now)))
    if used.rowcount != 1:
        return None
    return session.execute(select(codes.c.staff_id).where(codes.c.code_hash == hash_token(code))).scalar_one()


def usable(session: Any, code: str, now: datetime) -> bool:
    """Whether the code would sign in now (without using it): for the page that asks to confirm."""
    return session.execute(select(codes.c.staff_id).where(*_usable(code, now))).first() is not None


def _usable(code: str, now: datetime) -> tuple[Any, ...]:
    """The conditions of a code that signs in now: known, unused, unexpired, its account not revoked."""
    active = select(tables.staff.c.id).where(tables.staff.c.revoked_at.is_(None))
    return (
        codes.c.code_hash == hash_token(code),
        codes.c.used_at.is_(None),
        codes.c.expires_at > _utc(now),
        codes.c.staff_id.in_(active),
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
