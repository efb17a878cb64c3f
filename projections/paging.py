"""One page of a read model's query, and how many rows match: the one way every read model pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection

Row = dict[str, Any]


def one_page(
    connection: Connection, query: Select[Any], *, key: Any, page: int, per_page: int, count_limit: int | None = None
) -> tuple[list[Row], int]:
    """The rows of page ``page`` (from 1) of the ordered ``query``, as dicts, and the number of rows it matches,
    counted over ``key`` alone, up to ``count_limit`` when given (a count of a million rows costs as much as
    reading them)."""
    rows = connection.execute(query.limit(per_page).offset((page - 1) * per_page))
    counted = query.with_only_columns(key).order_by(None)
    if count_limit is not None:
        counted = counted.limit(count_limit)
    total = connection.execute(select(func.count()).select_from(counted.subquery())).scalar_one()
    return [dict(row._mapping) for row in rows], total
