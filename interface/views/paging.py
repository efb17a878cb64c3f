"""What every list endpoint shares: waiting for ``min_position``, the page asked for, the page answered."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from application.errors import InvalidReference
from interface.context import services
from interface.presenters import fieldwork_rows
from interface.read_your_writes import wait_for_position

# Totals are exact up to here ("1,000+" beyond): counting every match of a broad filter over a million
# cases would cost more than the page itself, and nobody pages through a thousand cases.
COUNT_LIMIT = 1_000


def page_of(query: dict[str, Any], projection: str) -> dict[str, int]:
    """The page asked for, once ``projection`` has applied the ``min_position`` asked for."""
    wait_for_position(query.get("min_position"), projection)
    return {"page": query["page"], "per_page": query["per_page"]}


def page_response(items: list[dict[str, Any]], total: int, page: dict[str, int], **extra: Any) -> Response:
    """Items, their total (exact up to ``COUNT_LIMIT``), the page; ``extra`` members first."""
    return jsonify(
        {**extra, "items": items, "total": min(total, COUNT_LIMIT), "total_exact": total <= COUNT_LIMIT, **page}
    )


def figures_response(
    rows: list[dict[str, Any]], total: int, page: dict[str, int], totals: dict[str, float], **extra: Any
) -> Response:
    """A page of grids with their figures, and the figures' totals over the whole subtree."""
    return jsonify(
        {
            **extra,
            "items": [fieldwork_rows.figures_row(row) for row in rows],
            "total": total,
            "totals": fieldwork_rows.figures_row(totals),
            **page,
        }
    )


def subtree(grid: str | None) -> str | None:
    """The path of the grid a list is limited to (its subtree); an unknown grid is a 422."""
    if grid is None:
        return None
    path = services().directory.grid_path(grid)
    if path is None:
        raise InvalidReference("grid", f"unknown grid '{grid}'")
    return path
