"""Departments' working hours held (推诿 in hours): from the dispatch to the department to its claim and to its
resolution, on working days only, median and p90 per department, in /stats/monthly by=department."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.api import Api
from tests.support.clock import MovableClock

WEDNESDAY = datetime(2026, 10, 14, 1, 0, tzinfo=UTC)  # 09:00 on Wednesday 14 October in 紫阳镇
MONDAY = datetime(2026, 10, 19, 1, 0, tzinfo=UTC)  # 09:00 the Monday after; the weekend between is not counted


def _dispatched(api: Api, department: str) -> str:
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": api.territory.department(department)})
    return case["id"]


def test_the_hours_a_department_held_its_cases_count_working_days_only(api: Api, clock: MovableClock) -> None:
    # Given 城管 claims one case after 3 hours and another after 5, and resolves the first on Monday
    clock.now = WEDNESDAY
    first, second = _dispatched(api, "chengguan"), _dispatched(api, "chengguan")
    clock.advance(hours=3)
    api.command("chengguan", first, "claim")
    clock.advance(hours=2)
    api.command("chengguan", second, "claim")
    # ...and 住建 claims in an hour and resolves two hours later
    other = _dispatched(api, "zhujian")
    clock.advance(hours=1)
    api.command("zhujian", other, "claim")
    clock.advance(hours=2)
    api.command("zhujian", other, "resolve", {"result": "已加固"})
    clock.now = MONDAY
    last = api.command("chengguan", first, "resolve", {"result": "已修复"})
    # When the auditor reads October by department
    answer: dict[str, Any] = api.read("auditor", "/stats/monthly", last["position"], month="2026-10", by="department")
    held = {row["unit"]: row["held_hours"] for row in answer["rows"]}
    t = api.territory
    # Then 城管 held its cases 3 and 5 working hours to the claim, and 72 to the resolution (Wednesday 09:00 to
    # Monday 09:00: 15 + 24 + 24 + 9 hours; Saturday and Sunday not counted)
    assert held[t.department("chengguan")]["claim"] == {"cases": 2, "median": 4.0, "p90": 5.0}
    assert held[t.department("chengguan")]["resolve"] == {"cases": 1, "median": 72.0, "p90": 72.0}
    assert held[t.department("zhujian")]["claim"] == {"cases": 1, "median": 1.0, "p90": 1.0}
    assert held[t.department("zhujian")]["resolve"] == {"cases": 1, "median": 3.0, "p90": 3.0}
    # ...a department that held nothing has an empty summary, other groupings have none, and it is defined
    assert held[t.department("shichang")]["claim"] == {"cases": 0, "median": None, "p90": None}
    towns = api.read("auditor", "/stats/monthly", last["position"], month="2026-10", by="town")
    assert all(row["held_hours"] is None for row in towns["rows"])
    assert "held_hours" in answer["definitions"]


def test_the_departments_exports_carry_the_hours_held(api: Api, clock: MovableClock) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    # Given 城管 claims a case 3 working hours after its dispatch and resolves it 2 hours later
    clock.now = WEDNESDAY
    case = _dispatched(api, "chengguan")
    clock.advance(hours=3)
    api.command("chengguan", case, "claim")
    clock.advance(hours=2)
    last = api.command("chengguan", case, "resolve", {"result": "已修复"})
    params = {"month": "2026-10", "by": "department", "min_position": last["position"]}
    # When 城管 exports its October figures (its own row only), the hours are columns of the sheet
    response = api.get("chengguan", "/stats/monthly", **params, format="csv")
    assert response.status_code == 200
    _, headings, row, totals = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    held = dict(zip(headings, row, strict=True))
    assert held["单位"] == "城管"
    assert (held["签收计入件数"], held["派单至签收工时中位数（小时）"], held["派单至签收工时P90（小时）"]) == (
        "1",
        "3.0",
        "3.0",
    )
    assert (held["办结计入件数"], held["派单至办结工时中位数（小时）"], held["派单至办结工时P90（小时）"]) == (
        "1",
        "5.0",
        "5.0",
    )
    assert totals[1] == "合计" and totals[-6:] == [""] * 6  # hours do not add up over departments
    xlsx = api.get("chengguan", "/stats/monthly", **params, format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][-6:] == tuple(headings[-6:]) and rows[2][-6:] == (1, 3.0, 3.0, 1, 5.0, 5.0)
    assert sheet.cell(row=3, column=len(headings) - 1).number_format == "0.0"
    # ...and groupings other than departments have no such columns
    towns = api.get(
        "auditor", "/stats/monthly", **{**params, "by": "town"}, grid=api.territory.grid("wuyuan"), format="csv"
    )
    assert "签收计入件数" not in towns.data.decode("utf-8-sig")
