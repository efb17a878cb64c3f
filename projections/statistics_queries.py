"""The figures of the statistics read model (``projections.statistics``): sums of contributions per unit, their
rates, and the contributions behind one figure of one unit (the drill-down)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from projections.case_list import cases
from projections.engine.bulk import utc
from projections.paging import one_page
from projections.scope import subtree
from projections.statistics import contributions as c
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
    "extended",
    "extension_requested",
    "resolved",
    "reopened",
    "urged",
    "followed_up",
    "unreachable",
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


def _filters(
    months: list[str], *, root_path: str | None, department: str | None, as_of: datetime | None
) -> list[ColumnElement[bool]]:
    conditions = [c.c.month.in_(months)]
    if root_path is not None:
        conditions.append(subtree(c.c.grid_path, root_path))
    if department is not None:
        conditions.append(c.c.department == department)
    if as_of is not None:
        conditions.append(c.c.recorded_at <= utc(as_of))
    return conditions


def sums(
    connection: Connection,
    months: list[str],
    *,
    key: str | None,
    root_path: str | None = None,
    department: str | None = None,
    as_of: datetime | None = None,
) -> dict[Any, Counts]:
    """Each measure's sum per value of ``key`` (a column: grid_path, department, …; None: one total)."""
    group = c.c[key] if key else literal("")
    query = (
        select(group.label("key"), c.c.measure, func.sum(c.c.sign).label("n"))
        .where(and_(true(), *_filters(months, root_path=root_path, department=department, as_of=as_of)))
        .group_by(group, c.c.measure)
    )
    result: dict[Any, Counts] = {}
    for row in connection.execute(query):
        result.setdefault(row.key, {})[row.measure] = int(row.n)
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


def unit_counts(
    connection: Connection,
    months: list[str],
    by: str,
    *,
    root_path: str | None,
    department: str | None,
    as_of: datetime | None,
) -> list[tuple[dict[str, Any], Counts]]:
    """Every unit of ``by`` with its measures (units without any contribution included for grids and
    departments; for categories and channels, those that have some)."""
    key = "grid_path" if by in GRID_LEVELS else by
    found = sums(connection, months, key=key, root_path=root_path, department=department, as_of=as_of)
    listed = units(connection, by, root_path=root_path, department=department)
    if by in GRID_LEVELS:
        return [(unit, rolled_up(found, unit["path"])) for unit in listed]
    if by == "department":
        return [(unit, found.get(unit["unit"], {})) for unit in listed]
    return [({"unit": value, "unit_name": value}, counts) for value, counts in sorted(found.items()) if value]


def total_counts(
    connection: Connection,
    months: list[str],
    *,
    root_path: str | None,
    department: str | None,
    as_of: datetime | None,
) -> Counts:
    found = sums(connection, months, key=None, root_path=root_path, department=department, as_of=as_of)
    return found.get("", {})


def unit_condition(connection: Connection, by: str, unit: str) -> ColumnElement[bool] | None:
    """The contributions of one unit of ``by``; None for a grid that does not exist."""
    if by in GRID_LEVELS:
        path = connection.execute(select(grids.c.path).where(grids.c.code == unit)).scalar()
        return None if path is None else subtree(c.c.grid_path, path)
    return c.c[by] == unit


def counted_cases(
    connection: Connection,
    months: list[str],
    measure: str,
    unit: ColumnElement[bool],
    *,
    root_path: str | None,
    department: str | None,
    as_of: datetime | None,
    page: int,
    per_page: int,
) -> tuple[list[dict[str, Any]], int]:
    """The contributions a figure's part counts, oldest first: its +1 rows (recorded by ``as_of``) that no row
    recorded by then retracts -- as many as the figure's sum, since a retraction always follows its row."""
    retraction = aliased(c)
    retracted = select(retraction.c.position).where(
        retraction.c.retracts_position == c.c.position,
        retraction.c.retracts_seq == c.c.seq,
        *([retraction.c.recorded_at <= utc(as_of)] if as_of is not None else []),
    )
    query = (
        select(
            c.c.position,
            c.c.seq,
            c.c.case_id,
            c.c.event_type,
            c.c.decided_at,
            c.c.recorded_at,
            c.c.month,
            c.c.grid,
            c.c.department,
            cases.c.case_no,
            cases.c.title,
        )
        .select_from(c.outerjoin(cases, cases.c.id == c.c.case_id))
        .where(
            c.c.measure == measure,
            c.c.sign == 1,
            unit,
            ~retracted.exists(),
            *_filters(months, root_path=root_path, department=department, as_of=as_of),
        )
        .order_by(c.c.position, c.c.seq)
    )
    return one_page(connection, query, key=c.c.position, page=page, per_page=per_page)


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
