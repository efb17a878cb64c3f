"""Case list and search (GET /cases): one row per case, filtered, scoped and rolled up by grid subtree."""

from __future__ import annotations

from collections.abc import Iterator
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
    PrimaryKeyConstraint,
    Select,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from domain.case_types import FINISHED
from domain.read_scope import ReadScope
from projections.case_summary import CASE_SUMMARY, CO_DEPARTMENT_EVENTS, Summary, split_codes
from projections.engine.bulk import utc
from projections.engine.folding import FoldedReadModel, Stored
from projections.like import contains
from projections.paging import one_page
from projections.scope import of_department, scope_conditions, subtree
from projections.storage.tables import GridPath

metadata = MetaData()
cases = Table(
    "rm_case_list",
    metadata,
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
    Column("grid_path", GridPath, nullable=False),
    Column("lead_department", String(64)),
    Column("co_departments", Text, nullable=False),
    Column("reported_by", String(36)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("accept_due_at", DateTime(timezone=True)),
    Column("claim_due_at", DateTime(timezone=True)),
    Column("resolve_due_at", DateTime(timezone=True)),
    Column("follow_up_due_at", DateTime(timezone=True)),
    Column("due_at", DateTime(timezone=True)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("followed_up", Boolean, nullable=False),
    Column("last_satisfaction", String(32)),
    Column("reopen_count", Integer, nullable=False),
    Column("suspended", Boolean, nullable=False),  # 缓办: the clock stopped, never overdue
    Column("urges", Integer, nullable=False),  # 督办 so far
    Column("extension_requested", Boolean, nullable=False),  # a 延期申请 waits for the centre
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
# Who co-handles which case, a row each: department scope and the department filter are exact matches on
# it (the ",a,b," text in rm_case_list is for showing them only; a pattern over it matched other codes).
co_departments = Table(
    "rm_case_list_co_department",
    metadata,
    Column("case_id", String(36), nullable=False),
    Column("department", String(64), nullable=False),
    PrimaryKeyConstraint("case_id", "department", name="rm_case_list_co_department_pkey"),
)
Index("rm_case_list_co_department_department", co_departments.c.department, co_departments.c.case_id)

COLUMNS = [c.name for c in cases.columns]
EXPORT_BATCH = 500  # rows read at a time for the 台账 export


def co_department_rows(summary: Summary) -> list[dict[str, Any]]:
    """One row per code whatever an event holds: the commands drop repeats, but a stored repeat would stop the
    projection on the primary key."""
    return [
        {"case_id": summary["id"], "department": department}
        for department in dict.fromkeys(split_codes(summary["co_departments"]))
    ]


read_model = FoldedReadModel(
    "case_list",
    CASE_SUMMARY,
    (
        Stored(cases),  # a summary holds every column
        # Rewritten only for the cases whose co-departments an event of the batch set: most events leave them alone.
        Stored(co_departments, key="case_id", rows=co_department_rows, loaded=False, changed_by=CO_DEPARTMENT_EVENTS),
    ),
    complete=True,  # every summary field, every case: the work queues take its fold of a batch
)


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


def search(
    connection: Connection,
    filters: CaseFilters,
    scope: ReadScope,
    *,
    now: datetime,
    page: int,
    per_page: int,
    count_limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of cases, newest first, and the number of matches (counted up to ``count_limit``)."""
    query = _newest_first(filters, scope, now)
    return one_page(connection, query, key=cases.c.id, page=page, per_page=per_page, count_limit=count_limit)


def every_match(
    engine: Engine, filters: CaseFilters, scope: ReadScope, *, now: datetime, batch: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every case ``search`` would page through, in the same order, ``batch`` (default ``EXPORT_BATCH``) rows at a
    time (the 台账 export).

    Keyset pages, each read on a connection of its own: memory stays flat whatever the count, and no transaction
    stays open while a slow client downloads. A case changed between two batches shows (and matches the filter or
    not) as it was when its batch was read; none repeats or is skipped, as the order is by report time, which
    never changes, and cases reported after the first batch are not in it.
    """
    query, size = _newest_first(filters, scope, now), batch or EXPORT_BATCH
    after: tuple[datetime, str] | None = None
    while True:
        page = query if after is None else query.where(*_after(*after))
        with engine.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(page.limit(size))]
        yield from rows
        if len(rows) < size:
            return
        after = (rows[-1]["created_at"], rows[-1]["id"])


def _newest_first(filters: CaseFilters, scope: ReadScope, now: datetime) -> Select[Any]:
    conditions = _conditions(filters, now) + scope_conditions(scope, cases, co_departments)
    return select(cases).where(and_(true(), *conditions)).order_by(cases.c.created_at.desc(), cases.c.id)


def _after(created_at: datetime, case_id: str) -> list[ColumnElement[bool]]:
    """The rows after (``created_at``, ``case_id``) in the newest-first order: a range on the report time that
    its indexes serve, then the ties on it by id."""
    created_at = utc(created_at)
    return [cases.c.created_at <= created_at, or_(cases.c.created_at < created_at, cases.c.id > case_id)]


def _conditions(f: CaseFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    now = utc(now)
    for column in ("status", "category", "track", "channel"):
        if getattr(f, column) is not None:
            conditions.append(cases.c[column] == getattr(f, column))
    if f.grid_path is not None:
        conditions.append(subtree(cases.c.grid_path, f.grid_path))
    if f.department is not None:
        conditions.append(of_department(cases, co_departments, f.department))
    if f.overdue is not None:
        late = and_(
            cases.c.due_at < now, cases.c.status.notin_([s.value for s in FINISHED]), cases.c.suspended.is_(False)
        )
        conditions.append(late if f.overdue else ~late)
    if f.q:
        conditions.append(or_(contains(cases.c.title, f.q), contains(cases.c.description, f.q), cases.c.case_no == f.q))
    if f.created_from is not None:
        conditions.append(cases.c.created_at >= utc(f.created_from))
    if f.created_to is not None:
        conditions.append(cases.c.created_at <= utc(f.created_to))
    return conditions
