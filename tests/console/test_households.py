from __future__ import annotations

from flask import Flask

from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from tests.console.pages import CSRF
from tests.console.test_case_page import signed_in
from tests.support.territory import Territory
from tests.support.waiting import wait_until


def elderly_household(ledger: GridLedger, territory: Territory) -> str:
    households, worker = HouseholdCommands(ledger), territory.staff["worker"]
    household_id = households.register(
        worker,
        address="茶苑社区3栋201",
        grid=territory.grid("chayuan-01"),
        kind="owner",
        head={"name": "汪奶奶", "phone": "13812345678"},
    ).id
    households.add_tag(worker, household_id, tag="elderly_alone")
    return household_id


def test_a_grid_worker_visits_a_household_due_this_month(app: Flask, territory: Territory, ledger: GridLedger) -> None:
    household_id = elderly_household(ledger, territory)
    worker = signed_in(app, territory, "worker")
    wait_until(
        lambda: "茶苑社区3栋201" in worker.get("/console/households/visits-due").get_data(as_text=True),
        what="the visits-due list holds the household",
    )
    page = worker.get(f"/console/households/{household_id}").get_data(as_text=True)
    assert "汪奶奶" in page and "138****5678" in page and "13812345678" not in page  # masked
    version = page.split('name="version" value="')[1].split('"')[0]
    form = {"csrf_token": CSRF.search(page).group(1), "version": version, "notes": "身体良好，已送米面油"}
    answer = worker.post(f"/console/households/{household_id}/visits", data=form)
    assert answer.status_code == 302
    assert "身体良好" in worker.get(f"/console/households/{household_id}").get_data(as_text=True)
    stale = worker.post(f"/console/households/{household_id}/visits", data=form)  # the same page again
    assert stale.status_code == 412 and "此住户已被他人修改，请刷新页面后再操作。" in stale.get_data(as_text=True)
    wait_until(
        lambda: "茶苑社区3栋201" not in worker.get("/console/households/visits-due").get_data(as_text=True),
        what="the visit takes the household off the list",
    )


def test_a_department_user_cannot_open_a_household_page(app: Flask, territory: Territory, ledger: GridLedger) -> None:
    household_id = elderly_household(ledger, territory)
    clerk = signed_in(app, territory, "chengguan")
    assert "本月必访" not in clerk.get("/console/").get_data(as_text=True)
    answer = clerk.get(f"/console/households/{household_id}")
    assert answer.status_code == 403 and "您无权" in answer.get_data(as_text=True)
    assert "汪奶奶" not in answer.get_data(as_text=True)
    assert clerk.get("/console/households/visits-due").status_code == 403


def test_a_visit_that_finds_a_need_reports_it_as_a_linked_case_once(
    app: Flask, territory: Territory, ledger: GridLedger
) -> None:
    household_id = elderly_household(ledger, territory)
    worker = signed_in(app, territory, "worker")
    page = worker.get(f"/console/households/{household_id}").get_data(as_text=True)
    version = page.split('name="version" value="')[1].split('"')[0]
    form_key = page.split('name="form_key" value="')[1].split('"')[0]
    form = {
        "csrf_token": CSRF.search(page).group(1),
        "version": version,
        "form_key": form_key,
        "notes": "老人反映楼道灯坏了",
        "need_title": "3栋楼道灯不亮",
        "need_category": "municipal",
        "need_track": "general",
    }
    incomplete = worker.post(f"/console/households/{household_id}/visits", data={**form, "need_category": ""})
    assert incomplete.status_code == 422 and "发现的问题" in incomplete.get_data(as_text=True)
    assert ledger.load_household(household_id).visits == []  # nothing written

    first = worker.post(f"/console/households/{household_id}/visits", data=form)
    again = worker.post(f"/console/households/{household_id}/visits", data=form)  # a double click
    assert first.status_code == again.status_code == 302
    visits = ledger.load_household(household_id).visits
    assert len(visits) == 1 and len(visits[0]["case_ids"]) == 1
    case_id = visits[0]["case_ids"][0]
    case = ledger.load_case(case_id)
    assert case.title == "3栋楼道灯不亮" and str(case.details["household_id"]) == household_id
    page = worker.get(f"/console/households/{household_id}").get_data(as_text=True)
    assert f"/console/cases/{case_id}" in page
