"""Text people typed (a resident's case title, a department's note) written into CSV or XLSX so that a spreadsheet
shows it instead of running it: to Excel and WPS a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is a formula (CSV injection, CWE-1236) — ``=HYPERLINK(…)`` in a title would be a live link on the
meeting secretary's screen. CSV: such text gets a leading apostrophe (shown as text, the apostrophe hidden);
XLSX: the cell is kept a string (openpyxl stores a value beginning with ``=`` as a formula)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows rather than evaluates."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def keep_as_text(rows: Iterable[Iterable[Any]]) -> None:
    """Cells of a (normal-mode) openpyxl sheet that it took for formulas, kept as the text they are."""
    for row in rows:
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
