"""Audit log (GET /audit): every event of every aggregate, who did it and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    select,
    true,
)
from sqlalchemy.engine import Connection

from domain.case_types import EVENT_LABELS as CASE_LABELS
from domain.household_types import EVENT_LABELS as HOUSEHOLD_LABELS
from domain.meeting import EVENT_LABELS as MEETING_LABELS
from domain.patrol_types import EVENT_LABELS as PATROL_LABELS
from projections.bulk import insert_rows
from projections.case_rows import utc
from projections.events import ProjectedEvent
from projections.masking import SENSITIVE, masked

metadata = MetaData()
audit = Table(
    "rm_audit_log", metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("aggregate_type", String(32), nullable=False),
    Column("aggregate_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("label", String(32), nullable=False),
    Column("actor_id", String(36)),
    Column("actor_name", Text),
    Column("actor_role", String(32)),
    Column("actor_org", String(64)),
    Column("data", Text, nullable=False),  # JSON, personal data masked
)
Index("rm_audit_log_actor", audit.c.actor_id, audit.c.position)
Index("rm_audit_log_aggregate", audit.c.aggregate_id, audit.c.position)
Index("rm_audit_log_type", audit.c.aggregate_type, audit.c.event_type, audit.c.position)
Index("rm_audit_log_at", audit.c.at)


class AuditLogProjection:
    name = "audit_log"
    metadata = metadata

    def apply(self, connection: Connection, events: list[ProjectedEvent]) -> None:
        rows = [{
            "position": e.position, "at": utc(e.at), "aggregate_type": e.aggregate_type,
            "aggregate_id": e.aggregate_id, "version": e.version, "event_type": e.type,
            "label": _label(e), "actor_id": e.actor.get("id"), "actor_name": e.actor.get("name"),
            "actor_role": e.actor.get("role"), "actor_org": e.actor.get("org"),
            "data": _DATA_JSON.encode(masked(e.data) if _may_hold_personal_data(e) else e.data),
        } for e in events]
        insert_rows(connection, audit, rows)


def _may_hold_personal_data(event: ProjectedEvent) -> bool:
    """False only when masking certainly changes nothing: no sensitive key occurs in the stored JSON.

    Every key of the data, at any depth, is in the event's JSON text as written (the library's encoder
    escapes no ASCII character) -- unless a custom transcoding made it: so text with a ``\\u`` escape,
    a ``_type_`` other than datetime, UUID or Decimal, or no JSON text at all is always masked.
    """
    text = event.json_text
    if text is None or "\\u" in text:
        return True
    for key in _SENSITIVE_KEYS:
        if key in text:
            return True
    typed = text.count('"_type_"')
    return typed != text.count('"_type_":"datetime_iso"') and typed != sum(map(text.count, _PLAIN_TYPES))


_SENSITIVE_KEYS = tuple(SENSITIVE)
_PLAIN_TYPES = ('"_type_":"datetime_iso"', '"_type_":"uuid_hex"', '"_type_":"decimal_str"')


LABELS = {"Case": CASE_LABELS, "Meeting": MEETING_LABELS, "Household": HOUSEHOLD_LABELS, "Patrol": PATROL_LABELS}


def _label(event: ProjectedEvent) -> str:
    if event.type == "Resolved" and event.data.get("on_the_spot"):
        return "就地办结"
    return LABELS.get(event.aggregate_type, {}).get(event.type, event.type)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


_DATA_JSON = json.JSONEncoder(ensure_ascii=False, default=_iso)  # what json.dumps(..., same options) makes


def audit_page(connection: Connection, *, actor: str | None, aggregate_type: str | None,
               aggregate_id: str | None, event_type: str | None, start: datetime | None,
               end: datetime | None, page: int, per_page: int,
               count_limit: int) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    for column, value in (("actor_id", actor), ("aggregate_type", aggregate_type),
                          ("aggregate_id", aggregate_id), ("event_type", event_type)):
        if value is not None:
            conditions.append(audit.c[column] == value)
    if start is not None:
        conditions.append(audit.c.at >= utc(start))
    if end is not None:
        conditions.append(audit.c.at <= utc(end))
    where = and_(true(), *conditions)
    query = select(audit).where(where).order_by(audit.c.position).limit(per_page).offset((page - 1) * per_page)
    rows = [dict(row._mapping) for row in connection.execute(query)]
    capped = select(audit.c.position).where(where).limit(count_limit).subquery()
    total = connection.execute(select(func.count()).select_from(capped)).scalar_one()
    for row in rows:
        row["data"] = json.loads(row["data"])
    return rows, total
