from __future__ import annotations

from flask import Flask

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from tests.console.test_case_page import report, signed_in
from tests.support.territory import Territory
from tests.support.waiting import wait_until


def test_case_history_by_number_opens_the_case(
    app: Flask, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    case_id = report(cases, territory)
    case_no = ledger.read_case(territory.staff["admin"], case_id)[0].case_no
    auditor = signed_in(app, territory, "auditor")
    wait_until(
        lambda: auditor.get("/console/history", query_string={"case_no": case_no}).status_code == 302,
        what="the case list holds the case",
    )
    answer = auditor.get("/console/history", query_string={"case_no": case_no})
    assert answer.headers["Location"] == f"/console/cases/{case_id}"
    assert "程晓燕" in auditor.get(answer.headers["Location"]).get_data(as_text=True)
    other = signed_in(app, territory, "other_dispatcher")  # outside their grid: as if it did not exist
    assert other.get("/console/history", query_string={"case_no": case_no}).status_code == 404


def test_audit_log_filters_for_auditors_only(app: Flask, territory: Territory, cases: CaseCommands) -> None:
    case_id = report(cases, territory)
    auditor = signed_in(app, territory, "auditor")
    assert "审计日志" in auditor.get("/console/").get_data(as_text=True)

    def shows_the_report() -> bool:
        page = auditor.get("/console/audit", query_string={"aggregate_id": case_id}).get_data(as_text=True)
        return "上报" in page and "程晓燕" in page

    wait_until(shows_the_report, what="the audit log holds the report")
    assert auditor.get("/console/audit", query_string={"from": "not a date"}).status_code == 422
    dispatcher = signed_in(app, territory, "dispatcher")
    assert "审计日志" not in dispatcher.get("/console/").get_data(as_text=True)
    assert dispatcher.get("/console/audit").status_code == 403
