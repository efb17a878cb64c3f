"""The console in a real browser (Playwright driving Debian Chromium) against a live server, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from tests.console.live import PATIENCE_MS, chromium, live_server, reload_until
from tests.console.test_case_page import report
from tests.support.territory import Territory

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "console"
TIMELINE = ("上报", "受理", "派单", "接单", "办结", "回访", "结案")


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    with live_server(app) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def signed_in_page(browser: Any, base_url: str, token: str, **context: Any) -> Any:
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(PATIENCE_MS)
    page.goto(f"{base_url}/console/")
    assert "/console/sign-in" in page.url  # signed out: sent to sign in
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="我的工作台").wait_for()
    return page


def click_action(page: Any, action: str, **fields: str) -> None:
    form = page.locator(f"#action-{action}")
    for label, value in fields.items():
        control = form.get_by_label(label)
        if control.evaluate("node => node.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()  # a file input is a button too


def shot(page: Any, name: str, request: pytest.FixtureRequest) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backend = request.node.callspec.params.get("database_url", "")
    page.screenshot(path=str(ARTIFACTS / f"{name}_{backend}.png"), full_page=True)


def test_a_case_from_triage_to_closed_by_clicking(
    browser: Any,
    base_url: str,
    territory: Territory,
    cases: CaseCommands,
    ledger: GridLedger,
    request: pytest.FixtureRequest,
) -> None:
    case_id = report(cases, territory)
    case_no = ledger.read_case(territory.staff["admin"], case_id)[0].case_no
    dispatcher = signed_in_page(browser, base_url, territory.tokens["dispatcher"])
    shot(dispatcher, "home", request)
    dispatcher.get_by_role("link", name="待受理").click()
    reload_until(dispatcher, lambda: dispatcher.get_by_role("link", name=case_no).count() > 0)
    shot(dispatcher, "queue", request)
    dispatcher.get_by_role("link", name=case_no).click()
    click_action(dispatcher, "accept")
    dispatcher.locator("#action-dispatch").wait_for()
    click_action(dispatcher, "dispatch", 主办部门=territory.department("chengguan"))
    dispatcher.get_by_text("派单", exact=True).first.wait_for()

    department = signed_in_page(browser, base_url, territory.tokens["chengguan"])
    department.get_by_role("link", name="部门办理").click()
    reload_until(department, lambda: department.get_by_role("link", name=case_no).count() > 0)
    department.get_by_role("link", name=case_no).click()
    click_action(department, "claim")
    department.locator("#action-resolve").wait_for()
    click_action(department, "resolve", 办理结果="已更换灯泡，路灯恢复")
    department.get_by_text("您当前无可进行的操作。").wait_for()

    dispatcher.reload()
    click_action(dispatcher, "follow-up", 回访方式="phone", 满意度="satisfied", 问题是否解决="yes")
    dispatcher.locator("#action-close").wait_for()
    click_action(dispatcher, "close")
    dispatcher.locator(".status", has_text="已结案").wait_for()
    timeline = dispatcher.locator(".timeline").inner_text()
    for step in TIMELINE:
        assert step in timeline, step
    assert "李强（职能部门，城管）" in timeline
    shot(dispatcher, "case", request)


def test_a_stale_page_gets_the_reload_message_and_nothing_is_written(
    browser: Any, base_url: str, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    case_id = report(cases, territory)
    first = signed_in_page(browser, base_url, territory.tokens["dispatcher"])
    second = signed_in_page(browser, base_url, territory.tokens["dispatcher"])
    for page in (first, second):
        page.goto(f"{base_url}/console/cases/{case_id}")
    click_action(first, "accept")
    first.locator("#action-dispatch").wait_for()
    version = ledger.read_case(territory.staff["admin"], case_id)[0].version
    click_action(second, "reject", 理由="重复上报")
    # The page shows the case as it is now (accepted: no 不予受理 any more) and why nothing happened.
    assert "此案件已被他人修改，请刷新页面后再操作。" in second.get_by_role("alert").inner_text()
    assert ledger.read_case(territory.staff["admin"], case_id)[0].version == version


def test_a_form_posted_without_its_csrf_token_is_refused(
    browser: Any, base_url: str, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    case_id = report(cases, territory)
    page = signed_in_page(browser, base_url, territory.tokens["dispatcher"], bypass_csp=True)
    page.goto(f"{base_url}/console/cases/{case_id}")
    page.locator("#action-accept input[name=csrf_token]").evaluate("node => node.remove()")
    click_action(page, "accept")
    page.wait_for_load_state()
    assert "CSRF" in page.content()
    assert ledger.read_case(territory.staff["admin"], case_id)[0].status == "reported"


def test_a_grid_worker_reports_on_a_phone_screen(
    browser: Any, base_url: str, territory: Territory, request: pytest.FixtureRequest
) -> None:
    phone = signed_in_page(browser, base_url, territory.tokens["worker"], viewport={"width": 390, "height": 844})
    phone.get_by_role("link", name="上报").click()
    phone.get_by_label("标题").fill("排水沟堵塞")
    phone.get_by_label("情况描述").fill("菜市场后排水沟堵塞，雨天积水。")
    phone.get_by_label("类别").select_option("municipal")
    phone.get_by_label("地点").fill("紫阳镇菜市场后")
    # Everything fits the screen's width: nothing to scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "report_phone", request)
    phone.get_by_role("button", name="上报").click()
    phone.get_by_role("heading", name="排水沟堵塞").wait_for()
    assert "紫阳镇菜市场后" in phone.content()


def test_the_leaders_statistics_page_draws_its_chart(
    browser: Any, base_url: str, territory: Territory, cases: CaseCommands, request: pytest.FixtureRequest
) -> None:
    case_id = report(cases, territory)
    cases.accept(territory.staff["dispatcher"], case_id)
    chengguan = territory.department("chengguan")
    cases.dispatch(territory.staff["dispatcher"], case_id, lead_department=chengguan, co_departments=[])
    cases.claim(territory.staff["chengguan"], case_id)  # claimed in time: a response rate to plot
    leader = signed_in_page(browser, base_url, territory.tokens["leader"])
    leader.get_by_role("link", name="统计").click()
    reload_until(leader, lambda: leader.get_by_role("row", name="茶苑社区").count() > 0)
    chart = leader.get_by_role("img", name="三率走势")
    assert chart.bounding_box()["width"] > 200  # laid out, not an empty box
    assert chart.locator("circle").count() >= 1  # the month's response rate is plotted
    shot(leader, "statistics", request)


def test_the_secretary_prints_the_handover_list(
    browser: Any,
    base_url: str,
    territory: Territory,
    cases: CaseCommands,
    ledger: GridLedger,
    request: pytest.FixtureRequest,
) -> None:
    from tests.console.test_meetings import escalated

    meeting_id, _ = escalated(cases, ledger, territory)
    secretary = signed_in_page(browser, base_url, territory.tokens["secretary"])
    secretary.get_by_role("link", name="交办会", exact=True).click()
    # this meeting's link: other tests on a shared database schedule meetings of the same title
    this_meeting = secretary.locator(f'a[href*="{meeting_id}"]', has_text="紫阳镇6月问题交办会")
    reload_until(secretary, lambda: this_meeting.count() > 0)
    this_meeting.first.click()
    secretary.get_by_role("cell", name="茶苑社区路灯不亮").wait_for()
    secretary.get_by_role("link", name="打印版").click()
    secretary.wait_for_url(f"**/console/meetings/{meeting_id}/handover.html")
    assert "茶苑社区路灯不亮" in secretary.content()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = secretary.pdf(path=str(ARTIFACTS / f"handover_{request.node.callspec.params['database_url']}.pdf"))
    assert pdf.startswith(b"%PDF") and b"CJK" in pdf  # the Chinese text is set in a CJK font, not tofu


def test_a_department_user_cannot_open_a_household_page(
    browser: Any, base_url: str, territory: Territory, ledger: GridLedger
) -> None:
    from tests.console.test_households import elderly_household

    household_id = elderly_household(ledger, territory)
    clerk = signed_in_page(browser, base_url, territory.tokens["chengguan"])
    assert clerk.get_by_role("link", name="本月必访").count() == 0
    answer = clerk.goto(f"{base_url}/console/households/{household_id}")
    assert answer.status == 403
    assert "您无权" in clerk.get_by_role("alert").inner_text() and "汪奶奶" not in clerk.content()
