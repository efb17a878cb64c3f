"""Statistics over HTTP: monthly figures by unit, the cases behind one figure, rankings (API.md "Accountability:
statistics"). Who reads which figures is the read policy's; the figures are the statistics read model's."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, Response, jsonify

from application.errors import InvalidReference
from domain.ranking import not_ranked_reason, score
from interface import statistics_formats as formats
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.presenters import statistics as present
from interface.read_your_writes import wait_for_position
from interface.schemas import statistics as schemas
from interface.views.paging import page_of, page_response, subtree
from projections import statistics_queries as figures
from projections.registry import STATISTICS
from projections.statistics_held import held_hours, no_hours

blueprint = Blueprint("statistics", __name__, url_prefix="/stats")


def _scope(query: dict[str, Any], by: str, *, months_before: int = 0) -> tuple[figures.Selection, tuple[str, str]]:
    """What a statistics read sums (months, subtree, department, as-of) and its period, once the read model has
    caught up with ``min_position``; ``months_before``: that many months before the period are summed too."""
    wait_for_position(query.get("min_position"), STATISTICS)
    subtree(query.get("grid"))  # an unknown grid is a 422
    ledger = services().ledger
    root_path, department = ledger.read_policy.statistics_scope(
        current_staff(), by=by, grid=query.get("grid"), department=query.get("department")
    )
    if "first" in query:
        first, last = query["first"], query["last"]
    else:
        first = last = query.get("month") or ledger.clock().astimezone(ledger.local_zone).strftime("%Y-%m")
    start = first
    for _ in range(months_before):
        start = figures.previous_month(start)
    selection = figures.Selection(
        months=figures.months_between(start, last),
        now=ledger.clock(),
        root_path=root_path,
        department=department,
        as_of=query.get("as_of"),
        period_end=figures.month_end(last, ledger.local_zone),
    )
    return selection, (first, last)


def _period(selection: figures.Selection, period: tuple[str, str]) -> dict[str, Any]:
    return present.period(*period, selection.as_of or selection.now, services().ledger.local_zone)


@blueprint.get("/monthly")
@endpoint(query=schemas.MonthlyQuerySchema, response=schemas.MonthlySchema, media_types=formats.MEDIA_TYPES)
def monthly(query: dict[str, Any]) -> Response:
    """The figures of a month (or a period of months) per unit, with their totals and definitions."""
    by = query["by"]
    selection, period = _scope(query, by)
    with services().projections.db.connect() as connection:
        units = figures.unit_counts(connection, selection, by)
        totals = figures.total_counts(connection, selection)
        held = _held_hours(connection, selection) if by == "department" else None
    answer = {
        **_period(selection, period),
        "by": by,
        "rows": [
            {**present.unit_row(by, unit, counts), "held_hours": None if held is None else held[unit["unit"]]}
            for unit, counts in units
        ],
        "totals": figures.figures_of(totals),
        "definitions": present.DEFINITIONS,
    }
    if query["format"] != "json":
        rows = [{**row, **formats.held_cells(row["held_hours"])} for row in answer["rows"]]
        rows.append({**answer["totals"], "unit": "", "unit_name": "合计"})
        columns = formats.MONTHLY_COLUMNS + (formats.HELD_COLUMNS if held is not None else ())
        sheet = formats.Sheet(formats.title("统计", answer, _unit_title(query)), columns, rows)
        return formats.download(sheet, query["format"], f"stats-{by}-{period[0]}")
    return jsonify(answer)


def _held_hours(connection: Any, selection: figures.Selection) -> dict[str, Any]:
    """Each department's working hours held (an empty summary for one that held nothing)."""
    found = held_hours(connection, selection, services().ledger.clock_rules.policy().calendar)
    return defaultdict(no_hours, found)


