"""Work queues (GET /queues/{name}): open cases by who must act next, most urgent first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, MetaData, String, Table, and_, func, select, true
from sqlalchemy.engine import Connection

from domain.case_types import Status
from domain.read_scope import ReadScope
from projections.bulk import utc
from projections.case_list import cases as case_list
from projections.case_rows import BatchFolds, GridPaths, fold_batch, replace_rows, reported_before
from projections.case_summary import Summary
from projections.events import ProjectedEvent, Reads
from projections.scope import scope_conditions, subtree

QUEUES = ("triage", "dispatch", "department", "meeting", "follow-up", "overdue")
TERMINAL = (Status.CLOSED, Status.REJECTED, Status.MERGED)
RUNNING_CLOCK = ("dispatch", "department", "meeting")  # queues whose cases have a deadline running

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


class WorkQueueProjection:
    name = "work_queues"
    metadata = metadata
    reads = Reads(frozenset({"Case"}))

    def __init__(self, folds: BatchFolds | None = None) -> None:
        self._grid_paths = GridPaths()
        self._folds = folds or BatchFolds()  # shared with the case list: see BatchFolds

    def apply(self, connection: Connection, events: list[ProjectedEvent]) -> None:
        summaries = self._folds.take(events)
        if summaries is None:
            summaries, stored = fold_batch(connection, items, events)
        else:  # every case that may have a row here: deleting one that has none is harmless
            stored = set(reported_before([e for e in events if e.aggregate_type == "Case"]))
        rows: dict[str, Summary | None] = {}
        for case_id, summary in summaries.items():
            if summary is None or summary["status"] in TERMINAL:
                rows[case_id] = None  # closed cases leave the table: it stays the size of the open work
                continue
            summary["grid_path"] = self._grid_paths.path(connection, summary["grid"])
            summary["queue"] = queue_of(summary)
            rows[case_id] = summary  # a summary holds every column (and the case list's description)
        replace_rows(connection, items, rows, stored)


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
) -> tuple[list[dict[str, Any]], int]:
    """One page of a queue sorted by due time (cases without a deadline last, oldest first)."""
    if name == "overdue":
        conditions = [items.c.queue.in_(RUNNING_CLOCK), items.c.due_at < utc(now)]
    else:
        conditions = [items.c.queue == name]
    if department is not None:
        conditions.append(items.c.lead_department == department)
    if grid_path is not None:
        conditions.append(subtree(items.c.grid_path, grid_path))
    conditions += scope_conditions(scope, items)
    where = and_(true(), *conditions)
    # NULLS LAST matches the b-tree order of the (queue, due_at) indexes, so a page is an index scan.
    query = (
        select(items)
        .where(where)
        .order_by(items.c.due_at.asc().nulls_last(), items.c.created_at, items.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = [dict(row._mapping) for row in connection.execute(query)]
    capped = select(items.c.id).where(where).limit(count_limit).subquery()
    total = connection.execute(select(func.count()).select_from(capped)).scalar_one()
    return rows, total
