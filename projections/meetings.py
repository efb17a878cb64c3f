"""Meetings register (GET /meetings): one row per handover meeting, to find a meeting's predecessors, and
the departments each meeting's items were assigned to, so that department staff see their meetings."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection

from application.meeting_policy import MeetingScope
from application.tables import grids
from projections.bulk import utc
from projections.events import ProjectedEvent, Reads
from projections.scope import subtree

metadata = MetaData()
meetings = Table(
    "rm_meetings",
    metadata,
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
# (meeting, department) for each lead or co-department an item of the meeting was assigned to.
meeting_departments = Table(
    "rm_meeting_departments",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("department", String(64), primary_key=True),
)
Index("rm_meeting_departments_department", meeting_departments.c.department, meeting_departments.c.meeting_id)

STATUS_BY_EVENT = {"Held": "held", "Closed": "closed"}


class MeetingRegisterProjection:
    name = "meetings"
    metadata = metadata
    reads = Reads(frozenset({"Meeting"}))

    def apply(self, connection: Connection, events: list[ProjectedEvent]) -> None:
        touched: dict[str, dict[str, Any]] = {}
        named: set[tuple[str, str]] = set()  # (meeting, department) pairs the batch's assignments name
        for event in (e for e in events if e.aggregate_type == "Meeting"):
            row = touched.get(event.aggregate_id) or self._row(connection, event.aggregate_id)
            if event.type == "Scheduled":
                row = {
                    "id": event.aggregate_id,
                    "title": event.data["title"],
                    "level": event.data["level"],
                    "org": event.data["org"],
                    "scheduled_for": date.fromisoformat(event.data["scheduled_for"]),
                    "chair": event.data["chair"],
                    "status": "scheduled",
                    "items": 0,
                    "created_at": utc(event.at),
                }
            elif row is not None and event.type in STATUS_BY_EVENT:
                row["status"] = STATUS_BY_EVENT[event.type]
            elif row is not None and event.type == "ItemSubmitted":
                row["items"] += 1
            elif event.type == "ItemAssigned":
                named |= {
                    (event.aggregate_id, department)
                    for department in (event.data["lead_department"], *event.data["co_departments"])
                }
            if row is not None:
                touched[event.aggregate_id] = row
        if touched:
            connection.execute(delete(meetings).where(meetings.c.id.in_(list(touched))))
            connection.execute(insert(meetings), list(touched.values()))
        if named:
            self._name_departments(connection, named)

    @staticmethod
    def _name_departments(connection: Connection, named: set[tuple[str, str]]) -> None:
        """Add the pairs not there yet (a replayed batch, or a second item naming the same department)."""
        meeting_ids = list({meeting_id for meeting_id, _ in named})
        present = set(
            connection.execute(
                select(meeting_departments.c.meeting_id, meeting_departments.c.department).where(
                    meeting_departments.c.meeting_id.in_(meeting_ids)
                )
            ).tuples()
        )
        rows = [{"meeting_id": m, "department": d} for m, d in sorted(named - present)]
        if rows:
            connection.execute(insert(meeting_departments), rows)

    @staticmethod
    def _row(connection: Connection, meeting_id: str) -> dict[str, Any] | None:
        row = connection.execute(select(meetings).where(meetings.c.id == meeting_id)).first()
        return dict(row._mapping) if row else None


def list_meetings(
    connection: Connection, *, org: str | None, scope: MeetingScope, page: int, per_page: int
) -> tuple[list[dict], int]:
    """The meetings ``scope`` lets its reader see (maybe of one ``org``), latest first."""
    where = and_(true(), *_readable(scope))
    if org is not None:
        where = and_(where, meetings.c.org == org)
    source = meetings.join(grids, grids.c.code == meetings.c.org) if scope.grid_path is not None else meetings
    rows = connection.execute(
        select(meetings)
        .select_from(source)
        .where(where)
        .order_by(meetings.c.scheduled_for.desc(), meetings.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    total = connection.execute(select(func.count()).select_from(source).where(where)).scalar_one()
    return [dict(row._mapping) for row in rows], total


def _readable(scope: MeetingScope) -> list[ColumnElement[bool]]:
    """Conditions on ``rm_meetings`` (joined to the grids when the scope is a subtree)."""
    if scope.everything:
        return []
    if scope.department is not None:
        return [
            exists().where(
                meeting_departments.c.meeting_id == meetings.c.id, meeting_departments.c.department == scope.department
            )
        ]
    if scope.grid_path is not None:
        # The organisation lies in the subtree, or above it: paths are "/county/town/", so the paths of the
        # subtree root's ancestors are the prefixes of its own.
        parts = scope.grid_path.strip("/").split("/")
        ancestors = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))]
        return [or_(subtree(grids.c.path, scope.grid_path), grids.c.path.in_(ancestors))]
    return [meetings.c.id.is_(None)]  # nothing


def earlier_meetings(connection: Connection, *, org: str, level: str, before: Any) -> list[str]:
    """Ids of the same organisation's meetings at the same level held before ``before``, oldest first."""
    rows = connection.execute(
        select(meetings.c.id)
        .where(meetings.c.org == org, meetings.c.level == level, meetings.c.scheduled_for < before)
        .order_by(meetings.c.scheduled_for)
    ).all()
    return [row[0] for row in rows]
