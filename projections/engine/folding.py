"""The two shapes of read model the engine keeps, and the one loop each runs per batch.

``FoldedReadModel``: state per aggregate, folded from its events by a pure ``Fold``. Per batch the engine loads
the rows of the aggregates the batch touches (not of those born in it: they have none yet), folds the events into
them, and writes the touched rows back (one bulk delete, one bulk insert per table). Read models that derive from
the same fold (the case list and the work queues from the case summary) share its result: the engine folds each
batch once per fold and hands the states to every read model given exactly that batch.

``EventIndex``: one row per event, appended (the audit log).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, delete, select
from sqlalchemy.engine import Connection

from projections.engine.bulk import insert_rows, insert_values
from projections.engine.events import ProjectedEvent, Reads
from projections.storage.tables import grids

Row = dict[str, Any]
State = Any
ERASURES = "PersonErasure"  # the aggregate whose events erase a person (domain/personal_records.py)
CHUNK = 500  # ids per IN (…) list


@dataclass(frozen=True)
class Fold:
    """How one aggregate type's events fold into a state: ``step(state | None, event) -> state | None`` is pure
    (it returns a new state and leaves its argument alone). ``births`` are the event types that begin an
    aggregate: an aggregate whose first event in a batch is one has no stored state to look for.

    The ``name`` identifies the fold: read models that derive from the same fold share its result per batch.
    """

    name: str
    aggregate_type: str
    step: Callable[[State | None, ProjectedEvent], State | None]
    births: frozenset[str]

    def earlier(self, events: Sequence[ProjectedEvent]) -> list[str]:
        """The aggregates of ``events`` that may have stored state: those whose first event here is no birth."""
        first: dict[str, str] = {}
        for event in events:
            first.setdefault(event.aggregate_id, event.type)
        return [aggregate_id for aggregate_id, kind in first.items() if kind not in self.births]

    def run(self, states: dict[str, State | None], events: Iterable[ProjectedEvent]) -> dict[str, State | None]:
        """``states`` (the stored ones) after ``events``; every aggregate the events touch has a key."""
        step = self.step
        for event in events:
            states[event.aggregate_id] = step(states.get(event.aggregate_id), event)
        return states


def itself(state: State) -> list[Row]:
    return [state]


@dataclass(frozen=True)
class Stored:
    """A table a folded read model keeps, with how its rows come from a state.

    ``key``: the column holding the aggregate id. ``rows(state)``: the table's rows for that state (default: the
    state is the one row). ``loaded``: read back to fold from (the first table always is; its row says whether an
    aggregate has stored state). ``appended``: rows are only ever added (never read back or deleted): the state's
    rows for it are those this batch adds. ``changed_by``: the event types that change this table's rows; only
    the aggregates the batch gives such an event are rewritten (None: every touched aggregate). ``order_by``: the
    order loaded rows are handed to ``FoldedReadModel.state`` in.

    A table with a ``grid_path`` column has it filled from the row's ``grid`` (grids never move).
    """

    table: Table
    key: str = "id"
    rows: Callable[[State], list[Row]] = itself
    loaded: bool = True
    appended: bool = False
    changed_by: frozenset[str] | None = None
    order_by: str | None = None


@dataclass(frozen=True, eq=False)
class FoldedReadModel:
    """A read model that keeps state per aggregate: its name, its fold, its tables (the first: one row per
    aggregate, keyed by the aggregate id). ``state(row, loaded)`` makes the fold's state from an aggregate's row of
    the first table and its rows of the other loaded tables (by table name); default: the row is the state.

    ``complete``: its stored rows give back the whole state (every field the fold reads, every aggregate). Only a
    complete read model's fold result is handed to others; the engine applies complete read models first.
    """

    name: str
    fold: Fold
    tables: tuple[Stored, ...]
    state: Callable[[Row, dict[str, list[Row]]], State] | None = None
    complete: bool = False
    metadata: MetaData = field(init=False)
    reads: Reads = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", self.tables[0].table.metadata)
        object.__setattr__(self, "reads", Reads(frozenset({self.fold.aggregate_type})))

    def apply(self, connection: Connection, events: list[ProjectedEvent], shared: Shared) -> None:
        earlier = self.fold.earlier(events)
        states = shared.folds.take(self.fold.name, events, complete=self.complete)
        if states is None:
            states = self.fold.run(self._load(connection, earlier), events)
            shared.folds.offer(self.fold.name, events, states, complete=self.complete)
        had_rows = set(earlier)
        for stored in self.tables:
            ids: Iterable[str] = states
            if stored.changed_by is not None:
                ids = dict.fromkeys(e.aggregate_id for e in events if e.type in stored.changed_by)
            if not stored.appended:
                _delete(connection, stored, [i for i in ids if i in had_rows])
            rows = [row for i in ids if (state := states.get(i)) is not None for row in stored.rows(state)]
            if "grid_path" in stored.table.c:
                shared.grid_paths.fill(connection, rows)
            insert_rows(connection, stored.table, rows)

    def _load(self, connection: Connection, ids: list[str]) -> dict[str, State | None]:
        main, *others = self.tables
        found: dict[str, State | None] = {
            row[main.key]: row for row in rows_where_in(connection, main.table, main.key, ids)
        }
        if self.state is None or not found:
            return found
        loaded: dict[str, dict[str, list[Row]]] = {i: {} for i in found}
        for stored in others:
            if stored.loaded and not stored.appended:
                order = None if stored.order_by is None else stored.table.c[stored.order_by]
                for row in rows_where_in(connection, stored.table, stored.key, list(found), order):
                    loaded[row[stored.key]].setdefault(stored.table.name, []).append(row)
        return {i: self.state(row, loaded[i]) for i, row in found.items()}


@dataclass(frozen=True, eq=False)
class ErasingReadModel(FoldedReadModel):
    """A folded read model that holds personal data: it is also given the erasures (``PersonErasure`` events,
    in their place in the store's order) and ``erase(connection, event)`` blanks its rows of the person erased."""

    erase: Callable[[Connection, ProjectedEvent], None] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "reads", Reads(frozenset({self.fold.aggregate_type, ERASURES})))

    def apply(self, connection: Connection, events: list[ProjectedEvent], shared: Shared) -> None:
        run: list[ProjectedEvent] = []
        for event in events:
            if event.aggregate_type != ERASURES:
                run.append(event)
                continue
            if run:
                super().apply(connection, run, shared)
                run = []
            if self.erase is not None:
                self.erase(connection, event)
        if run:
            super().apply(connection, run, shared)


