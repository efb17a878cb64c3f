"""The rows of a read model a ``ReadScope`` (decided by the application's policies) lets its reader see."""

from __future__ import annotations

from sqlalchemy import Column, Table, and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from domain.read_scope import ReadScope


def subtree(path_column: Column, root_path: str) -> ColumnElement[bool]:
    """Rows whose grid lies under ``root_path`` ("/a/b/"): a range, so a plain b-tree index serves it.

    A range, not LIKE: a grid code may hold ``_``, which LIKE would take for any character. Paths compare
    byte by byte (SQLite; PostgreSQL databases in the C collation), so "/a/b0" bounds everything under "/a/b/".
    """
    return and_(path_column >= root_path, path_column < root_path[:-1] + chr(ord("/") + 1))


def of_department(table: Table, co_departments: Table, department: str) -> ColumnElement[bool]:
    """Cases that ``department`` leads or co-handles: exact matches of its code, never a pattern.

    ``co_departments`` holds a row (case_id, department) per co-department of each case of ``table``.
    A correlated EXISTS, one primary-key probe per row, rather than ``id IN (the department's co-handled ids)``:
    under the OR PostgreSQL cannot join, and once a department co-handles more cases than ``work_mem`` can
    hash it rescanned the whole list for every row (tens of seconds at a million cases).
    """
    co_handled = (
        select(co_departments.c.case_id)
        .where(co_departments.c.case_id == table.c.id, co_departments.c.department == department)
        .exists()
    )
    return or_(table.c.lead_department == department, co_handled)


def scope_conditions(scope: ReadScope, table: Table, co_departments: Table | None = None) -> list[ColumnElement[bool]]:
    """``co_departments``: the (case_id, department) rows of ``table``'s cases, for a department's scope."""
    if scope.everything:
        return []
    if scope.grid_path is not None:
        return [subtree(table.c.grid_path, scope.grid_path)]
    if scope.department is not None:
        if co_departments is None:  # leaving co-handled cases out would be a silent narrowing
            raise ValueError(f"a department's scope over {table.name} needs its co-department rows")
        return [of_department(table, co_departments, scope.department)]
    if scope.reported_by is not None:
        return [table.c.reported_by == scope.reported_by]
    return [table.c.id.is_(None)]  # nothing
