"""导出台账 from the console's case search: the search's own filters, the API's 台账 (every match, BOM, Chinese
headings), within the person's read scope."""

from __future__ import annotations

import html
import io
import uuid
from urllib.parse import parse_qs

from flask import Flask
from openpyxl import load_workbook

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from tests.console.test_case_page import signed_in
from tests.support.territory import Territory
from tests.support.waiting import wait_until


def test_the_search_page_exports_what_it_found_within_ones_scope(
    app: Flask, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    word = f"台账{uuid.uuid4().hex[:6]}"
    body = {
        "description": "文公北路",
        "channel": "grid_app",
        "track": "general",
        "grid": territory.grid("chayuan-01"),
    }
    lamp = cases.report(territory.staff["worker"], {**body, "title": f"{word}路灯不亮", "category": "municipal"})
    cases.report(territory.staff["worker"], {**body, "title": f"{word}邻里纠纷", "category": "dispute"})
    case_no = ledger.load_case(lamp.id).case_no
    dispatcher = signed_in(app, territory, "dispatcher")
    search = f"/console/cases?q={word}&category=municipal&page=1"
    wait_until(lambda: case_no in dispatcher.get(search).get_data(as_text=True), what="the case list has it")

    page = html.unescape(dispatcher.get(search).get_data(as_text=True))
    link = page.split('href="/console/cases/ledger.csv?', 1)[1].split('"', 1)[0]
    assert "导出台账" in page and parse_qs(link) == {"q": [word], "category": ["municipal"]}  # no page number
    link = "/console/cases/ledger.csv?" + link
    ledger = dispatcher.get(link)
    assert ledger.status_code == 200 and ledger.mimetype == "text/csv"
    text = ledger.get_data().decode("utf-8")
    assert text.startswith("\ufeff案件编号,") and case_no in text
    assert f"{word}路灯不亮" in text and f"{word}邻里纠纷" not in text  # the category filter holds
    workbook = load_workbook(io.BytesIO(dispatcher.get(link.replace(".csv", ".xlsx")).get_data()), read_only=True)
    assert case_no in [row[0] for row in workbook.active.iter_rows(values_only=True)]

    other_town = signed_in(app, territory, "other_dispatcher").get(link)
    assert other_town.status_code == 200 and case_no not in other_town.get_data().decode("utf-8")
    assert dispatcher.get(f"/console/cases/ledger.pdf?q={word}").status_code == 404
    signed_out = app.test_client().get(link)
    assert signed_out.status_code == 302 and "/console/sign-in" in signed_out.headers["Location"]
