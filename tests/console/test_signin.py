from __future__ import annotations

from flask.testing import FlaskClient

from application.ledger import GridLedger
from tests.console.pages import csrf_token, sign_in
from tests.support.territory import Territory


def test_root_leads_to_sign_in(client: FlaskClient) -> None:
    answer = client.get("/", follow_redirects=True)
    assert "登录工作台" in answer.get_data(as_text=True)


def test_signed_out_user_is_sent_to_sign_in(client: FlaskClient) -> None:
    answer = client.get("/console/cases")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/console/sign-in?next=/console/cases")


def test_token_signs_in_with_a_strict_http_only_cookie(client: FlaskClient, territory: Territory) -> None:
    answer = client.post(
        "/console/sign-in", data={"token": territory.tokens["dispatcher"], "csrf_token": csrf_token(client)}
    )
    assert answer.status_code == 302
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # plain HTTP here
    page = client.get("/console/").get_data(as_text=True)
    assert "王敏" in page and "待受理" in page


def test_cookie_is_secure_over_https(client: FlaskClient, territory: Territory) -> None:
    token = csrf_token(client)
    answer = client.post(
        "/console/sign-in",
        data={"token": territory.tokens["dispatcher"], "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/console/sign-in"},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert "Secure" in answer.headers["Set-Cookie"]


def test_wrong_token_is_refused_in_chinese(client: FlaskClient, territory: Territory) -> None:
    answer = client.post("/console/sign-in", data={"token": "glt_nope", "csrf_token": csrf_token(client)})
    assert answer.status_code == 401
    assert "令牌无效" in answer.get_data(as_text=True)


def test_sign_in_without_csrf_token_is_refused(client: FlaskClient, territory: Territory) -> None:
    client.get("/console/sign-in")
    answer = client.post("/console/sign-in", data={"token": territory.tokens["dispatcher"]})
    assert answer.status_code == 400
    assert client.get("/console/").status_code == 302


def test_sign_out_ends_the_session(client: FlaskClient, territory: Territory) -> None:
    sign_in(client, territory.tokens["dispatcher"])
    answer = client.post("/console/sign-out", data={"csrf_token": csrf_token(client, "/console/")})
    assert answer.status_code == 302
    assert client.get("/console/").status_code == 302


def test_revoked_account_session_stops_at_once(client: FlaskClient, territory: Territory, ledger: GridLedger) -> None:
    sign_in(client, territory.tokens["chengguan"])
    assert client.get("/console/").status_code == 200
    ledger.staff_accounts.revoke(territory.staff["admin"], territory.staff["chengguan"].id, reason="调离")
    assert client.get("/console/").status_code == 302


def test_next_never_leaves_the_site(client: FlaskClient, territory: Territory) -> None:
    answer = client.post(
        "/console/sign-in",
        data={"token": territory.tokens["dispatcher"], "csrf_token": csrf_token(client), "next": "//evil.example/"},
    )
    assert answer.headers["Location"] == "/console/"


def test_an_installation_makes_its_key_once_and_keeps_it(ledger: GridLedger, tmp_path, monkeypatch) -> None:
    from interface.app import create_app

    monkeypatch.delenv("GRIDLEDGER_SECRET_KEY", raising=False)
    monkeypatch.setenv("GRIDLEDGER_SECRET_KEY_FILE", str(tmp_path / "keys" / "console-secret-key"))
    first = create_app({"GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
    second = create_app({"GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
    key_file = tmp_path / "keys" / "console-secret-key"
    assert len(first.secret_key) == 64 and first.secret_key == second.secret_key == key_file.read_text()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in key_file.parent.iterdir()] == ["console-secret-key"]
