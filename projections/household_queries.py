"""Questions asked of the household registry: the list, the monthly "8必访" visits due, floating population."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from domain.household_types import HouseholdKind
from projections.engine.bulk import utc
from projections.grid_rollup import Figures
from projections.households import households, tag_periods, visits
from projections.like import contains
from projections.paging import one_page
from projections.scope import subtree

FLOATING_FIGURES = ("households", "rental_households", "residents", "floating_residents")


@dataclass(frozen=True)
class HouseholdFilters:
    grid_path: str | None = None  # the caller's scope or the asked-for subtree, whichever is narrower
    tag: str | None = None
    kind: str | None = None


def list_households(
    connection: Connection, filters: HouseholdFilters, *, page: int, per_page: int, count_limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of households in grid order, then by address; total counted up to ``count_limit``."""
    where = and_(true(), *_conditions(filters))
    query = select(households).where(where).order_by(households.c.grid_path, households.c.address, households.c.id)
    return one_page(connection, query, key=households.c.id, page=page, per_page=per_page, count_limit=count_limit)


def visits_due(
    connection: Connection,
    filters: HouseholdFilters,
    *,
    start: datetime,
    end: datetime,
    page: int,
    per_page: int,
    count_limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """Households that carried a care tag at some time in [start, end) and had no visit in it.

    Each row gains ``due_tags`` (the tags carried in the period) and ``last_visit_before`` (the last visit
    before ``end``: for a past month, the last one before that month).
    """
    start, end = utc(start), utc(end)
    carried = _carried(start, end, filters.tag)
    carried_then = select(tag_periods.c.tag).where(tag_periods.c.household_id == households.c.id, *carried)
    visited = select(visits.c.visit_id).where(
        visits.c.household_id == households.c.id, visits.c.at >= start, visits.c.at < end
    )
    where = and_(
        true(),
        *_conditions(HouseholdFilters(grid_path=filters.grid_path, kind=filters.kind)),
        households.c.registered_at < end,
        exists(carried_then),
        ~exists(visited),
    )
    query = select(households).where(where).order_by(households.c.grid_path, households.c.address, households.c.id)
    rows, total = one_page(
        connection, query, key=households.c.id, page=page, per_page=per_page, count_limit=count_limit
    )
    ids = [row["id"] for row in rows]
    tags: dict[str, list[str]] = {}
    for household_id, tag in connection.execute(
        select(tag_periods.c.household_id, tag_periods.c.tag)
        .where(tag_periods.c.household_id.in_(ids), *carried)
        .order_by(tag_periods.c.household_id, tag_periods.c.added_version)
    ):
        if tag not in tags.setdefault(household_id, []):
            tags[household_id].append(tag)
    last_visits = dict(
        connection.execute(
            select(visits.c.household_id, func.max(visits.c.at))
            .where(visits.c.household_id.in_(ids), visits.c.at < end)
            .group_by(visits.c.household_id)
        ).all()
    )
    for row in rows:
        row["due_tags"] = tags.get(row["id"], [])
        row["last_visit_before"] = last_visits.get(row["id"])
    return rows, total


def floating_population(connection: Connection, grid_path: str | None) -> dict[str, Figures]:
    """Households, rental households, residents and floating residents of each grid path under ``grid_path``."""
    rental = case((households.c.kind == str(HouseholdKind.RENTAL), 1), else_=0)
    query = (
        select(
            households.c.grid_path,
            func.count(),
            func.sum(rental),
            func.sum(households.c.residents),
            func.sum(households.c.floating),
        )
        .where(and_(true(), *_conditions(HouseholdFilters(grid_path=grid_path))))
        .group_by(households.c.grid_path)
    )
    return {
        path: dict(zip(FLOATING_FIGURES, (int(v or 0) for v in values), strict=True))
        for path, *values in connection.execute(query)
    }


def _carried(start: datetime, end: datetime, tag: str | None) -> list[ColumnElement[bool]]:
    """Tag periods that overlap [start, end) (of one tag, if given)."""
    conditions = [
        tag_periods.c.added_at < end,
        or_(tag_periods.c.removed_at.is_(None), tag_periods.c.removed_at > start),
    ]
    if tag is not None:
        conditions.append(tag_periods.c.tag == tag)
    return conditions


def _conditions(filters: HouseholdFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.grid_path is not None:
        conditions.append(subtree(households.c.grid_path, filters.grid_path))
    if filters.kind is not None:
        conditions.append(households.c.kind == filters.kind)
    if filters.tag is not None:
        conditions.append(contains(households.c.tags, f",{filters.tag},"))  # tags are stored ",a,b,"
    return conditions
