"""Shared machinery for read models that keep one row per case: load, fold, write back per batch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.engine import Connection

from application.tables import grids
from projections.bulk import insert_rows
from projections.case_summary import Summary, fold
from projections.events import ProjectedEvent

CHUNK = 500


class GridPaths:
    """Grid code → materialised path; grids never move, so the answer is cached."""

    def __init__(self) -> None:
        self._paths: dict[str, str] = {}

    def path(self, connection: Connection, code: str) -> str:
        if code not in self._paths:
            row = connection.execute(select(grids.c.path).where(grids.c.code == code)).first()
            self._paths[code] = row[0] if row else f"/?{code}/"
        return self._paths[code]


class BatchFolds:
    """The case summaries one batch folded to, handed to the next read model given the very same batch.

    The case list and the work queues store the same summary of a case. When both stand at the same position
    (the worker, a rebuild of both in one process) they are given the same events: the case list folds them
    from its rows, which hold every summary field (the work queues drop finished cases), and the work queues
    take the result instead of folding again. A case's summary after an event is a function of its events up
    to that one, so it does not matter which table the fold began from. Only the last batch is kept.
    """

    def __init__(self) -> None:
        self._key: tuple[int, int, int] | None = None
        self._summaries: dict[str, Summary | None] = {}

    def offer(self, events: list[ProjectedEvent], summaries: dict[str, Summary | None]) -> None:
        self._key, self._summaries = batch_key(events), summaries

    def take(self, events: list[ProjectedEvent]) -> dict[str, Summary | None] | None:
        """The summaries folded from exactly ``events``, once; None when another batch was folded last."""
        if self._key is None or self._key != batch_key(events):
            return None
        summaries, self._key, self._summaries = self._summaries, None, {}
        return summaries


def batch_key(events: list[ProjectedEvent]) -> tuple[int, int, int] | None:
    """Events are identified by position, so the first, the last and the count identify a run of them."""
    return (events[0].position, events[-1].position, len(events)) if events else None


def fold_batch(
    connection: Connection, table: Table, events: Iterable[ProjectedEvent]
) -> tuple[dict[str, Summary | None], set[str]]:
    """The summaries of every case touched by ``events``, folded from their stored rows, and the ids of
    the cases that had a stored row before the batch.

    A case's stored row must hold every summary field the fold reads.
    """
    case_events = [e for e in events if e.aggregate_type == "Case"]
    earlier = reported_before(case_events)
    summaries: dict[str, Summary | None] = {row["id"]: row for row in rows_where_in(connection, table, "id", earlier)}
    stored = set(summaries)
    for event in case_events:
        summaries[event.aggregate_id] = fold(summaries.get(event.aggregate_id), event)
    return summaries, stored


def reported_before(case_events: list[ProjectedEvent]) -> list[str]:
    """The cases among ``case_events`` that may have a stored row: those whose first event here is not their
    report. A row is only ever made from the report and each event is applied once, so a case reported in
    this batch has none yet and is not looked for (in a rebuild most cases are born in the batch that folds
    them)."""
    first_events: dict[str, ProjectedEvent] = {}
    for event in case_events:
        first_events.setdefault(event.aggregate_id, event)
    return [case_id for case_id, event in first_events.items() if event.type != "Reported"]


def rows_where_in(
    connection: Connection, table: Table, column: str, values: list[str], order_by: Any = None
) -> Iterator[dict[str, Any]]:
    """The rows whose ``column`` is one of ``values``, as dicts, asked for ``CHUNK`` values at a time."""
    for start in range(0, len(values), CHUNK):
        query = select(table).where(table.c[column].in_(values[start : start + CHUNK]))
        for row in connection.execute(query if order_by is None else query.order_by(order_by)):
            yield dict(row._mapping)


def replace_rows(
    connection: Connection, table: Table, rows: dict[str, dict[str, Any] | None], stored: Iterable[str] | None = None
) -> None:
    """Delete the touched rows (or only those ``stored`` before, when the caller knows) and insert their new
    versions (one bulk statement each). A row may hold keys that are not columns (a summary's extras)."""
    ids = list(rows if stored is None else stored)
    for start in range(0, len(ids), CHUNK):
        connection.execute(delete(table).where(table.c.id.in_(ids[start : start + CHUNK])))
    insert_rows(connection, table, [row for row in rows.values() if row is not None])
