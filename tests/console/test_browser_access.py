"""Accessibility in a real browser (Playwright driving Debian Chromium, on both databases): every visible form
control has a label, the console works from the keyboard alone, and at 200% zoom (a 1280-pixel screen is then 640
CSS pixels wide) no page needs scrolling sideways."""

from __future__ import annotations

from typing import Any

import pytest

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from tests.console.live import reload_until
from tests.console.test_browser import base_url, browser, shot, signed_in_page
from tests.console.test_case_page import report
from tests.support.territory import Territory

__all__ = ["base_url", "browser"]  # the live server and Chromium, as fixtures of this module's tests too

ZOOMED = {"width": 640, "height": 400}  # 1280 × 800 at 200%
PAGES = (
    "/console/",
    "/console/queues/triage",
    "/console/cases",
    "/console/report",
    "/console/meetings",
    "/console/stats",
    "/console/households/visits-due",
    "/console/patrols",
)
AUDITORS_PAGES = ("/console/history", "/console/audit")
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter(node => node.type !== 'hidden' && !node.hidden && node.offsetParent !== null)
    .filter(node => node.tagName === 'BUTTON' ? !node.innerText.trim() : node.labels.length === 0
                    && !node.getAttribute('aria-label'))
    .map(node => node.outerHTML)"""


def test_every_page_labels_its_fields_and_reads_at_200_percent_zoom(
    browser: Any, base_url: str, territory: Territory, cases: CaseCommands, request: pytest.FixtureRequest
) -> None:
    case_id = report(cases, territory)
    dispatcher = signed_in_page(browser, base_url, territory.tokens["dispatcher"], viewport=ZOOMED)
    auditor = signed_in_page(browser, base_url, territory.tokens["auditor"], viewport=ZOOMED)
    for page, path in [
        *((dispatcher, path) for path in (*PAGES, f"/console/cases/{case_id}")),
        *((auditor, path) for path in AUDITORS_PAGES),
    ]:
        answer = page.goto(f"{base_url}{path}")
        assert answer.status == 200, path
        assert page.evaluate(UNLABELLED) == [], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= ZOOMED["width"], f"{path}: {width} CSS pixels wide at 200% zoom"
    shot(dispatcher, "case_zoomed", request)


def test_a_dispatcher_accepts_a_case_with_the_keyboard_alone(
    browser: Any, base_url: str, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    case_id = report(cases, territory)
    case_no = ledger.read_case(territory.staff["admin"], case_id)[0].case_no
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/console/")
    tab_to(page, lambda: page.evaluate("document.activeElement.id") == "token")
    page.keyboard.type(territory.tokens["dispatcher"])
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="我的工作台").wait_for()
    tab_to(page, lambda: page.evaluate("document.activeElement.innerText").startswith("待受理"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/queues/triage**")
    reload_until(page, lambda: page.get_by_role("link", name=case_no).count() > 0)
    tab_to(page, lambda: page.evaluate("document.activeElement.innerText") == case_no)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/cases/{case_id}")
    page.locator("#action-accept").wait_for()
    tab_to(page, lambda: page.evaluate("document.activeElement.matches('#action-accept button[type=submit]')"))
    page.keyboard.press("Enter")
    page.locator("#action-dispatch").wait_for()
    assert ledger.read_case(territory.staff["admin"], case_id)[0].status == "accepted"


def tab_to(page: Any, focused: Any, most: int = 80) -> None:
    """Press Tab until ``focused()`` holds (as someone without a mouse would), at most ``most`` times."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused():
            return
    raise AssertionError("never reached by Tab")
