"""The figures of the statistics read model (``projections.statistics``): sums of contributions per unit, their
rates, and the contributions behind one figure of one unit (the drill-down)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, case, distinct, func, literal, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from projections.case_list import cases
from projections.engine.bulk import utc
from projections.paging import one_page
from projections.scope import subtree
from projections.statistics import BITS, MEASURES, closings
from projections.statistics import contributions as c
from projections.statistics import deadlines as d
from projections.storage.tables import departments, grids

Counts = dict[str, int]
GRID_LEVELS = ("town", "community", "grid")
DIMENSIONS = ("department", "category", "channel")
BY = (*GRID_LEVELS, *DIMENSIONS)
COUNTS = (
    "received",
    "instant",
    "general",
    "rejected",
    "merged",
    "dispatched",
    "returned",
    "redispatched_away",
    "bounced",
    "extended",
    "extension_requested",
    "resolved",
    "reopened",
    "urged",
    "followed_up",
    "unreachable",
    "overdue_open",
)
# rate → (numerator measure, denominator measure)
RATES = {
    "response_rate": ("claim_met", "claim_decided"),
    "on_time_rate": ("resolve_met", "resolve_decided"),
    "resolution_rate": ("solved", "answered"),
    "satisfaction_rate": ("satisfied", "answered"),
    "rework_rate": ("reopened", "resolved"),
    "return_rate": ("returned", "dispatched"),
    "extension_rate": ("extended", "dispatched"),
}
FIGURES = (*COUNTS, *RATES)


def measure_of(figure: str, part: str) -> str | None:
    """The stored measure a figure's part sums; None for a count's denominator (a count has none)."""
    if figure in RATES:
        return RATES[figure][0 if part == "numerator" else 1]
    return figure if part == "numerator" else None


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with one decimal; None when nothing was decided."""
    return round(100 * numerator / denominator, 1) if denominator else None


def figures_of(counts: Counts) -> dict[str, Any]:
    """A unit's figures from its measures: the counts, each rate, and each rate's numerator and denominator."""
    figures: dict[str, Any] = {name: counts.get(name, 0) for name in COUNTS}
    parts = {}
    for name, (numerator, denominator) in RATES.items():
        top, bottom = counts.get(numerator, 0), counts.get(denominator, 0)
        figures[name] = rate(top, bottom)
        parts[name] = {"numerator": top, "denominator": bottom}
    figures["parts"] = parts
    return figures


@dataclass(frozen=True)
class Selection:
    """Which contributions a figure sums: ``months``, in a subtree (``root_path``), maybe of one ``department``,
    recorded by ``as_of`` (None: all); ``now``: when a deadline with nothing recorded yet counts as passed."""

    months: list[str]
    now: datetime
    root_path: str | None = None
    department: str | None = None
    as_of: datetime | None = None
    period_end: datetime | None = None  # the last moment of the last month (for overdue_open)

    def of(self, table: Table, *, months: bool = True) -> list[ColumnElement[bool]]:
        """The rows of ``table`` (contributions or deadline spans) of the months (``months``), subtree and
        department."""
        conditions = [table.c.month.in_(self.months)] if months else []
        if self.root_path is not None:
            conditions.append(subtree(table.c.grid_path, self.root_path))
        if self.department is not None:
            conditions.append(table.c.department == self.department)
        return conditions

    def recorded(self, table: Table = c) -> list[ColumnElement[bool]]:
        return [] if self.as_of is None else [table.c.recorded_at <= utc(self.as_of)]

    def overdue_at(self) -> datetime:
        """When ``overdue_open`` is counted: the period's end, or as of (or now) if that comes first."""
        moment = self.as_of or self.now
        return min(moment, self.period_end) if self.period_end is not None else moment

    def passed_unmet(self, moment: datetime | None = None) -> list[ColumnElement[bool]]:
        """Deadline spans that had passed by ``moment`` (default: as of, or now) with nothing recorded by then to
        decide, move or stop them."""
        at = utc(moment or self.as_of or self.now)
        closed = select(closings.c.set_position).where(
            closings.c.case_id == d.c.case_id,
            closings.c.stage == d.c.stage,
            closings.c.set_position == d.c.set_position,
            closings.c.closed_at <= at,
        )
        return [d.c.due_at <= at, d.c.set_at <= at, ~closed.exists()]


def _counts_for(measure: str) -> ColumnElement[bool]:
    """Contributions that count for ``measure`` (its bit is set)."""
    return c.c.measures.op("&")(BITS[measure]) != 0


