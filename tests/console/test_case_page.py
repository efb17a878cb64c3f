"""The case page through the console: only the actions allowed now, the version in the form, errors in Chinese."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from tests.console.pages import CSRF, sign_in
from tests.support.territory import Territory


def report(cases: CaseCommands, territory: Territory) -> str:
    body = {
        "title": "茶苑社区路灯不亮",
        "description": "文公北路12号门前两盏路灯连续三晚不亮。",
        "category": "municipal",
        "channel": "grid_app",
        "track": "general",
        "grid": territory.grid("chayuan-01"),
        "location": {"address": "紫阳镇文公北路12号"},
    }
    return cases.report(territory.staff["worker"], body).id


def signed_in(app: Flask, territory: Territory, who: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, territory.tokens[who])
    return client


def page_of(client: FlaskClient, case_id: str) -> str:
    answer = client.get(f"/console/cases/{case_id}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def act(client: FlaskClient, case_id: str, action: str, page: str, **fields: Any) -> Any:
    version = page.split(f'action="/console/cases/{case_id}/{action}"', 1)[1].split('name="version" value="')[1]
    form = {"csrf_token": CSRF.search(page).group(1), "version": version.split('"')[0], **fields}
    return client.post(f"/console/cases/{case_id}/{action}", data=form)


def actions_on(page: str, case_id: str) -> set[str]:
    prefix = f'action="/console/cases/{case_id}/'
    return {chunk.split('"', 1)[0] for chunk in page.split(prefix)[1:]}


def test_the_whole_way_through_the_console(
    app: Flask, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    case_id = report(cases, territory)
    dispatcher, department = signed_in(app, territory, "dispatcher"), signed_in(app, territory, "chengguan")
    page = page_of(dispatcher, case_id)
    assert {"accept", "reject"} <= actions_on(page, case_id)
    assert "claim" not in actions_on(page, case_id)
    assert act(dispatcher, case_id, "accept", page, note="属实").status_code == 302
    page = page_of(dispatcher, case_id)
    answer = act(dispatcher, case_id, "dispatch", page, lead_department=territory.department("chengguan"))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert "dispatch" not in actions_on(page_of(dispatcher, case_id), case_id)

    page = page_of(department, case_id)
    assert {"claim", "return"} <= actions_on(page, case_id)
    assert "accept" not in actions_on(page, case_id)
    assert act(department, case_id, "claim", page).status_code == 302
    page = page_of(department, case_id)
    assert act(department, case_id, "resolve", page, result="已更换灯泡").status_code == 302

    page = page_of(dispatcher, case_id)
    answer = act(dispatcher, case_id, "follow-up", page, method="phone", satisfaction="satisfied", solved="yes")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert act(dispatcher, case_id, "close", page_of(dispatcher, case_id)).status_code == 302

    timeline = page_of(dispatcher, case_id)
    for step in ("上报", "受理", "派单", "接单", "办结", "回访", "结案"):
        assert step in timeline, step
    assert ledger.read_case(territory.staff["admin"], case_id)[0].status == "closed"


def test_a_stale_page_is_told_to_reload_and_nothing_is_written(
    app: Flask, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    case_id = report(cases, territory)
    first, second = signed_in(app, territory, "dispatcher"), signed_in(app, territory, "dispatcher")
    first_page, second_page = page_of(first, case_id), page_of(second, case_id)
    assert act(first, case_id, "accept", first_page).status_code == 302
    version = ledger.read_case(territory.staff["admin"], case_id)[0].version
    answer = act(second, case_id, "reject", second_page, reason="重复")
    assert answer.status_code in (409, 412)
    assert "此案件已被他人修改" in answer.get_data(as_text=True) or "不允许" in answer.get_data(as_text=True)
    assert ledger.read_case(territory.staff["admin"], case_id)[0].version == version


def test_invalid_form_is_shown_in_chinese_next_to_it(app: Flask, territory: Territory, cases: CaseCommands) -> None:
    case_id = report(cases, territory)
    dispatcher = signed_in(app, territory, "dispatcher")
    answer = act(dispatcher, case_id, "reject", page_of(dispatcher, case_id), reason="  ")
    assert answer.status_code == 422
    assert "填写有误：理由" in answer.get_data(as_text=True)


def test_action_without_csrf_token_writes_nothing(
    app: Flask, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    case_id = report(cases, territory)
    dispatcher = signed_in(app, territory, "dispatcher")
    page_of(dispatcher, case_id)
    answer = dispatcher.post(f"/console/cases/{case_id}/accept", data={"version": "1"})
    assert answer.status_code == 400
    assert ledger.read_case(territory.staff["admin"], case_id)[0].status == "reported"


def test_a_case_outside_ones_scope_is_refused(app: Flask, territory: Territory, cases: CaseCommands) -> None:
    case_id = report(cases, territory)
    other = signed_in(app, territory, "other_dispatcher")
    answer = other.get(f"/console/cases/{case_id}")
    assert answer.status_code in (403, 404)
    assert "accept" not in answer.get_data(as_text=True)


def test_a_grid_worker_reports_a_case_and_lands_on_its_page(app: Flask, territory: Territory) -> None:
    worker = signed_in(app, territory, "worker")
    form = worker.get("/console/report").get_data(as_text=True)
    assert territory.grid("chayuan-01") in form and territory.grid("chayuan-02") not in form  # their grid only
    fields = {
        "csrf_token": CSRF.search(form).group(1),
        "title": "排水沟堵塞",
        "description": "菜市场后排水沟堵塞，雨天积水。",
        "category": "municipal",
        "channel": "grid_app",
        "track": "general",
        "grid": territory.grid("chayuan-01"),
        "address": "紫阳镇菜市场后",
    }
    answer = worker.post("/console/report", data=fields)
    assert answer.status_code == 302
    page = worker.get(answer.headers["Location"]).get_data(as_text=True)
    assert "排水沟堵塞" in page and "紫阳镇菜市场后" in page and "上报" in page


def test_a_report_outside_ones_grid_is_refused_in_chinese(app: Flask, territory: Territory) -> None:
    worker = signed_in(app, territory, "worker")
    form = worker.get("/console/report").get_data(as_text=True)
    fields = {
        "csrf_token": CSRF.search(form).group(1),
        "title": "路灯",
        "description": "不亮",
        "category": "municipal",
        "channel": "grid_app",
        "track": "general",
        "grid": territory.grid("chayuan-02"),
    }
    answer = worker.post("/console/report", data=fields)
    assert answer.status_code == 403
    assert "您无权进行此操作" in answer.get_data(as_text=True)
    fields.update(grid=territory.grid("chayuan-01"), title="")
    answer = worker.post("/console/report", data=fields)
    assert answer.status_code == 422 and "填写有误：标题" in answer.get_data(as_text=True)
    fields.update(title="路灯", lat="29.25", lon="200")  # a position no phone gives: refused, nothing written
    answer = worker.post("/console/report", data=fields)
    assert answer.status_code == 422 and "填写有误：地点" in answer.get_data(as_text=True)
    fields.update(address="", lon="117.86")  # a position alone is its own address
    answer = worker.post("/console/report", data=fields)
    assert answer.status_code == 302
    page = worker.get(answer.headers["Location"]).get_data(as_text=True)
    assert "29.25, 117.86" in page
