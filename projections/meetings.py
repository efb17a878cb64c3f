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
    exists,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection

from domain.read_scope import MeetingScope
from projections.engine.bulk import utc
from projections.engine.events import ProjectedEvent
from projections.engine.folding import Fold, FoldedReadModel, Stored
from projections.paging import one_page
from projections.scope import subtree
from projections.storage.tables import grids

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
Row = dict[str, Any]


def fold(meeting: Row | None, event: ProjectedEvent) -> Row | None:
    """The meeting's row after ``event`` (a new one), with ``departments``: those its items were assigned to, in
    the order first named. tests/unit/test_meeting_fold_matches_aggregate.py checks it against the aggregate."""
    if event.type == "Scheduled":
        data = event.data
        return {
            "id": event.aggregate_id,
            "title": data["title"],
            "level": data["level"],
            "org": data["org"],
            "scheduled_for": date.fromisoformat(data["scheduled_for"]),
            "chair": data["chair"],
            "status": "scheduled",
            "items": 0,
            "created_at": utc(event.at),
            "departments": (),
        }
    if meeting is None:
        return None  # a meeting this read model never saw scheduled (cannot happen in order)
    if event.type in STATUS_BY_EVENT:
        return {**meeting, "status": STATUS_BY_EVENT[event.type]}
    if event.type == "ItemSubmitted":
        return {**meeting, "items": meeting["items"] + 1}
    if event.type == "ItemAssigned":
        named = (event.data["lead_department"], *event.data["co_departments"])
        return {**meeting, "departments": tuple(dict.fromkeys((*meeting["departments"], *named)))}
    return meeting


def department_rows(meeting: Row) -> list[Row]:
    return [{"meeting_id": meeting["id"], "department": department} for department in meeting["departments"]]


def with_departments(row: Row, loaded: dict[str, list[Row]]) -> Row:
    return {**row, "departments": tuple(r["department"] for r in loaded.get(meeting_departments.name, []))}


MEETING = Fold("meeting", "Meeting", fold, births=frozenset({"Scheduled"}))
read_model = FoldedReadModel(
    "meetings",
    MEETING,
    (
        Stored(meetings),
        Stored(meeting_departments, key="meeting_id", rows=department_rows, changed_by=frozenset({"ItemAssigned"})),
    ),
    state=with_departments,
)


def list_meetings(
    connection: Connection, *, org: str | None, scope: MeetingScope, page: int, per_page: int
) -> tuple[list[dict], int]:
    """The meetings ``scope`` lets its reader see (maybe of one ``org``), latest first."""
    where = and_(true(), *_readable(scope))
    if org is not None:
        where = and_(where, meetings.c.org == org)
    source = meetings.join(grids, grids.c.code == meetings.c.org) if scope.grid_path is not None else meetings
    query = select(meetings).select_from(source).where(where).order_by(meetings.c.scheduled_for.desc(), meetings.c.id)
    return one_page(connection, query, key=meetings.c.id, page=page, per_page=per_page)


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
