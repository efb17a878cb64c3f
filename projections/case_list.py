"""Case list and search (GET /cases): one row per case, filtered, scoped and rolled up by grid subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
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
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from application.tables import grids as grid_table
from domain.case_types import FINISHED
from projections.case_rows import GridPaths, fold_batch, replace_rows, utc
from projections.events import ProjectedEvent
from projections.scope import Scope, subtree

metadata = MetaData()
cases = Table(
    "rm_case_list", metadata,
    Column("id", String(36), primary_key=True),
    Column("case_no", String(32), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("track", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("working_status", String(16), nullable=False),
    Column("grid", String(64), nullable=False),
    Column("grid_path", Text, nullable=False),
    Column("lead_department", String(64)),
    Column("co_departments", Text, nullable=False),
    Column("reported_by", String(36)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("claim_due_at", DateTime(timezone=True)),
    Column("resolve_due_at", DateTime(timezone=True)),
    Column("due_at", DateTime(timezone=True)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("followed_up", Boolean, nullable=False),
    Column("last_satisfaction", String(32)),
    Column("reopen_count", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)
# A page is "newest first within a subtree, maybe of one status": these keep it an index range scan.
Index("rm_case_list_grid_created", cases.c.grid_path, cases.c.created_at)
Index("rm_case_list_status_created", cases.c.status, cases.c.created_at)
Index("rm_case_list_status_grid", cases.c.status, cases.c.grid_path, cases.c.created_at)
Index("rm_case_list_created", cases.c.created_at)
Index("rm_case_list_lead_status", cases.c.lead_department, cases.c.status, cases.c.created_at)
Index("rm_case_list_category_created", cases.c.category, cases.c.created_at)
Index("rm_case_list_due", cases.c.due_at)
Index("rm_case_list_reported_by", cases.c.reported_by, cases.c.created_at)

COLUMNS = [c.name for c in cases.columns]


class CaseListProjection:
    name = "case_list"
    metadata = metadata

    def __init__(self) -> None:
        self._grid_paths = GridPaths()

    def apply(self, connection: Connection, events: list[ProjectedEvent]) -> None:
        summaries, stored = fold_batch(connection, cases, events, COLUMNS)
        rows = {}
        for case_id, summary in summaries.items():
            if summary is not None:
                summary["grid_path"] = self._grid_paths.path(connection, summary["grid"])
                rows[case_id] = {column: summary.get(column) for column in COLUMNS}
        replace_rows(connection, cases, rows, stored)


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    grid_path: str | None = None
    category: str | None = None
    track: str | None = None
    channel: str | None = None
    department: str | None = None
    overdue: bool | None = None
    q: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def search(connection: Connection, filters: CaseFilters, scope: Scope, *, now: datetime, page: int,
           per_page: int, count_limit: int) -> tuple[list[dict[str, Any]], int]:
    """One page of cases, newest first, and the number of matches (counted up to ``count_limit``)."""
    where = and_(true(), *_conditions(filters, now), *scope.conditions(cases))
    top = page * per_page
    grids = _grids_to_merge(connection, filters, scope) if top <= MERGE_MAX_ROWS else None
    if grids:
        # One index scan per grid of the subtree, each in (status, grid_path, created_at) order, merged:
        # the page costs what it shows, however many cases of that status the subtree has had.
        branches = [select(cases).where(where, cases.c.grid_path == path)
                    .order_by(cases.c.created_at.desc(), cases.c.id).limit(top).subquery() for path in grids]
        merged = union_all(*(select(branch) for branch in branches)).subquery()
        query = select(merged).order_by(merged.c.created_at.desc(), merged.c.id)
    else:
        query = select(cases).where(where).order_by(cases.c.created_at.desc(), cases.c.id)
    rows = connection.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    capped = select(cases.c.id).where(where).limit(count_limit).subquery()
    total = connection.execute(select(func.count()).select_from(capped)).scalar_one()
    return [dict(row._mapping) for row in rows], total


# A status page in a subtree of at most this many grids is merged grid by grid (a community, say); wider
# subtrees and deep pages take the one range scan, whose sort grows with the matches.
MERGE_MAX_GRIDS = 64
MERGE_MAX_ROWS = 1000


def _grids_to_merge(connection: Connection, filters: CaseFilters, scope: Scope) -> list[str] | None:
    """The paths of every grid in the page's subtree, when the page filters on one status in a small one."""
    roots = [path for path in (filters.grid_path, scope.grid_path) if path is not None]
    if filters.status is None or not roots:
        return None
    root = max(roots, key=len)
    if not all(root.startswith(other) for other in roots):
        return None  # disjoint subtrees: nothing matches, the plain query finds that at once
    paths = connection.execute(select(grid_table.c.path).where(subtree(grid_table.c.path, root))
                               .limit(MERGE_MAX_GRIDS + 1)).scalars().all()
    return list(paths) if 0 < len(paths) <= MERGE_MAX_GRIDS else None


def _conditions(f: CaseFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    now = utc(now)
    for column in ("status", "category", "track", "channel"):
        if getattr(f, column) is not None:
            conditions.append(cases.c[column] == getattr(f, column))
    if f.grid_path is not None:
        conditions.append(subtree(cases.c.grid_path, f.grid_path))
    if f.department is not None:
        conditions.append(or_(cases.c.lead_department == f.department,
                              cases.c.co_departments.like(f"%,{f.department},%")))
    if f.overdue is not None:
        late = and_(cases.c.due_at < now, cases.c.status.notin_([s.value for s in FINISHED]))
        conditions.append(late if f.overdue else ~late)
    if f.q:
        pattern = f"%{f.q}%"
        conditions.append(or_(cases.c.title.like(pattern), cases.c.description.like(pattern),
                              cases.c.case_no == f.q))
    if f.created_from is not None:
        conditions.append(cases.c.created_at >= utc(f.created_from))
    if f.created_to is not None:
        conditions.append(cases.c.created_at <= utc(f.created_to))
    return conditions