def sums(connection: Connection, selection: Selection, *, key: str | None) -> dict[Any, Counts]:
    """Each measure's sum per value of ``key`` (a column: grid_path, department, …; None: one total ""), with
    the deadlines that had passed unmet and undecided counted as decided (missed) in the month they passed."""
    grouped = [c.c[key]] if key else []
    totals = [func.sum(case((_counts_for(measure), c.c.sign), else_=0)) for measure in MEASURES]
    query = select(*grouped, *totals).where(*selection.of(c), *selection.recorded())
    if key:
        query = query.group_by(*grouped)
    result: dict[Any, Counts] = {}
    for row in connection.execute(query):
        values = row[1:] if key else row
        result[row[0] if key else ""] = {measure: int(n or 0) for measure, n in zip(MEASURES, values, strict=True)}
    pending_grouped = [d.c[key]] if key else []
    pending = (
        select(*pending_grouped, d.c.stage, func.count().label("n"))
        .where(*selection.of(d), *selection.passed_unmet())
        .group_by(*pending_grouped, d.c.stage)
    )
    for row in connection.execute(pending):
        counts = result.setdefault(row[0] if key else "", {})
        measure = f"{row.stage}_decided"
        counts[measure] = counts.get(measure, 0) + int(row.n)
    overdue = select(*pending_grouped, func.count(distinct(d.c.case_id))).where(
        *selection.of(d, months=False), *selection.passed_unmet(selection.overdue_at())
    )
    for row in connection.execute(overdue.group_by(*pending_grouped) if key else overdue):
        result.setdefault(row[0] if key else "", {})["overdue_open"] = int(row[-1])
    return result


def units(connection: Connection, by: str, *, root_path: str | None, department: str | None) -> list[dict[str, Any]]:
    """The units a grouping shows: the grids of a level under ``root_path`` (with their paths), or every
    department (just ``department``'s for a department's own staff). Categories and channels: none listed."""
    if by in GRID_LEVELS:
        level = grids.c.level.like("grid_%") if by == "grid" else grids.c.level == by
        query = select(grids.c.code, grids.c.name, grids.c.path).where(level)
        if root_path is not None:
            query = query.where(subtree(grids.c.path, root_path))
        return [
            {"unit": row.code, "unit_name": row.name, "path": row.path}
            for row in connection.execute(query.order_by(grids.c.path))
        ]
    if by == "department":
        query = select(departments.c.code, departments.c.name).order_by(departments.c.code)
        if department is not None:
            query = query.where(departments.c.code == department)
        return [{"unit": row.code, "unit_name": row.name} for row in connection.execute(query)]
    return []


def rolled_up(by_path: dict[Any, Counts], under: str) -> Counts:
    """The sum of the measures of every grid path under ``under``."""
    total: Counts = {}
    for path, counts in by_path.items():
        if path.startswith(under):
            for measure, n in counts.items():
                total[measure] = total.get(measure, 0) + n
    return total


def unit_counts(connection: Connection, selection: Selection, by: str) -> list[tuple[dict[str, Any], Counts]]:
    """Every unit of ``by`` with its measures (units without any contribution included for grids and
    departments; for categories and channels, those that have some)."""
    found = sums(connection, selection, key="grid_path" if by in GRID_LEVELS else by)
    listed = units(connection, by, root_path=selection.root_path, department=selection.department)
    if by in GRID_LEVELS:
        return [(unit, rolled_up(found, unit["path"])) for unit in listed]
    if by == "department":
        return [(unit, found.get(unit["unit"], {})) for unit in listed]
    return [({"unit": value, "unit_name": value}, counts) for value, counts in sorted(found.items()) if value]


def total_counts(connection: Connection, selection: Selection) -> Counts:
    return sums(connection, selection, key=None).get("", {})


def unit_path(connection: Connection, by: str, unit: str) -> str | None:
    """The grid path of a grid unit (None: no such grid); a unit of another grouping is its own value."""
    if by in GRID_LEVELS:
        return connection.execute(select(grids.c.path).where(grids.c.code == unit)).scalar()
    return unit


def _unit(table: Table, by: str, unit: str) -> ColumnElement[bool]:
    """``unit``: a grid path for the grid levels, else the department, category or channel code."""
    return subtree(table.c.grid_path, unit) if by in GRID_LEVELS else table.c[by] == unit