@blueprint.get("/monthly/cases")
@endpoint(query=schemas.FigureCasesQuerySchema, response=schemas.FigureCasesSchema)
def figure_cases(query: dict[str, Any]) -> Response:
    """The contributions one figure's numerator or denominator counts, each with the event that decided it."""
    by, figure, part = query["by"], query["figure"], query["part"]
    selection, period = _scope(query, by)
    measure = figures.measure_of(figure, part)
    if measure is None:
        raise InvalidReference("part", f"'{figure}' is a count: it has a numerator only")
    page = page_of(query, STATISTICS)
    zone = services().ledger.local_zone
    with services().projections.db.connect() as connection:
        unit = figures.unit_path(connection, by, query["unit"])
        if unit is None:
            raise InvalidReference("unit", f"unknown grid '{query['unit']}'")
        rows, total = figures.counted_cases(connection, selection, measure, by=by, unit=unit, **page)
    return page_response(
        [present.counted_case(row, zone, services().directory.department_name) for row in rows],
        total,
        page,
        **_period(selection, period),
        by=by,
        unit=query["unit"],
        figure=figure,
        part=part,
        definition=present.DEFINITIONS[figure],
    )


@blueprint.get("/rankings")
@endpoint(query=schemas.RankingsQuerySchema, response=schemas.RankingsSchema, media_types=formats.MEDIA_TYPES)
def rankings(query: dict[str, Any]) -> Response:
    """Towns, communities or departments ranked by the weighted rates; too few cases: not ranked, with why."""
    level, min_cases = query["level"], query["min_cases"]
    selection, period = _scope(query, level)
    weights, weights_version = services().ledger.clock_rules.ranking_weights(query.get("as_of"))
    with services().projections.db.connect() as connection:
        units = figures.unit_counts(connection, selection, level)
    scored, not_ranked = [], []
    for unit, counts in units:
        row = present.unit_row(level, unit, counts)
        unit_score = score(row, weights)
        reason = not_ranked_reason(row["received"], min_cases, unit_score)
        if reason is not None or unit_score is None:
            not_ranked.append({**{key: row[key] for key in ("unit", "unit_name", "received")}, "reason": reason})
        else:
            scored.append((row, unit_score))
    ranked = [
        {"rank": rank, "score": unit_score, **{key: row[key] for key in RANKED_FIGURES}}
        for rank, row, unit_score in figures.ranked(scored)
    ]
    answer = {
        **_period(selection, period),
        "level": level,
        "min_cases": min_cases,
        "ranked": ranked,
        "not_ranked": not_ranked,
        "weights": weights,
        "weights_version": weights_version,
    }
    if query["format"] != "json":
        rows = [*ranked, *({**row, "rank": None} for row in not_ranked)]
        columns = (*formats.RANKED_COLUMNS, "reason")
        sheet = formats.Sheet(formats.title("排名", answer, _unit_title(query)), columns, rows)
        return formats.download(sheet, query["format"], f"rankings-{level}-{period[0]}")
    return jsonify(answer)


def _unit_title(query: dict[str, Any]) -> str:
    """The unit a sheet covers: the grid asked for (its name), else the caller's whole scope."""
    grid = query.get("grid")
    found = services().directory.find_grid(grid) if grid else None
    return found["name"] if found else "全部"


RANKED_FIGURES = ("unit", "unit_name", "response_rate", "on_time_rate", "satisfaction_rate", "received")


@blueprint.get("/trend")
@endpoint(query=schemas.TrendQuerySchema, response=schemas.TrendSchema)
def trend(query: dict[str, Any]) -> Response:
    """One row of figures per month of the period (for charts), in a subtree or of one department."""
    selection, period = _scope(query, "department" if query.get("department") else "month")
    with services().projections.db.connect() as connection:
        by_month = figures.sums(connection, selection, key="month")
    rows = [{"month": month, **figures.figures_of(by_month.get(month, {}))} for month in selection.months]
    return jsonify({**_period(selection, period), "rows": rows, "definitions": present.DEFINITIONS})


@blueprint.get("/hotspots")
@endpoint(query=schemas.HotspotsQuerySchema, response=schemas.HotspotsSchema)
def hotspots(query: dict[str, Any]) -> Response:
    """Per month, the category × grid pairs with the most cases received and the change on the month before
    (to choose 每月一题)."""
    selection, period = _scope(query, "grid", months_before=1)
    with services().projections.db.connect() as connection:
        rows = figures.received_by_category_and_grid(connection, selection)
    spots = figures.hotspots(rows, selection.months, query["top"])
    return jsonify({**_period(selection, period), "top": query["top"], "items": [present.hotspot(s) for s in spots]})
