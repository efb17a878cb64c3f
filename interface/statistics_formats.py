"""Statistics as meetings print them: CSV for Excel/WPS (UTF-8 with a BOM) and a real XLSX (a title row with the
unit, period and as-of time; counts as numbers, rates as percentages)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from interface.spreadsheet_text import csv_text, keep_as_text
from interface.unsafe_text import without_unsafe_text
from projections.statistics_queries import COUNTS, RATES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = ("application/json", "text/csv", XLSX)
HEADINGS = {
    "rank": "名次",
    "unit": "代码",
    "unit_name": "单位",
    "score": "综合得分",
    "received": "受理",
    "instant": "E呼即办件",
    "general": "一般件",
    "rejected": "驳回",
    "merged": "合并",
    "dispatched": "派单",
    "returned": "退单",
    "redispatched_away": "被改派",
    "bounced": "多次推转",
    "extended": "延期",
    "extension_requested": "延期申请",
    "resolved": "办结",
    "reopened": "返工",
    "urged": "督办",
    "followed_up": "回访",
    "unreachable": "联系不上",
    "overdue_open": "月末超期未结",
    "response_rate": "响应率",
    "on_time_rate": "按期办结率",
    "resolution_rate": "解决率",
    "satisfaction_rate": "满意率",
    "rework_rate": "返工率",
    "return_rate": "退单率",
    "extension_rate": "延期率",
    "reason": "未排名原因",
    "held_claim_cases": "签收计入件数",
    "held_claim_median": "派单至签收工时中位数（小时）",
    "held_claim_p90": "派单至签收工时P90（小时）",
    "held_resolve_cases": "办结计入件数",
    "held_resolve_median": "派单至办结工时中位数（小时）",
    "held_resolve_p90": "派单至办结工时P90（小时）",
}
MONTHLY_COLUMNS = ("unit", "unit_name", *COUNTS, *RATES)
# by department: the working hours held (``held_hours``), flattened as held_<stage>_<cases|median|p90>
HELD_COLUMNS = tuple(f"held_{stage}_{part}" for stage in ("claim", "resolve") for part in ("cases", "median", "p90"))
HOURS = tuple(column for column in HELD_COLUMNS if not column.endswith("_cases"))  # one decimal
RANKED_COLUMNS = (
    "rank",
    "unit",
    "unit_name",
    "score",
    "response_rate",
    "on_time_rate",
    "satisfaction_rate",
    "received",
)


@dataclass(frozen=True)
class Sheet:
    """A table to export: its title (unit, period, as-of time), its columns (answer fields) and rows."""

    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def held_cells(held: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    """A department's ``held_hours`` as cells of ``HELD_COLUMNS`` (none for a row without them: the totals)."""
    if held is None:
        return {}
    return {f"held_{stage}_{part}": value for stage, parts in held.items() for part, value in parts.items()}


def title(what: str, answer: dict[str, Any], unit: str) -> str:
    period = answer["month"] or f"{answer['from']}—{answer['to']}"
    return without_unsafe_text(f"{unit} {what} {period}（截至 {answer['as_of'][:16].replace('T', ' ')}）")


def to_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([sheet.title])
    writer.writerow([HEADINGS[column] for column in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_text(column, row.get(column)) for column in sheet.columns])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: Sheet) -> bytes:
    book = Workbook()
    page = book.active
    page.title = "统计"
    page.append([sheet.title])
    page["A1"].font = Font(bold=True)
    page.append([HEADINGS[column] for column in sheet.columns])
    for cell in page[2]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        page.append([_value(column, row.get(column)) for column in sheet.columns])
    for index, column in enumerate(sheet.columns, 1):
        number_format = "0.0%" if column in RATES else "0.0" if column in HOURS else None
        if number_format:
            for (cell,) in page.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = number_format
    keep_as_text(page.iter_rows())
    page.freeze_panes = "A3"
    book.properties.title = sheet.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(sheet: Sheet, fmt: str, filename: str) -> Response:
    content, media_type = (to_csv(sheet), "text/csv; charset=utf-8") if fmt == "csv" else (to_xlsx(sheet), XLSX)
    response = Response(content, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _value(column: str, value: Any) -> Any:
    """A rate (a percentage with one decimal) as the fraction a spreadsheet formats as a percentage."""
    if column in RATES and value is not None:
        return round(value / 100, 4)
    return without_unsafe_text(value) if isinstance(value, str) else value


def _text(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column in RATES:
        return f"{value:.1f}%"
    return csv_text(without_unsafe_text(value)) if isinstance(value, str) else str(value)
