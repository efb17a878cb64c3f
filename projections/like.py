"""LIKE patterns made from what a user typed: its ``%``, ``_`` and the escape character match only themselves.

Every LIKE in the read models goes through here; a pattern built by hand from user text would let ``%`` or
``_`` widen a filter (or a scope) to rows that do not hold the text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.elements import ColumnElement

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """``text`` as a LIKE pattern that matches exactly it (used with ``ESCAPE``)."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """Rows whose ``column`` holds ``text`` as a literal substring, ignoring case.

    Ignoring case on both databases: SQLite's LIKE ignores the case of ASCII letters and PostgreSQL's does
    not, so a plain LIKE found "LED" for "led" on one and not the other.
    """
    return column.ilike(f"%{escape_like(text)}%", escape=ESCAPE)
