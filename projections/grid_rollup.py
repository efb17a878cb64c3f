"""Figures per grid, rolled up the grid tree: each grid's row counts everything beneath it too.

Read models group their rows by materialised ``grid_path``; this spreads those figures over the grids of a
subtree (taken from the reference table of grids, so a grid with nothing to count still has its row of zeros).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, select, true
from sqlalchemy.engine import Connection

from projections.paging import one_page
from projections.scope import subtree
from projections.storage.tables import grids

Figures = dict[str, float]
EVERYWHERE = "/"


def rolled_up(
    connection: Connection,
    by_path: Mapping[str, Figures],
    *,
    root_path: str | None,
    level: str | None,
    names: tuple[str, ...],
    page: int,
    per_page: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the grids under ``root_path`` (maybe of one ``level``), in tree order, with their figures.

    ``by_path`` holds the figures of each grid path that has any; ``names`` are the figures every row shows.
    """
    conditions = [subtree(grids.c.path, root_path or EVERYWHERE)]
    if level is not None:
        conditions.append(grids.c.level == level)
    query = select(grids.c.code, grids.c.name, grids.c.level, grids.c.path).where(and_(true(), *conditions))
    rows, total = one_page(connection, query.order_by(grids.c.path), key=grids.c.code, page=page, per_page=per_page)
    items = []
    for row in rows:
        figures = total_of(by_path, names, under=row["path"])
        items.append({"grid": row["code"], "name": row["name"], "level": row["level"], "path": row["path"], **figures})
    return items, total


def total_of(by_path: Mapping[str, Figures], names: tuple[str, ...], *, under: str = EVERYWHERE) -> Figures:
    """The sum of the figures of every grid path starting with ``under``."""
    sums: Figures = dict.fromkeys(names, 0)
    for path, figures in by_path.items():
        if path.startswith(under):
            for name in names:
                sums[name] += figures.get(name) or 0
    return sums
