"""Patrol log (GET /patrols) and coverage per grid (GET /patrols/coverage): one row per patrol.

Coverage counts a patrol in the period it *started* in, with everything found on it. Hours are those of
ended patrols (ended − started); a patrol still under way has no hours yet and is counted as ``unfinished``
instead, so a patrol somebody forgot to end cannot inflate a grid's hours.
"""

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
    case,
    func,
    select,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from projections.engine.bulk import utc
from projections.engine.events import ProjectedEvent
from projections.engine.folding import Fold, FoldedReadModel, Stored
from projections.grid_rollup import Figures
from projections.paging import one_page
from projections.scope import subtree
from projections.storage.tables import GridPath

Row = dict[str, Any]
ON_PATROL, ENDED = "on_patrol", "ended"
COVERAGE_FIGURES = ("patrols", "hours", "findings", "fixed_on_spot", "cases_raised", "unfinished")

metadata = MetaData()
patrols = Table(
    "rm_patrols",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("grid", String(64), nullable=False),
    Column("grid_path", GridPath, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("members", Text, nullable=False),  # JSON [{"id", "name", "role"}]: staff, not residents
    Column("started_by_id", String(36)),
    Column("started_by_name", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("duration_seconds", Integer),  # set when it ends
    Column("checkpoints", Integer, nullable=False),
    Column("last_checkpoint", Text),
    Column("findings", Integer, nullable=False),
    Column("fixed_on_spot", Integer, nullable=False),
    Column("cases_raised", Integer, nullable=False),
    Column("summary", Text),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)
Index("rm_patrols_grid_started", patrols.c.grid_path, patrols.c.started_at)
Index("rm_patrols_started", patrols.c.started_at)


def fold(row: Row | None, event: ProjectedEvent) -> Row | None:
    """The patrol's row after ``event`` (a new one; ``row`` is left alone)."""
    if event.type == "Started":
        row = _started(event)
    elif row is None:
        return None
    else:
        row = dict(row)
        _fold(row, event)
    row.update(version=event.version, position=event.position)
    return row


def _started(event: ProjectedEvent) -> Row:
    crew = [{"id": m["id"], "name": m["name"], "role": m.get("role")} for m in event.data["members"]]
    return {
        "id": event.aggregate_id,
        "grid": event.data["grid"],
        "kind": str(event.data["kind"]),
        "status": ON_PATROL,
        "members": json.dumps(crew, ensure_ascii=False),
        "started_by_id": event.actor.get("id"),
        "started_by_name": event.actor.get("name"),
        "started_at": utc(event.at),
        "ended_at": None,
        "duration_seconds": None,
        "checkpoints": 0,
        "last_checkpoint": None,
        "findings": 0,
        "fixed_on_spot": 0,
        "cases_raised": 0,
        "summary": None,
    }


def _fold(row: Row, event: ProjectedEvent) -> None:
    if event.type == "CheckpointRecorded":
        row["checkpoints"] += 1
        row["last_checkpoint"] = event.data["place"]
    elif event.type == "FindingRecorded":
        row["findings"] += 1
        if event.data["resolved_on_spot"]:
            row["fixed_on_spot"] += 1
        if event.data.get("case_id"):
            row["cases_raised"] += 1
    elif event.type == "Ended":
        ended_at = utc(event.at)
        row.update(
            status=ENDED,
            ended_at=ended_at,
            summary=event.data["summary"],
            duration_seconds=round((ended_at - utc(row["started_at"])).total_seconds()),
        )


PATROL = Fold("patrol", "Patrol", fold, births=frozenset({"Started"}))
read_model = FoldedReadModel("patrols", PATROL, (Stored(patrols),))


# -- queries ---------------------------------------------------------------------------------------
def list_patrols(
    connection: Connection,
    *,
    grid_path: str | None,
    kind: str | None,
    status: str | None,
    start: datetime | None,
    end: datetime | None,
    page: int,
    per_page: int,
    count_limit: int,
) -> tuple[list[Row], int]:
    """One page of patrols, latest started first."""
    where = and_(true(), *_conditions(grid_path, start, end))
    if kind is not None:
        where = and_(where, patrols.c.kind == kind)
    if status is not None:
        where = and_(where, patrols.c.status == status)
    query = select(patrols).where(where).order_by(patrols.c.started_at.desc(), patrols.c.id)
    rows, total = one_page(connection, query, key=patrols.c.id, page=page, per_page=per_page, count_limit=count_limit)
    for row in rows:
        row["members"] = json.loads(row["members"])
    return rows, total


def coverage(
    connection: Connection, *, grid_path: str | None, start: datetime | None, end: datetime | None
) -> dict[str, Figures]:
    """Patrols started in [start, end] per grid path: how many, hours, findings, fixed, cases, unfinished."""
    unfinished = case((patrols.c.ended_at.is_(None), 1), else_=0)
    query = (
        select(
            patrols.c.grid_path,
            func.count(),
            func.sum(patrols.c.duration_seconds),
            func.sum(patrols.c.findings),
            func.sum(patrols.c.fixed_on_spot),
            func.sum(patrols.c.cases_raised),
            func.sum(unfinished),
        )
        .where(and_(true(), *_conditions(grid_path, start, end)))
        .group_by(patrols.c.grid_path)
    )
    figures = {}
    for path, count, seconds, findings, fixed, cases, open_ in connection.execute(query):
        figures[path] = {
            "patrols": int(count),
            "hours": int(seconds or 0) / 3600,
            "findings": int(findings or 0),
            "fixed_on_spot": int(fixed or 0),
            "cases_raised": int(cases or 0),
            "unfinished": int(open_ or 0),
        }
    return figures


def _conditions(grid_path: str | None, start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if grid_path is not None:
        conditions.append(subtree(patrols.c.grid_path, grid_path))
    if start is not None:
        conditions.append(patrols.c.started_at >= utc(start))
    if end is not None:
        conditions.append(patrols.c.started_at <= utc(end))
    return conditions
