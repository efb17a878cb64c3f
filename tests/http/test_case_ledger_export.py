"""The 台账 (ledger) of a case-list filter (API.md: ``GET /cases?…&format=csv|xlsx``): every matching case, in the
list's order and scope, with Chinese headings, labels and local times."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from projections import case_list
from tests.support.api import Api
from tests.support.clock import MovableClock

OCTOBER = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)  # 10:00 on Friday 9 October in 紫阳镇


def _csv(api: Api, who: str, position: int, **params: Any) -> list[list[str]]:
    """The CSV 台账's rows (headings first), once the case list holds ``position``."""
    response = api.get(who, "/cases", min_position=position, format="csv", **params)
    assert response.status_code == 200, response.data[:500]
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel and WPS read the text as UTF-8
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _listed(api: Api, who: str, position: int, **params: Any) -> list[str]:
    """The case numbers the JSON list shows for the same filter (one page holds them all here)."""
    page = api.read(who, "/cases", position, per_page=200, **params)
    assert page["total_exact"]
    return [item["case_no"] for item in page["items"]]


def test_the_ledger_holds_every_matching_case_in_the_lists_order(
    api: Api, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read three rows at a time, so that eleven cases take four batches, ties on the report time among them
    monkeypatch.setattr(case_list, "EXPORT_BATCH", 3)
    t = api.territory
    clock.now = OCTOBER
    reported = []
    for n in range(11):
        if n % 4 == 0:
            clock.advance(minutes=5)  # the others are reported at the same moment as the one before
        reported.append(api.report("worker", title=f"路灯不亮{n}"))
    other = api.report("other_worker", grid=t.grid("chayuan-02"), category="sanitation", title="垃圾")
    position = other["position"]
    wanted = {"grid": t.grid("chayuan"), "category": "municipal"}
    rows = _csv(api, "dispatcher", position, **wanted)
    headings, body = rows[0], rows[1:]
    assert headings[:12] == [
        "案件编号",
        "标题",
        "问题描述",
        "状态",
        "办理类型",
        "类别",
        "网格",
        "社区",
        "主办部门",
        "协办部门",
        "上报渠道",
        "上报时间",
    ]
    assert {"是否超期", "当前时限", "办结时限", "签收时限"} <= set(headings)
    # Every match, none else, in the list's order (newest first, ties by id)
    assert [row[0] for row in body] == _listed(api, "dispatcher", position, **wanted)
    assert sorted(row[0] for row in body) == sorted(case["case_no"] for case in reported)
    first = next(dict(zip(headings, row, strict=True)) for row in body if row[0] == reported[0]["case_no"])
    assert first["标题"] == "路灯不亮0" and first["问题描述"] == "文公北路12号门前两盏路灯连续三晚不亮。"
    assert (first["状态"], first["办理类型"], first["类别"], first["上报渠道"]) == (
        "待受理",
        "一般件",
        "市政设施",
        "网格员App",
    )
    assert (first["网格"], first["社区"], first["主办部门"], first["协办部门"]) == (
        "茶苑社区第一网格",
        "茶苑社区",
        "",
        "",
    )
    assert first["上报时间"] == "2026-10-09 10:05" and first["是否超期"] == "否"
    # Paging does not apply: every match whatever page is asked for
    assert _csv(api, "dispatcher", position, **wanted, page=3, per_page=2) == rows
    # An empty filter is a file of headings alone
    assert _csv(api, "dispatcher", position, grid=t.grid("chayuan-02"), category="municipal") == [headings]


def test_the_ledger_as_xlsx_has_dates_numbers_and_names(api: Api, clock: MovableClock) -> None:
    t = api.territory
    clock.now = OCTOBER
    case = api.report("worker", title="楼道堆物", reporter={"name": "汪先生", "phone": "13812345678"})
    api.command("dispatcher", case["id"], "accept")
    dispatch = {"lead_department": t.department("chengguan"), "co_departments": [t.department("zhujian")]}
    last = api.command("dispatcher", case["id"], "dispatch", dispatch)
    clock.advance(days=5)  # the claim deadline has passed
    response = api.get("leader", "/cases", min_position=last["position"], grid=t.grid("ziyang"), format="xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="cases-20261014-1000.xlsx"')
    assert "filename*=UTF-8''%E6%A1%88%E4%BB%B6%E5%8F%B0%E8%B4%A6-20261014-1000.xlsx" in disposition  # 案件台账-…
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "案件台账" and sheet.freeze_panes == "A2"
    headings, *body = list(sheet.iter_rows(values_only=True))
    assert len(body) == 1
    row = dict(zip(headings, body[0], strict=True))
    assert row["案件编号"] == case["case_no"] and row["状态"] == "已派单"
    assert (row["主办部门"], row["协办部门"]) == ("城管", "住建")
    assert row["上报时间"] == datetime(2026, 10, 9, 10, 0)  # a date-time, in local time
    assert isinstance(row["签收时限"], datetime) and row["当前时限"] == row["签收时限"]
    assert row["是否超期"] == "是" and row["督办次数"] == 0 and row["返工次数"] == 0
    assert row["办结时间"] is None
    column = headings.index("上报时间") + 1
    assert sheet.cell(row=2, column=column).number_format == "yyyy-mm-dd hh:mm"
    # Like the list, the ledger carries nothing of the reporter
    assert not {"汪先生", "13812345678", "138****5678"} & {str(value) for value in body[0]}


def test_the_ledger_keeps_the_lists_scope(api: Api, clock: MovableClock) -> None:
    t = api.territory
    clock.now = OCTOBER
    cases = {}
    for department in ("chengguan", "zhujian"):
        case = api.report("worker", title=f"交{department}")
        api.command("dispatcher", case["id"], "accept")
        last = api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department(department)})
        cases[department] = case["case_no"]
    position = last["position"]
    # A department exports its own cases only, whatever it filters by
    assert [row[0] for row in _csv(api, "chengguan", position)[1:]] == [cases["chengguan"]]
    assert _csv(api, "chengguan", position, department=t.department("zhujian"))[1:] == []
    # 清华镇's dispatcher sees nothing of 紫阳镇, as in the list; the intake what it reported
    for who, params in (("other_dispatcher", {"grid": t.grid("ziyang")}), ("intake", {})):
        assert [row[0] for row in _csv(api, who, position, **params)[1:]] == _listed(api, who, position, **params)
    assert _csv(api, "other_dispatcher", position, grid=t.grid("ziyang"))[1:] == []
    assert sorted(row[0] for row in _csv(api, "auditor", position, grid=t.grid("ziyang"))[1:]) == sorted(cases.values())


def test_text_a_spreadsheet_would_run_stays_text(api: Api, clock: MovableClock) -> None:
    clock.now = OCTOBER
    case = api.report("worker", title='=HYPERLINK("http://example.invalid","点我")', description="-1+2")
    rows = _csv(api, "dispatcher", case["position"], grid=api.territory.grid("chayuan-01"))
    assert rows[1][1] == '\'=HYPERLINK("http://example.invalid","点我")' and rows[1][2] == "'-1+2"
    response = api.get("dispatcher", "/cases", grid=api.territory.grid("chayuan-01"), format="xlsx")
    cell = load_workbook(io.BytesIO(response.data)).active.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == case["title"]


def test_an_unknown_format_is_422_and_the_ledger_needs_a_token(api: Api) -> None:
    response = api.get("dispatcher", "/cases", format="pdf")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "format" in response.get_json()["errors"]
    assert api.client.get("/api/v1/cases?format=csv").status_code == 401
