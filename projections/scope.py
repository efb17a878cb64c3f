"""Who may see which rows of a read model: the read side of the role table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Table, and_, or_
from sqlalchemy.sql.elements import ColumnElement


def subtree(path_column: Column, root_path: str) -> ColumnElement[bool]:
    """Rows whose grid lies under ``root_path`` ("/a/b/"): a range, so a plain b-tree index serves it."""
    return and_(path_column >= root_path, path_column < root_path[:-1] + chr(ord("/") + 1))


@dataclass(frozen=True)
class Scope:
    """What a staff member may read: everything, a grid subtree, one department, or their own reports."""

    everything: bool = False
    grid_path: str | None = None
    department: str | None = None
    reported_by: str | None = None

    def conditions(self, table: Table) -> list[ColumnElement[bool]]:
        if self.everything:
            return []
        if self.grid_path is not None:
            return [subtree(table.c.grid_path, self.grid_path)]
        if self.department is not None:
            return [or_(table.c.lead_department == self.department,
                        table.c.co_departments.like(f"%,{self.department},%"))]
        if self.reported_by is not None:
            return [table.c.reported_by == self.reported_by]
        return [table.c.id.is_(None)]  # nothing
