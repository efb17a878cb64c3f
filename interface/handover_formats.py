"""The handover list as the secretary needs it: CSV for Excel/WPS, a real XLSX, a printable page."""

from __future__ import annotations

import csv
import io
from datetime import datetime, tzinfo
from typing import Any

from flask import render_template
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from application.handover_list import STATUS_WORDS, HandoverItem
from domain.meeting import Meeting
from interface.anchors import Anchor
from interface.labels import HANDOVER_ITEM, labelled
from interface.presenters.times import local_iso
from interface.spreadsheet_text import csv_text, keep_as_text
from interface.unsafe_text import without_unsafe_text

# (API field, column heading, width in characters)
COLUMNS = [
    ("no", "序号", 6),
    ("case_no", "案件编号", 20),
    ("title", "问题", 36),
    ("grid", "网格", 16),
    ("community", "社区", 12),
    ("submitted_by", "提交人", 14),
    ("lead_department", "牵头单位", 14),
    ("co_departments", "配合单位", 18),
    ("deadline", "办结时限", 18),
    ("progress", "进展", 36),
    ("status", "状态", 10),
    ("ticked_off_at", "销号日期", 18),
    ("carried_over_label", "结转自", 24),
]


def item_json(item: HandoverItem, zone: tzinfo, names: dict[str, str]) -> dict[str, Any]:
    """The codes as the other formats show them, by name: the grid's here, the departments' by ``labelled``."""
    return labelled(
        {
            "no": item.no,
            "case_id": item.case_id,
            "case_no": item.case_no,
            "title": item.title,
            "grid": item.grid,
            "grid_name": names.get(item.grid, item.grid),
            "community": item.community,
            "submitted_by": item.submitted_by,
            "lead_department": item.lead_department,
            "co_departments": item.co_departments,
            "deadline": local_iso(item.deadline, zone),
            "progress": item.progress,
            "status": item.status,
            "ticked_off_at": local_iso(item.ticked_off_at, zone),
            "carried_over_from": item.carried_over_from,
            "carried_over_from_title": item.carried_over_label,
        },
        HANDOVER_ITEM,
        lambda code: names.get(code, code),
    )


NAMED = ("grid", "lead_department", "co_departments")  # codes shown by their names on paper


ANCHOR_LABEL = "存证锚点"  # the chain's head when the list was made: ``gridledger verify --anchor`` checks it


def to_csv(items: list[HandoverItem], zone: tzinfo, names: dict[str, str], anchor: Anchor) -> bytes:
    """UTF-8 with a byte-order mark, so Excel and WPS open the Chinese text correctly; the anchor last."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for _, heading, _ in COLUMNS])
    for item in items:
        writer.writerow([_cell_text(item, field, zone, names) for field, _, _ in COLUMNS])
    writer.writerow([ANCHOR_LABEL, str(anchor.head)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(meeting: Meeting, items: list[HandoverItem], zone: tzinfo, names: dict[str, str], anchor: Anchor) -> bytes:
    """A real spreadsheet: a bold frozen header row, column widths, dates as dates; the anchor in the
    document's title and the printed footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = "交办清单"
    sheet.append([heading for _, heading, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for index, (_, _, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    for item in items:
        sheet.append([_cell_value(item, field, zone, names) for field, _, _ in COLUMNS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    keep_as_text(sheet.iter_rows(min_row=2))
    sheet.freeze_panes = "A2"
    book.properties.title = without_unsafe_text(f"{meeting.title} 交办清单") + f" {ANCHOR_LABEL} {anchor.head}"
    sheet.oddFooter.center.text = f"{ANCHOR_LABEL} {anchor.head}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_html(
    meeting: Meeting, items: list[HandoverItem], zone: tzinfo, as_of: datetime, names: dict[str, str], anchor: Anchor
) -> str:
    rows = [
        {field: _cell_text(item, field, zone, names) for field, _, _ in COLUMNS} | {"state": item.status}
        for item in items
    ]
    shown = {
        "title": without_unsafe_text(meeting.title),
        "chair": without_unsafe_text(meeting.chair),
        "scheduled_for": meeting.scheduled_for,
    }
    return render_template(
        "handover_list.html",
        meeting=shown,
        rows=rows,
        headings=[heading for _, heading, _ in COLUMNS],
        fields=[field for field, _, _ in COLUMNS],
        as_of=_local(as_of, zone),
        open_count=sum(1 for item in items if item.status != "ticked_off"),
        anchor_label=ANCHOR_LABEL,
        anchor=str(anchor.head),
    )


def _cell_value(item: HandoverItem, field: str, zone: tzinfo, names: dict[str, str]) -> Any:
    """What one cell shows, the same in every format; text without what XML, XLSX or HTML cannot hold
    (requests refuse it now, but older events may carry it)."""
    value = getattr(item, field)
    if field in NAMED:
        value = [names.get(code, code) for code in value] if isinstance(value, list) else names.get(value, value)
    if isinstance(value, datetime):
        # Spreadsheets have no time zones, and round microseconds up into the next day: drop both.
        return value.astimezone(zone).replace(tzinfo=None, microsecond=0)
    if field == "status":
        return STATUS_WORDS[value]
    if isinstance(value, list):
        value = "、".join(value)
    return without_unsafe_text(value) if isinstance(value, str) else value


def _cell_text(item: HandoverItem, field: str, zone: tzinfo, names: dict[str, str]) -> str:
    value = _cell_value(item, field, zone, names)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return csv_text(value)
    return "" if value is None else str(value)


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
