"""Meetings register (GET /meetings): one row per handover meeting, to find a meeting's predecessors."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection

from projections.bulk import utc
from projections.events import ProjectedEvent, Reads

metadata = MetaData()
meetings = Table(
    "rm_meetings", metadata,
    Column("id", String(36), primary_key=True),
    Column("title", Text, nullable=False),
    Column("level", String(16), nullable=False),
    Column("org", String(64), nullable=False),
    Column("scheduled_for", Date, nullable=False),
    Column("chair", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("items", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("rm_meetings_org_level_date", meetings.c.org, meetings.c.level, meetings.c.scheduled_for)

STATUS_BY_EVENT = {"Held": "held", "Closed": "closed"}


class MeetingRegisterProjection:
    name = "meetings"
    metadata = metadata
    reads = Reads(frozenset({"Meeting"}))

    def apply(self, connection: Connection, events: list[ProjectedEvent]) -> None:
        touched: dict[str, dict[str, Any]] = {}
        for event in (e for e in events if e.aggregate_type == "Meeting"):
            row = touched.get(event.aggregate_id) or self._row(connection, event.aggregate_id)
            if event.type == "Scheduled":
                row = {"id": event.aggregate_id, "title": event.data["title"], "level": event.data["level"],
                       "org": event.data["org"], "scheduled_for": date.fromisoformat(event.data["scheduled_for"]),
                       "chair": event.data["chair"], "status": "scheduled", "items": 0,
                       "created_at": utc(event.at)}
            elif row is not None and event.type in STATUS_BY_EVENT:
                row["status"] = STATUS_BY_EVENT[event.type]
            elif row is not None and event.type == "ItemSubmitted":
                row["items"] += 1
            if row is not None:
                touched[event.aggregate_id] = row
        if touched:
            connection.execute(delete(meetings).where(meetings.c.id.in_(list(touched))))
            connection.execute(insert(meetings), list(touched.values()))

    @staticmethod
    def _row(connection: Connection, meeting_id: str) -> dict[str, Any] | None:
        row = connection.execute(select(meetings).where(meetings.c.id == meeting_id)).first()
        return dict(row._mapping) if row else None


def list_meetings(connection: Connection, *, org: str | None, page: int, per_page: int) -> tuple[list[dict], int]:
    query = select(meetings)
    if org is not None:
        query = query.where(meetings.c.org == org)
    rows = connection.execute(query.order_by(meetings.c.scheduled_for.desc()).limit(per_page)
                              .offset((page - 1) * per_page)).all()
    count = select(meetings.c.id)
    if org is not None:
        count = count.where(meetings.c.org == org)
    total = connection.execute(select(func.count()).select_from(count.subquery())).scalar_one()
    return [dict(row._mapping) for row in rows], total


def earlier_meetings(connection: Connection, *, org: str, level: str, before: Any) -> list[str]:
    """Ids of the same organisation's meetings at the same level held before ``before``, oldest first."""
    rows = connection.execute(
        select(meetings.c.id).where(meetings.c.org == org, meetings.c.level == level,
                                    meetings.c.scheduled_for < before).order_by(meetings.c.scheduled_for)).all()
    return [row[0] for row in rows]
