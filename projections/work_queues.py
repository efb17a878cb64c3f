"""Work queues (GET /queues/{name}): open cases by who must act next, most urgent first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, MetaData, String, Table, and_, select, true
from sqlalchemy.engine import Connection

from domain.case_types import Status
from domain.read_scope import ReadScope
from projections.case_list import cases as case_list
from projections.case_list import co_departments
from projections.case_summary import CASE_SUMMARY, Summary
from projections.engine.bulk import utc
from projections.engine.folding import FoldedReadModel, Stored
from projections.paging import one_page
from projections.scope import of_department, scope_conditions, subtree

QUEUES = ("triage", "dispatch", "department", "meeting", "follow-up", "overdue")
# By due time, earliest first (the default) or latest first; a case without a deadline counts as due last.
ORDERS = ("due", "-due")
TERMINAL = (Status.CLOSED, Status.REJECTED, Status.MERGED)
# Queues whose cases have a deadline running: to accept (triage), to claim, to resolve, to call back.
RUNNING_CLOCK = ("triage", "dispatch", "department", "meeting", "follow-up")

metadata = MetaData()
# Same summary columns as the case list (the fold needs them) but only open cases, plus their queue.
items = Table(
    "rm_work_queue",
    metadata,
    *(column._copy() for column in case_list.columns if column.name != "description"),
    Column("queue", String(16), nullable=True),
)
# The full sort key, so a page is read in index order and stops after per_page rows.
Index("rm_work_queue_page", items.c.queue, items.c.due_at, items.c.created_at, items.c.id)
Index(
    "rm_work_queue_department_page",
    items.c.queue,
    items.c.lead_department,
    items.c.due_at,
    items.c.created_at,
    items.c.id,
)
Index("rm_work_queue_grid", items.c.queue, items.c.grid_path, items.c.due_at)
# A queue filtered by category (``?category=``), still read in sort order.
Index("rm_work_queue_category_page", items.c.queue, items.c.category, items.c.due_at, items.c.created_at, items.c.id)
Index("rm_work_queue_due", items.c.due_at)


def queue_of(summary: Summary) -> str | None:
    status = summary["status"]
    if status == Status.REPORTED:
        return "triage"
    if status == Status.ACCEPTED:
        return "dispatch"
    if status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.ASSIGNED):
        return "department"
    if status == Status.ESCALATED:
        return "meeting"
    if status == Status.RESOLVED and not summary["followed_up"]:
        return "follow-up"
    return None  # resolved and called back: waiting only for the dispatcher to close it


def queue_rows(summary: Summary) -> list[Summary]:
    """The case's row with its queue; none for a finished case: the table stays the size of the open work."""
    if summary["status"] in TERMINAL:
        return []
    return [{**summary, "queue": queue_of(summary)}]


# Its rows lack descriptions and finished cases: given the same batch as the case list, it takes the case list's fold.
read_model = FoldedReadModel("work_queues", CASE_SUMMARY, (Stored(items, rows=queue_rows),))


def queue_page(
    connection: Connection,
    name: str,
    scope: ReadScope,
    *,
    now: datetime,
    grid_path: str | None,
    department: str | None,
    page: int,
    per_page: int,
    count_limit: int,
    category: str | None = None,
    order: str = "due",
) -> tuple[list[dict[str, Any]], int]:
    """One page of a queue sorted by due time: ``order`` "due", earliest first (cases without a deadline last,
    oldest first), or "-due", the exact reverse. A department's cases are those it leads and those it
    co-handles (the case list's co-department rows); a suspended case (缓办) is never overdue."""
    if name == "overdue":
        conditions = [items.c.queue.in_(RUNNING_CLOCK), items.c.due_at < utc(now), items.c.suspended.is_(False)]
    else:
        conditions = [items.c.queue == name]
    if department is not None:
        conditions.append(of_department(items, co_departments, department))
    if grid_path is not None:
        conditions.append(subtree(items.c.grid_path, grid_path))
    if category is not None:
        conditions.append(items.c.category == category)
    conditions += scope_conditions(scope, items, co_departments)
    # NULLS LAST matches the b-tree order of the (queue, due_at) indexes, so a page is an index scan; "-due" is
    # the same order reversed (NULLS FIRST), the same indexes read backwards.
    if order == "-due":
        sort = (items.c.due_at.desc().nulls_first(), items.c.created_at.desc(), items.c.id.desc())
    else:
        sort = (items.c.due_at.asc().nulls_last(), items.c.created_at.asc(), items.c.id.asc())
    query = select(items).where(and_(true(), *conditions)).order_by(*sort)
    return one_page(connection, query, key=items.c.id, page=page, per_page=per_page, count_limit=count_limit)
