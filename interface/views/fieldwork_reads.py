"""Households and patrols as read models: the registry, visits due, floating population, patrol log, coverage.

Every list is scoped by the field-work policy (department staff, channels and meeting secretaries: 403) and
limited further by ``grid`` (a subtree); an unknown grid is a 422, one outside the caller's scope a 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from application.errors import InvalidReference
from interface import fieldwork_presenters as present
from interface.auth import current_staff
from interface.context import services
from interface.requests import with_query
from interface.schemas import fieldwork_reads as schemas
from interface.views.read_models import COUNT_LIMIT, wait_for_position
from projections import household_queries, patrols
from projections.grid_rollup import rolled_up, total_of
from projections.household_queries import FLOATING_FIGURES, HouseholdFilters
from projections.patrols import COVERAGE_FIGURES
from projections.registry import HOUSEHOLDS, PATROLS

blueprint = Blueprint("fieldwork_reads", __name__)


@blueprint.get("/households")
@with_query(schemas.HouseholdListQuerySchema)
def list_households(query: dict[str, Any]) -> Response:
    """Households in grid order: filtered by grid subtree, care tag and kind; scoped by role."""
    root, page = _root_path(query.get("grid")), _page(query, HOUSEHOLDS)
    filters = HouseholdFilters(grid_path=root, tag=query.get("tag"), kind=query.get("kind"))
    with services().projections.db.connect() as connection:
        rows, total = household_queries.list_households(connection, filters, count_limit=COUNT_LIMIT + 1, **page)
    return _page_response([present.household_row(row, _zone()) for row in rows], total, page)


@blueprint.get("/households/visits-due")
@with_query(schemas.VisitsDueQuerySchema)
def visits_due(query: dict[str, Any]) -> Response:
    """ "8必访": households that carried a care tag in the month (local time) and were not visited in it."""
    root, page = _root_path(query.get("grid")), _page(query, HOUSEHOLDS)
    month = query.get("month") or services().ledger.clock().astimezone(_zone()).strftime("%Y-%m")
    start, end = _month(month)
    filters = HouseholdFilters(grid_path=root, tag=query.get("tag"), kind=query.get("kind"))
    with services().projections.db.connect() as connection:
        rows, total = household_queries.visits_due(
            connection, filters, start=start, end=end, count_limit=COUNT_LIMIT + 1, **page
        )
    return _page_response(
        [present.visit_due_row(row, _zone()) for row in rows],
        total,
        page,
        month=month,
        start=start.isoformat(),
        end=end.isoformat(),
    )


@blueprint.get("/households/floating-population")
@with_query(schemas.GridFiguresQuerySchema)
def floating_population(query: dict[str, Any]) -> Response:
    """Per grid of the subtree (each counting the grids beneath it): households, rentals, residents, floating."""
    root, page = _root_path(query.get("grid")), _page(query, HOUSEHOLDS)
    with services().projections.db.connect() as connection:
        by_path = household_queries.floating_population(connection, root)
        rows, total = rolled_up(
            connection, by_path, root_path=root, level=query.get("level"), names=FLOATING_FIGURES, **page
        )
    return _figures_response(rows, total, page, total_of(by_path, FLOATING_FIGURES))


@blueprint.get("/patrols")
@with_query(schemas.PatrolListQuerySchema)
def list_patrols(query: dict[str, Any]) -> Response:
    """Patrols, latest first: filtered by grid subtree, kind, status and start time."""
    root, page = _root_path(query.get("grid")), _page(query, PATROLS)
    with services().projections.db.connect() as connection:
        rows, total = patrols.list_patrols(
            connection,
            grid_path=root,
            kind=query.get("kind"),
            status=query.get("status"),
            start=query.get("start"),
            end=query.get("end"),
            count_limit=COUNT_LIMIT + 1,
            **page,
        )
    return _page_response([present.patrol_row(row, _zone()) for row in rows], total, page)


@blueprint.get("/patrols/coverage")
@with_query(schemas.CoverageQuerySchema)
def coverage(query: dict[str, Any]) -> Response:
    """Per grid of the subtree (rolled up): patrols started in the period, hours, findings, fixed, cases."""
    root, page = _root_path(query.get("grid")), _page(query, PATROLS)
    now = services().ledger.clock().astimezone(_zone())
    start = query.get("start") or now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = query.get("end") or now
    with services().projections.db.connect() as connection:
        by_path = patrols.coverage(connection, grid_path=root, start=start, end=end)
        rows, total = rolled_up(
            connection, by_path, root_path=root, level=query.get("level"), names=COVERAGE_FIGURES, **page
        )
    return _figures_response(
        rows, total, page, total_of(by_path, COVERAGE_FIGURES), start=start.isoformat(), end=end.isoformat()
    )


def _root_path(grid: str | None) -> str | None:
    """The subtree to list: the asked-for grid (403 outside the caller's scope) or the caller's scope."""
    staff, ledger = current_staff(), services().ledger
    scope = ledger.fieldwork_policy.read_scope(staff)  # 403 for roles that do not see field work
    code = grid if grid is not None else scope
    if code is None:
        return None
    path = ledger.directory.grid_path(code)
    if path is None:
        raise InvalidReference("grid", f"unknown grid '{code}'")
    if grid is not None:
        ledger.fieldwork_policy.check_read(staff, grid)
    return path


def _month(month: str) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the month after, in the ledger's local zone."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=_zone())
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=_zone())
    return start, end


def _page(query: dict[str, Any], projection: str) -> dict[str, int]:
    wait_for_position(query.get("min_position"), projection)
    return {"page": query["page"], "per_page": query["per_page"]}


def _zone() -> Any:
    return services().ledger.local_zone


def _page_response(items: list[dict[str, Any]], total: int, page: dict[str, int], **extra: Any) -> Response:
    return jsonify(
        {**extra, "items": items, "total": min(total, COUNT_LIMIT), "total_exact": total <= COUNT_LIMIT, **page}
    )


def _figures_response(
    rows: list[dict[str, Any]], total: int, page: dict[str, int], totals: dict[str, float], **extra: Any
) -> Response:
    return jsonify(
        {
            **extra,
            "items": [present.figures_row(row) for row in rows],
            "total": total,
            "totals": present.figures_row(totals),
            **page,
        }
    )