@dataclass(frozen=True, eq=False)
class EventIndex:
    """A read model of one row per event, only ever appended: ``row(event)`` gives its values in ``columns``."""

    name: str
    table: Table
    row: Callable[[ProjectedEvent], tuple[Any, ...]]
    reads: Reads = Reads()
    metadata: MetaData = field(init=False)
    columns: list[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", self.table.metadata)
        object.__setattr__(self, "columns", [column.name for column in self.table.columns])

    def apply(self, connection: Connection, events: list[ProjectedEvent], shared: Shared) -> None:
        insert_values(connection, self.table, self.columns, [self.row(event) for event in events])


class FoldCache:
    """The states each fold gave for the last batch it folded, for the next read model given the same batch.

    A state after an event is a function of the aggregate's events up to it, so it does not matter which read
    model's rows the fold began from -- as long as they hold the whole state (``complete``)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[tuple[int, int, int], bool, dict[str, State | None]]] = {}

    def offer(
        self, fold: str, events: list[ProjectedEvent], states: dict[str, State | None], *, complete: bool
    ) -> None:
        self._last[fold] = (batch_key(events), complete, states)

    def take(self, fold: str, events: list[ProjectedEvent], *, complete: bool) -> dict[str, State | None] | None:
        """The states folded from exactly ``events`` -- for a complete read model, only from complete rows."""
        last = self._last.get(fold)
        if last is None or last[0] != batch_key(events) or (complete and not last[1]):
            return None
        return last[2]


def batch_key(events: list[ProjectedEvent]) -> tuple[int, int, int]:
    """Events are identified by position, so the first, the last and the count identify a run of them."""
    return (events[0].position, events[-1].position, len(events)) if events else (0, 0, 0)


class GridPaths:
    """Grid code → materialised path, cached: grids never move."""

    def __init__(self) -> None:
        self._paths: dict[str, str] = {}

    def path(self, connection: Connection, code: str) -> str:
        if code not in self._paths:
            row = connection.execute(select(grids.c.path).where(grids.c.code == code)).first()
            self._paths[code] = row[0] if row else f"/?{code}/"
        return self._paths[code]

    def fill(self, connection: Connection, rows: list[Row]) -> None:
        for row in rows:
            row["grid_path"] = self.path(connection, row["grid"])


@dataclass
class Shared:
    """What an engine keeps across read models and batches: the folds' last results and the grid paths."""

    folds: FoldCache = field(default_factory=FoldCache)
    grid_paths: GridPaths = field(default_factory=GridPaths)


def rows_where_in(
    connection: Connection, table: Table, column: str, values: list[str], order_by: Any = None
) -> Iterator[Row]:
    """The rows whose ``column`` is one of ``values``, as dicts, asked for ``CHUNK`` values at a time."""
    for start in range(0, len(values), CHUNK):
        query = select(table).where(table.c[column].in_(values[start : start + CHUNK]))
        for row in connection.execute(query if order_by is None else query.order_by(order_by)):
            yield dict(row._mapping)


def _delete(connection: Connection, stored: Stored, ids: list[str]) -> None:
    column = stored.table.c[stored.key]
    for start in range(0, len(ids), CHUNK):
        connection.execute(delete(stored.table).where(column.in_(ids[start : start + CHUNK])))
