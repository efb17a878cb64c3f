"""Audit log (GET /audit): every event of every aggregate, who did it and when.

The read model is an index over the event store, not a copy of it: one narrow row per event with what
the filters need (time, aggregate, type, actor). A page reads its events from the store itself and
decodes them then -- so an auditor sees exactly what was recorded, personal data is masked on the way
out, and with a cipher key the read-model tables hold nothing an event's encryption protects (no names,
addresses or descriptions). A rebuild writes far fewer bytes than it would for full copies.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from eventsourcing.persistence import Mapper
from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, and_, select, true
from sqlalchemy.engine import Connection

from domain.case_types import EVENT_LABELS as CASE_LABELS
from domain.household_types import EVENT_LABELS as HOUSEHOLD_LABELS
from domain.meeting import EVENT_LABELS as MEETING_LABELS
from domain.patrol_types import EVENT_LABELS as PATROL_LABELS
from domain.personal_data import masked
from domain.staff_account import EVENT_LABELS as STAFF_ACCOUNT_LABELS
from domain.time_limits import EVENT_LABELS as TIME_LIMIT_LABELS
from domain.working_calendar import EVENT_LABELS as CALENDAR_LABELS
from projections.engine.bulk import utc
from projections.engine.events import ProjectedEvent, Reads, read_positions
from projections.engine.folding import EventIndex
from projections.paging import one_page

metadata = MetaData()
audit = Table(
    "rm_audit_log",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("aggregate_type", String(32), nullable=False),
    Column("aggregate_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("actor_id", String(36)),
)
Index("rm_audit_log_actor", audit.c.actor_id, audit.c.position)
Index("rm_audit_log_aggregate", audit.c.aggregate_id, audit.c.position)
Index("rm_audit_log_type", audit.c.aggregate_type, audit.c.event_type, audit.c.position)
Index("rm_audit_log_at", audit.c.at)


def audit_row(e: ProjectedEvent) -> tuple[Any, ...]:
    """The event's row, in the table's column order."""
    return (e.position, e.at, e.aggregate_type, e.aggregate_id, e.version, e.type, e.actor.get("id"))


# An index: a page decodes its events from the store, so the engine decodes only their envelopes.
read_model = EventIndex("audit_log", audit, audit_row, reads=Reads(data=False))


LABELS = {
    "Case": CASE_LABELS,
    "Meeting": MEETING_LABELS,
    "Household": HOUSEHOLD_LABELS,
    "Patrol": PATROL_LABELS,
    "StaffAccount": STAFF_ACCOUNT_LABELS,
    "WorkingCalendar": CALENDAR_LABELS,
    "TimeLimits": TIME_LIMIT_LABELS,
    "PersonErasure": {"Erased": "删除个人信息"},
    "Disclosure": {"Recorded": "查看完整个人信息"},
}


def entry(event: ProjectedEvent) -> dict[str, Any]:
    """What the audit log shows of one event: its place, type and label, the actor, and its data as JSON
    values with every phone and ID number masked."""
    actor = event.actor
    return {
        "position": event.position,
        "at": event.at,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "version": event.version,
        "event_type": event.type,
        "label": label(event),
        "actor_id": actor.get("id"),
        "actor_name": actor.get("name"),
        "actor_role": actor.get("role"),
        "actor_org": actor.get("org"),
        "data": json.loads(_DATA_JSON.encode(masked(event.data))),
    }


def label(event: ProjectedEvent) -> str:
    if event.type == "Resolved" and event.data.get("on_the_spot"):
        return "就地办结"
    return LABELS.get(event.aggregate_type, {}).get(event.type, event.type)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


_DATA_JSON = json.JSONEncoder(ensure_ascii=False, default=_iso)


def audit_page(
    connection: Connection,
    events_table: Table,
    mapper: Mapper,
    *,
    actor: str | None,
    aggregate_type: str | None,
    aggregate_id: str | None,
    event_type: str | None,
    start: datetime | None,
    end: datetime | None,
    page: int,
    per_page: int,
    count_limit: int,
) -> tuple[list[dict[str, Any]], int]:
    conditions = []
    for column, value in (
        ("actor_id", actor),
        ("aggregate_type", aggregate_type),
        ("aggregate_id", aggregate_id),
        ("event_type", event_type),
    ):
        if value is not None:
            conditions.append(audit.c[column] == value)
    if start is not None:
        conditions.append(audit.c.at >= utc(start))
    if end is not None:
        conditions.append(audit.c.at <= utc(end))
    query = select(audit.c.position).where(and_(true(), *conditions)).order_by(audit.c.position)
    rows, total = one_page(
        connection, query, key=audit.c.position, page=page, per_page=per_page, count_limit=count_limit
    )
    positions = [row["position"] for row in rows]
    events = {event.position: event for event in read_positions(connection, events_table, mapper, positions)}
    return [entry(events[position]) for position in positions], total
