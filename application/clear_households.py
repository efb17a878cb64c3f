"""The households whose head was recorded in clear (registered before per-person keys existed) and is the person
being erased: their rows in the households read model name no key (``head_person`` is NULL), so the erasure names
them instead (``PersonErasure.Erased.household_ids``) and the read model blanks them by id.

Candidates come from the read model (rows without a head key not yet blanked): for an erasure by phone only those
whose masked phone matches, for one by household member only that household, for one by ID number every such row.
Each candidate's registration is read from the store (500 households a query) and its head's lookups compared with
the lookups being erased -- so an erasure by ID number reads the registration of every household still held in
clear (20,000 of them: ~1 s).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from domain.personal_data import ERASED, mask_phone, parse_phone
from projections.households import households

if TYPE_CHECKING:
    from application.ledger import GridLedger

BATCH = 500  # households whose registration one query reads


def clear_households(
    ledger: GridLedger,
    erased: Iterable[str],
    *,
    phone: str | None = None,
    household_id: str | None = None,
    member_id: str | None = None,
) -> tuple[list[str], set[str]]:
    """The ids of households whose head, recorded in clear, has one of the ``erased`` lookups (sorted), and
    every lookup of those heads (the person's other identifiers as recorded there: erased with them)."""
    erased = set(erased)
    personal = getattr(ledger.mapper, "personal", None)
    if personal is None:
        return [], set()
    found, lookups = [], set()
    for candidate, registered in _registrations(
        ledger, _candidates(ledger, phone, household_id if member_id else None)
    ):
        head, head_member_id = getattr(registered, "head", None), getattr(registered, "head_member_id", None)
        if not isinstance(head, dict) or head.get("name") == ERASED:
            continue
        heads = personal.lookups(head, candidate, head_member_id)
        if not erased.isdisjoint(heads):
            found.append(candidate)
            lookups.update(heads)
    return sorted(found), lookups


def _registrations(ledger: GridLedger, candidates: list[str]) -> Iterator[tuple[str, Any]]:
    """Each candidate's registration (its first event), read ``BATCH`` households a query."""
    record = ledger.recorder.events_record_cls
    columns = (record.originator_id, record.originator_version, record.topic, record.state)
    for start in range(0, len(candidates), BATCH):
        ids = [UUID(candidate) for candidate in candidates[start : start + BATCH]]
        with ledger.datastore.transaction(commit=False) as session:
            rows = session.execute(
                select(*columns).where(record.originator_id.in_(ids), record.originator_version == 1)
            ).all()
        for originator_id, version, topic, state in rows:
            stored = StoredEvent(
                originator_id=originator_id, originator_version=version, topic=topic, state=bytes(state)
            )
            yield str(originator_id), ledger.mapper.to_domain_event(stored)


def _candidates(ledger: GridLedger, phone: str | None, household_id: str | None) -> list[str]:
    query = select(households.c.id).where(households.c.head_person.is_(None), households.c.head_name != ERASED)
    if household_id:
        query = query.where(households.c.id == household_id)
    elif phone:  # 138****5678 matches +86 138****5678 and 138****5678-*** too
        parsed = parse_phone(phone)
        query = query.where(households.c.head_phone.contains(mask_phone(parsed.digits if parsed else phone)))
    with ledger.datastore.transaction(commit=False) as session:
        return [str(row) for row in session.execute(query).scalars()]
