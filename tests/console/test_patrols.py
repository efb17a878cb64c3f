"""巡查 pages: the patrol log of the caller's scope and a patrol with its check-ins and findings, read as
``GET /patrols`` reads them (department staff and other grids' workers refused; signed out: sign in first)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from application.ledger import GridLedger
from application.patrol_commands import PatrolCommands
from tests.console.test_case_page import signed_in
from tests.support.clock import MovableClock
from tests.support.territory import Territory
from tests.support.waiting import wait_until


@pytest.fixture
def night_patrol(ledger: GridLedger, territory: Territory, clock: MovableClock) -> tuple[str, str]:
    """A night patrol in 茶苑社区第一网格: two check-ins, one finding fixed on the spot, one raised as a case.
    Returns (patrol id, the raised case's id)."""
    patrols, worker = PatrolCommands(ledger), territory.staff["worker"]
    clock.now = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    night = patrols.start(worker, grid=territory.grid("chayuan-01"), kind="night", members=[worker.id])
    patrols.checkpoint(worker, str(night.id), place="茶苑社区东门")
    patrols.checkpoint(worker, str(night.id), place="文公北路夜市")
    patrols.finding(
        worker, str(night.id), description="楼道堆放杂物，已劝导清理", category="sanitation", resolved_on_spot=True
    )
    found = patrols.finding(
        worker, str(night.id), description="文公北路两盏路灯不亮", category="municipal", resolved_on_spot=False
    )
    patrols.end(worker, str(night.id), summary="发现两处问题，一处当场解决")
    return str(night.id), found.linked_ids[0]


def test_a_dispatcher_reads_the_patrol_log_and_a_patrol(
    app: Flask, ledger: GridLedger, territory: Territory, night_patrol: tuple[str, str]
) -> None:
    patrol_id, case_id = night_patrol
    dispatcher = signed_in(app, territory, "dispatcher")
    assert "巡查</a>" in dispatcher.get("/console/").get_data(as_text=True)  # in the menu
    ended_nights = {"kind": "night", "status": "ended"}
    wait_until(
        lambda: patrol_id in dispatcher.get("/console/patrols", query_string=ended_nights).get_data(as_text=True),
        what="the patrol log holds the ended patrol",
    )
    log = dispatcher.get("/console/patrols", query_string=ended_nights).get_data(as_text=True)
    assert "夜间巡逻" in log and "已结束" in log and "2026-06-01 21:00" in log
    assert patrol_id not in dispatcher.get("/console/patrols", query_string={"kind": "routine"}).get_data(as_text=True)

    page = dispatcher.get(f"/console/patrols/{patrol_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text
    assert "茶苑社区东门" in text and "文公北路夜市" in text  # check-ins
    assert "楼道堆放杂物" in text and "当场处置" in text
    case_no = ledger.load_case(case_id).case_no
    assert f'href="/console/cases/{case_id}">{case_no}</a>' in text  # the finding's case, one click away
    assert dispatcher.get(f"/console/cases/{case_id}").status_code == 200


def test_a_grid_worker_sees_their_own_patrols_only(
    app: Flask, territory: Territory, night_patrol: tuple[str, str]
) -> None:
    patrol_id, _ = night_patrol
    worker = signed_in(app, territory, "worker")
    wait_until(
        lambda: patrol_id in worker.get("/console/patrols").get_data(as_text=True), what="the worker's patrol log"
    )
    neighbour = signed_in(app, territory, "other_worker")
    assert patrol_id not in neighbour.get("/console/patrols").get_data(as_text=True)
    refused = neighbour.get(f"/console/patrols/{patrol_id}")
    assert refused.status_code == 403 and "您无权" in refused.get_data(as_text=True)
    assert "茶苑社区东门" not in refused.get_data(as_text=True)
    other_grid = neighbour.get("/console/patrols", query_string={"grid": territory.grid("chayuan-01")})
    assert other_grid.status_code == 403


def test_a_department_user_cannot_open_patrols(app: Flask, territory: Territory, night_patrol: tuple[str, str]) -> None:
    patrol_id, _ = night_patrol
    clerk = signed_in(app, territory, "chengguan")
    assert "巡查</a>" not in clerk.get("/console/").get_data(as_text=True)
    page = clerk.get(f"/console/patrols/{patrol_id}")
    assert page.status_code == 403 and "您无权" in page.get_data(as_text=True)
    assert "茶苑社区东门" not in page.get_data(as_text=True)
    assert clerk.get("/console/patrols").status_code == 403


def test_signed_out_is_sent_to_sign_in(app: Flask, night_patrol: tuple[str, str]) -> None:
    patrol_id, _ = night_patrol
    answer = app.test_client().get(f"/console/patrols/{patrol_id}")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(f"/console/sign-in?next=/console/patrols/{patrol_id}")


def test_an_unknown_patrol_or_a_bad_filter_is_a_page_in_chinese(app: Flask, territory: Territory) -> None:
    dispatcher = signed_in(app, territory, "dispatcher")
    missing = dispatcher.get("/console/patrols/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "找不到" in missing.get_data(as_text=True)
    assert dispatcher.get("/console/patrols/not-a-uuid").status_code in (404, 422)
    bad = dispatcher.get("/console/patrols", query_string={"kind": "flying"})
    assert bad.status_code == 422 and "填写有误" in bad.get_data(as_text=True)