def counted_cases(
    connection: Connection, selection: Selection, measure: str, *, by: str, unit: str, page: int, per_page: int
) -> tuple[list[dict[str, Any]], int]:
    """What a figure's part counts, oldest first: the measure's +1 rows recorded by then that no row recorded by
    then retracts (as many as the figure's sum: a retraction always follows its row) and, for decided deadlines,
    those passed unmet with nothing recorded yet (their deciding moment: the passing, of type DeadlinePassed)."""
    if measure == "overdue_open":
        return _overdue_cases(connection, selection, by=by, unit=unit, page=page, per_page=per_page)
    retraction = aliased(c)
    retracted = select(retraction.c.position).where(
        retraction.c.retracts_position == c.c.position,
        retraction.c.retracts_seq == c.c.seq,
        *selection.recorded(retraction),
    )
    counted = select(
        c.c.position,
        c.c.seq,
        c.c.case_id,
        c.c.event_type,
        c.c.decided_at,
        c.c.recorded_at,
        c.c.month,
        c.c.grid,
        c.c.department,
    ).where(
        _counts_for(measure),
        c.c.sign == 1,
        _unit(c, by, unit),
        ~retracted.exists(),
        *selection.of(c),
        *selection.recorded(),
    )
    stage = measure.removesuffix("_decided")
    if stage in ("claim", "resolve") and stage != measure:
        passed = select(
            d.c.set_position,
            literal(-1).label("seq"),
            d.c.case_id,
            literal("DeadlinePassed").label("event_type"),
            d.c.due_at,
            d.c.set_at,
            d.c.month,
            d.c.grid,
            d.c.department,
        ).where(d.c.stage == stage, _unit(d, by, unit), *selection.of(d), *selection.passed_unmet())
        counted = union_all(counted, passed)
    rows = counted.subquery()
    query = (
        select(rows, cases.c.case_no, cases.c.title)
        .select_from(rows.outerjoin(cases, cases.c.id == rows.c.case_id))
        .order_by(rows.c.month, rows.c.position, rows.c.seq)
    )
    return one_page(connection, query, key=rows.c.position, page=page, per_page=per_page)


def _overdue_cases(
    connection: Connection, selection: Selection, *, by: str, unit: str, page: int, per_page: int
) -> tuple[list[dict[str, Any]], int]:
    """The open cases past a running deadline at the period's end: each with the latest deadline that passed."""
    rows = (
        select(
            func.max(d.c.set_position).label("position"),
            literal(-1).label("seq"),
            d.c.case_id,
            literal("DeadlinePassed").label("event_type"),
            func.max(d.c.due_at).label("decided_at"),
            func.max(d.c.set_at).label("recorded_at"),
            func.max(d.c.month).label("month"),
            func.max(d.c.grid).label("grid"),
            func.max(d.c.department).label("department"),
        )
        .where(_unit(d, by, unit), *selection.of(d, months=False), *selection.passed_unmet(selection.overdue_at()))
        .group_by(d.c.case_id)
        .subquery()
    )
    query = (
        select(rows, cases.c.case_no, cases.c.title)
        .select_from(rows.outerjoin(cases, cases.c.id == rows.c.case_id))
        .order_by(rows.c.position, rows.c.case_id)
    )
    return one_page(connection, query, key=rows.c.case_id, page=page, per_page=per_page)


def month_end(month: str, zone: Any) -> datetime:
    """The last moment of a local month."""
    following = _next_month(month)
    year, number = map(int, following.split("-"))
    return datetime(year, number, 1, tzinfo=zone) - timedelta(microseconds=1)


def _next_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year + 1:04d}-01" if number == 12 else f"{year:04d}-{number + 1:02d}"


def received_by_category_and_grid(connection: Connection, selection: Selection) -> list[dict[str, Any]]:
    """Cases received per month, category and grid (the case's own grid, with its name), for hot spots."""
    query = (
        select(c.c.month, c.c.category, c.c.grid, grids.c.name, func.sum(c.c.sign).label("received"))
        .select_from(c.outerjoin(grids, grids.c.code == c.c.grid))
        .where(_counts_for("received"), *selection.of(c), *selection.recorded())
        .group_by(c.c.month, c.c.category, c.c.grid, grids.c.name)
    )
    return [dict(row._mapping) for row in connection.execute(query)]


def hotspots(rows: list[dict[str, Any]], months: list[str], top: int) -> list[dict[str, Any]]:
    """Per month of ``months``, its ``top`` (category, grid) pairs by cases received, each with the change on the
    month before (``rows`` include that month)."""
    received = {(row["month"], row["category"], row["grid"]): row for row in rows}
    spots = []
    for month, before in zip(months[1:], months, strict=False):
        of_month = sorted(
            (row for row in rows if row["month"] == month and row["received"] > 0),
            key=lambda row: (-row["received"], row["category"], row["grid"]),
        )
        for rank, row in enumerate(of_month[:top], start=1):
            previous = received.get((before, row["category"], row["grid"]), {}).get("received", 0)
            spots.append({**row, "rank": rank, "previous": previous, "change": row["received"] - previous})
    return spots


def previous_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), inclusive."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    found = []
    while (year, month) <= end:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def ranked(scored: Iterable[tuple[dict[str, Any], float]]) -> list[tuple[int, dict[str, Any], float]]:
    """Units by score, highest first; equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(scored, key=lambda item: -item[1])
    result, previous, rank = [], None, 0
    for index, (unit, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = index, score
        result.append((rank, unit, score))
    return result
