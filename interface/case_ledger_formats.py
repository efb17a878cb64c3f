"""The 台账 (ledger) of a case-list filter as a download: every matching case, a row each, with Chinese headings,
labels and names and local times — CSV for Excel/WPS (UTF-8 with a BOM, streamed as it is read) or a real XLSX
(dates as dates, counts as numbers; written row by row in openpyxl's write-only mode, so memory stays flat).

A row shows what the case list shows (``interface/presenters/case_rows.py``), in words rather than codes, plus the
problem's description and the stages' deadlines; like the list it carries no reporter and no personal data.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import IO, Any
from urllib.parse import quote

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domain.case_types import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    TRACK_LABELS,
)
from interface.presenters.case_rows import is_overdue
from interface.presenters.times import aware
from interface.spreadsheet_text import csv_text
from interface.unsafe_text import without_unsafe_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = ("application/json", "text/csv", XLSX)
TIME_FORMAT = "%Y-%m-%d %H:%M"  # how CSV shows a moment; XLSX keeps a date-time formatted alike
XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm"
CSV_ROWS_PER_CHUNK = 200
COPY_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Names:
    """What codes a row shows by name: grids, the community a grid lies in, departments."""

    grid: Callable[[str], str]
    community: Callable[[str], str | None]
    department: Callable[[str], str]


Cell = Callable[[dict[str, Any], "Context"], Any]


@dataclass(frozen=True)
class Context:
    now: datetime
    zone: tzinfo
    names: Names


def _label(labels: dict[Any, str], field: str) -> Cell:
    return lambda row, _: labels.get(row[field], row[field])


def _moment(field: str) -> Cell:
    def local(row: dict[str, Any], context: Context) -> datetime | None:
        moment = aware(row[field])
        # Spreadsheets have no time zones, and may round microseconds up into the next minute: drop both.
        return None if moment is None else moment.astimezone(context.zone).replace(tzinfo=None, microsecond=0)

    return local


def _overdue(row: dict[str, Any], context: Context) -> str:
    return "是" if is_overdue(row, context.now) else "否"


def _department(row: dict[str, Any], context: Context) -> str | None:
    return context.names.department(row["lead_department"]) if row["lead_department"] else None


def _co_departments(row: dict[str, Any], context: Context) -> str:
    return "、".join(context.names.department(code) for code in row["co_departments"].split(",") if code)


def _satisfaction(row: dict[str, Any], _: Context) -> str | None:
    value = row["last_satisfaction"]
    return None if value is None else SATISFACTION_LABELS.get(value, value)


# (heading, width in characters, the cell's value from the case list's row)
COLUMNS: tuple[tuple[str, int, Cell], ...] = (
    ("案件编号", 20, lambda row, _: row["case_no"]),
    ("标题", 30, lambda row, _: row["title"]),
    ("问题描述", 40, lambda row, _: row["description"]),
    ("状态", 12, _label(STATUS_LABELS, "status")),
    ("办理类型", 10, _label(TRACK_LABELS, "track")),
    ("类别", 12, _label(CATEGORY_LABELS, "category")),
    ("网格", 16, lambda row, context: context.names.grid(row["grid"])),
    ("社区", 14, lambda row, context: context.names.community(row["grid"])),
    ("主办部门", 16, _department),
    ("协办部门", 20, _co_departments),
    ("上报渠道", 10, _label(CHANNEL_LABELS, "channel")),
    ("上报时间", 17, _moment("created_at")),
    ("受理时限", 17, _moment("accept_due_at")),
    ("签收时限", 17, _moment("claim_due_at")),
    ("办结时限", 17, _moment("resolve_due_at")),
    ("回访时限", 17, _moment("follow_up_due_at")),
    ("当前时限", 17, _moment("due_at")),
    ("是否超期", 8, _overdue),
    ("是否缓办", 8, lambda row, _: "是" if row["suspended"] else "否"),
    ("督办次数", 8, lambda row, _: row["urges"]),
    ("办结时间", 17, _moment("resolved_at")),
    ("回访满意度", 10, _satisfaction),
    ("返工次数", 8, lambda row, _: row["reopen_count"]),
    ("结案时间", 17, _moment("closed_at")),
    ("最后更新", 17, _moment("updated_at")),
)
HEADINGS = [heading for heading, _, _ in COLUMNS]


def values(rows: Iterable[dict[str, Any]], context: Context) -> Iterator[list[Any]]:
    """Each case list row as its cells' values: text, whole numbers, naive local date-times, None for nothing."""
    for row in rows:
        cells = [cell(row, context) for _, _, cell in COLUMNS]
        yield [without_unsafe_text(value) if isinstance(value, str) else value for value in cells]


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """The ledger as CSV, a chunk of rows at a time: the BOM and headings first."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    yield _taken(out)
    pending = 0
    for cells in rows:
        writer.writerow([_csv_text(value) for value in cells])
        pending += 1
        if pending == CSV_ROWS_PER_CHUNK:
            yield _taken(out)
            pending = 0
    if pending:
        yield _taken(out)


def xlsx_file(rows: Iterable[list[Any]], title: str) -> IO[bytes]:
    """The ledger as an XLSX in a temporary file (gone once closed), positioned at its start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件台账")
    sheet.freeze_panes = "A2"
    for index, (_, width, _) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    headings = []
    for heading in HEADINGS:
        cell = WriteOnlyCell(sheet, heading)
        cell.font = Font(bold=True)
        headings.append(cell)
    sheet.append(headings)
    for cells in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in cells])
    book.properties.title = without_unsafe_text(title)
    file = tempfile.TemporaryFile()
    book.save(file)
    file.seek(0)
    return file


def download(rows: Iterable[list[Any]], fmt: str, *, made_at: datetime) -> Response:
    """A streamed attachment: CSV as its rows are read, XLSX once written (from its temporary file); named by
    ``made_at`` (local)."""
    title, stamp = f"案件台账（截至 {made_at:%Y-%m-%d %H:%M}）", f"{made_at:%Y%m%d-%H%M}"
    if fmt == "csv":
        response = Response(stream_with_context(csv_chunks(rows)), content_type="text/csv; charset=utf-8")
    else:
        file = xlsx_file(rows, title)
        response = Response(_copied(file), content_type=XLSX)
        response.call_on_close(file.close)
    # An ASCII name for every client, the Chinese one (RFC 6266/5987) for those that read it
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"cases-{stamp}.{fmt}\"; filename*=UTF-8''{quote(f'案件台账-{stamp}.{fmt}')}"
    )
    return response


def _copied(file: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes; the file closed (and so gone) once they are sent or the client went away."""
    try:
        while chunk := file.read(COPY_CHUNK):
            yield chunk
    finally:
        file.close()


def _taken(out: io.StringIO) -> bytes:
    chunk = out.getvalue().encode("utf-8")
    out.seek(0)
    out.truncate()
    return chunk


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, str):
        return csv_text(value)  # titles and descriptions are typed by residents
    return str(value)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_TIME_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # openpyxl would store it as a formula (interface/spreadsheet_text.py)
        return cell
    return value
