from __future__ import annotations

from flask import Flask

from application.case_commands import CaseCommands
from tests.console.test_case_page import report, signed_in
from tests.support.territory import Territory
from tests.support.waiting import wait_until


def test_the_leader_sees_the_table_the_rankings_and_a_drawn_chart(
    app: Flask, territory: Territory, cases: CaseCommands
) -> None:
    case_id = report(cases, territory)
    cases.accept(territory.staff["dispatcher"], case_id)
    leader = signed_in(app, territory, "leader")

    def counted() -> bool:
        return "茶苑社区" in leader.get("/console/stats").get_data(as_text=True)

    wait_until(counted, what="the statistics read model counts the case")
    page = leader.get("/console/stats").get_data(as_text=True)
    assert "月度三率" in page and "排名" in page and "响应率" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "三率走势" in page
    drill = leader.get(
        "/console/stats/cases",
        query_string={"by": "community", "unit": territory.grid("chayuan"), "figure": "received", "month": "2026-06"},
    )
    assert drill.status_code == 200 and "茶苑社区路灯不亮" in drill.get_data(as_text=True)
    assert leader.get("/console/stats", query_string={"month": "June"}).status_code == 422


def test_a_department_sees_its_own_figures_and_no_one_elses(app: Flask, territory: Territory) -> None:
    department = signed_in(app, territory, "chengguan")
    assert department.get("/console/stats").status_code == 200
    assert department.get("/console/stats", query_string={"by": "community"}).status_code == 403
