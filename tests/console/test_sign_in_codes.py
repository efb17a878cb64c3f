"""One-time sign-in links (``gridledger staff login-link``): made at the command line, used once, expiring, dead
once the account is revoked or its token rotated; signing in with one gives the token's session."""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from application.ledger import GridLedger
from application.sign_in_codes import codes
from interface.cli import main
from tests.console.pages import CSRF
from tests.support.clock import MovableClock
from tests.support.territory import Territory

REFUSED = "登录链接无效、已使用或已过期"


def login_link(ledger: GridLedger, staff_id: str, *args: str) -> str:
    """The link the command prints, run as a person runs it (its last line)."""
    result = CliRunner().invoke(
        main, ["staff", "login-link", staff_id, *args], env={"GRIDLEDGER_DATABASE_URL": ledger.settings.database_url}
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def code_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["code"][0]


def issued(ledger: GridLedger, territory: Territory, who: str, minutes: int = 15) -> str:
    _, code, _ = ledger.staff_accounts.issue_sign_in_code(
        territory.staff["admin"], territory.staff[who].id, minutes=minutes
    )
    return code


def open_link(client: FlaskClient, code: str) -> str:
    """The link's page: the CSRF token of its confirm form (asserting the form is there)."""
    page = client.get(f"/console/sign-in?code={code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "使用此链接登录" in text, text
    return CSRF.search(text).group(1)


def use_link(client: FlaskClient, code: str, csrf: str | None = None) -> tuple[int, str]:
    answer = client.post("/console/sign-in", data={"code": code, "csrf_token": csrf or open_link(client, code)})
    return answer.status_code, answer.get_data(as_text=True)


def test_the_command_prints_a_link_that_signs_in_once(
    app: Flask, ledger: GridLedger, territory: Territory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    link = login_link(ledger, territory.staff["dispatcher"].id, "--base-url", "https://wg.example.gov.cn/")
    assert link.startswith("https://wg.example.gov.cn/console/sign-in?code=")
    code = code_of(link)
    assert len(code) >= 43  # 256 bits, URL-safe
    with ledger.datastore.transaction(commit=False) as session:
        stored = session.execute(select(codes).where(codes.c.staff_id == territory.staff["dispatcher"].id)).all()
    assert len(stored) == 1 and code not in str(stored[0])  # only its SHA-256 is kept

    client = app.test_client()
    status, _ = use_link(client, code)
    assert status == 302
    assert "王敏" in client.get("/console/").get_data(as_text=True)  # the same session as a token gives

    again = app.test_client()
    assert again.get(f"/console/sign-in?code={code}").status_code == 401
    status, page = use_link(again, code, csrf=CSRF.search(again.get("/console/sign-in").get_data(as_text=True))[1])
    assert status == 401 and REFUSED in page
    assert again.get("/console/").status_code == 302
    assert code not in caplog.text


def test_the_default_base_url_is_the_local_server(ledger: GridLedger, territory: Territory) -> None:
    link = login_link(ledger, territory.staff["worker"].id, "--port", "8123", "--minutes", "5")
    assert link.startswith("http://127.0.0.1:8123/console/sign-in?code=")


def test_the_command_refuses_a_revoked_account(ledger: GridLedger, territory: Territory) -> None:
    ledger.staff_accounts.revoke(territory.staff["admin"], territory.staff["chengguan"].id, reason="调离")
    result = CliRunner().invoke(
        main,
        ["staff", "login-link", territory.staff["chengguan"].id],
        env={"GRIDLEDGER_DATABASE_URL": ledger.settings.database_url},
    )
    assert result.exit_code != 0 and "console/sign-in" not in result.output


def test_the_link_expires(app: Flask, ledger: GridLedger, territory: Territory, clock: MovableClock) -> None:
    code = issued(ledger, territory, "worker", minutes=15)
    client = app.test_client()
    csrf = open_link(client, code)
    clock.advance(minutes=15)
    status, page = use_link(client, code, csrf)
    assert status == 401 and REFUSED in page


def test_a_link_made_before_a_revoke_or_a_rotation_stops_working(
    app: Flask, ledger: GridLedger, territory: Territory
) -> None:
    rotated, revoked = issued(ledger, territory, "worker"), issued(ledger, territory, "chengguan")
    ledger.staff_accounts.rotate_token(territory.staff["worker"], territory.staff["worker"].id)
    ledger.staff_accounts.revoke(territory.staff["admin"], territory.staff["chengguan"].id, reason="调离")
    for code in (rotated, revoked):
        client = app.test_client()
        csrf = CSRF.search(client.get("/console/sign-in").get_data(as_text=True))[1]
        status, page = use_link(client, code, csrf)
        assert status == 401 and REFUSED in page
    assert issued(ledger, territory, "worker")  # the rotated account gets a new one


def test_a_bad_code_shows_the_sign_in_page_in_chinese(app: Flask) -> None:
    client = app.test_client()
    for code in ("nope", "x" * 5000, "%00", "\u6211"):
        page = client.get("/console/sign-in", query_string={"code": code})
        assert (
            page.status_code == 401
            and REFUSED in page.get_data(as_text=True)
            and "访问令牌" in page.get_data(as_text=True)
        )
    status, page = use_link(client, "nope", CSRF.search(client.get("/console/sign-in").get_data(as_text=True))[1])
    assert status == 401 and REFUSED in page


def test_two_tabs_with_the_same_link_exactly_one_signs_in(app: Flask, ledger: GridLedger, territory: Territory) -> None:
    code = issued(ledger, territory, "dispatcher")
    tabs = [app.test_client() for _ in range(2)]
    tokens = [open_link(tab, code) for tab in tabs]
    together, outcomes = threading.Barrier(len(tabs)), {}

    def press(index: int) -> None:
        together.wait()
        outcomes[index] = use_link(tabs[index], code, tokens[index])[0]

    threads = [threading.Thread(target=press, args=(index,)) for index in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == [302, 401]
    signed_in = [tab.get("/console/").status_code == 200 for tab in tabs]
    assert signed_in.count(True) == 1


def test_many_at_once_exactly_one_uses_the_code(ledger: GridLedger, territory: Territory) -> None:
    code = issued(ledger, territory, "dispatcher")
    together, winners = threading.Barrier(6), []

    def redeem() -> None:
        together.wait()
        winners.append(ledger.staff_accounts.redeem_sign_in_code(code))

    threads = [threading.Thread(target=redeem) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [winner.id for winner in winners if winner] == [territory.staff["dispatcher"].id]


def test_the_account_history_records_the_link_but_never_the_code(ledger: GridLedger, territory: Territory) -> None:
    code = issued(ledger, territory, "worker", minutes=30)
    account = ledger.load_staff_account(territory.staff["worker"].id)
    entries = ledger.history_of(account)
    assert entries[-1].type == "SignInLinkIssued" and "expires_at" in entries[-1].data
    assert entries[-1].actor["id"] == territory.staff["admin"].id
    assert code not in repr(entries)


def test_minutes_out_of_range_are_refused(ledger: GridLedger, territory: Territory) -> None:
    result = CliRunner().invoke(
        main,
        ["staff", "login-link", territory.staff["worker"].id, "--minutes", "0"],
        env={"GRIDLEDGER_DATABASE_URL": ledger.settings.database_url},
    )
    assert result.exit_code == 2


def test_the_api_and_the_audit_log_show_the_issuing_in_chinese(
    app: Flask, ledger: GridLedger, territory: Territory
) -> None:
    worker_id = territory.staff["worker"].id
    result, code, _ = ledger.staff_accounts.issue_sign_in_code(territory.staff["admin"], worker_id, minutes=15)
    client = app.test_client()
    history = client.get(f"/api/v1/staff/{worker_id}/history", headers=territory.auth("admin"))
    assert history.status_code == 200, history.get_json()
    last = history.get_json()["events"][-1]
    assert last["label"] == "签发一次性登录链接" and last["data"]["expires_at"].startswith("2026-06-01T09:15")
    query = {"aggregate_id": worker_id, "min_position": result.position}
    audit = client.get("/api/v1/audit", query_string=query, headers=territory.auth("auditor"))
    assert audit.status_code == 200, audit.get_json()
    assert "签发一次性登录链接" in audit.get_data(as_text=True) and code not in audit.get_data(as_text=True)
