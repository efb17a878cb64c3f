"""Idempotency keys: a retried POST returns the first result and writes nothing new."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from application.errors import IdempotencyKeyReused
from projections.storage.tables import idempotency_keys


@dataclass(frozen=True)
class IdempotencyKey:
    """The client's key plus a fingerprint of the request it was first used with."""

    key: str
    fingerprint: str

    @classmethod
    def for_request(cls, key: str, command: str, target: str | None, body: Any) -> IdempotencyKey:
        canonical = json.dumps([command, target, body], sort_keys=True, ensure_ascii=False, default=str)
        return cls(key=key, fingerprint=hashlib.sha256(canonical.encode()).hexdigest())


@dataclass(frozen=True)
class StoredOutcome:
    case_id: str
    version: int
    position: int


def find_outcome(session: Any, staff_id: str, key: IdempotencyKey) -> StoredOutcome | None:
    """The outcome first recorded under this key, or None; a different request is refused."""
    row = session.execute(
        select(idempotency_keys).where(idempotency_keys.c.staff_id == staff_id, idempotency_keys.c.key == key.key)
    ).first()
    if row is None:
        return None
    if row.fingerprint != key.fingerprint:
        raise IdempotencyKeyReused(f"Idempotency-Key '{key.key}' was used before for a different request")
    return StoredOutcome(case_id=row.case_id, version=row.version, position=row.position)


def record_outcome(session: Any, staff_id: str, key: IdempotencyKey, outcome: StoredOutcome, now: datetime) -> None:
    session.execute(
        insert(idempotency_keys).values(
            staff_id=staff_id,
            key=key.key,
            fingerprint=key.fingerprint,
            case_id=outcome.case_id,
            version=outcome.version,
            position=outcome.position,
            created_at=now,
        )
    )
