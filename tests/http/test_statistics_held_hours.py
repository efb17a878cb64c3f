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
