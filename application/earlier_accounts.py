"""The staff accounts made before accounts were event-sourced: each is registered in the event store once.

Revision ``0007_staff_accounts`` marks them (``in_store`` false). Every process that opens the ledger asks for
them (one query, normally answering nothing) and registers what it finds; their tokens work throughout.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError
from sqlalchemy import select, update

from domain.actor import Actor, Role
from domain.staff_account import StaffAccount
from projections.storage import tables

UPGRADE = Actor(id="upgrade", name="数据升级 (gridledger db upgrade)", role=Role.ADMIN)


def register_earlier_accounts(ledger: Any) -> int:
    """Registers each account the staff table holds but the store does not; returns how many."""
    with ledger.datastore.transaction(commit=False) as session:
        ids = session.execute(select(tables.staff.c.id).where(tables.staff.c.in_store.is_(False))).scalars().all()
    return sum(_register(ledger, staff_id) for staff_id in ids)


def _register(ledger: Any, staff_id: str) -> int:
    try:
        with ledger.datastore.transaction(commit=True) as session:
            row = session.execute(select(tables.staff).where(tables.staff.c.id == staff_id)).first()
            if row is None or row.in_store:
                return 0
            account = _account_from_table(row, ledger.directory.role_history(staff_id))
            session.execute(update(tables.staff).where(tables.staff.c.id == staff_id).values(in_store=True))
            ledger.save(account)
    except (IntegrityError, sqlalchemy.exc.IntegrityError):
        return 0  # another process registered it first
    return 1


def _account_from_table(row: Any, roles: list[dict[str, Any]]) -> StaffAccount:
    """An account made before accounts were events, as events: registered with its first role, then each
    later role, dated as the role history dates them."""
    first = roles[0] if roles else {"role": row.role, "department": row.department, "grid": row.grid}
    account = StaffAccount.register(
        account_id=UUID(row.id),
        name=row.name,
        role=Role(first["role"]),
        department=first["department"],
        grid=first["grid"],
        actor=UPGRADE,
        timestamp=_aware(row.created_at),
    )
    for later in roles[1:]:
        account.change_role(
            role=Role(later["role"]),
            department=later["department"],
            grid=later["grid"],
            actor=UPGRADE,
            timestamp=later["valid_from"],
        )
    return account


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
